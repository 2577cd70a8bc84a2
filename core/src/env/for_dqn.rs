//! The Atari pipeline as the environment the DQN trainer steps ([`crate::rl_env::Env`]).
//!
//! Each game (from power-on to game over) runs on a fresh [`AtariEnv`] seeded from the env's
//! seed and the game's number, so a run is a pure function of its seed. The env keeps the
//! actions of the game in progress: its saved state is (game number, those actions), and
//! restoring replays them on a fresh emulator (the emulator is deterministic), so a
//! checkpoint taken mid-game resumes exactly without serializing the machine.

use super::atari::{AtariConfig, AtariEnv, EpisodeInfo, FireMode};
use super::split_seed;
use super::time_limit::DEFAULT_MAX_EPISODE_FRAMES;
use crate::ale::AleError;
use crate::dqn::{evaluate, EnvConfig, Learner, Rng, ScoreSummary};
use crate::rl_env::{Env, Step};
use std::sync::Arc;

/// Plays `games` whole games with `learner` the way every score qarcade reports is measured
/// (Mnih et al. 2015; Machado et al. 2018): no life-loss episodes, the config's no-op starts,
/// `epsilon`-greedy actions, at most [`DEFAULT_MAX_EPISODE_FRAMES`] frames (30 minutes of play,
/// so an agent that stalls cannot hang an evaluation). Game `g` runs on its own
/// emulator seeded from (`seed`, `g`), `parallel` games at a time with one batched forward pass
/// per step, so the scores are a pure function of the weights and `seed`. Both `qarcade eval`
/// and the evaluations inside training call this.
pub fn play_games(
    learner: &Learner,
    rom: &Arc<Vec<u8>>,
    env: &EnvConfig,
    seed: u64,
    games: usize,
    epsilon: f64,
    parallel: usize,
) -> Result<ScoreSummary, AleError> {
    let atari = AtariConfig {
        max_episode_frames: DEFAULT_MAX_EPISODE_FRAMES,
        ..DqnAtariEnv::atari_config(env, learner.net_config().frame_stack).evaluation()
    };
    let mut rng = Rng::new(split_seed(seed, 0xAC7));
    let mut played = Vec::with_capacity(games);
    let parallel = parallel.max(1);
    for first in (0..games).step_by(parallel) {
        let mut envs = (first..games.min(first + parallel))
            .map(|g| DqnAtariEnv::new(rom.clone(), atari.clone(), split_seed(seed, g as u64)))
            .collect::<Result<Vec<_>, _>>()?;
        let results = evaluate(learner, &mut envs, epsilon, &mut rng);
        played.extend(results);
    }
    Ok(ScoreSummary::of_games(&played))
}

pub struct DqnAtariEnv {
    rom: Arc<Vec<u8>>,
    config: AtariConfig,
    seed: u64,
    /// Games started so far; the running one is number `games - 1`.
    games: u64,
    /// The running game's inputs since power-on: agent actions, and [`RESET`] for resets.
    log: Vec<u8>,
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
            games: 0,
            log: Vec::new(),
            env,
            game_over: true,
            finished: None,
        })
    }

    /// The preprocessing a DQN config asks for, stacking `frame_stack` frames (the network's
    /// `NetConfig::frame_stack`: what `AtariEnv::obs` hands the network).
    pub fn atari_config(env: &EnvConfig, frame_stack: usize) -> AtariConfig {
        AtariConfig {
            frame_stack,
            noop_max: env.noop_max,
            frame_skip: env.frame_skip,
            max_pool: env.max_pool,
            episodic_life: env.terminal_on_life_loss,
            repeat_action_probability: env.repeat_action_probability as f64,
            max_episode_frames: env.max_episode_steps.map_or(0, |s| {
                (s * env.frame_skip as u64).min(u32::MAX as u64) as u32
            }),
            fire_reset: match env.fire_reset {
                None => FireMode::Auto,
                Some(true) => FireMode::Always,
                Some(false) => FireMode::Never,
            },
            mode: env.mode,
            difficulty: env.difficulty,
        }
    }

    /// A fresh emulator for game number `game` of this env.
    fn new_game(&self, game: u64) -> AtariEnv {
        AtariEnv::new(&self.rom, &self.config, split_seed(self.seed, game))
            .expect("the ROM loaded once already")
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

impl Env for DqnAtariEnv {
    fn reset(&mut self) {
        if self.game_over {
            self.env = self.new_game(self.games);
            self.games += 1;
            self.log.clear();
            self.game_over = false;
        }
        self.env.reset();
        self.log.push(RESET);
    }

    /// Plays `action` (an ALE id of the game's minimal set).
    ///
    /// # Panics
    /// If `action` is not in [`Env::action_set`] (a caller's bug: agents pick from that set).
    fn step(&mut self, action: u8) -> Step {
        let index = action_index(self.env.action_set(), action);
        self.log.push(index as u8);
        let step = self.env.step(index);
        if let Some(info) = self.env.finished_game() {
            self.game_over = true;
            self.finished = Some(info);
        }
        step
    }

    /// The newest 84×84 frame (the trainer's replay stores frames once and stacks them itself).
    fn observe(&mut self) -> &[u8] {
        self.env.frame()
    }

    fn obs_shape(&self) -> (usize, usize) {
        (super::OBS_SIZE, super::OBS_SIZE)
    }

    fn action_set(&self) -> &[u8] {
        self.env.action_set()
    }

    fn game_over(&self) -> bool {
        self.game_over
    }

    fn lives(&self) -> i32 {
        self.env.lives()
    }

    fn screen(&self) -> Option<&[u8]> {
        self.env.screen()
    }

    fn save_state(&self) -> Result<Vec<u8>, String> {
        Ok(encode_replay_state(self.games, self.game_over, &self.log))
    }

    fn restore_state(&mut self, state: &[u8]) -> Result<(), String> {
        let bad = |what: &str| Err(format!("Atari env state: {what}"));
        let (games, game_over, log) =
            decode_replay_state(state).map_err(|e| format!("Atari env state: {e}"))?;
        if !game_over && (games == 0 || log.first() != Some(&RESET)) {
            return bad("a running game must start with a reset");
        }
        self.finished = None;
        if game_over {
            (self.games, self.game_over) = (games, true);
            self.log.clear();
            return Ok(());
        }
        // Replay the running game's inputs on a fresh emulator.
        let mut env = self.new_game(games - 1);
        let mut needs_reset = true;
        for &x in log {
            if x == RESET {
                env.reset();
                needs_reset = false;
            } else if needs_reset || x as usize >= env.num_actions() {
                return bad("inputs that do not fit the game");
            } else {
                needs_reset = env.step(x as usize).done();
                if env.finished_game().is_some() {
                    return bad("the game ended before the saved point");
                }
            }
        }
        (self.env, self.games, self.game_over) = (env, games, false);
        self.log = log.to_vec();
        Ok(())
    }
}

/// The log's mark for a reset (agent actions are logged as indices below 18).
const RESET: u8 = 255;

/// Where ALE action `action` sits in the game's `action_set` (the index the logs and the
/// pipeline's [`AtariEnv::step`] take).
///
/// # Panics
/// If the set lacks it.
pub(crate) fn action_index(action_set: &[u8], action: u8) -> usize {
    action_set
        .iter()
        .position(|&a| a == action)
        .unwrap_or_else(|| panic!("action {action} is not one of the game's {action_set:?}"))
}

/// The saved state of an env that restores by replaying its running game's inputs: games
/// started, whether the last one ended, and the running game's input log.
pub(crate) fn encode_replay_state(games: u64, game_over: bool, log: &[u8]) -> Vec<u8> {
    let mut out = games.to_le_bytes().to_vec();
    out.push(game_over as u8);
    out.extend_from_slice(log);
    out
}

/// [`encode_replay_state`]'s parts back, or why the bytes are not such a state.
pub(crate) fn decode_replay_state(state: &[u8]) -> Result<(u64, bool, &[u8]), &'static str> {
    if state.len() < 9 {
        return Err("too short");
    }
    let games = u64::from_le_bytes(state[..8].try_into().expect("8 bytes"));
    Ok((games, state[8] != 0, &state[9..]))
}
