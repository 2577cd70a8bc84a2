//! [`AtariEnv`]: the whole DeepMind preprocessing pipeline, as the DQN trainer uses it.

use super::max_and_skip::DEFAULT_FRAME_SKIP;
use super::noop_reset::DEFAULT_NOOP_MAX;
use super::time_limit::DEFAULT_MAX_EPISODE_FRAMES;
use super::{
    split_seed, AleFrames, Env, EpisodicLife, FireReset, FrameStack, MaxAndSkip, NoopReset, Resize,
    Step, Tap, TimeLimit, FRAME_LEN, OBS_SIZE,
};
use crate::ale::{Ale, AleConfig, AleError};
use crate::frame_stack::DEFAULT_FRAME_STACK;
use std::sync::{Arc, Mutex};

/// When to add [`FireReset`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FireMode {
    /// Where SB3's `AtariWrapper` does: the action set has FIRE (as action 1) and at least
    /// three actions.
    #[default]
    Auto,
    /// Always ([`AtariEnv::new`] refuses a game without FIRE as action 1).
    Always,
    Never,
}

/// Settings of an [`AtariEnv`]. The default is the DeepMind / SB3 training setup on a
/// `NoFrameskip-v4` game: 30 no-ops, skip 4, episodic life, FIRE reset, stack 4, no
/// sticky actions, 108,000-frame episodes.
#[derive(Clone, Debug)]
pub struct AtariConfig {
    /// Maximum random no-op frames after a reset (0 = none).
    pub noop_max: u32,
    /// Frames per agent step (action repeat).
    pub frame_skip: u32,
    /// Max-pool the last two frames of each step (against sprite flicker).
    pub max_pool: bool,
    /// End the agent's episode on every lost life (training); off for evaluation.
    pub episodic_life: bool,
    pub fire_reset: FireMode,
    /// Frames per stacked observation.
    pub frame_stack: usize,
    /// Sticky actions (ALE v5 uses 0.25): per frame, the previous action is repeated with
    /// this probability. Seeded from the env's seed.
    pub repeat_action_probability: f64,
    /// Truncate episodes after this many emulated frames (0 = never).
    pub max_episode_frames: u32,
    /// Game mode and difficulty (ALE's defaults when `None` / 0).
    pub mode: Option<u8>,
    pub difficulty: u8,
}

impl Default for AtariConfig {
    fn default() -> Self {
        AtariConfig {
            noop_max: DEFAULT_NOOP_MAX,
            frame_skip: DEFAULT_FRAME_SKIP,
            max_pool: true,
            episodic_life: true,
            fire_reset: FireMode::Auto,
            frame_stack: DEFAULT_FRAME_STACK,
            repeat_action_probability: 0.0,
            max_episode_frames: DEFAULT_MAX_EPISODE_FRAMES,
            mode: None,
            difficulty: 0,
        }
    }
}

impl AtariConfig {
    /// Machado et al. (2018) / ALE v5 style: sticky actions (0.25) instead of no-op
    /// starts, whole games (no episodic life).
    pub fn v5() -> Self {
        AtariConfig {
            noop_max: 0,
            episodic_life: false,
            repeat_action_probability: 0.25,
            ..AtariConfig::default()
        }
    }

    /// The emulator's settings for an env of this config with seed `seed` (the env's
    /// stream 0; the no-op starts draw from stream 1).
    pub fn ale_config(&self, seed: u64) -> AleConfig {
        AleConfig {
            seed: split_seed(seed, 0) as u32,
            repeat_action_probability: self.repeat_action_probability,
            // Truncation is done by TimeLimit (so it is reported as truncation).
            max_num_frames_per_episode: 0,
            mode: self.mode,
            difficulty: self.difficulty,
        }
    }

    /// For scoring an agent: as training, but an episode is a whole game.
    pub fn evaluation(self) -> Self {
        AtariConfig {
            episodic_life: false,
            ..self
        }
    }
}

/// Statistics of a finished game (game over or truncation), over all its lives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpisodeInfo {
    /// The game's score gained: the sum of raw (unclipped) rewards of the agent's steps.
    pub score: i64,
    /// Agent steps played (each `frame_skip` frames; no-op / FIRE reset frames excluded).
    pub length: u32,
    /// Times the agent's paddle returned the ball (Pong; 0 in other games).
    pub returns: u32,
}

/// An Atari game behind the full preprocessing pipeline: 84×84 grayscale frames, skip 4
/// with max-pool, no-op starts, episodic life, FIRE reset, frame stack. Rewards are the
/// game's own (the learner clips them).
/// Agent actions are indices into the game's minimal action set.
///
/// Observations come in two forms, both views into the env (no copies handed out):
/// - [`AtariEnv::frame`]: the newest 84×84 frame alone — what a replay buffer that stores
///   each frame once should store (it rebuilds stacks with [`FrameStack::source`]);
/// - [`AtariEnv::obs`]: the `[k, 84, 84]` stack, oldest first — the network's input.
///
/// Same ROM, config and seed give the same trajectory for the same actions.
pub struct AtariEnv {
    chain: Box<dyn Env>,
    stack: FrameStack,
    action_set: Vec<u8>,
    needs_reset: bool,
    /// Whether the next reset starts a new game (so the statistics restart).
    game_ended: bool,
    score: i64,
    length: u32,
    returns: u32,
}

impl AtariEnv {
    /// A game from its ROM image. `seed` drives the no-op starts and sticky actions.
    pub fn new(rom: &[u8], config: &AtariConfig, seed: u64) -> Result<AtariEnv, AleError> {
        let ale = Ale::new(rom, &config.ale_config(seed), false)?;
        if config.fire_reset == FireMode::Always
            && !FireReset::<Box<dyn Env>>::applies(ale.minimal_actions())
        {
            return Err(AleError::NoFire {
                game: ale.spec().name,
            });
        }
        Ok(AtariEnv::from_game(AleFrames::new(ale), config, seed))
    }

    /// The pipeline over any one-frame-per-step game (e.g. [`super::ScriptedGame`]).
    pub fn from_game<G: Env + 'static>(game: G, config: &AtariConfig, seed: u64) -> AtariEnv {
        Self::from_game_tapped(game, config, seed, None)
    }

    /// [`AtariEnv::from_game`], with each pooled 210×160 screen (what the resize reads) also
    /// copied into `tap` (see [`Tap`]), for a second view built outside the chain.
    pub fn from_game_tapped<G: Env + 'static>(
        game: G,
        config: &AtariConfig,
        seed: u64,
        tap: Option<Arc<Mutex<Vec<u8>>>>,
    ) -> AtariEnv {
        // Innermost first, as SB3's AtariWrapper: the frame-level layers are generic (the
        // per-frame calls are static); the per-agent-step layers above are boxed.
        let e = TimeLimit::new(game, config.max_episode_frames);
        let e = NoopReset::new(e, config.noop_max, split_seed(seed, 1));
        let skip = MaxAndSkip::new(e, config.frame_skip);
        let skip = match config.max_pool {
            true => skip,
            false => skip.without_pooling(),
        };
        let mut e: Box<dyn Env> = Box::new(skip);
        if let Some(sink) = tap {
            e = Box::new(Tap::new(e, sink));
        }
        if config.episodic_life {
            e = Box::new(EpisodicLife::new(e));
        }
        let fire = match config.fire_reset {
            FireMode::Auto => FireReset::<Box<dyn Env>>::applies(e.action_set()),
            FireMode::Always => true,
            FireMode::Never => false,
        };
        if fire {
            e = Box::new(FireReset::new(e));
        }
        let chain: Box<dyn Env> = Box::new(Resize::new(e, OBS_SIZE, OBS_SIZE));
        AtariEnv::from_chain(chain, config.frame_stack)
    }

    /// Frame stacking and statistics over a hand-built chain whose
    /// observations are 84×84.
    pub fn from_chain(chain: Box<dyn Env>, frame_stack: usize) -> AtariEnv {
        assert_eq!(
            chain.obs_shape(),
            (OBS_SIZE, OBS_SIZE),
            "chain must give 84x84"
        );
        AtariEnv {
            action_set: chain.action_set().to_vec(),
            chain,
            stack: FrameStack::new(frame_stack, FRAME_LEN),
            needs_reset: true,
            game_ended: true,
            score: 0,
            length: 0,
            returns: 0,
        }
    }

    /// Number of agent actions (the minimal action set's size).
    pub fn num_actions(&self) -> usize {
        self.action_set.len()
    }

    /// The ALE action ids behind the agent's action indices.
    pub fn action_set(&self) -> &[u8] {
        &self.action_set
    }

    /// Starts the agent's next episode — after a lost life that is the same game going
    /// on — and returns the stacked observation.
    pub fn reset(&mut self) -> &[u8] {
        self.chain.reset();
        if self.game_ended {
            self.score = 0;
            self.length = 0;
            self.returns = 0;
            self.game_ended = false;
        }
        self.stack.reset(self.chain.observe());
        self.needs_reset = false;
        self.stack.stacked()
    }

    /// Plays agent action `action` (an index into [`AtariEnv::action_set`]) and reports
    /// the step as every env does; when it ended the game (game over or truncation, not a
    /// lost life), [`AtariEnv::finished_game`] holds the game's score and length.
    /// Panics if the episode ended and [`AtariEnv::reset`] was not called.
    pub fn step(&mut self, action: usize) -> Step {
        assert!(
            !self.needs_reset,
            "AtariEnv::step after the episode ended: reset first"
        );
        let s = self.chain.step(self.action_set[action]);
        self.stack.push(self.chain.observe());
        self.score += s.reward as i64;
        self.length += 1;
        self.returns += s.returns;
        self.needs_reset = s.done();
        self.game_ended = s.truncated || self.chain.game_over();
        s
    }

    /// The game that ended on the last [`AtariEnv::step`] (its score, length and returns
    /// over all lives); `None` after any other step and after a reset.
    pub fn finished_game(&self) -> Option<EpisodeInfo> {
        // A game ended and not yet reset (a new env has played nothing: length 0).
        (self.game_ended && self.length > 0).then_some(EpisodeInfo {
            score: self.score,
            length: self.length,
            returns: self.returns,
        })
    }

    /// The newest 84×84 frame (row-major).
    pub fn frame(&self) -> &[u8] {
        self.stack.newest()
    }

    /// The stacked observation, `[k, 84, 84]`, oldest frame first.
    pub fn obs(&self) -> &[u8] {
        self.stack.stacked()
    }

    pub fn frame_stack(&self) -> usize {
        self.stack.depth()
    }

    /// The game's current screen (TIA colour values, 160×210), for videos.
    pub fn screen(&self) -> Option<&[u8]> {
        self.chain.screen()
    }

    /// Lives left in the game.
    pub fn lives(&self) -> i32 {
        self.chain.lives()
    }
}
