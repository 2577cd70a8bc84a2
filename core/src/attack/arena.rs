//! [`Arena`]: one game of two-player Pong behind the preprocessing both players see.
//!
//! The DeepMind pipeline of [`crate::env`] (no-op starts, skip 4 with max-pool, 84×84, stack
//! of 4) is built over [`VersusFrames`], a frame-level game in which the pipeline's own
//! actions are player B's and player A's action is held in a shared [`Table`]. Both players
//! see the same screen, so the stack the pipeline builds is exactly the observation a
//! one-player agent was trained on, now with a second player on the left: the victim (A)
//! sees its training's preprocessing with nothing changed but the opponent.

use std::sync::{Arc, Mutex, MutexGuard};

use super::mask::freeze_left_paddle;
use super::player::NOOP;
use crate::ale::pong_versus::{ball, ServeRule, Side, VERSUS_MODE};
use crate::ale::{roms, Ale, AleError};
use crate::env::{
    pass_through, AleFrames, AreaResize, AtariConfig, AtariEnv, Env, EpisodeInfo, FrameStack, Step,
    FRAME_LEN,
};

/// What happened in one game, as both players' tallies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GameStats {
    /// Points won by A and by B.
    pub points: [u32; 2],
    /// Frames each point's ball was in play (serve to point).
    pub rallies: Vec<u32>,
    /// Serves the [`ServeRule`] forced on A and on B.
    pub forced_serves: [u32; 2],
    /// Frames played.
    pub frames: u32,
}

/// What the two players share outside the pipeline's chain.
#[derive(Clone, Debug)]
pub struct Table {
    /// Player A's action (an ALE id, player-relative), held until changed.
    pub a_action: u8,
    pub serve: ServeRule,
    /// The RAM after the last frame.
    pub ram: [u8; 128],
    pub stats: GameStats,
    /// Frames the ball has been in play since the last serve.
    rally: u32,
}

/// A two-player Pong console seen as a one-frame-per-step [`Env`] for player B, with player
/// A's action read from the [`Table`]. Its rewards are B's (the negative of ALE's, which are
/// A's), and every frame goes through the [`ServeRule`].
pub struct VersusFrames {
    /// The console; its own `step` (player B idle) is not used.
    inner: AleFrames,
    table: Arc<Mutex<Table>>,
}

impl VersusFrames {
    pub fn new(ale: Ale, table: Arc<Mutex<Table>>) -> VersusFrames {
        lock(&table).ram = *ale.ram();
        VersusFrames {
            inner: AleFrames::new(ale),
            table,
        }
    }
}

impl Default for Table {
    fn default() -> Self {
        Table {
            a_action: 0,
            serve: ServeRule::default(),
            ram: [0; 128],
            stats: GameStats::default(),
            rally: 0,
        }
    }
}

fn lock(table: &Mutex<Table>) -> MutexGuard<'_, Table> {
    // Nothing panics while holding the lock, so it cannot be poisoned; if it were, the
    // table's plain data is still whole.
    table.lock().unwrap_or_else(|e| e.into_inner())
}

impl Env for VersusFrames {
    fn reset(&mut self) {
        self.inner.reset();
        let mut t = lock(&self.table);
        t.serve.new_game();
        t.stats = GameStats::default();
        t.rally = 0;
        t.a_action = 0;
        t.ram = *self.inner.ale.ram();
    }

    fn step(&mut self, action: u8) -> Step {
        let mut t = lock(&self.table);
        let ale = &mut self.inner.ale;
        let ram = *ale.ram();
        let held = t.a_action;
        let (a, b) = t.serve.actions(&ram, held, action);
        let reward = -ale.act(Side::A.ale_action(a), Side::B.ale_action(b));
        let ram = *ale.ram();
        let t = &mut *t;
        t.stats.frames += 1;
        t.stats.forced_serves = t.serve.forced;
        if ball(&ram).is_some() {
            t.rally += 1;
        }
        if reward != 0 {
            let winner = if reward > 0 { Side::B } else { Side::A };
            t.stats.points[winner.index()] += 1;
            t.stats.rallies.push(t.rally);
            t.rally = 0;
        }
        t.ram = ram;
        // The adversary (player B) is the one learning here.
        let returns = (ale.ball_returned() == Some(Side::B)) as u32;
        Step {
            reward,
            terminated: ale.game_over(),
            truncated: false,
            returns,
        }
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}

/// One two-player game at a time (a new game on every [`Arena::reset`]): both players act
/// once per agent step on the same observation.
pub struct Arena {
    env: AtariEnv,
    table: Arc<Mutex<Table>>,
    serve_grace: u32,
    /// The masked victim's own view, when it plays masked.
    masked: Option<MaskedView>,
}

/// A second pipeline top (resize, stack) over the same pooled screens, with the opponent's
/// paddle frozen ([`freeze_left_paddle`]): what a masked victim sees.
struct MaskedView {
    /// The pooled 210×160 screen of the last agent step, copied by the chain's [`crate::env::Tap`].
    tap: Arc<Mutex<Vec<u8>>>,
    /// The tapped screen with the paddle frozen (a buffer kept between steps).
    screen: Vec<u8>,
    resize: AreaResize,
    frame: Vec<u8>,
    stack: FrameStack,
}

impl MaskedView {
    fn update(&mut self, new_episode: bool) {
        self.screen.clear();
        self.screen
            .extend_from_slice(&self.tap.lock().unwrap_or_else(|e| e.into_inner()));
        freeze_left_paddle(&mut self.screen);
        self.resize.apply(&self.screen, &mut self.frame);
        if new_episode {
            self.stack.reset(&self.frame);
        } else {
            self.stack.push(&self.frame);
        }
    }
}

impl Arena {
    /// The pipeline `config` asks for (its mode is replaced by [`VERSUS_MODE`]; episodic life
    /// is meaningless in Pong), with seed `seed` for the emulator and the no-op starts.
    pub fn new(rom: &[u8], config: &AtariConfig, seed: u64) -> Result<Arena, AleError> {
        Self::build(rom, config, seed, false)
    }

    /// [`Arena::new`], with the victim (A) shown the game with B's paddle frozen
    /// ([`Arena::victim_obs`]); B still sees the real game.
    pub fn masked(rom: &[u8], config: &AtariConfig, seed: u64) -> Result<Arena, AleError> {
        Self::build(rom, config, seed, true)
    }

    fn build(rom: &[u8], config: &AtariConfig, seed: u64, masked: bool) -> Result<Arena, AleError> {
        let config = AtariConfig {
            mode: Some(VERSUS_MODE),
            episodic_life: false,
            ..config.clone()
        };
        let game = roms::identify(rom).map_or("this ROM", |r| r.name);
        if game != "pong" {
            return Err(AleError::NoVersus { game });
        }
        let ale = Ale::new(rom, &config.ale_config(seed), false)?;
        let table = Arc::new(Mutex::new(Table::default()));
        let frames = VersusFrames::new(ale, table.clone());
        let masked = masked.then(|| MaskedView {
            tap: Arc::new(Mutex::new(Vec::new())),
            screen: Vec::new(),
            resize: AreaResize::atari(),
            frame: vec![0; FRAME_LEN],
            stack: FrameStack::new(config.frame_stack, FRAME_LEN),
        });
        let tap = masked.as_ref().map(|m| m.tap.clone());
        Ok(Arena {
            env: AtariEnv::from_game_tapped(frames, &config, seed, tap),
            table,
            serve_grace: ServeRule::DEFAULT_GRACE,
            masked,
        })
    }

    /// Gives up waiting for a serve after `frames` frames instead of the default.
    pub fn with_serve_grace(mut self, frames: u32) -> Arena {
        self.serve_grace = frames;
        lock(&self.table).serve = ServeRule::new(frames);
        self
    }

    /// A new game (after the no-op starts); returns the first observation.
    pub fn reset(&mut self) -> &[u8] {
        lock(&self.table).serve = ServeRule::new(self.serve_grace);
        self.env.reset();
        if let Some(m) = &mut self.masked {
            m.update(true);
        }
        self.env.obs()
    }

    /// One agent step: A plays action index `a`, B plays `b` (both indices into Pong's
    /// minimal actions). The step is B's (reward +1 for B's point, -1 for A's); when it ended
    /// the game, [`Arena::finished_game`] holds B's score and length.
    pub fn step(&mut self, a: usize, b: usize) -> Step {
        lock(&self.table).a_action = self.env.action_set()[a];
        let t = self.env.step(b);
        if let Some(m) = &mut self.masked {
            m.update(false);
        }
        if t.done() {
            lock(&self.table).a_action = self.env.action_set()[NOOP];
        }
        t
    }

    /// The game that ended on the last [`Arena::step`], as B played it.
    pub fn finished_game(&self) -> Option<EpisodeInfo> {
        self.env.finished_game()
    }

    /// The stacked observation both players see.
    pub fn obs(&self) -> &[u8] {
        self.env.obs()
    }

    /// What the victim (A) sees: [`Arena::obs`], or with B's paddle frozen for a masked arena.
    pub fn victim_obs(&self) -> &[u8] {
        match &self.masked {
            Some(m) => m.stack.stacked(),
            None => self.env.obs(),
        }
    }

    /// The newest 84×84 frame.
    pub fn frame(&self) -> &[u8] {
        self.env.frame()
    }

    /// The console's RAM now.
    pub fn ram(&self) -> [u8; 128] {
        lock(&self.table).ram
    }

    /// Whether the game waits for `side` to serve.
    pub fn must_serve(&self, side: Side) -> bool {
        let t = lock(&self.table);
        t.serve.server(&t.ram) == Some(side)
    }

    /// The current game's tallies so far.
    pub fn stats(&self) -> GameStats {
        lock(&self.table).stats.clone()
    }

    /// The screen (TIA colours, 160×210), for videos.
    pub fn screen(&self) -> Option<&[u8]> {
        self.env.screen()
    }

    pub fn num_actions(&self) -> usize {
        self.env.num_actions()
    }

    /// Pong's minimal actions (ALE ids) behind the players' action indices.
    pub fn action_set(&self) -> &[u8] {
        self.env.action_set()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::pong_versus::ram;

    fn arena(seed: u64) -> Option<Arena> {
        let image = roms::cached_or_skip("pong")?;
        let config = AtariConfig::default().evaluation();
        Some(Arena::new(&image, &config, seed).unwrap())
    }

    #[test]
    fn a_is_the_right_paddle_and_rewards_are_bs() {
        let Some(mut arena) = arena(1) else {
            return;
        };
        arena.reset();
        // The FIRE reset (FIRE, then RIGHT, as SB3's) is B's: let its paddle settle.
        for _ in 0..3 {
            arena.step(0, 0);
        }
        let start = arena.ram();
        // A raises its paddle (action index 2 = RIGHT), B stays.
        for _ in 0..10 {
            arena.step(2, 0);
        }
        let r = arena.ram();
        assert!(r[ram::RIGHT_Y] < start[ram::RIGHT_Y]);
        assert_eq!(r[ram::LEFT_Y], start[ram::LEFT_Y]);
        // Nobody else moves: B (left) misses the first serve, A scores: B's reward is -1.
        let mut rewards = Vec::new();
        while rewards.is_empty() {
            let t = arena.step(0, 0);
            if t.reward != 0 {
                rewards.push(t.reward);
            }
        }
        assert_eq!(rewards, [-1]);
        assert_eq!(arena.stats().points, [1, 0]);
        assert_eq!(arena.stats().rallies.len(), 1);
    }

    #[test]
    fn a_game_where_nobody_serves_still_ends_at_21() {
        let Some(mut arena) = arena(2) else {
            return;
        };
        arena.reset();
        let mut steps = 0;
        let mut must_serve_seen = false;
        loop {
            must_serve_seen |= arena.must_serve(Side::A);
            let t = arena.step(0, 0);
            steps += 1;
            if t.done() {
                assert!(t.terminated, "ended by the score, not the frame cap");
                break;
            }
            assert!(steps < 20_000, "the game stalls");
        }
        let s = arena.stats();
        assert_eq!(s.points, [21, 0]);
        assert_eq!(s.forced_serves, [20, 0]);
        assert_eq!(s.rallies.len(), 21);
        assert!(must_serve_seen);
    }

    #[test]
    fn a_masked_victim_sees_the_left_paddle_still_and_the_game_is_unchanged() {
        let Some(image) = roms::cached_or_skip("pong") else {
            return;
        };
        let config = AtariConfig::default().evaluation();
        let mut plain = Arena::new(&image, &config, 4).unwrap();
        let mut masked = Arena::masked(&image, &config, 4).unwrap();
        assert_eq!(plain.reset(), masked.reset());
        assert_eq!(
            plain.victim_obs(),
            plain.obs(),
            "unmasked: both see the same"
        );
        // The left paddle's columns in the 84-wide frame (16-19 of 160, blended by the resize).
        let left = |frame: &[u8]| -> Vec<u8> {
            (0..84)
                .flat_map(|y| frame[y * 84 + 7..y * 84 + 11].to_vec())
                .collect()
        };
        let newest = |obs: &[u8]| obs[3 * FRAME_LEN..].to_vec();
        let mut seen_real = std::collections::HashSet::new();
        let mut seen_masked = std::collections::HashSet::new();
        // B moves its paddle up then down while A stays.
        for b in [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3] {
            let t = plain.step(0, b);
            assert_eq!(t, masked.step(0, b), "masking changes nothing in the game");
            assert_eq!(plain.obs(), masked.obs(), "B sees the real game");
            let ball_near_left = ball(&masked.ram()).is_some_and(|(x, _)| x < 80);
            if !ball_near_left {
                seen_real.insert(left(&newest(masked.obs())));
                seen_masked.insert(left(&newest(masked.victim_obs())));
            }
        }
        assert!(seen_real.len() > 5, "the real left paddle moves");
        assert_eq!(seen_masked.len(), 1, "the masked victim sees it still");
        // Away from the left paddle, the masked view is the real one.
        let right = |frame: &[u8]| -> Vec<u8> {
            (0..84)
                .flat_map(|y| frame[y * 84 + 12..y * 84 + 84].to_vec())
                .collect()
        };
        assert_eq!(
            right(&newest(masked.victim_obs())),
            right(&newest(masked.obs()))
        );
    }
}
