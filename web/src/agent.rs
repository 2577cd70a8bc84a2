//! [`Agent`]: the trained Q-network from an exported weights file, on Burn's CPU backend
//! (flex, compiled to wasm) or Burn's wgpu backend on the browser's WebGPU adapter.
//!
//! The network is the core's `QNetwork`, built for the file's architecture and filled with
//! its weights: the same code that trained it, on whichever `Device` the page chose.

use burn::tensor::{Device, Tensor};
use qarcade_core::dqn::model::frames_to_input;
use qarcade_core::dqn::web_weights::{WebWeights, WeightsHeader};
use qarcade_core::dqn::{NetConfig, QNetwork};
use wasm_bindgen::prelude::*;

/// A greedy player for one game.
#[wasm_bindgen]
pub struct Agent {
    net: QNetwork,
    cfg: NetConfig,
    weights: WeightsHeader,
    device: Device,
    backend: String,
}

#[wasm_bindgen]
impl Agent {
    /// The network on Burn's CPU backend. Refuses a damaged or foreign file with a message.
    pub fn cpu(weights: &[u8]) -> Result<Agent, JsError> {
        let backend = if cfg!(target_feature = "simd128") {
            "cpu (burn flex, wasm simd128)"
        } else {
            "cpu (burn flex)"
        };
        Agent::build(weights, Device::flex(), backend)
    }

    /// The network on Burn's wgpu backend over WebGPU; fails (with a message) where the
    /// browser has no WebGPU adapter.
    #[cfg(all(target_arch = "wasm32", feature = "webgpu"))]
    pub async fn webgpu(weights: Vec<u8>) -> Result<Agent, JsError> {
        // Check the file before asking for an adapter: a bad file is the more useful error.
        WebWeights::decode(&weights).map_err(|e| JsError::new(&e.to_string()))?;
        let device = Device::wgpu_options()
            .graphics_api(burn::tensor::wgpu::WgpuBackend::WebGpu)
            .init_async()
            .await
            .map_err(|e| JsError::new(&format!("WebGPU is not available: {e}")))?;
        Agent::build(&weights, device, "webgpu (burn wgpu)")
    }

    /// Which backend runs the network, in words.
    pub fn backend(&self) -> String {
        self.backend.clone()
    }

    /// The game the weights were trained on.
    pub fn game(&self) -> String {
        self.weights.game.clone()
    }

    /// The network, e.g. `in4x84x84 conv32k8s4 conv64k4s2 conv64k3s1 fc512 fc6`.
    pub fn architecture(&self) -> String {
        self.weights.architecture.clone()
    }

    /// ALE action ids, one per network output.
    pub fn action_set(&self) -> Vec<u8> {
        self.weights.action_set.clone()
    }

    /// Agent steps the network was trained for.
    pub fn trained_steps(&self) -> f64 {
        self.weights.trained_steps as f64
    }

    /// Wall-clock minutes the network trained for, when the weights file says.
    pub fn trained_minutes(&self) -> Option<f64> {
        self.weights.trained_minutes
    }

    /// The training run's last greedy evaluation (mean score per game), when the file says.
    pub fn eval_score(&self) -> Option<f64> {
        self.weights.eval_score
    }

    /// Frames per observation the network reads (`Game::set_frame_stack`).
    pub fn frame_stack(&self) -> usize {
        self.cfg.frame_stack
    }

    /// Stacked frames the network reads (length of an observation: `stack * 84 * 84`).
    pub fn observation_len(&self) -> usize {
        self.cfg.obs_len()
    }

    /// Q-values, one per action, for one observation (`Game::observation`). Asynchronous
    /// because reading a GPU buffer back is, in a browser.
    pub async fn q_values(&self, observation: Vec<u8>) -> Result<Vec<f32>, JsError> {
        if observation.len() != self.cfg.obs_len() {
            return Err(JsError::new(&format!(
                "observation has {} bytes, the network reads {}",
                observation.len(),
                self.cfg.obs_len()
            )));
        }
        let q: Tensor<2> =
            self.net
                .forward(frames_to_input(&observation, 1, &self.cfg, &self.device));
        let data = q
            .into_data_async()
            .await
            .map_err(|e| JsError::new(&format!("reading the Q-values failed: {e:?}")))?;
        data.try_into_vec::<f32>()
            .map_err(|e| JsError::new(&format!("Q-values: {e:?}")))
    }
}

#[wasm_bindgen]
impl Agent {
    /// Occlusion saliency of `action` for `observation`: the observation is split into square
    /// cells of `cell` pixels; for each, the cell is painted over with each frame's background
    /// (its most common value) in all stacked frames, and the map holds how much that lowers
    /// `Q(observation, action)` (positive: the cell supports the choice). Row-major,
    /// `(side / cell)²` values. All occluded copies go through the network as one batch.
    ///
    /// Occlusion rather than the gradient: it needs no autodiff in the page's bundle, and it
    /// says what happens to the choice when a region is removed, which a gradient only
    /// approximates for the tiny change it measures.
    pub async fn occlusion(
        &self,
        observation: Vec<u8>,
        action: usize,
        cell: usize,
    ) -> Result<Vec<f32>, JsError> {
        let q = self
            .occlusion_q(&observation, action, cell)
            .map_err(|e| JsError::new(&e))?;
        let data = q
            .into_data_async()
            .await
            .map_err(|e| JsError::new(&format!("reading the Q-values failed: {e:?}")))?;
        let q = data
            .try_into_vec::<f32>()
            .map_err(|e| JsError::new(&format!("Q-values: {e:?}")))?;
        Ok(occlusion_map(&q, self.weights.action_set.len(), action))
    }
}

/// The occlusion map from the batch's Q-values: row 0 is the untouched observation.
pub(crate) fn occlusion_map(q: &[f32], n_actions: usize, action: usize) -> Vec<f32> {
    let base = q[action];
    q.chunks_exact(n_actions)
        .skip(1)
        .map(|row| base - row[action])
        .collect()
}

impl Agent {
    /// The Q-values of the untouched observation (row 0) and of one occluded copy per cell.
    pub(crate) fn occlusion_q(
        &self,
        observation: &[u8],
        action: usize,
        cell: usize,
    ) -> Result<Tensor<2>, String> {
        let (batch, n) = self.occlusion_inputs(observation, action, cell)?;
        Ok(self
            .net
            .forward(frames_to_input(&batch, n, &self.cfg, &self.device)))
    }

    /// The untouched observation followed by one occluded copy per cell, and the count.
    fn occlusion_inputs(
        &self,
        observation: &[u8],
        action: usize,
        cell: usize,
    ) -> Result<(Vec<u8>, usize), String> {
        let (h, w, len) = (self.cfg.height, self.cfg.width, self.cfg.obs_len());
        if observation.len() != len {
            return Err(format!(
                "observation has {} bytes, the network reads {len}",
                observation.len()
            ));
        }
        if action >= self.weights.action_set.len() {
            return Err(format!("no action {action}"));
        }
        if cell < 4 || h % cell != 0 || w % cell != 0 {
            return Err(format!("cell {cell} must be at least 4 and divide {h}x{w}"));
        }
        let backgrounds: Vec<u8> = observation.chunks_exact(h * w).map(most_common).collect();
        let (rows, cols) = (h / cell, w / cell);
        let mut batch = Vec::with_capacity((rows * cols + 1) * len);
        batch.extend_from_slice(observation);
        for r in 0..rows {
            for c in 0..cols {
                let start = batch.len();
                batch.extend_from_slice(observation);
                let copy = &mut batch[start..];
                for (frame, &bg) in copy.chunks_exact_mut(h * w).zip(&backgrounds) {
                    for y in r * cell..(r + 1) * cell {
                        frame[y * w + c * cell..y * w + (c + 1) * cell].fill(bg);
                    }
                }
            }
        }
        Ok((batch, rows * cols + 1))
    }

    fn build(weights: &[u8], device: Device, backend: &str) -> Result<Agent, JsError> {
        let weights = WebWeights::decode(weights).map_err(|e| JsError::new(&e.to_string()))?;
        let cfg = weights.header.net.clone();
        let net = weights.network(&device);
        Ok(Agent {
            net,
            cfg,
            weights: weights.header,
            device,
            backend: backend.to_string(),
        })
    }
}

/// Whether this build has Burn's wgpu backend (`Agent.webgpu`): the page loads the build
/// without it unless it will run the network on WebGPU.
#[wasm_bindgen]
pub fn has_webgpu() -> bool {
    cfg!(feature = "webgpu")
}

/// The index of the largest value (ties: the lowest index), as training's greedy choice.
#[wasm_bindgen]
pub fn argmax(values: &[f32]) -> usize {
    qarcade_core::dqn::learner::argmax(values)
}

/// The most common byte of a frame (the background, in Pong).
fn most_common(frame: &[u8]) -> u8 {
    let mut counts = [0u32; 256];
    for &v in frame {
        counts[v as usize] += 1;
    }
    (0..=255u8).max_by_key(|&v| counts[v as usize]).unwrap_or(0)
}
