//! Every hyperparameter of a DQN run, in one typed, serializable struct, with named presets.
//!
//! The training loop reads nothing else: a run is reproduced from its `Config` (saved in the
//! checkpoint) and its seed.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::model::NetConfig;
use super::schedule::EpsilonSchedule;

/// The TD loss applied to `Q(s, a) - target`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Loss {
    /// Smooth L1 with threshold `delta` (PyTorch `smooth_l1_loss(beta=1)` when `delta == 1`):
    /// bounded gradients, the Nature paper's "error clipping".
    Huber { delta: f32 },
    /// Mean squared error (the seed notebook's `(q - target).pow(2).mean()`).
    Squared,
}

/// Adam's hyperparameters (PyTorch's defaults, except where a preset says otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
}

impl AdamConfig {
    /// PyTorch's `torch.optim.Adam` defaults with learning rate `lr`.
    pub fn torch(lr: f64) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

/// How rewards are transformed before they enter the replay buffer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewardShaping {
    /// Clip to `sign(r)` in {-1, 0, 1} (DeepMind's reward clipping). Pong's rewards are already
    /// +-1, so this changes nothing there but matters for other games.
    pub clip_sign: bool,
    /// Multiply (after clipping) by this factor.
    pub scale: f32,
}

impl RewardShaping {
    /// Apply the shaping to one raw reward.
    pub fn apply(&self, r: f32) -> f32 {
        let r = if self.clip_sign {
            if r > 0.0 {
                1.0
            } else if r < 0.0 {
                -1.0
            } else {
                0.0
            }
        } else {
            r
        };
        r * self.scale
    }
}

/// The Atari preprocessing the environment wrapper applies (DeepMind's `wrap_deepmind`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvConfig {
    /// Emulator frames per agent step (the action is repeated; rewards summed).
    pub frame_skip: u32,
    /// Max-pool the last two emulator frames of a skip (removes Atari sprite flicker).
    pub max_pool: bool,
    /// Up to this many no-op actions at the start of each episode.
    pub noop_max: u32,
    /// End the *learning* episode (not the game) when a life is lost.
    pub terminal_on_life_loss: bool,
    /// ALE sticky-action probability (0 for the `NoFrameskip-v4` setting).
    pub repeat_action_probability: f32,
    /// Truncate episodes after this many agent steps (None = no limit).
    pub max_episode_steps: Option<u64>,
}

impl EnvConfig {
    /// `PongNoFrameskip-v4` + `wrap_deepmind(frame_stack=True)` as the PyTorch notebooks use it.
    pub fn deepmind() -> Self {
        Self {
            frame_skip: 4,
            max_pool: true,
            noop_max: 30,
            terminal_on_life_loss: false,
            repeat_action_probability: 0.0,
            max_episode_steps: Some(27_000),
        }
    }
}

/// All hyperparameters of a DQN run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// The preset this config started from (informational).
    pub preset: String,
    /// Seed of everything: network init, replay sampling, exploration.
    pub seed: u64,
    pub net: NetConfig,
    pub env: EnvConfig,
    /// Total agent steps of the run.
    pub total_steps: u64,
    /// Replay capacity in transitions.
    pub replay_capacity: usize,
    /// Act randomly (and do not learn) for this many agent steps first.
    pub learning_starts: u64,
    /// One gradient update every this many agent steps.
    pub train_every: u64,
    pub batch_size: usize,
    pub gamma: f32,
    /// n of the n-step return (1 = plain DQN).
    pub n_step: usize,
    /// Copy the online net into the target net every this many *agent steps*;
    /// `None` = no target net (bootstrap from the online net itself, as the seed notebook does).
    pub target_update: Option<u64>,
    /// Double DQN: the online net picks the next action, the target net evaluates it.
    pub double_dqn: bool,
    pub loss: Loss,
    pub adam: AdamConfig,
    /// Clip the global gradient norm (over all parameters) to this value.
    pub max_grad_norm: Option<f32>,
    pub epsilon: EpsilonSchedule,
    /// Epsilon during evaluation episodes.
    pub eval_epsilon: f64,
    pub reward: RewardShaping,
}

/// `Config::preset` was given a name it does not know.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("unknown DQN preset {name:?}; known presets: {}", Config::PRESETS.join(", "))]
pub struct UnknownPreset {
    pub name: String,
}

impl Config {
    /// The names [`Config::preset`] accepts.
    pub const PRESETS: [&'static str; 3] = ["seed", "nature", "fast"];

    /// A named preset.
    pub fn preset(name: &str) -> Result<Config, UnknownPreset> {
        match name {
            "seed" => Ok(Self::seed()),
            "nature" => Ok(Self::nature()),
            "fast" => Ok(Self::fast()),
            _ => Err(UnknownPreset {
                name: name.to_string(),
            }),
        }
    }

    /// The PyTorch notebook this project reproduces (RL-Adventure-style `1.dqn` on
    /// `PongNoFrameskip-v4`): Nature CNN, Adam lr 1e-5, replay 100k, learning from step 10k,
    /// batch 32, gamma 0.99, **no target network**, squared TD error, epsilon
    /// `0.02 + 0.98 * exp(-step / 30k)`, one update per agent step (the notebook calls
    /// `compute_td_loss` on every "frame" once the buffer holds `replay_initial` transitions; its
    /// "frame" is an agent step of the 4-frame-skipping wrapper), 1.4M steps, no grad clipping.
    pub fn seed() -> Self {
        Self {
            preset: "seed".into(),
            seed: 0,
            net: NetConfig::seed(),
            env: EnvConfig::deepmind(),
            total_steps: 1_400_000,
            replay_capacity: 100_000,
            learning_starts: 10_000,
            train_every: 1,
            batch_size: 32,
            gamma: 0.99,
            n_step: 1,
            target_update: None,
            double_dqn: false,
            loss: Loss::Squared,
            adam: AdamConfig::torch(1e-5),
            max_grad_norm: None,
            epsilon: EpsilonSchedule::Exponential {
                start: 1.0,
                end: 0.02,
                decay: 30_000.0,
            },
            eval_epsilon: 0.0,
            reward: RewardShaping {
                clip_sign: true,
                scale: 1.0,
            },
        }
    }

    /// Mnih et al. 2015 ("Human-level control", Nature), with RMSProp(2.5e-4) replaced by the
    /// Adam(1e-4, eps 1.5e-4) that Dopamine and CleanRL found equivalent: replay 1M, learning
    /// from 50k, target update every 10k steps, train every 4, epsilon 1 -> 0.1 over 1M, Huber,
    /// 10M steps (40M frames).
    pub fn nature() -> Self {
        Self {
            preset: "nature".into(),
            seed: 0,
            net: NetConfig::nature(),
            env: EnvConfig::deepmind(),
            total_steps: 10_000_000,
            replay_capacity: 1_000_000,
            learning_starts: 50_000,
            train_every: 4,
            batch_size: 32,
            gamma: 0.99,
            n_step: 1,
            target_update: Some(10_000),
            double_dqn: false,
            loss: Loss::Huber { delta: 1.0 },
            adam: AdamConfig {
                lr: 1e-4,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1.5e-4,
            },
            max_grad_norm: None,
            epsilon: EpsilonSchedule::Linear {
                start: 1.0,
                end: 0.1,
                steps: 1_000_000,
            },
            eval_epsilon: 0.05,
            reward: RewardShaping {
                clip_sign: true,
                scale: 1.0,
            },
        }
    }

    /// Best wall-clock recipe for Pong on a 2-core CPU: few gradient steps per agent step
    /// (train every 4), a small replay, and the refinements that make each step count (Double
    /// DQN, 3-step returns, Huber, Adam 1e-4, global-norm clipping at 10), fast exploration
    /// decay (1 -> 0.01 over 100k steps: on this machine an hour is ~350k agent steps, and
    /// Pong needs exploitation well before that), target sync every 2k steps, 2M steps.
    pub fn fast() -> Self {
        Self {
            preset: "fast".into(),
            seed: 0,
            net: NetConfig::nature(),
            env: EnvConfig::deepmind(),
            total_steps: 2_000_000,
            replay_capacity: 100_000,
            learning_starts: 10_000,
            train_every: 4,
            batch_size: 32,
            gamma: 0.99,
            n_step: 3,
            target_update: Some(2_000),
            double_dqn: true,
            loss: Loss::Huber { delta: 1.0 },
            adam: AdamConfig {
                lr: 1e-4,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1.5e-4,
            },
            max_grad_norm: Some(10.0),
            epsilon: EpsilonSchedule::Linear {
                start: 1.0,
                end: 0.01,
                steps: 100_000,
            },
            eval_epsilon: 0.0,
            reward: RewardShaping {
                clip_sign: true,
                scale: 1.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_round_trip_through_json() {
        for name in Config::PRESETS {
            let c = Config::preset(name).unwrap();
            assert_eq!(c.preset, name);
            let json = serde_json::to_string(&c).unwrap();
            let back: Config = serde_json::from_str(&json).unwrap();
            assert_eq!(back, c);
        }
    }

    #[test]
    fn unknown_preset_names_the_known_ones() {
        let e = Config::preset("rainbow").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown DQN preset \"rainbow\"; known presets: seed, nature, fast"
        );
    }

    #[test]
    fn seed_preset_reads_as_the_notebook() {
        let c = Config::seed();
        assert_eq!(c.adam.lr, 1e-5);
        assert_eq!(c.target_update, None);
        assert_eq!(c.loss, Loss::Squared);
        assert_eq!(c.replay_capacity, 100_000);
        assert_eq!(c.learning_starts, 10_000);
        assert!((c.epsilon.value(30_000) - (0.02 + 0.98 / std::f64::consts::E)).abs() < 1e-12);
    }

    #[test]
    fn reward_shaping_clips_then_scales() {
        let s = RewardShaping {
            clip_sign: true,
            scale: 0.5,
        };
        assert_eq!(s.apply(7.0), 0.5);
        assert_eq!(s.apply(-0.2), -0.5);
        assert_eq!(s.apply(0.0), 0.0);
    }
}
