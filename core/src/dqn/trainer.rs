//! The DQN training loop, one agent step at a time, for any environment that yields `u8`
//! frames. Pong (through the ALE wrapper) and the catch test drive the same code.
//!
//! Per step: pick an epsilon-greedy action from the stacked observation, step the env, store
//! the transition (shaped reward) in replay, then every `train_every` steps after
//! `learning_starts` sample a minibatch and update; every `target_update` steps copy the online
//! net into the target net.

use burn::tensor::Device;

use super::config::Config;
use super::frame_stack::FrameStack;
use super::learner::{Learner, UpdateStats};
use super::replay::ReplayBuffer;
use super::rng::Rng;

/// What one environment step reports. The new observation frame is read from [`Env::frame`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnvStep {
    pub reward: f32,
    /// The episode ended in a terminal state (no bootstrapping past it).
    pub terminated: bool,
    /// The episode was cut off (time limit); the last frame is still a bootstrap target.
    pub truncated: bool,
}

/// An environment with a discrete action set and `u8` frames of the size the net expects
/// (`NetConfig::frame_len`), e.g. 84x84 grayscale for Atari.
pub trait Env {
    fn n_actions(&self) -> usize;
    /// Starts a new episode; [`Env::frame`] then shows its first frame.
    fn reset(&mut self);
    fn step(&mut self, action: usize) -> EnvStep;
    /// The current observation frame.
    fn frame(&self) -> &[u8];
}

/// What happened during one [`Trainer::step`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepReport {
    /// The epsilon used for this step's action.
    pub epsilon: f64,
    /// Set when a gradient update ran.
    pub update: Option<UpdateStats>,
    /// Set when an episode ended: (undiscounted raw return, length in agent steps).
    pub episode: Option<(f64, u64)>,
}

/// Counters that, with the RNG state, let a run resume exactly (see `checkpoint`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counters {
    /// Agent steps taken.
    pub steps: u64,
    /// Episodes finished.
    pub episodes: u64,
}

/// Learner + replay + exploration state.
pub struct Trainer {
    pub cfg: Config,
    pub learner: Learner,
    pub replay: ReplayBuffer,
    pub rng: Rng,
    pub counters: Counters,
    stack: FrameStack,
    in_episode: bool,
    episode_return: f64,
    episode_len: u64,
}

impl Trainer {
    /// A fresh run of `cfg` for an env with `n_actions` actions, on `device` (`Device::flex()`
    /// for the CPU).
    pub fn new(cfg: Config, n_actions: usize, device: &Device) -> Self {
        let learner = Learner::new(&cfg, n_actions, device);
        Self::with_learner(cfg, learner)
    }

    /// A trainer around an existing learner (e.g. restored from a checkpoint), with an empty
    /// replay buffer.
    pub fn with_learner(cfg: Config, learner: Learner) -> Self {
        let replay = ReplayBuffer::new(
            cfg.replay_capacity,
            cfg.net.frame_len(),
            cfg.net.frame_stack,
            cfg.n_step,
            cfg.gamma,
        );
        Self {
            stack: FrameStack::new(cfg.net.frame_stack, cfg.net.frame_len()),
            rng: Rng::new(cfg.seed ^ 0x005E_ED0F_DA7A),
            learner,
            replay,
            counters: Counters::default(),
            in_episode: false,
            episode_return: 0.0,
            episode_len: 0,
            cfg,
        }
    }

    /// One agent step in `env` (resetting it first when an episode has ended).
    pub fn step(&mut self, env: &mut impl Env) -> StepReport {
        if !self.in_episode {
            env.reset();
            self.stack.reset(env.frame());
            self.replay.start_episode(env.frame());
            self.in_episode = true;
            self.episode_return = 0.0;
            self.episode_len = 0;
        }

        let epsilon = self.cfg.epsilon.value(self.counters.steps);
        let action = self.learner.act(self.stack.obs(), epsilon, &mut self.rng);
        let s = env.step(action);
        let reward = self.cfg.reward.apply(s.reward);
        self.replay.push(action, reward, env.frame(), s.terminated);
        self.stack.push(env.frame());
        self.counters.steps += 1;
        self.episode_return += s.reward as f64;
        self.episode_len += 1;

        let mut report = StepReport {
            epsilon,
            ..StepReport::default()
        };
        let step = self.counters.steps;
        // The replay check only matters after resuming without a saved replay buffer: learning
        // then waits until the buffer holds `learning_starts` transitions again. (In a fresh
        // run it holds more than `step` frames, so it never delays an update.)
        let warm =
            self.replay.len() as u64 >= self.cfg.learning_starts.min(self.replay.capacity() as u64);
        if step > self.cfg.learning_starts && warm && step.is_multiple_of(self.cfg.train_every) {
            // None only while the buffer holds no complete n-step transition yet.
            if let Some(batch) = self.replay.try_sample(self.cfg.batch_size, &mut self.rng) {
                report.update = Some(self.learner.update(&batch));
            }
        }
        if let Some(k) = self.cfg.target_update {
            if step.is_multiple_of(k) {
                self.learner.sync_target();
            }
        }
        let truncated = s.truncated
            || self
                .cfg
                .env
                .max_episode_steps
                .is_some_and(|m| self.episode_len >= m);
        if s.terminated || truncated {
            self.in_episode = false;
            self.counters.episodes += 1;
            report.episode = Some((self.episode_return, self.episode_len));
        }
        report
    }

    /// Runs `episodes` episodes in `env` with epsilon-greedy actions (`epsilon`, own `rng`)
    /// without storing or learning; returns each episode's raw return. Leaves the trainer's
    /// own episode to restart on the next [`Trainer::step`] if it shares `env`.
    pub fn evaluate(
        &mut self,
        env: &mut impl Env,
        episodes: usize,
        epsilon: f64,
        rng: &mut Rng,
    ) -> Vec<f64> {
        self.in_episode = false;
        let mut stack = FrameStack::new(self.cfg.net.frame_stack, self.cfg.net.frame_len());
        let mut returns = Vec::with_capacity(episodes);
        for _ in 0..episodes {
            env.reset();
            stack.reset(env.frame());
            let (mut ret, mut len) = (0.0, 0u64);
            loop {
                let a = self.learner.act(stack.obs(), epsilon, rng);
                let s = env.step(a);
                stack.push(env.frame());
                ret += s.reward as f64;
                len += 1;
                let limit = self.cfg.env.max_episode_steps.is_some_and(|m| len >= m);
                if s.terminated || s.truncated || limit {
                    break;
                }
            }
            returns.push(ret);
        }
        returns
    }

    /// Forget the running episode (after restoring a checkpoint: the env restarts).
    pub fn end_episode(&mut self) {
        self.in_episode = false;
    }
}
