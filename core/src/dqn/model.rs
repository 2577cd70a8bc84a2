//! The Q-network: a stack of ReLU convolutions and fully connected layers mapping a stack of
//! grayscale frames to one Q-value per action.
//!
//! The Nature CNN (Mnih et al. 2015) is `NetConfig::nature()`: 32 8x8/4, 64 4x4/2, 64 3x3/1,
//! 512 hidden, linear head. Input pixels are `u8` and scaled by 1/255 on the way in.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::params::{read_params, write_params, ParamData};
use super::rng::Rng;

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
}

/// Names accepted by [`NetConfig::preset`].
pub const NET_PRESETS: [&str; 3] = ["nature", "seed", "catch"];

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
        }
    }

    /// The seed notebook's `CnnDQN`: the same layers as the Nature CNN (conv 32/8/4, 64/4/2,
    /// 64/3/1, fc 512) on 4x84x84 `wrap_deepmind` frames.
    pub fn seed() -> Self {
        Self::nature()
    }

    /// A small net for the catch learning test: same code path, 100x fewer FLOPs.
    pub fn catch() -> Self {
        Self {
            frame_stack: 2,
            height: super::catch::HEIGHT,
            width: super::catch::WIDTH,
            convs: vec![ConvSpec {
                channels: 16,
                kernel: 3,
                stride: 1,
            }],
            hidden: vec![64],
        }
    }

    /// A named preset.
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "nature" => Some(Self::nature()),
            "seed" => Some(Self::seed()),
            "catch" => Some(Self::catch()),
            _ => None,
        }
    }

    /// Pixels in one input frame.
    pub fn frame_len(&self) -> usize {
        self.height * self.width
    }

    /// Bytes of one stacked observation.
    pub fn obs_len(&self) -> usize {
        self.frame_stack * self.frame_len()
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
        s + &format!(" fc{n_actions}")
    }
}

/// The Q-network. Built on a device; the device decides the backend and whether autodiff is on.
#[derive(Module, Debug)]
pub struct QNetwork {
    convs: Vec<Conv2d>,
    fcs: Vec<Linear>,
}

impl QNetwork {
    /// A freshly initialised network with PyTorch's default init (weights and biases uniform in
    /// `+-1/sqrt(fan_in)`), drawn from our own [`Rng`] seeded with `seed`: the weights depend
    /// on the seed only, not on the backend's global RNG (which other threads may share) or
    /// the device.
    pub fn new(cfg: &NetConfig, n_actions: usize, device: &Device, seed: u64) -> Self {
        let mut convs = Vec::new();
        let mut in_ch = cfg.frame_stack;
        for c in &cfg.convs {
            convs.push(
                Conv2dConfig::new([in_ch, c.channels], [c.kernel, c.kernel])
                    .with_stride([c.stride, c.stride])
                    .init(device),
            );
            in_ch = c.channels;
        }
        let (c, h, w) = cfg.conv_output();
        let mut fcs = Vec::new();
        let mut width = c * h * w;
        for &hidden in &cfg.hidden {
            fcs.push(LinearConfig::new(width, hidden).init(device));
            width = hidden;
        }
        fcs.push(LinearConfig::new(width, n_actions).init(device));
        let net = Self { convs, fcs };

        let mut rng = Rng::new(seed);
        let mut fan_in = 1;
        let params = read_params(&net)
            .into_iter()
            .map(|p| {
                // Conv weight [out, in, k, k]; Burn's linear weight is [in, out]; a bias
                // follows its weight and shares its fan-in.
                match p.shape.len() {
                    4 => fan_in = p.shape[1] * p.shape[2] * p.shape[3],
                    2 => fan_in = p.shape[0],
                    _ => {}
                }
                let bound = 1.0 / (fan_in as f64).sqrt();
                let values = (0..p.values.len())
                    .map(|_| ((rng.unit_f64() * 2.0 - 1.0) * bound) as f32)
                    .collect();
                ParamData {
                    shape: p.shape,
                    values,
                }
            })
            .collect();
        write_params(net, params, device)
    }

    /// Q-values `[batch, n_actions]` for inputs `[batch, stack, height, width]` in `[0, 1]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let mut x = x;
        for conv in &self.convs {
            x = relu(conv.forward(x));
        }
        let mut x: Tensor<2> = x.flatten(1, 3);
        let last = self.fcs.len() - 1;
        for (i, fc) in self.fcs.iter().enumerate() {
            x = fc.forward(x);
            if i < last {
                x = relu(x);
            }
        }
        x
    }
}

/// Turns `batch` stacked `u8` observations (laid out `[batch, stack, h, w]`) into the network's
/// float input, scaled to `[0, 1]`. Done on the host: one pass, no u8 tensor kind needed.
pub fn frames_to_input(frames: &[u8], batch: usize, cfg: &NetConfig, device: &Device) -> Tensor<4> {
    assert_eq!(
        frames.len(),
        batch * cfg.obs_len(),
        "frames_to_input: wrong length"
    );
    let data: Vec<f32> = frames.iter().map(|&p| p as f32 * (1.0 / 255.0)).collect();
    Tensor::from_data(
        TensorData::new(data, [batch, cfg.frame_stack, cfg.height, cfg.width]),
        device,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
