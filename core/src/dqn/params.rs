//! Flat host-side views of a module's float parameters and their gradients.
//!
//! The optimizer and the checkpoint both want "the parameters, in a fixed order, as `f32`
//! slices". Burn visits a module's parameters in declaration order, which is stable for a given
//! architecture, so a `Vec` indexed by visit order is all the bookkeeping needed.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Gradients, Tensor, TensorData};

/// One parameter tensor's shape and values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamData {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// A float tensor's values on the host.
pub fn host_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data()
        .try_into_vec::<f32>()
        .expect("parameters are f32 on every backend this crate enables")
}

/// A parameter tensor on `device` from host values: gradients required on an autodiff device.
pub fn param_tensor<const D: usize>(
    values: Vec<f32>,
    shape: Vec<usize>,
    device: &Device,
) -> Tensor<D> {
    let t = Tensor::from_data(TensorData::new(values, shape), device);
    if device.is_autodiff() {
        t.require_grad()
    } else {
        t
    }
}

/// All float parameters of `module`, in visit order.
pub fn read_params<M: Module>(module: &M) -> Vec<ParamData> {
    struct V(Vec<ParamData>);
    impl ModuleVisitor for V {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let t = param.val();
            let shape = t.dims().to_vec();
            self.0.push(ParamData {
                shape,
                values: host_vec(t),
            });
        }
    }
    let mut v = V(Vec::new());
    module.visit(&mut v);
    v.0
}

/// Takes the gradient of every float parameter of `module` out of `grads` (zeros where a
/// parameter got none), in visit order. Taking (not cloning) leaves the backend's buffer with one
/// owner, so on the CPU backend it becomes the `Vec` without a copy.
pub fn take_grads<M: Module>(module: &M, grads: &mut Gradients) -> Vec<Vec<f32>> {
    struct V<'a>(&'a mut Gradients, Vec<Vec<f32>>);
    impl ModuleVisitor for V<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let t = param.val();
            let g = match t.grad_remove(self.0) {
                Some(g) => host_vec(g),
                None => vec![0.0; t.shape().num_elements()],
            };
            self.1.push(g);
        }
    }
    let mut v = V(grads, Vec::new());
    module.visit(&mut v);
    v.1
}

/// Rewrites every float parameter of `module` in place on the host: `f(i, values)` for the
/// `i`-th parameter (visit order), then the values go back to `device` under the same id (with
/// gradients required on an autodiff device). Each tensor is moved out of the module, so when
/// the module is its only owner the CPU backend hands over its buffer and takes the `Vec` back
/// without copying either way.
pub fn update_params<M: Module>(module: M, device: &Device, f: impl FnMut(usize, &mut [f32])) -> M {
    struct U<'a, F> {
        f: F,
        next: usize,
        device: &'a Device,
    }
    impl<F: FnMut(usize, &mut [f32])> ModuleMapper for U<'_, F> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let (id, old, mapper) = param.consume();
            let shape = old.dims();
            let mut values = host_vec(old);
            (self.f)(self.next, &mut values);
            self.next += 1;
            let t = param_tensor(values, shape.to_vec(), self.device);
            Param::from_mapped_value(id, t, mapper)
        }
    }
    module.map(&mut U { f, next: 0, device })
}

/// Replaces every float parameter of `module` by `values[i]` (visit order, consumed), on `device`;
/// parameters keep their ids. On an autodiff device the new tensors require gradients.
///
/// # Panics
/// If the count or a shape does not match (callers check shapes first; see `checkpoint`).
pub fn write_params<M: Module>(module: M, values: Vec<ParamData>, device: &Device) -> M {
    struct W<'a> {
        values: Vec<ParamData>,
        next: usize,
        device: &'a Device,
    }
    impl ModuleMapper for W<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let (id, old, mapper) = param.consume();
            let p = std::mem::take(&mut self.values[self.next]);
            self.next += 1;
            assert_eq!(
                old.dims().as_slice(),
                p.shape.as_slice(),
                "write_params: shape"
            );
            let t = param_tensor(p.values, p.shape, self.device);
            Param::from_mapped_value(id, t, mapper)
        }
    }
    let count = values.len();
    let mut w = W {
        values,
        next: 0,
        device,
    };
    let module = module.map(&mut w);
    assert_eq!(w.next, count, "write_params: parameter count");
    module
}
