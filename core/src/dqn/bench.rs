//! Throughput of the DQN train step on a backend, and the PyTorch peer for comparison.
//!
//! The measured step is the whole update the trainer runs: u8 -> float conversion, target-net
//! forward on the next observations, online forward, Huber loss, backward, global-norm
//! clipping and Adam, on a batch of 32 Nature-CNN inputs (4x84x84). `native/src/bench_torch.py`
//! runs the same step in PyTorch; [`run_torch_peer`] calls it and parses its JSON line.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::config::Config;
use super::learner::Learner;
use super::replay::Batch;
use super::rng::Rng;

/// Keeps freed memory in the process instead of returning it to the OS after every step.
///
/// A CPU train step allocates and frees tens of MB of tensors (the 13 MB first-layer patch
/// matrix, activations, gradients). glibc's default returns large blocks to the OS on free, so
/// every step pays the page faults to get them back: measured at up to 30% of a step when
/// the machine is busy. Call once at the start of a training process (PyTorch does the
/// equivalent with its caching allocator). Only glibc is tuned; elsewhere this does nothing.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; any value is valid to pass.
    unsafe {
        // Blocks up to 32 MB (glibc's maximum) come from the heap, not fresh mmaps...
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        // ...and the heap is not trimmed back to the OS below 1 GB of free space.
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

/// Measured throughput of one side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    pub backend: String,
    pub threads: usize,
    pub steps: usize,
    pub train_steps_per_s: f64,
    pub train_ms_per_step: f64,
    /// Forward pass of a batch of 32 observations, no autodiff.
    pub infer_ms_b32: f64,
    /// Forward pass of one observation (acting).
    pub infer_ms_b1: f64,
    /// FNV-1a of the online weights after the timed updates (Burn side only): equal across
    /// runs and thread counts iff the backend is deterministic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_fnv: Option<String>,
}

/// The config both sides benchmark: the `nature` preset (Huber, target net, Adam 1e-4/1.5e-4)
/// with global-norm clipping at 10, batch 32.
pub fn bench_config() -> Config {
    let mut c = Config::nature();
    c.max_grad_norm = Some(10.0);
    c
}

/// A random minibatch with the shapes of `cfg`.
pub fn random_batch(cfg: &Config, n_actions: usize, rng: &mut Rng) -> Batch {
    let b = cfg.batch_size;
    let len = b * cfg.net.obs_len();
    let mut bytes = |n: usize| (0..n).map(|_| rng.below(256) as u8).collect::<Vec<u8>>();
    let obs = bytes(len);
    let next_obs = bytes(len);
    Batch {
        size: b,
        obs,
        next_obs,
        actions: (0..b).map(|_| rng.below(n_actions as u64) as u32).collect(),
        returns: (0..b).map(|i| (i % 3) as f32 - 1.0).collect(),
        dones: (0..b).map(|i| i % 7 == 0).collect(),
        steps: vec![cfg.n_step as u32; b],
    }
}

/// Times `steps` DQN updates (after 3 warm-up updates) and the inference passes on `device`,
/// after [`tune_allocator`].
/// Threads are whatever the backend uses (`RAYON_NUM_THREADS` for `flex`); pass the number for
/// the report.
pub fn bench_train_step(
    device: &Device,
    backend: &str,
    threads: usize,
    n_actions: usize,
    steps: usize,
) -> BenchResult {
    tune_allocator();
    let cfg = bench_config();
    let mut learner = Learner::new(&cfg, n_actions, device);
    let mut rng = Rng::new(1);
    let batches: Vec<Batch> = (0..4)
        .map(|_| random_batch(&cfg, n_actions, &mut rng))
        .collect();
    for b in batches.iter().take(3) {
        learner.update(b);
    }
    let t0 = Instant::now();
    for i in 0..steps {
        learner.update(&batches[i % batches.len()]);
    }
    let train = t0.elapsed().as_secs_f64() / steps as f64;

    let reps = 10;
    let obs = &batches[0].obs;
    learner.q_values(obs, cfg.batch_size);
    let t0 = Instant::now();
    for _ in 0..reps {
        learner.q_values(obs, cfg.batch_size);
    }
    let b32 = t0.elapsed().as_secs_f64() / reps as f64;
    let one = &obs[..cfg.net.obs_len()];
    learner.q_values(one, 1);
    let t0 = Instant::now();
    for _ in 0..reps {
        learner.q_values(one, 1);
    }
    let b1 = t0.elapsed().as_secs_f64() / reps as f64;
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for p in learner.state().online {
        for v in p.values {
            for b in v.to_le_bytes() {
                hash = (hash ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    BenchResult {
        weights_fnv: Some(format!("{hash:016x}")),
        backend: backend.to_string(),
        threads,
        steps,
        train_steps_per_s: 1.0 / train,
        train_ms_per_step: train * 1e3,
        infer_ms_b32: b32 * 1e3,
        infer_ms_b1: b1 * 1e3,
    }
}

/// Runs the PyTorch peer `script` with `python` (`threads` intra-op threads, `steps` steps).
/// `Err` says why not (no python, no torch, script failure) in one line.
pub fn run_torch_peer(
    python: &str,
    script: &Path,
    threads: usize,
    n_actions: usize,
    steps: usize,
) -> Result<BenchResult, String> {
    let out = Command::new(python)
        .arg(script)
        .args(["--threads", &threads.to_string()])
        .args(["--actions", &n_actions.to_string()])
        .args(["--steps", &steps.to_string()])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no output");
        return Err(format!("{python} {}: {last}", script.display()));
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or("the torch peer printed no JSON")?;
    serde_json::from_str(line).map_err(|e| format!("torch peer output: {e}"))
}
