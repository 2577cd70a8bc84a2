//! Deep Q-learning on Burn (CPU: the `flex` backend).
//!
//! - [`config`]: every hyperparameter, presets `seed`, `nature`, `fast`.
//! - [`model`]: the Nature CNN (and smaller nets) as a Burn module.
//! - [`replay`]: frame-deduplicating replay with n-step returns; [`frame_stack`] for acting.
//! - [`learner`]: the DQN update (target net, Double DQN, Huber/squared, Adam + global clipping).
//! - [`trainer`]: the step-by-step training loop over any [`trainer::Env`].
//! - [`schedule`]: epsilon schedules. [`rng`]: the seeded RNG everything draws from.
//! - [`checkpoint`]: atomic, checksummed save/load of a whole run.
//! - [`catch`]: a tiny pixel game the learning test must solve.
//! - [`bench`]: train-step throughput (vs PyTorch when available).

pub mod adam;
pub mod bench;
pub mod catch;
pub mod checkpoint;
pub mod config;
pub mod frame_stack;
pub mod learner;
pub mod model;
pub mod params;
pub mod replay;
pub mod rng;
pub mod schedule;
pub mod trainer;

/// The device type the learner runs on (`Device::flex()` for the CPU).
pub use burn::tensor::Device;
pub use config::{AdamConfig, Config, EnvConfig, Loss, RewardShaping, UnknownPreset};
pub use learner::{Learner, UpdateStats};
pub use model::{NetConfig, QNetwork};
pub use replay::{Batch, ReplayBuffer};
pub use rng::Rng;
pub use schedule::EpsilonSchedule;
pub use trainer::{Counters, Env, EnvStep, StepReport, Trainer};
