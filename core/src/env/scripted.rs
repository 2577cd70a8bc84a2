//! [`ScriptedGame`]: a tiny deterministic stand-in for an Atari game, for testing the
//! wrappers (and a trainer) without an emulator or ROMs.

use super::{Env, Step};

pub const SCRIPTED_HEIGHT: usize = 210;
pub const SCRIPTED_WIDTH: usize = 160;

/// A one-frame-per-step game whose rewards, lost lives and end come from a script of
/// frame numbers (counted from 1 after each reset), and whose screen is a known function
/// of the frame number ([`ScriptedGame::screen_at`]). Every action and reset is logged so
/// tests can check what the wrappers played.
#[derive(Clone, Debug)]
pub struct ScriptedGame {
    /// Minimal action set (ALE ids).
    pub action_set: Vec<u8>,
    /// Lives at the start of a game (0 = a game without lives).
    pub start_lives: i32,
    /// `(frame, reward)`: reward paid on that frame.
    pub rewards: Vec<(u32, i32)>,
    /// Frames on which a life is lost.
    pub life_losses: Vec<u32>,
    /// Frame on which the game ends (also when the last life goes).
    pub game_over_at: Option<u32>,
    /// If true, nothing happens (no frame advances the script) until FIRE is pressed,
    /// like Breakout waiting for a serve; pressing FIRE starts the clock.
    pub needs_fire: bool,
    /// Every action played, in order, across resets.
    pub log: Vec<u8>,
    /// Number of resets so far.
    pub resets: u32,
    /// Frames since the last reset (counting waiting frames too).
    pub frame: u32,
    /// Frames of the script played since the last reset (the script's clock).
    pub clock: u32,
    lives: i32,
    over: bool,
    started: bool,
    screen: Vec<u8>,
}

impl ScriptedGame {
    /// A game with Breakout's minimal action set (NOOP, FIRE, RIGHT, LEFT), no events.
    pub fn new() -> ScriptedGame {
        ScriptedGame {
            action_set: vec![0, 1, 3, 4],
            start_lives: 0,
            rewards: Vec::new(),
            life_losses: Vec::new(),
            game_over_at: None,
            needs_fire: false,
            log: Vec::new(),
            resets: 0,
            frame: 0,
            clock: 0,
            lives: 0,
            over: false,
            started: true,
            screen: vec![0; SCRIPTED_HEIGHT * SCRIPTED_WIDTH],
        }
    }

    /// The screen shown on script frame `clock`: a pattern that changes every frame and
    /// is not monotonic in it, so max-pooling two frames differs from either.
    pub fn screen_at(clock: u32) -> Vec<u8> {
        let mut s = vec![0; SCRIPTED_HEIGHT * SCRIPTED_WIDTH];
        for (i, p) in s.iter_mut().enumerate() {
            let (r, c) = ((i / SCRIPTED_WIDTH) as u32, (i % SCRIPTED_WIDTH) as u32);
            *p = ((clock.wrapping_mul(37) + r * 3 + c * 5) % 251) as u8;
        }
        s
    }
}

impl Default for ScriptedGame {
    fn default() -> Self {
        ScriptedGame::new()
    }
}

impl Env for ScriptedGame {
    fn reset(&mut self) {
        self.resets += 1;
        self.frame = 0;
        self.clock = 0;
        self.lives = self.start_lives;
        self.over = false;
        self.started = !self.needs_fire;
    }

    fn step(&mut self, action: u8) -> Step {
        self.log.push(action);
        if self.over {
            return Step {
                terminated: true,
                ..Step::default()
            };
        }
        self.frame += 1;
        if !self.started {
            self.started = action == crate::ale::action::FIRE;
            return Step::default();
        }
        self.clock += 1;
        let t = self.clock;
        let reward = self.rewards.iter().filter(|e| e.0 == t).map(|e| e.1).sum();
        if self.life_losses.contains(&t) {
            self.lives -= 1;
            if self.lives == 0 {
                self.over = true;
            }
        }
        if self.game_over_at == Some(t) {
            self.over = true;
        }
        Step {
            reward,
            terminated: self.over,
            ..Step::default()
        }
    }

    fn observe(&mut self) -> &[u8] {
        self.screen = ScriptedGame::screen_at(self.clock);
        &self.screen
    }
    fn obs_shape(&self) -> (usize, usize) {
        (SCRIPTED_HEIGHT, SCRIPTED_WIDTH)
    }
    fn lives(&self) -> i32 {
        self.lives
    }
    fn action_set(&self) -> &[u8] {
        &self.action_set
    }
    fn game_over(&self) -> bool {
        self.over
    }
}
