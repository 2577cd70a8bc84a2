//! [`AttackEnv`]: two-player Pong as the adversary's environment, the frozen victim inside.
//!
//! The adversary is player B (the left paddle); the victim, player A, is asked for an action
//! on the shared observation before every step and never shows more than that action. A
//! reward is +1 for each point the adversary wins and -1 for each the victim wins; an episode
//! is one whole game (to 21, or to the frame cap, which counts as unfinished).
//!
//! Like [`crate::env::for_dqn::DqnAtariEnv`], game `g` runs on its own arena seeded from
//! (seed, g), and the saved state is the running game's inputs: both players' actions, replayed
//! on a fresh arena without asking the victim again. A checkpoint resumes exactly.

use std::sync::Arc;

use super::arena::{Arena, GameStats};
use super::player::{Player, View};
use crate::ale::pong_versus::Side;
use crate::ale::AleError;
use crate::env::for_dqn::{action_index, decode_replay_state, encode_replay_state};
use crate::env::{split_seed, AtariConfig, EpisodeInfo};
use crate::rl_env::{Env, Step};

/// The log's mark for a reset (action indices are below 6).
const RESET: u8 = 255;

/// A finished game: the adversary's score and the game's tallies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinishedGame {
    pub info: EpisodeInfo,
    pub stats: GameStats,
}

pub struct AttackEnv {
    rom: Arc<Vec<u8>>,
    config: AtariConfig,
    seed: u64,
    victim: Box<dyn Player>,
    /// Games started so far; the running one is number `games - 1`.
    games: u64,
    /// The running game's inputs: [`RESET`], then (victim, adversary) action pairs.
    log: Vec<u8>,
    arena: Arena,
    game_over: bool,
    finished: Option<FinishedGame>,
}

impl AttackEnv {
    /// The adversary's env against `victim` on `rom` (Pong), with the preprocessing of
    /// `config`.
    pub fn new(
        rom: Arc<Vec<u8>>,
        config: AtariConfig,
        seed: u64,
        victim: Box<dyn Player>,
    ) -> Result<Self, AleError> {
        let arena = Arena::new(&rom, &config, seed)?;
        Ok(AttackEnv {
            rom,
            config,
            seed,
            victim,
            games: 0,
            log: Vec::new(),
            arena,
            game_over: true,
            finished: None,
        })
    }

    fn new_game(&self, game: u64) -> Arena {
        Arena::new(&self.rom, &self.config, split_seed(self.seed, game))
            .expect("the ROM loaded once already")
    }

    /// The game that ended on the last step, once.
    pub fn take_finished_game(&mut self) -> Option<FinishedGame> {
        self.finished.take()
    }

    /// Whether the last game has ended.
    pub fn between_games(&self) -> bool {
        self.game_over
    }

    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    fn victim_action(&mut self) -> usize {
        let ram = self.arena.ram();
        let view = View {
            obs: self.arena.victim_obs(),
            ram: &ram,
            side: Side::A,
            must_serve: self.arena.must_serve(Side::A),
        };
        self.victim.act(&view).min(self.arena.num_actions() - 1)
    }
}

impl Env for AttackEnv {
    fn reset(&mut self) {
        if self.game_over {
            self.arena = self.new_game(self.games);
            self.games += 1;
            self.log.clear();
            self.game_over = false;
        }
        self.arena.reset();
        self.log.push(RESET);
    }

    /// The adversary plays `action` (an ALE id of Pong's minimal set) against the victim's
    /// choice on the same observation.
    ///
    /// # Panics
    /// If `action` is not in [`Env::action_set`] (a caller's bug: agents pick from that set).
    fn step(&mut self, action: u8) -> Step {
        let action = action_index(self.arena.action_set(), action);
        let victim = self.victim_action();
        self.log.extend([victim as u8, action as u8]);
        let step = self.arena.step(victim, action);
        if let Some(info) = self.arena.finished_game() {
            self.game_over = true;
            self.finished = Some(FinishedGame {
                info,
                stats: self.arena.stats(),
            });
        }
        step
    }

    /// The newest 84×84 frame.
    fn observe(&mut self) -> &[u8] {
        self.arena.frame()
    }

    fn obs_shape(&self) -> (usize, usize) {
        (crate::env::OBS_SIZE, crate::env::OBS_SIZE)
    }

    fn action_set(&self) -> &[u8] {
        self.arena.action_set()
    }

    fn game_over(&self) -> bool {
        self.game_over
    }

    fn save_state(&self) -> Result<Vec<u8>, String> {
        Ok(encode_replay_state(self.games, self.game_over, &self.log))
    }

    fn restore_state(&mut self, state: &[u8]) -> Result<(), String> {
        let bad = |what: &str| Err(format!("attack env state: {what}"));
        let (games, game_over, log) =
            decode_replay_state(state).map_err(|e| format!("attack env state: {e}"))?;
        self.finished = None;
        if game_over {
            (self.games, self.game_over) = (games, true);
            self.log.clear();
            return Ok(());
        }
        if games == 0 || log.first() != Some(&RESET) || log.len() % 2 != 1 {
            return bad("a running game must start with a reset and hold action pairs");
        }
        // Replay both players' inputs on a fresh arena (the victim is not asked again).
        let mut arena = self.new_game(games - 1);
        arena.reset();
        let n = arena.num_actions();
        for pair in log[1..].chunks(2) {
            let (v, a) = (pair[0] as usize, pair[1] as usize);
            if v >= n || a >= n {
                return bad("actions that do not fit the game");
            }
            if arena.step(v, a).done() {
                return bad("the game ended before the saved point");
            }
        }
        (self.arena, self.games, self.game_over) = (arena, games, false);
        self.log = log.to_vec();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::roms;
    use crate::attack::player::{Rand, Tracker};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A victim that records how often it is asked and what it is shown, and plays a tracker.
    struct Spy {
        asked: Arc<AtomicUsize>,
        inner: Tracker,
    }

    impl Player for Spy {
        fn act(&mut self, view: &View) -> usize {
            assert_eq!(view.side, Side::A);
            assert_eq!(view.obs.len(), 4 * 84 * 84);
            self.asked.fetch_add(1, Ordering::Relaxed);
            self.inner.act(view)
        }
    }

    fn env(seed: u64, asked: &Arc<AtomicUsize>) -> Option<AttackEnv> {
        let image = Arc::new(roms::cached_or_skip("pong")?);
        let victim = Box::new(Spy {
            asked: asked.clone(),
            inner: Tracker::default(),
        });
        Some(AttackEnv::new(image, AtariConfig::default().evaluation(), seed, victim).unwrap())
    }

    #[test]
    fn the_victim_is_asked_once_per_step_and_a_resumed_game_is_the_same_game() {
        let asked = Arc::new(AtomicUsize::new(0));
        let (Some(mut a), Some(mut b)) = (env(5, &asked), env(5, &asked)) else {
            return;
        };
        let mut rng = Rand::new(9);
        let ram = [0u8; 128];
        let mut pick = || {
            rng.act(&View {
                obs: &[],
                ram: &ram,
                side: Side::B,
                must_serve: false,
            })
        };
        let set = a.action_set().to_vec();
        let actions: Vec<u8> = (0..900).map(|_| set[pick()]).collect();
        a.reset();
        let mut rewards = Vec::new();
        for &x in &actions[..400] {
            rewards.push(a.step(x).reward);
        }
        assert_eq!(asked.load(Ordering::Relaxed), 400, "one question per step");
        // Restore a's state into b: the replay does not ask the victim.
        b.restore_state(&a.save_state().unwrap()).unwrap();
        assert_eq!(asked.load(Ordering::Relaxed), 400);
        assert_eq!(a.observe(), b.observe());
        for &x in &actions[400..] {
            let (ra, rb) = (a.step(x), b.step(x));
            assert_eq!(ra, rb);
            rewards.push(ra.reward);
            if ra.terminated || ra.truncated {
                break;
            }
            assert_eq!(a.observe(), b.observe());
        }
        assert!(
            rewards.iter().any(|&r| r != 0),
            "points were played: {} steps",
            rewards.len()
        );
        assert!(b.restore_state(&[1, 2, 3]).is_err());
        let mut wrong = a.save_state().unwrap();
        wrong.push(99);
        assert!(b.restore_state(&wrong).is_err());
    }
}
