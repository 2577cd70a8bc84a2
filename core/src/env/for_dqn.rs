//! The Atari pipeline as the DQN trainer's environment ([`crate::dqn::Env`]).
//!
//! Each game (from power-on to game over) runs on a fresh [`AtariEnv`] seeded from the run's
//! seed and the agent step at which the game starts. A run is then a pure function of its
//! seed, and a checkpoint taken between games needs no emulator state to resume exactly.

use super::atari::{AtariConfig, AtariEnv, EpisodeInfo};
use super::split_seed;
use crate::ale::AleError;
use crate::dqn::{EnvConfig, EnvStep};
use std::sync::Arc;

pub struct DqnAtariEnv {
    rom: Arc<Vec<u8>>,
    config: AtariConfig,
    seed: u64,
    /// The agent step the trainer is at; read when a new game starts (see module docs).
    pub clock: u64,
    env: AtariEnv,
    /// Whether the current game has ended, so the next reset starts a new one.
    game_over: bool,
    /// The last finished game's statistics, until taken.
    finished: Option<EpisodeInfo>,
}

impl DqnAtariEnv {
    pub fn new(rom: Arc<Vec<u8>>, config: AtariConfig, seed: u64) -> Result<Self, AleError> {
        let env = AtariEnv::new(&rom, &config, seed)?;
        Ok(DqnAtariEnv {
            rom,
            config,
            seed,
            clock: 0,
            env,
            game_over: true,
            finished: None,
        })
    }

    /// The preprocessing a DQN config asks for.
    pub fn atari_config(env: &EnvConfig) -> AtariConfig {
        AtariConfig {
            noop_max: env.noop_max,
            frame_skip: env.frame_skip,
            episodic_life: env.terminal_on_life_loss,
            repeat_action_probability: env.repeat_action_probability as f64,
            max_episode_frames: env.max_episode_steps.map_or(0, |s| {
                (s * env.frame_skip as u64).min(u32::MAX as u64) as u32
            }),
            ..AtariConfig::default()
        }
    }

    /// The statistics of the game that ended on the last step, once.
    pub fn take_finished_game(&mut self) -> Option<EpisodeInfo> {
        self.finished.take()
    }

    /// Whether the last game has ended (a checkpoint taken now resumes exactly).
    pub fn between_games(&self) -> bool {
        self.game_over
    }

    pub fn env(&self) -> &AtariEnv {
        &self.env
    }
}

impl crate::dqn::Env for DqnAtariEnv {
    fn n_actions(&self) -> usize {
        self.env.num_actions()
    }

    fn reset(&mut self) {
        if self.game_over {
            self.env = AtariEnv::new(&self.rom, &self.config, split_seed(self.seed, self.clock))
                .expect("the ROM loaded once already");
            self.game_over = false;
        }
        self.env.reset();
    }

    fn step(&mut self, action: usize) -> EnvStep {
        let t = self.env.step(action);
        if let Some(info) = t.episode {
            self.game_over = true;
            self.finished = Some(info);
        }
        EnvStep {
            reward: t.raw_reward as f32,
            terminated: t.terminated,
            truncated: t.truncated,
        }
    }

    fn frame(&self) -> &[u8] {
        self.env.frame()
    }
}
