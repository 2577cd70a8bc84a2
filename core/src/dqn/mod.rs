//! Deep Q-learning on Burn (CPU: the `flex` backend).
//!
//! - [`config`]: every hyperparameter, presets `seed`, `nature`, `fast`.
//! - [`model`]: the Nature CNN (and smaller nets) as a Burn module.
//! - [`replay`]: frame-deduplicating replay with n-step returns; [`vec_replay`]: one lane of
//!   it per env, sampled as one buffer.
//! - [`learner`]: the DQN update (target net, Double DQN, Huber/squared, Adam + global clipping).
//! - [`trainer`]: the training loop over N [`Env`]s (the crate's one environment trait,
//!   [`crate::rl_env`]) stepped together, and [`evaluate`] (one batched forward for all envs).
//! - [`schedule`]: epsilon schedules. [`rng`]: the seeded RNG everything draws from.
//! - [`checkpoint`]: atomic, checksummed save/load of a whole run.
//! - [`web_weights`]: the compact file `qarcade export --web` writes for the browser.
//! - [`adam`]: Adam with global-norm clipping, one fused pass on the host; [`params`]: flat
//!   host views of a module's parameters (for the optimizer and checkpoints).
//! - [`scores`]: the summary of whole-game scores every evaluation reports.
//! - [`catch`]: a tiny pixel game the learning test must solve.
//! - [`bench`](mod@bench): train-step throughput (vs PyTorch when available).
//!
//! # Training loop
//!
//! ```no_run
//! use qarcade_core::dqn::{checkpoint, Config, Device, Trainer};
//! use qarcade_core::dqn::catch::Catch; // any `Env`: Pong through the ALE wrapper, ...
//!
//! qarcade_core::dqn::bench::tune_allocator();
//! let mut cfg = Config::preset("fast").unwrap();
//! cfg.net = qarcade_core::dqn::NetConfig::catch(); // Pong keeps the preset's network
//! let envs = (0..cfg.num_envs as u64).map(Catch::new).collect();
//! let mut trainer = Trainer::new(cfg.clone(), envs, &Device::flex());
//! while trainer.counters.steps < cfg.total_steps {
//!     let report = trainer.step(); // one step of every env
//!     for e in report.episodes {
//!         println!("env {} return {} length {} epsilon {:.3}", e.env, e.ret, e.len, report.epsilon);
//!     }
//! }
//! checkpoint::save("run.ckpt".as_ref(), "catch", &trainer, false).unwrap();
//! ```
//!
//! # Speed (2-core CPU, batch 32, Nature CNN)
//!
//! The convolutions run as patch gathers + large matrix products in channels-last layout (see
//! [`model`]), the bootstrap forward runs concurrently with the online forward, and the Adam
//! update is one fused pass on the host: 1.07-1.31x PyTorch 2.15's CPU train-step speed
//! (four runs of `qarcade bench train-step`, 2 threads each side), from 0.34x with Burn's
//! `conv2d` and optimizer.

pub mod adam;
pub mod bench;
pub mod catch;
pub mod checkpoint;
pub mod config;
pub mod learner;
pub mod model;
pub mod params;
pub mod replay;
pub mod rng;
pub mod schedule;
pub mod scores;
pub mod trainer;
pub mod vec_replay;
pub mod web_weights;

/// The `wgpu` crate Burn's wgpu backend was built with (to list adapters at the edge).
#[cfg(feature = "wgpu")]
pub use burn::tensor::wgpu::wgpu as WgpuApi;
/// The device type the learner runs on (`Device::flex()` for the CPU).
pub use burn::tensor::Device;
pub use config::{AdamConfig, Config, EnvConfig, EvalConfig, Loss, RewardShaping, UnknownPreset};
pub use learner::{Learner, UpdateStats};
pub use model::{NetConfig, QNetwork};
pub use replay::{Batch, ReplayBuffer};
pub use rng::Rng;
pub use schedule::EpsilonSchedule;
pub use scores::ScoreSummary;
pub use trainer::{evaluate, Counters, Env, EpisodeEnd, Played, Step, StepReport, Trainer};
pub use vec_replay::VecReplay;
