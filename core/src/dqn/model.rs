//! The Q-network: a stack of ReLU convolutions and fully connected layers mapping a stack of
//! grayscale frames to one Q-value per action.
//!
//! The Nature CNN (Mnih et al. 2015) is `NetConfig::nature()`: 32 8x8/4, 64 4x4/2, 64 3x3/1,
//! 512 hidden, linear head. Input pixels are `u8` and scaled by 1/255 on the way in.
//!
//! # How the convolutions are computed
//!
//! Every convolution is "cut patches, then one matrix product over the whole batch", with
//! activations kept channels-last (`[batch * h * w, channels]`), so that the expensive part of
//! both the forward and the backward pass is a few large GEMMs. On Burn's `flex` CPU backend
//! this is 2-4x faster than `conv2d`, which loops over the images of a batch and computes
//! the weight gradient as a dilated convolution. The function is exactly the usual
//! convolution; only the weight layout differs (see [`QNetwork::torch_layout`]).
//!
//! - The first layer's patches are cut from the `u8` frames on the host
//!   ([`frames_to_input`]): its input needs no gradient.
//! - A later layer gathers its patches with one row `select` on the `[pixels, channels]`
//!   activation matrix (each pixel's channel vector is a contiguous row), whose gradient is a
//!   single scatter-add.
//! - The flatten before the first fully connected layer is in `(h, w, c)` order.

use std::mem::MaybeUninit;

use burn::module::{Module, Param};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::params::{host_vec, param_tensor, ParamData};
use super::rng::Rng;
use crate::frame_stack::MAX_FRAME_STACK;

/// One convolution layer: `channels` output maps, square `kernel`, `stride`, no padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvSpec {
    pub channels: usize,
    pub kernel: usize,
    pub stride: usize,
}

/// The network's shape: input planes and size, conv layers, hidden fully connected widths.
/// The output layer (one unit per action) is added from `n_actions` at construction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetConfig {
    /// Frames stacked as input planes.
    pub frame_stack: usize,
    pub height: usize,
    pub width: usize,
    pub convs: Vec<ConvSpec>,
    pub hidden: Vec<usize>,
    /// Feed pixels as 0-255 instead of scaled to [0, 1] (Tianshou's `atari_dqn` feeds them
    /// unscaled). With PyTorch's default init, scaled pixels leave every activation ~100x
    /// smaller, and Adam's fixed-size steps then move the Q-values far more slowly.
    #[serde(default)]
    pub raw_pixels: bool,
    /// Layer normalisation before every hidden ReLU (each conv layer's whole `(h, w, c)`
    /// output and each hidden fully connected layer, per sample, with a learned gain and
    /// bias per unit), as PQN (Gallici et al. 2024) uses it to keep TD learning stable
    /// without a target network. Off in every preset: the candidate ran as recipe r7 and did
    /// not beat r5 (`docs/pong-recipes`).
    #[serde(default)]
    pub layer_norm: bool,
}

/// The largest network [`NetConfig::validate`] accepts (the Nature CNN has 1.7M).
const MAX_PARAMS: u64 = 64 << 20;

/// Names accepted by [`NetConfig::preset`].
pub const NET_PRESETS: [&str; 4] = ["nature", "dqn2013", "seed", "catch"];

impl NetConfig {
    /// Mnih et al. 2015's network on 4 stacked 84x84 frames.
    pub fn nature() -> Self {
        Self {
            frame_stack: 4,
            height: 84,
            width: 84,
            convs: vec![
                ConvSpec {
                    channels: 32,
                    kernel: 8,
                    stride: 4,
                },
                ConvSpec {
                    channels: 64,
                    kernel: 4,
                    stride: 2,
                },
                ConvSpec {
                    channels: 64,
                    kernel: 3,
                    stride: 1,
                },
            ],
            hidden: vec![512],
            raw_pixels: false,
            layer_norm: false,
        }
    }

    /// Mnih et al. 2013 ("Playing Atari with Deep Reinforcement Learning"): 16 8x8/4, 32
    /// 4x4/2, 256 hidden on 4 stacked 84x84 frames. 2.97M multiply-adds per observation
    /// against the Nature CNN's 9.35M; the 2013 paper reports Pong at ~+20 with it.
    pub fn dqn2013() -> Self {
        Self {
            frame_stack: 4,
            height: 84,
            width: 84,
            convs: vec![
                ConvSpec {
                    channels: 16,
                    kernel: 8,
                    stride: 4,
                },
                ConvSpec {
                    channels: 32,
                    kernel: 4,
                    stride: 2,
                },
            ],
            hidden: vec![256],
            raw_pixels: false,
            layer_norm: false,
        }
    }

    /// The seed notebook's `CnnDQN`: the same layers as the Nature CNN (conv 32/8/4, 64/4/2,
    /// 64/3/1, fc 512) on 4x84x84 `wrap_deepmind` frames.
    pub fn seed() -> Self {
        Self::nature()
    }

    /// A small net for the catch learning test: same code path, 100x fewer FLOPs. Its input
    /// is catch's 20x10 frame (`catch::HEIGHT` x `catch::WIDTH`, checked there): the sizes
    /// are written out so that the model does not depend on a test game.
    pub fn catch() -> Self {
        Self {
            frame_stack: 2,
            height: 20,
            width: 10,
            convs: vec![ConvSpec {
                channels: 16,
                kernel: 3,
                stride: 1,
            }],
            hidden: vec![64],
            raw_pixels: false,
            layer_norm: false,
        }
    }

    /// A named preset.
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "nature" => Some(Self::nature()),
            "dqn2013" => Some(Self::dqn2013()),
            "seed" => Some(Self::seed()),
            "catch" => Some(Self::catch()),
            _ => None,
        }
    }

    /// Checks that the layers fit together and the sizes stay small enough for a browser:
    /// one line naming the field and the accepted range.
    pub fn validate(&self) -> Result<(), String> {
        let bad = |field: &str, accepted: &str| Err(format!("net.{field}: must be {accepted}"));
        if !(1..=MAX_FRAME_STACK).contains(&self.frame_stack) {
            return bad("frame_stack", &format!("between 1 and {MAX_FRAME_STACK}"));
        }
        if !(1..=512).contains(&self.height) || !(1..=512).contains(&self.width) {
            return bad("height/width", "between 1 and 512");
        }
        if self.convs.is_empty() || self.convs.len() > 8 {
            return bad("convs", "1 to 8 layers");
        }
        let (mut h, mut w) = (self.height, self.width);
        for c in &self.convs {
            if !(1..=1024).contains(&c.channels) || c.kernel == 0 || !(1..=16).contains(&c.stride) {
                return bad("convs", "channels 1-1024, kernel >= 1, stride 1-16");
            }
            if c.kernel > h || c.kernel > w {
                return bad("convs", "kernels that fit their input");
            }
            h = (h - c.kernel) / c.stride + 1;
            w = (w - c.kernel) / c.stride + 1;
        }
        if self.hidden.len() > 4 || self.hidden.iter().any(|&n| !(1..=8192).contains(&n)) {
            return bad("hidden", "up to 4 layers of 1-8192 units");
        }
        // Counted in u64 with up to 18 outputs: each size above is capped, but their
        // products can still pass a 32-bit usize (the page's wasm) or a browser's memory.
        let mut total = 0u64;
        let mut c = self.frame_stack as u64;
        for conv in &self.convs {
            let k = conv.kernel as u64;
            total += (k * k * c + 1) * conv.channels as u64;
            c = conv.channels as u64;
        }
        let mut width = c * (h * w) as u64;
        for &n in self.hidden.iter().chain([&18]) {
            total = total.saturating_add((width + 1).saturating_mul(n as u64));
            width = n as u64;
        }
        if total > MAX_PARAMS {
            return bad("convs/hidden", "a network of at most 64M parameters");
        }
        Ok(())
    }

    /// Pixels in one input frame.
    pub fn frame_len(&self) -> usize {
        self.height * self.width
    }

    /// Bytes of one stacked observation.
    pub fn obs_len(&self) -> usize {
        self.frame_stack * self.frame_len()
    }

    /// Output height and width of conv layer `i`.
    pub fn conv_hw(&self, i: usize) -> (usize, usize) {
        let (mut h, mut w) = (self.height, self.width);
        for conv in &self.convs[..=i] {
            h = (h - conv.kernel) / conv.stride + 1;
            w = (w - conv.kernel) / conv.stride + 1;
        }
        (h, w)
    }

    /// Spatial size and channel count after the conv stack (the flatten width is their product).
    pub fn conv_output(&self) -> (usize, usize, usize) {
        let (mut c, mut h, mut w) = (self.frame_stack, self.height, self.width);
        for conv in &self.convs {
            assert!(
                h >= conv.kernel && w >= conv.kernel,
                "conv {conv:?} does not fit a {h}x{w} input"
            );
            h = (h - conv.kernel) / conv.stride + 1;
            w = (w - conv.kernel) / conv.stride + 1;
            c = conv.channels;
        }
        (c, h, w)
    }

    /// A one-line description of the architecture, stored in checkpoints so that loading
    /// weights into a different network fails with a clear message.
    pub fn describe(&self, n_actions: usize) -> String {
        let mut s = format!("in{}x{}x{}", self.frame_stack, self.height, self.width);
        for c in &self.convs {
            s += &format!(" conv{}k{}s{}", c.channels, c.kernel, c.stride);
        }
        for h in &self.hidden {
            s += &format!(" fc{h}");
        }
        s += &format!(" fc{n_actions}");
        if self.raw_pixels {
            s += " raw";
        }
        if self.layer_norm {
            s += " ln";
        }
        s
    }
}

/// The Q-network: conv layers as `[k * k * in, out]` matrices, then fully connected layers.
/// Built on a device; the device decides the backend and whether autodiff is on.
#[derive(Module, Debug)]
pub struct QNetwork {
    conv_w: Vec<Param<Tensor<2>>>,
    conv_b: Vec<Param<Tensor<1>>>,
    /// `[out, in]`, PyTorch's `nn.Linear` layout, applied by [`fc_product`].
    fc_w: Vec<Param<Tensor<2>>>,
    fc_b: Vec<Param<Tensor<1>>>,
    /// Layer-norm gains and biases, one per hidden layer (convs, then hidden fully connected
    /// layers; conv units in `(h, w, c)` order), empty without [`NetConfig::layer_norm`].
    /// Declared last so that a network without them keeps the parameter order (and the
    /// checkpoints and weights files) it always had.
    norm_g: Vec<Param<Tensor<1>>>,
    norm_b: Vec<Param<Tensor<1>>>,
    /// Per conv layer: kernel, stride, input height, input width, input channels.
    geometry: Vec<usize>,
}

/// Layer normalisation of each row of `x` `[batch, units]`: zero mean, unit variance (biased,
/// epsilon 1e-5 as PyTorch's `nn.LayerNorm`), then times `gain` plus `bias` per unit.
fn layer_norm(x: Tensor<2>, gain: Tensor<1>, bias: Tensor<1>) -> Tensor<2> {
    let centred = x.clone() - x.mean_dim(1);
    let var = (centred.clone() * centred.clone()).mean_dim(1);
    centred / (var + 1e-5).sqrt() * gain.unsqueeze() + bias.unsqueeze()
}

/// Units of each hidden layer (conv outputs as `h * w * c`, then hidden fully connected
/// widths): the sizes of the layer norms' gains and biases.
pub fn norm_units(cfg: &NetConfig) -> Vec<usize> {
    let convs = cfg.convs.iter().enumerate().map(|(i, conv)| {
        let (h, w) = cfg.conv_hw(i);
        h * w * conv.channels
    });
    convs.chain(cfg.hidden.iter().copied()).collect()
}

/// Uniform(+-1/sqrt(fan_in)) values: PyTorch's default init for conv and linear layers.
fn uniform(rng: &mut Rng, n: usize, fan_in: usize) -> Vec<f32> {
    let bound = 1.0 / (fan_in as f64).sqrt();
    (0..n)
        .map(|_| ((rng.unit_f64() * 2.0 - 1.0) * bound) as f32)
        .collect()
}

fn param<const D: usize>(values: Vec<f32>, shape: [usize; D], device: &Device) -> Param<Tensor<D>> {
    Param::from_tensor(param_tensor(values, shape.to_vec(), device))
}

impl QNetwork {
    /// A freshly initialised network with PyTorch's default init (weights and biases uniform in
    /// `+-1/sqrt(fan_in)`), drawn from our own [`Rng`] seeded with `seed`: the weights depend
    /// on the seed only, not on the backend's global RNG (which other threads may share) or
    /// the device.
    pub fn new(cfg: &NetConfig, n_actions: usize, device: &Device, seed: u64) -> Self {
        assert!(!cfg.convs.is_empty(), "the network needs a conv layer");
        let mut rng = Rng::new(seed);
        let (mut conv_w, mut conv_b, mut geometry) = (Vec::new(), Vec::new(), Vec::new());
        let (mut c, mut h, mut w) = (cfg.frame_stack, cfg.height, cfg.width);
        for conv in &cfg.convs {
            let fan_in = conv.kernel * conv.kernel * c;
            let weights = uniform(&mut rng, fan_in * conv.channels, fan_in);
            conv_w.push(param(weights, [fan_in, conv.channels], device));
            let bias = uniform(&mut rng, conv.channels, fan_in);
            conv_b.push(param(bias, [conv.channels], device));
            geometry.extend([conv.kernel, conv.stride, h, w, c]);
            h = (h - conv.kernel) / conv.stride + 1;
            w = (w - conv.kernel) / conv.stride + 1;
            c = conv.channels;
        }
        let (mut norm_g, mut norm_b) = (Vec::new(), Vec::new());
        if cfg.layer_norm {
            for units in norm_units(cfg) {
                norm_g.push(param(vec![1.0; units], [units], device));
                norm_b.push(param(vec![0.0; units], [units], device));
            }
        }
        let (mut fc_w, mut fc_b) = (Vec::new(), Vec::new());
        let mut width = c * h * w;
        for &out in cfg.hidden.iter().chain([&n_actions]) {
            fc_w.push(param(
                uniform(&mut rng, width * out, width),
                [out, width],
                device,
            ));
            fc_b.push(param(uniform(&mut rng, out, width), [out], device));
            width = out;
        }
        Self {
            conv_w,
            conv_b,
            fc_w,
            fc_b,
            norm_g,
            norm_b,
            geometry,
        }
    }

    /// Moves the network out, leaving an empty one (no layers) in its place: lets an optimizer
    /// own the parameter tensors while it rewrites them (see `Adam::step`). The empty network
    /// must not be evaluated; put the updated one back.
    pub fn take(&mut self) -> Self {
        std::mem::replace(
            self,
            Self {
                conv_w: Vec::new(),
                conv_b: Vec::new(),
                fc_w: Vec::new(),
                fc_b: Vec::new(),
                norm_g: Vec::new(),
                norm_b: Vec::new(),
                geometry: Vec::new(),
            },
        )
    }

    fn layer(&self, i: usize) -> [usize; 5] {
        self.geometry[5 * i..5 * i + 5].try_into().unwrap()
    }

    /// Hidden layer `i`'s pre-activation `x` `[batch, units]`, layer-normalised when the
    /// network has layer norms, then through the ReLU.
    fn activate(&self, i: usize, x: Tensor<2>) -> Tensor<2> {
        match (self.norm_g.get(i), self.norm_b.get(i)) {
            (Some(g), Some(b)) => relu(layer_norm(x, g.val(), b.val())),
            _ => relu(x),
        }
    }

    /// A conv layer's pre-activation `[batch * h * w, c]` through [`Self::activate`]: the
    /// layer norm sees each sample's whole `(h, w, c)` output as one row.
    fn activate_conv(&self, i: usize, x: Tensor<2>, batch: usize) -> Tensor<2> {
        if self.norm_g.is_empty() {
            return relu(x);
        }
        let [rows, c] = x.dims();
        let y = self.activate(i, x.reshape([batch, rows / batch * c]));
        y.reshape([rows, c])
    }

    /// Q-values `[batch, n_actions]` from the first layer's patches (see [`frames_to_input`]).
    pub fn forward(&self, patches: Tensor<2>) -> Tensor<2> {
        self.forward_with_features(patches).1
    }

    /// The last hidden layer's activations `[batch, hidden]` (after its ReLU: what the output
    /// layer reads) and the Q-values, from one pass.
    pub fn forward_with_features(&self, patches: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let [k, s, h, w, _] = self.layer(0);
        let (mut h, mut w) = ((h - k) / s + 1, (w - k) / s + 1);
        let batch = patches.dims()[0] / (h * w);
        let x = patches.matmul(self.conv_w[0].val()) + self.conv_b[0].val().unsqueeze();
        let mut x = self.activate_conv(0, x, batch);
        for i in 1..self.conv_w.len() {
            let [k, s, _, _, c] = self.layer(i);
            let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1);
            let rows = patch_rows(batch, h, w, k, s);
            let n = rows.len();
            let rows = Tensor::<1, Int>::from_data(TensorData::new(rows, [n]), &x.device());
            let patches: Tensor<2> = x.select(0, rows).reshape([batch * oh * ow, k * k * c]);
            let pre = patches.matmul(self.conv_w[i].val()) + self.conv_b[i].val().unsqueeze();
            x = self.activate_conv(i, pre, batch);
            (h, w) = (oh, ow);
        }
        let c = self.conv_w.last().unwrap().dims()[1];
        let mut x: Tensor<2> = x.reshape([batch, h * w * c]);
        let last = self.fc_w.len() - 1;
        let convs = self.conv_w.len();
        for (j, (fw, fb)) in self.fc_w[..last].iter().zip(&self.fc_b).enumerate() {
            x = self.activate(convs + j, fc_product(x, fw.val()) + fb.val().unsqueeze());
        }
        let q = fc_product(x.clone(), self.fc_w[last].val()) + self.fc_b[last].val().unsqueeze();
        (x, q)
    }

    /// The parameters in PyTorch's layouts and order (`conv.weight [out, in, k, k]`,
    /// `conv.bias`, ..., `linear.weight [out, in]` with the flatten in `(c, h, w)` order,
    /// `linear.bias`): the same network as `nn.Sequential(Conv2d, ReLU, ..., Linear)`.
    pub fn torch_layout(&self) -> Vec<ParamData> {
        let mut out = Vec::new();
        let n = self.conv_w.len();
        let (mut h, mut w, mut c_out) = (0, 0, 0);
        for i in 0..n {
            let [k, s, ih, iw, c] = self.layer(i);
            let wm = host_vec(self.conv_w[i].val());
            let o = self.conv_w[i].dims()[1];
            let mut t = vec![0f32; o * c * k * k];
            for oc in 0..o {
                for ic in 0..c {
                    for kh in 0..k {
                        for kw in 0..k {
                            let row = patch_row(i == 0, k, c, ic, kh, kw);
                            t[((oc * c + ic) * k + kh) * k + kw] = wm[row * o + oc];
                        }
                    }
                }
            }
            out.push(ParamData {
                shape: vec![o, c, k, k],
                values: t,
            });
            out.push(ParamData {
                shape: vec![o],
                values: host_vec(self.conv_b[i].val()),
            });
            (h, w, c_out) = ((ih - k) / s + 1, (iw - k) / s + 1, o);
        }
        for (i, (fw, fb)) in self.fc_w.iter().zip(&self.fc_b).enumerate() {
            let [fout, fin] = fw.dims();
            let wm = host_vec(fw.val());
            let mut t = wm.clone();
            if i == 0 {
                // Our flatten is (h, w, c); PyTorch's is (c, h, w).
                for o in 0..fout {
                    for j in 0..fin {
                        let (c, hw) = (j / (h * w), j % (h * w));
                        t[o * fin + j] = wm[o * fin + hw * c_out + c];
                    }
                }
            }
            out.push(ParamData {
                shape: vec![fout, fin],
                values: t,
            });
            out.push(ParamData {
                shape: vec![fout],
                values: host_vec(fb.val()),
            });
        }
        // Layer norms (PyTorch's `nn.LayerNorm([c, h, w])` weight, then bias, per layer):
        // conv units go from our (h, w, c) order to (c, h, w).
        let mut norms = Vec::new();
        for (i, (g, b)) in self.norm_g.iter().zip(&self.norm_b).enumerate() {
            let shape = match i < n {
                true => {
                    let [k, s, ih, iw, _] = self.layer(i);
                    let o = self.conv_w[i].dims()[1];
                    vec![o, (ih - k) / s + 1, (iw - k) / s + 1]
                }
                false => vec![g.dims()[0]],
            };
            for t in [g, b] {
                let v = host_vec(t.val());
                let values = match shape[..] {
                    [c, h, w] => (0..c * h * w)
                        .map(|j| v[(j % (h * w)) * c + j / (h * w)])
                        .collect(),
                    _ => v,
                };
                norms.push(ParamData {
                    shape: shape.clone(),
                    values,
                });
            }
        }
        out.extend(norms);
        out
    }
}

/// `x @ W^T` for a fully connected layer with `W` stored `[out, in]`, computed as `(W @ x^T)^T`.
/// Under autodiff the weight gradient then comes out of the backward pass as the contiguous
/// `[out, in]` product `g^T @ x`; written as `x @ W^T`, autodiff produces `x^T @ g` (`[in, out]`)
/// and hands back its transposed view, which the CPU backend then copies element by element
/// (1.6M floats for the Nature CNN's first fully connected layer: ~7% of a train step's CPU
/// time). The forward is faster this way too on flex (batch 32: 1.0 vs 1.6 ms for the first
/// layer, `examples/dqn_gemms.rs`; batch 1: the same).
fn fc_product(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
    w.matmul(x.transpose()).transpose()
}

/// Row of conv layer `i`'s weight matrix that multiplies input channel `c` at kernel offset
/// `(kh, kw)`: `(c, kh, kw)` order for the host-cut first layer (PyTorch's), `(kh, kw, c)`
/// for later layers (the order [`patch_rows`] gathers).
fn patch_row(first: bool, k: usize, channels: usize, c: usize, kh: usize, kw: usize) -> usize {
    if first {
        (c * k + kh) * k + kw
    } else {
        (kh * k + kw) * channels + c
    }
}

/// For a `k x k`, stride-`s` conv over `b` images of `h x w` pixels stored as rows of a
/// `[b * h * w, c]` matrix: the input row of every `(image, oh, ow, kh, kw)`. Gathering these
/// rows and viewing the result as `[b * oh * ow, k * k * c]` gives the patch matrix; the
/// gradient of the gather is one scatter-add.
fn patch_rows(b: usize, h: usize, w: usize, k: usize, s: usize) -> Vec<i64> {
    let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1);
    let mut rows = Vec::with_capacity(b * oh * ow * k * k);
    for img in 0..b {
        for y in 0..oh {
            for x in 0..ow {
                for kh in 0..k {
                    for kw in 0..k {
                        rows.push((((img * h) + y * s + kh) * w + x * s + kw) as i64);
                    }
                }
            }
        }
    }
    rows
}

/// Turns `batch` stacked `u8` observations (laid out `[batch, stack, h, w]`) into the network's
/// input: the first conv layer's patches, `[batch * out_h * out_w, stack * k * k]`, scaled to
/// `[0, 1]` (left 0-255 with [`NetConfig::raw_pixels`]); row `(b, oh, ow)`, column
/// `(c, kh, kw)` (PyTorch's `unfold` order). Cut on the host, on two threads for large batches.
pub fn frames_to_input(frames: &[u8], batch: usize, cfg: &NetConfig, device: &Device) -> Tensor<2> {
    assert_eq!(
        frames.len(),
        batch * cfg.obs_len(),
        "frames_to_input: wrong length"
    );
    let stem = cfg.convs[0];
    let (k, s) = (stem.kernel, stem.stride);
    let (oh, ow) = cfg.conv_hw(0);
    let cols = cfg.frame_stack * k * k;
    let per_image = oh * ow * cols;
    let (w, plane, obs_len) = (cfg.width, cfg.frame_len(), cfg.obs_len());
    // Every element is written below, so the 13 MB (batch 32) matrix is not zeroed first.
    let mut data: Vec<f32> = Vec::with_capacity(batch * per_image);
    // Each image is scaled to f32 once (a kernel-8, stride-4 layer reads every pixel 4 times),
    // then every patch row is a run of `k` contiguous floats copied from it.
    let unit = if cfg.raw_pixels { 1.0 } else { 255.0 };
    let cut = |image: &[u8], scaled: &mut Vec<f32>, out: &mut [MaybeUninit<f32>]| {
        scaled.clear();
        scaled.extend(image.iter().map(|&p| f32::from(p) / unit));
        let start = |pos: usize, ck: usize| {
            let (y, x, c, kh) = (pos / ow, pos % ow, ck / k, ck % k);
            c * plane + (y * s + kh) * w + x * s
        };
        if k == 8 {
            // The Nature CNN's stem: runs of 8 floats as fixed-size copies (a generic-length
            // copy becomes a memcpy call per 32 bytes).
            for (pos, row) in out.chunks_exact_mut(cols).enumerate() {
                for (ck, dst) in row.chunks_exact_mut(8).enumerate() {
                    let src: &[f32; 8] = scaled[start(pos, ck)..][..8].try_into().unwrap();
                    let dst: &mut [MaybeUninit<f32>; 8] = dst.try_into().unwrap();
                    for (d, &v) in dst.iter_mut().zip(src) {
                        d.write(v);
                    }
                }
            }
            return;
        }
        for (pos, row) in out.chunks_exact_mut(cols).enumerate() {
            for (ck, dst) in row.chunks_exact_mut(k).enumerate() {
                let first = start(pos, ck);
                for (d, &v) in dst.iter_mut().zip(&scaled[first..first + k]) {
                    d.write(v);
                }
            }
        }
    };
    let cut_range = |first: usize, out: &mut [MaybeUninit<f32>]| {
        let mut scaled = Vec::with_capacity(obs_len);
        for (i, o) in out.chunks_exact_mut(per_image).enumerate() {
            let image = &frames[(first + i) * obs_len..(first + i + 1) * obs_len];
            cut(image, &mut scaled, o);
        }
    };
    let spare = &mut data.spare_capacity_mut()[..batch * per_image];
    // Two threads for a large batch, except in a browser page (wasm32 has no threads there:
    // the page's occlusion saliency sends a batch of 50).
    if batch >= 8 && cfg!(not(target_arch = "wasm32")) {
        let half = batch / 2;
        let (a, b) = spare.split_at_mut(half * per_image);
        std::thread::scope(|scope| {
            scope.spawn(|| cut_range(half, b));
            cut_range(0, a);
        });
    } else {
        cut_range(0, spare);
    }
    // SAFETY: `cut_range` wrote all `batch * per_image` elements: every image's `oh * ow` rows
    // of `cols` values, each row fully covered by its `cols / k` runs of `k`.
    unsafe { data.set_len(batch * per_image) };
    Tensor::from_data(TensorData::new(data, [batch * oh * ow, cols]), device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::module::conv2d;
    use burn::tensor::ops::ConvOptions;

    #[test]
    fn nature_shapes() {
        let cfg = NetConfig::nature();
        assert_eq!(cfg.conv_output(), (64, 7, 7));
        assert_eq!(
            cfg.describe(6),
            "in4x84x84 conv32k8s4 conv64k4s2 conv64k3s1 fc512 fc6"
        );
        let device = Device::flex();
        let net = QNetwork::new(&cfg, 6, &device, 0);
        // 8192+32 + 32768+64 + 36864+64 + 3136*512+512 + 512*6+6
        assert_eq!(net.num_params(), 1_687_206);
        let q = net.forward(frames_to_input(
            &vec![128u8; 2 * cfg.obs_len()],
            2,
            &cfg,
            &device,
        ));
        assert_eq!(q.dims(), [2, 6]);
    }

    /// The network equals the textbook one: PyTorch-layout weights through Burn's NCHW
    /// `conv2d` and matmuls give the same Q-values.
    #[test]
    fn forward_matches_a_plain_conv2d_reference() {
        let mut odd = NetConfig::nature();
        odd.convs[1].stride = 3; // no space-to-depth: (20 - 4) / 3 + 1 = 6
        odd.convs[2].kernel = 2;
        let mut deep = NetConfig::nature();
        deep.convs[1] = ConvSpec {
            channels: 8,
            kernel: 3,
            stride: 1,
        }; // 20 -> 18
        deep.convs[2].kernel = 2;
        deep.convs[2].stride = 2; // 18 -> 9 through space_to_depth
        let normed = |cfg: NetConfig| NetConfig {
            layer_norm: true,
            ..cfg
        };
        let cases = [
            (NetConfig::nature(), 9),
            (NetConfig::catch(), 3),
            (odd.clone(), 2),
            (deep, 2),
            (normed(NetConfig::nature()), 3),
            (normed(odd), 2),
        ];
        for (cfg, batch) in cases {
            let device = Device::flex();
            let mut net = QNetwork::new(&cfg, 5, &device, 1);
            let mut rng = Rng::new(2);
            if cfg.layer_norm {
                // Gains and biases away from 1 and 0, so that a unit-order slip shows.
                let first_norm = 2 * (cfg.convs.len() + cfg.hidden.len() + 1);
                net = crate::dqn::params::update_params(net, &device, |i, v| {
                    if i >= first_norm {
                        v.iter_mut().for_each(|x| *x = rng.unit_f64() as f32 + 0.5);
                    }
                });
            }
            let frames: Vec<u8> = (0..batch * cfg.obs_len())
                .map(|_| rng.below(256) as u8)
                .collect();
            let q = net.forward(frames_to_input(&frames, batch, &cfg, &device));

            let p = net.torch_layout();
            let t4 = |i: usize| -> Tensor<4> {
                let s = &p[i].shape;
                Tensor::from_data(
                    TensorData::new(p[i].values.clone(), [s[0], s[1], s[2], s[3]]),
                    &device,
                )
            };
            let t1 = |i: usize| -> Tensor<1> {
                Tensor::from_data(
                    TensorData::new(p[i].values.clone(), [p[i].values.len()]),
                    &device,
                )
            };
            let floats: Vec<f32> = frames.iter().map(|&v| v as f32 / 255.0).collect();
            let mut x: Tensor<4> = Tensor::from_data(
                TensorData::new(floats, [batch, cfg.frame_stack, cfg.height, cfg.width]),
                &device,
            );
            let first_fc = 2 * cfg.convs.len();
            let n_fc = cfg.hidden.len() + 1;
            // PyTorch's nn.LayerNorm over all but the batch dimension, written out.
            let first_norm = first_fc + 2 * n_fc;
            let norm = |layer: usize, y: Tensor<2>| -> Tensor<2> {
                if !cfg.layer_norm {
                    return y;
                }
                let n = y.dims()[1] as f64;
                let mean = y.clone().sum_dim(1) / n;
                let d = y - mean;
                let var = d.clone().powf_scalar(2.0).sum_dim(1) / n;
                let (g, b) = (t1(first_norm + 2 * layer), t1(first_norm + 2 * layer + 1));
                d / (var + 1e-5).sqrt() * g.unsqueeze() + b.unsqueeze()
            };
            for (l, c) in cfg.convs.iter().enumerate() {
                let opts = ConvOptions::new([c.stride, c.stride], [0, 0], [1, 1], 1);
                let pre = conv2d(x, t4(2 * l), Some(t1(2 * l + 1)), opts);
                let dims = pre.dims();
                x = relu(norm(l, pre.flatten(1, 3)).reshape(dims));
            }
            let mut y: Tensor<2> = x.flatten(1, 3);
            for f in 0..n_fc {
                let wi = first_fc + 2 * f;
                let [o, i] = [p[wi].shape[0], p[wi].shape[1]];
                let w: Tensor<2> =
                    Tensor::from_data(TensorData::new(p[wi].values.clone(), [o, i]), &device);
                y = y.matmul(w.transpose()) + t1(wi + 1).unsqueeze();
                if f + 1 < n_fc {
                    y = relu(norm(cfg.convs.len() + f, y));
                }
            }
            let a = q.into_data().try_to_vec::<f32>().unwrap();
            let b = y.into_data().try_to_vec::<f32>().unwrap();
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                assert!((x - y).abs() < 1e-5, "{}: {x} vs {y}", cfg.describe(5));
            }
        }
    }

    /// `raw_pixels` feeds the same patches 255x larger, and says so in the architecture line
    /// (so weights trained on raw pixels are never played with scaled ones, or back).
    #[test]
    fn raw_pixels_skip_the_scaling_and_change_the_description() {
        let device = Device::flex();
        let mut cfg = NetConfig::dqn2013();
        let frames: Vec<u8> = (0..cfg.obs_len()).map(|i| (i * 7 % 256) as u8).collect();
        let input = |cfg: &NetConfig| {
            frames_to_input(&frames, 1, cfg, &device)
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        let scaled = input(&cfg);
        cfg.raw_pixels = true;
        let raw = input(&cfg);
        assert_eq!(raw.iter().cloned().fold(0.0, f32::max), 255.0);
        for (r, s) in raw.iter().zip(&scaled) {
            assert!((r - s * 255.0).abs() < 1e-3, "{r} vs {s}");
        }
        assert_eq!(
            cfg.describe(6),
            "in4x84x84 conv16k8s4 conv32k4s2 fc256 fc6 raw"
        );
        assert_ne!(cfg.describe(6), NetConfig::dqn2013().describe(6));
    }
}
