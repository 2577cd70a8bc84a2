//! The exported Q-network: a compact, self-describing file for the web page.
//!
//! A checkpoint carries the optimizer, the target net, counters and maybe a replay buffer;
//! the browser needs only the online network's weights. This file holds exactly those, in
//! half precision by default (1.7M parameters: 3.4 MB instead of 6.7), behind a header that
//! names the game, the architecture and the action set, so the page can refuse weights it
//! cannot play, and with a SHA-1 of everything before it, so it can refuse a damaged file.
//!
//! Layout (little-endian):
//! ```text
//! b"QARCADEW"  u32 version (1)  u32 header length  header JSON  tensor data  SHA-1 (20 bytes)
//! ```
//! The tensors follow in the network's parameter order ([`super::params::read_params`]), each
//! `shape.product()` values of the header's `dtype` (`f16` or `f32`).

use super::adam::Adam;
use super::learner::{Learner, LearnerState};
use super::model::NetConfig;
use super::model::QNetwork;
use super::params::{write_params, ParamData};
use super::{Config, Device};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

const MAGIC: &[u8; 8] = b"QARCADEW";
const VERSION: u32 = 1;
const DIGEST: usize = 20;

/// How the weights are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    F16,
    F32,
}

/// What the file says about the network before its weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightsHeader {
    /// The game the network was trained on (`pong`).
    pub game: String,
    /// [`NetConfig::describe`] of the network, e.g. `in4x84x84 conv32k8s4 ... fc6`.
    pub architecture: String,
    /// The network's shape, enough to rebuild it.
    pub net: NetConfig,
    /// ALE action ids: output `i` of the network means `action_set[i]`.
    pub action_set: Vec<u8>,
    pub dtype: Dtype,
    /// One shape per tensor, in parameter order.
    pub shapes: Vec<Vec<usize>>,
    /// Agent steps the network was trained for (for the page to show).
    pub trained_steps: u64,
    /// Wall-clock minutes of training up to these weights, when the run logged them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_minutes: Option<f64>,
    /// The run's last greedy evaluation (mean score per game) up to these weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_score: Option<f64>,
}

/// The whole file, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct WebWeights {
    pub header: WeightsHeader,
    pub params: Vec<ParamData>,
}

/// Why a weights file was refused; each message is one line a person can act on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeightsError {
    #[error("not a qarcade weights file (export one with `qarcade export RUN --web OUT`)")]
    NotWeights,
    #[error("weights file version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
    #[error("weights file is truncated or corrupt (checksum mismatch)")]
    Corrupt,
    #[error("weights file header is invalid: {0}")]
    Header(String),
    #[error("weights are for {found}, expected {expected}")]
    Mismatch { expected: String, found: String },
}

impl WebWeights {
    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).expect("header serialises");
        let mut out = Vec::with_capacity(header.len() + 4 * self.num_values() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        for p in &self.params {
            for &v in &p.values {
                match self.header.dtype {
                    Dtype::F16 => out.extend_from_slice(&half::f16::from_f32(v).to_le_bytes()),
                    Dtype::F32 => out.extend_from_slice(&v.to_le_bytes()),
                }
            }
        }
        let digest = Sha1::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Reads and verifies a file's bytes (magic, version, checksum, header, sizes). Never panics.
    pub fn decode(bytes: &[u8]) -> Result<WebWeights, WeightsError> {
        if bytes.len() < MAGIC.len() + 8 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(WeightsError::NotWeights);
        }
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let version = word(8);
        if version != VERSION {
            return Err(WeightsError::Version(version));
        }
        if bytes.len() < 16 + DIGEST {
            return Err(WeightsError::Corrupt);
        }
        let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
        if Sha1::digest(body).as_slice() != digest {
            return Err(WeightsError::Corrupt);
        }
        let header_len = word(12) as usize;
        let data_start = 16usize
            .checked_add(header_len)
            .filter(|&end| end <= body.len())
            .ok_or_else(|| WeightsError::Header("length out of range".into()))?;
        let header: WeightsHeader = serde_json::from_slice(&body[16..data_start])
            .map_err(|e| WeightsError::Header(e.to_string()))?;
        // A hand-edited header must not reach the shape arithmetic (which asserts that the
        // layers fit), and its architecture line must be the one its `net` describes.
        header.net.validate().map_err(WeightsError::Header)?;
        if !(1..=18).contains(&header.action_set.len()) {
            return Err(WeightsError::Header(
                "action_set: must hold 1 to 18 actions".into(),
            ));
        }
        if header.architecture != header.net.describe(header.action_set.len()) {
            return Err(WeightsError::Header(format!(
                "architecture {} does not match its net",
                header.architecture
            )));
        }
        let width = match header.dtype {
            Dtype::F16 => 2,
            Dtype::F32 => 4,
        };
        let expected = expected_shapes(&header.net, header.action_set.len());
        if header.shapes != expected {
            return Err(WeightsError::Header(format!(
                "tensor shapes do not match architecture {}",
                header.architecture
            )));
        }
        let total: usize = header
            .shapes
            .iter()
            .map(|s| s.iter().product::<usize>())
            .sum();
        let data = &body[data_start..];
        if data.len() != total * width {
            return Err(WeightsError::Header(format!(
                "{} bytes of weights, expected {}",
                data.len(),
                total * width
            )));
        }
        let mut values = data.chunks_exact(width).map(|b| match header.dtype {
            Dtype::F16 => half::f16::from_le_bytes([b[0], b[1]]).to_f32(),
            Dtype::F32 => f32::from_le_bytes(b.try_into().unwrap()),
        });
        let params = header
            .shapes
            .iter()
            .map(|shape| ParamData {
                shape: shape.clone(),
                values: values.by_ref().take(shape.iter().product()).collect(),
            })
            .collect();
        Ok(WebWeights { header, params })
    }

    /// Refuses weights for another game or architecture than `game` / `architecture`.
    pub fn expect(&self, game: &str, architecture: &str) -> Result<(), WeightsError> {
        let found = format!("{} ({})", self.header.game, self.header.architecture);
        let expected = format!("{game} ({architecture})");
        if found != expected {
            return Err(WeightsError::Mismatch { expected, found });
        }
        Ok(())
    }

    /// The network these weights describe, on `device` (the page's backend, or the CPU).
    pub fn network(&self, device: &Device) -> QNetwork {
        let net = QNetwork::new(&self.header.net, self.header.action_set.len(), device, 0);
        write_params(net, self.params.clone(), device)
    }

    /// A learner that acts with these weights, for playing an exported network the way a
    /// checkpoint's agent plays (`qarcade eval`/`record` of a `.qnet`, a frozen opponent). It has
    /// no target network and a fresh optimizer: it is for acting, not for further training.
    pub fn learner(&self, device: &Device) -> Result<Learner, WeightsError> {
        let cfg = Config {
            net: self.header.net.clone(),
            target_update: None,
            ..Config::fast()
        };
        let mut learner = Learner::new(&cfg, self.header.action_set.len(), device);
        learner
            .set_state(LearnerState {
                online: self.params.clone(),
                target: None,
                adam: Adam::new(cfg.adam, cfg.max_grad_norm),
                updates: 0,
            })
            .map_err(WeightsError::Header)?;
        Ok(learner)
    }

    fn num_values(&self) -> usize {
        self.params.iter().map(|p| p.values.len()).sum()
    }

    /// The same weights rounded to `dtype` and back (what a reader of the encoded file gets).
    pub fn rounded(&self) -> WebWeights {
        let mut out = self.clone();
        if self.header.dtype == Dtype::F16 {
            for p in &mut out.params {
                for v in &mut p.values {
                    *v = half::f16::from_f32(*v).to_f32();
                }
            }
        }
        out
    }
}

/// The tensor shapes of a [`super::QNetwork`] for `net` with `n_actions` outputs, in parameter
/// order (conv weights, conv biases, fc weights, fc biases, then with layer norms their gains
/// and their biases).
pub fn expected_shapes(net: &NetConfig, n_actions: usize) -> Vec<Vec<usize>> {
    let mut weights = Vec::new();
    let mut biases = Vec::new();
    let mut c = net.frame_stack;
    for conv in &net.convs {
        weights.push(vec![conv.kernel * conv.kernel * c, conv.channels]);
        biases.push(vec![conv.channels]);
        c = conv.channels;
    }
    let (oc, oh, ow) = net.conv_output();
    let (mut fc_w, mut fc_b) = (Vec::new(), Vec::new());
    let mut width = oc * oh * ow;
    for &out in net.hidden.iter().chain([&n_actions]) {
        fc_w.push(vec![out, width]);
        fc_b.push(vec![out]);
        width = out;
    }
    let units = match net.layer_norm {
        true => super::model::norm_units(net),
        false => Vec::new(),
    };
    let norm = units.iter().map(|&u| vec![u]);
    weights
        .into_iter()
        .chain(biases)
        .chain(fc_w)
        .chain(fc_b)
        .chain(norm.clone())
        .chain(norm)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dqn::model::frames_to_input;
    use crate::dqn::params::{host_vec, read_params};

    fn sample(dtype: Dtype) -> WebWeights {
        let net = NetConfig::catch();
        let q = QNetwork::new(&net, 3, &Device::flex(), 7);
        let params = read_params(&q);
        WebWeights {
            header: WeightsHeader {
                game: "catch".into(),
                architecture: net.describe(3),
                shapes: params.iter().map(|p| p.shape.clone()).collect(),
                net,
                action_set: vec![0, 3, 4],
                dtype,
                trained_steps: 5,
                trained_minutes: None,
                eval_score: None,
            },
            params,
        }
    }

    #[test]
    fn shapes_follow_the_network_parameter_order() {
        let w = sample(Dtype::F32);
        assert_eq!(w.header.shapes, expected_shapes(&w.header.net, 3));
    }

    /// A layer-normed network's gains and biases come last, so its file decodes and its
    /// network plays as the trained one; the architecture line names the norms.
    #[test]
    fn a_layer_normed_network_round_trips() {
        let net = NetConfig {
            layer_norm: true,
            ..NetConfig::catch()
        };
        let q = QNetwork::new(&net, 3, &Device::flex(), 7);
        let params = read_params(&q);
        assert_eq!(
            params.iter().map(|p| p.shape.clone()).collect::<Vec<_>>(),
            expected_shapes(&net, 3)
        );
        assert!(net.describe(3).ends_with(" ln"));
        let w = WebWeights {
            header: WeightsHeader {
                game: "catch".into(),
                architecture: net.describe(3),
                shapes: expected_shapes(&net, 3),
                net,
                action_set: vec![0, 3, 4],
                dtype: Dtype::F32,
                trained_steps: 5,
                trained_minutes: None,
                eval_score: None,
            },
            params,
        };
        let back = WebWeights::decode(&w.encode()).unwrap();
        assert_eq!(read_params(&back.network(&Device::flex())), w.params);
    }

    #[test]
    fn round_trips_exactly_in_f32_and_rounded_in_f16() {
        let w = sample(Dtype::F32);
        assert_eq!(WebWeights::decode(&w.encode()).unwrap(), w);
        let h = sample(Dtype::F16);
        let bytes = h.encode();
        assert_eq!(WebWeights::decode(&bytes).unwrap(), h.rounded());
        assert!(bytes.len() < w.encode().len() * 6 / 10);
    }

    #[test]
    fn a_learner_from_weights_acts_as_the_exported_network() {
        let w = sample(Dtype::F32);
        let device = Device::flex();
        let learner = w.learner(&device).unwrap();
        let net = &w.header.net;
        let obs: Vec<u8> = (0..2 * net.obs_len())
            .map(|i| (i * 37 % 251) as u8)
            .collect();
        let exported = host_vec(
            w.network(&device)
                .forward(frames_to_input(&obs, 2, net, &device)),
        );
        assert_eq!(learner.q_values(&obs, 2).concat(), exported);
        // Not merely a fresh network: a learner with another seed's weights answers otherwise.
        let cfg = Config {
            net: net.clone(),
            seed: 99,
            ..Config::fast()
        };
        let fresh = Learner::new(&cfg, 3, &device);
        assert_ne!(fresh.q_values(&obs, 2).concat(), exported);
    }

    #[test]
    fn refuses_damaged_or_foreign_files() {
        let bytes = sample(Dtype::F16).encode();
        let err = |b: &[u8]| WebWeights::decode(b).unwrap_err();
        assert_eq!(err(b"hello"), WeightsError::NotWeights);
        assert_eq!(err(&bytes[..bytes.len() - 1]), WeightsError::Corrupt);
        assert_eq!(err(&bytes[..40]), WeightsError::Corrupt);
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 1;
        assert_eq!(err(&flipped), WeightsError::Corrupt);
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert_eq!(err(&v2), WeightsError::Version(2));
        let w = WebWeights::decode(&bytes).unwrap();
        assert!(w.expect("catch", &NetConfig::catch().describe(3)).is_ok());
        let e = w
            .expect("pong", &NetConfig::nature().describe(6))
            .unwrap_err();
        assert!(e.to_string().starts_with("weights are for catch ("), "{e}");
    }

    /// A file with a valid checksum can still carry a header written by hand: a kernel larger
    /// than its input, or an architecture line that lies, is refused with a message, never a panic.
    #[test]
    fn refuses_headers_whose_network_cannot_be_built() {
        let mut w = sample(Dtype::F32);
        w.header.net.convs[0].kernel = 99;
        w.header.architecture = w.header.net.describe(3);
        let e = WebWeights::decode(&w.encode()).unwrap_err();
        assert!(e.to_string().contains("net.convs"), "{e}");

        let mut w = sample(Dtype::F32);
        w.header.architecture = NetConfig::nature().describe(3);
        let e = WebWeights::decode(&w.encode()).unwrap_err();
        assert!(e.to_string().contains("does not match its net"), "{e}");

        let mut w = sample(Dtype::F32);
        w.header.action_set.clear();
        let e = WebWeights::decode(&w.encode()).unwrap_err();
        assert!(e.to_string().contains("action_set"), "{e}");
    }
}
