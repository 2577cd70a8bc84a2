//! Adam with global gradient-norm clipping, exactly as `torch.nn.utils.clip_grad_norm_` followed
//! by `torch.optim.Adam.step()` computes it.
//!
//! Why not `burn::optim::Adam`? Two reasons. Burn clips each parameter's gradient by its own
//! norm, not the global norm DQN recipes mean; and its state is keyed by random parameter ids,
//! which makes checkpoints tied to one process. Here the state is two `Vec<f32>` per parameter
//! in visit order, the update is one fused pass over host memory (the CPU backend's tensors
//! live there anyway), and a checkpoint is just those vectors.

use burn::module::Module;
use burn::tensor::{Device, Gradients};

use super::config::AdamConfig;
use super::params::{take_grads, update_params};

/// Optimizer state: first and second moments per parameter, and the step count.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    pub cfg: AdamConfig,
    pub max_grad_norm: Option<f32>,
    /// Number of updates applied so far (PyTorch's `state['step']`).
    pub step: u64,
    pub m: Vec<Vec<f32>>,
    pub v: Vec<Vec<f32>>,
}

impl Adam {
    pub fn new(cfg: AdamConfig, max_grad_norm: Option<f32>) -> Self {
        Self {
            cfg,
            max_grad_norm,
            step: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// One update of `module` (whose parameters live on `device`) from `grads` (whose entries
    /// for the module are taken out). Pass the module by value, not a clone, so that its
    /// tensors have one owner and the CPU backend updates them without copies.
    /// Returns the updated module and the global gradient norm *before* clipping.
    pub fn step<M: Module>(
        &mut self,
        module: M,
        grads: &mut Gradients,
        device: &Device,
    ) -> (M, f32) {
        let g = take_grads(&module, grads);
        if self.m.is_empty() {
            self.m = g.iter().map(|x| vec![0.0; x.len()]).collect();
            self.v = self.m.clone();
        }
        assert_eq!(
            self.m.len(),
            g.len(),
            "Adam state does not match the module"
        );

        // Global norm over all parameters (PyTorch: the norm of the per-tensor norms).
        let norm = g.iter().map(|x| sum_squares(x)).sum::<f64>().sqrt() as f32;
        // Clipping scales every gradient by `clip` (< 1 only when the norm is over the limit);
        // applied inside the update below rather than in a pass of its own (x * 1.0 == x).
        let clip = match self.max_grad_norm {
            Some(max) if max / (norm + 1e-6) < 1.0 => max / (norm + 1e-6),
            _ => 1.0,
        };

        self.step += 1;
        let AdamConfig {
            lr,
            beta1,
            beta2,
            eps,
        } = self.cfg;
        let t = self.step as i32;
        let bias1 = 1.0 - beta1.powi(t);
        let bias2_sqrt = (1.0 - beta2.powi(t)).sqrt();
        let step_size = (lr / bias1) as f32;
        let (b1, b2) = (beta1 as f32, beta2 as f32);
        let (inv_bias2_sqrt, eps) = ((1.0 / bias2_sqrt) as f32, eps as f32);
        let update = |p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]| {
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                let g = flush(g * clip, TINY_GRAD);
                *m = flush(b1 * *m + (1.0 - b1) * g, TINY_MOMENT);
                *v = flush(b2 * *v + (1.0 - b2) * g * g, TINY_MOMENT);
                *p -= step_size * *m / (v.sqrt() * inv_bias2_sqrt + eps);
            }
        };
        let (ms, vs) = (&mut self.m, &mut self.v);
        let module = update_params(module, device, |i, p| {
            let (g, m, v) = (&g[i][..], &mut ms[i][..], &mut vs[i][..]);
            if p.len() < 1 << 16 {
                update(p, g, m, v);
                return;
            }
            // Two halves on two threads: the fully connected weights alone are 1.6M floats.
            let half = p.len() / 2;
            let (p0, p1) = p.split_at_mut(half);
            let (g0, g1) = g.split_at(half);
            let (m0, m1) = m.split_at_mut(half);
            let (v0, v1) = v.split_at_mut(half);
            std::thread::scope(|scope| {
                scope.spawn(|| update(p1, g1, m1, v1));
                update(p0, g0, m0, v0);
            });
        });
        (module, norm)
    }
}

/// Gradients smaller than this count as zero: their squares would be subnormal.
const TINY_GRAD: f32 = 1e-18;
/// Moments smaller than this are zero, so that decaying ones never become subnormal.
const TINY_MOMENT: f32 = 1e-30;

/// `x`, or zero when `|x| < tiny`.
///
/// Why: arithmetic on subnormal floats (below ~1.2e-38) takes a microcode assist on x86,
/// ~50x slower per element. Weights whose gradients are near zero (~1e-20) make `g * g` and
/// the decaying moments subnormal; measured in a Pong run (Nature CNN, 1.7M parameters), this
/// pass took ~40% of each update. PyTorch's `set_flush_denormal(True)` is the usual cure;
/// flushing here instead keeps the result the same on every platform. It changes nothing a
/// run can see: the step of such a weight is `lr * m / (sqrt(v) + eps)` with `sqrt(v) <
/// 1e-18`, so below `lr * 1e-10` for any `eps >= 1e-8`.
#[inline(always)]
fn flush(x: f32, tiny: f32) -> f32 {
    if x.abs() < tiny {
        0.0
    } else {
        x
    }
}

/// Sum of squares in 16 f32 lanes (so that it vectorizes), each 4096-element block added
/// into an f64 total.
fn sum_squares(x: &[f32]) -> f64 {
    x.chunks(4096)
        .map(|block| {
            let mut lanes = [0f32; 16];
            let mut it = block.chunks_exact(16);
            for c in &mut it {
                for (l, v) in lanes.iter_mut().zip(c) {
                    *l += v * v;
                }
            }
            let tail: f32 = it.remainder().iter().map(|v| v * v).sum();
            lanes.iter().map(|&l| l as f64).sum::<f64>() + tail as f64
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dqn::config::AdamConfig;
    use crate::dqn::model::{frames_to_input, NetConfig, QNetwork};

    /// Gradients of ~1e-20 (seen on weights that barely matter) would leave subnormal
    /// second moments behind, which make every later update of those weights ~50x slower.
    /// The state must hold only zeros and normal numbers, and the weights must not move.
    #[test]
    fn tiny_gradients_leave_no_subnormal_state() {
        let device = Device::flex().autodiff();
        let net = NetConfig::catch();
        let mut q = QNetwork::new(&net, 3, &device, 1);
        let before = crate::dqn::params::read_params(&q);
        let cfg = AdamConfig {
            lr: 1e-4,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        };
        let mut adam = Adam::new(cfg, None);
        let frames = vec![200u8; net.obs_len() * 2];
        for _ in 0..3 {
            let loss = q
                .forward(frames_to_input(&frames, 2, &net, &device))
                .sum()
                .mul_scalar(1e-21);
            let mut grads = loss.backward();
            (q, _) = adam.step(q, &mut grads, &device);
        }
        for x in adam.m.iter().chain(&adam.v).flatten() {
            assert!(*x == 0.0 || x.is_normal(), "subnormal state {x:e}");
        }
        assert_eq!(crate::dqn::params::read_params(&q), before);
    }
}
