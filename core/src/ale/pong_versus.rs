//! Two-player Pong (Video Olympics): which player is which paddle, the scores, and the serve,
//! read from the console's RAM. The attack (`crate::attack`) and the web page's versus mode both
//! play two-player Pong through this file, so both serve by the same rule.
//!
//! Measured on this emulator with `qarcade trace` (the tests below check each fact):
//! - Player A (ALE ids 0–17) moves the right paddle (RAM 51): the paddle the one-player agent
//!   plays. Player B (ids 18–35) moves the left one (RAM 50), the built-in player's paddle in
//!   the one-player game. Scores: RAM 14 (right, A) and 13 (left, B); ALE's reward is A's.
//! - Mode 2 (the cartridge's game 3) moves the ball exactly as mode 0, the one-player game the
//!   agents are trained on; mode 3 (PettingZoo's "classic" pong) moves it as mode 1. An agent
//!   trained on mode 0 therefore meets its own game's physics only in [`VERSUS_MODE`].
//! - A game's first serve is automatic. After every point the ball is gone (RAM 54 = 0) and
//!   RAM 11 counts down from 63 to 1 (about a second), then stays at 1 until whoever scored the
//!   point presses FIRE; the other player's FIRE does nothing. If the server never presses
//!   FIRE the game stalls forever (PettingZoo issue #357), which [`ServeRule`] prevents.

use super::action::{PLAYER_B_OFFSET, UPFIRE};

/// The two-player game with mode 0's ball: the one to play a one-player agent in.
pub const VERSUS_MODE: u8 = 2;

/// Pong's RAM, as indices into the 128 bytes at 0x80.
pub mod ram {
    pub const BALL_X: usize = 49;
    /// 0 while there is no ball (between points).
    pub const BALL_Y: usize = 54;
    /// Player B's (left) paddle.
    pub const LEFT_Y: usize = 50;
    /// Player A's (right) paddle.
    pub const RIGHT_Y: usize = 51;
    pub const LEFT_SCORE: usize = 13;
    pub const RIGHT_SCORE: usize = 14;
    /// Counts down from 63 to 1 after a point; stays 1 until the serve, 0 in play.
    pub const SERVE_COUNTDOWN: usize = 11;
}

/// A player of two-player Pong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "dqn", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dqn", serde(rename_all = "lowercase"))]
pub enum Side {
    /// Player A, the right (green) paddle: the one-player agent's side.
    A,
    /// Player B, the left (orange) paddle: the built-in player's side in one-player Pong.
    B,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    /// 0 for A, 1 for B (for per-player arrays).
    pub fn index(self) -> usize {
        self as usize
    }

    /// This player's ALE action id for a player-relative id 0–17 (B's ids are offset by 18).
    pub fn ale_action(self, action: u8) -> u8 {
        match self {
            Side::A => action,
            Side::B => action + PLAYER_B_OFFSET,
        }
    }

    /// This player's paddle position (RAM y).
    pub fn paddle_y(self, ram: &[u8; 128]) -> u8 {
        match self {
            Side::A => ram[ram::RIGHT_Y],
            Side::B => ram[ram::LEFT_Y],
        }
    }

    /// This player's points.
    pub fn score(self, ram: &[u8; 128]) -> u8 {
        match self {
            Side::A => ram[ram::RIGHT_SCORE],
            Side::B => ram[ram::LEFT_SCORE],
        }
    }
}

/// Whether the game is between points with the serve possible (the countdown over, no ball).
pub fn waiting_for_serve(ram: &[u8; 128]) -> bool {
    ram[ram::BALL_Y] == 0 && ram[ram::SERVE_COUNTDOWN] == 1
}

/// The ball's position, if one is in play.
pub fn ball(ram: &[u8; 128]) -> Option<(u8, u8)> {
    (ram[ram::BALL_Y] != 0).then(|| (ram[ram::BALL_X], ram[ram::BALL_Y]))
}

/// The same joystick action with the button pressed (a player-relative id 0–17).
pub fn with_fire(action: u8) -> u8 {
    // ALE's ids: 0 NOOP and 1 FIRE; 2–9 the eight directions; 10–17 the same eight with FIRE.
    match action {
        0 | 1 => 1,
        2..=9 => action - 2 + UPFIRE,
        _ => action,
    }
}

/// The serve rule: whoever must serve and has not done so `grace` frames after the serve
/// became possible serves anyway (FIRE is added to its action for that frame), and each such
/// forced serve is counted. Multi-Agent ALE instead fines the server a point after 120
/// frames, which makes the game non-zero-sum and lets the fines run away (PettingZoo issue
/// #621); forcing the serve keeps every game finite and the score the game's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeRule {
    /// Frames each player (A, B) may wait before its serve is forced.
    grace: [u32; 2],
    /// Frames the current server has waited since the serve became possible.
    waited: u32,
    /// Who scored last (and so serves next); `None` before a game's first point.
    server: Option<Side>,
    scores: (u8, u8),
    /// Serves forced so far, per player (A, B).
    pub forced: [u32; 2],
}

impl ServeRule {
    /// Two seconds, as Multi-Agent ALE's limit: a person has time to serve; an agent that
    /// never presses FIRE loses little play.
    pub const DEFAULT_GRACE: u32 = 120;

    /// Both players get `grace` frames.
    pub fn new(grace: u32) -> ServeRule {
        ServeRule::with_graces(grace, grace)
    }

    /// Player A gets `a` frames, player B `b`. Grace 0 serves the moment the serve becomes
    /// possible: the one-player game's own timing (its built-in player and the agent's
    /// serves come when the ~1 s countdown after a point ends), the one an agent trained
    /// there never had to choose.
    pub fn with_graces(a: u32, b: u32) -> ServeRule {
        ServeRule {
            grace: [a, b],
            waited: 0,
            server: None,
            scores: (0, 0),
            forced: [0, 0],
        }
    }

    /// A new game: nobody has scored (the counts of forced serves go on).
    pub fn new_game(&mut self) {
        self.waited = 0;
        self.server = None;
        self.scores = (0, 0);
    }

    /// Who must serve now, if the game waits for a serve.
    pub fn server(&self, ram: &[u8; 128]) -> Option<Side> {
        self.server.filter(|_| waiting_for_serve(ram))
    }

    /// The actions to play this frame, given the RAM before it and the players' chosen
    /// player-relative actions `(a, b)`: unchanged, except the server's, which gets FIRE once
    /// it has waited `grace` frames.
    pub fn actions(&mut self, ram: &[u8; 128], a: u8, b: u8) -> (u8, u8) {
        let scores = (ram[ram::RIGHT_SCORE], ram[ram::LEFT_SCORE]);
        if scores.0 > self.scores.0 {
            self.server = Some(Side::A);
        } else if scores.1 > self.scores.1 {
            self.server = Some(Side::B);
        }
        self.scores = scores;
        let Some(server) = self.server(ram) else {
            self.waited = 0;
            return (a, b);
        };
        self.waited += 1;
        let grace = self.grace[server.index()];
        if self.waited <= grace {
            return (a, b);
        }
        // FIRE is held from then on until the ball is in play (the game ignores it on the
        // very first frame the serve is possible); the serve counts as forced once.
        if self.waited == grace + 1 {
            self.forced[server.index()] += 1;
        }
        match server {
            Side::A => (with_fire(a), b),
            Side::B => (a, with_fire(b)),
        }
    }
}

impl ServeRule {
    /// Between points: who serves next and in how many frames their serve will be forced
    /// (the rest of the countdown after the point, then what is left of their grace);
    /// `None` while the ball is in play or before a game's first point.
    pub fn serve_in(&self, ram: &[u8; 128]) -> Option<(Side, u32)> {
        let server = self.server.filter(|_| ball(ram).is_none())?;
        let countdown = (ram[ram::SERVE_COUNTDOWN] as u32).saturating_sub(1);
        let grace = self.grace[server.index()];
        Some((server, countdown + (grace + 1).saturating_sub(self.waited)))
    }
}

impl Default for ServeRule {
    fn default() -> Self {
        ServeRule::new(ServeRule::DEFAULT_GRACE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::action::{FIRE, LEFT, NOOP, RIGHT, RIGHTFIRE};
    use crate::ale::{roms, Ale, AleConfig};

    fn pong(mode: u8) -> Option<Ale> {
        let image = roms::cached_or_skip("pong")?;
        let config = AleConfig {
            mode: Some(mode),
            ..AleConfig::default()
        };
        Some(Ale::new(&image, &config, false).unwrap())
    }

    /// Plays `frames` frames of player-relative actions `(a, b)`; returns the RAM after each.
    fn play(ale: &mut Ale, frames: usize, a: u8, b: u8) -> Vec<[u8; 128]> {
        (0..frames)
            .map(|_| {
                ale.act(Side::A.ale_action(a), Side::B.ale_action(b));
                *ale.ram()
            })
            .collect()
    }

    /// Plays until someone scores; returns the frames played.
    fn until_point(ale: &mut Ale, a: u8, b: u8) -> usize {
        let total = |r: &[u8; 128]| r[ram::LEFT_SCORE] as u32 + r[ram::RIGHT_SCORE] as u32;
        let before = total(ale.ram());
        for n in 1..2000 {
            play(ale, 1, a, b);
            if total(ale.ram()) != before {
                return n;
            }
        }
        panic!("no point within 2000 frames");
    }

    #[test]
    fn player_a_is_the_right_paddle_and_b_the_left() {
        let Some(mut ale) = pong(VERSUS_MODE) else {
            return;
        };
        let start = *ale.ram();
        let after = play(&mut ale, 30, RIGHT, NOOP).pop().unwrap();
        assert!(
            after[ram::RIGHT_Y] < start[ram::RIGHT_Y],
            "A's RIGHT raises the right paddle"
        );
        assert_eq!(after[ram::LEFT_Y], start[ram::LEFT_Y]);
        let after = play(&mut ale, 30, NOOP, LEFT).pop().unwrap();
        assert!(
            after[ram::LEFT_Y] > start[ram::LEFT_Y],
            "B's LEFT lowers the left paddle"
        );
    }

    #[test]
    fn mode_2_moves_the_ball_as_the_one_player_game() {
        let (Some(mut one), Some(mut two), Some(mut classic)) = (pong(0), pong(2), pong(3)) else {
            return;
        };
        // The first serve, before any paddle reaches the ball: the same path in modes 0 and 2.
        let ball = |rams: Vec<[u8; 128]>| rams.iter().map(ball).collect::<Vec<_>>();
        let (b0, b2, b3) = (
            ball(play(&mut one, 100, NOOP, NOOP)),
            ball(play(&mut two, 100, NOOP, NOOP)),
            ball(play(&mut classic, 100, NOOP, NOOP)),
        );
        assert!(
            b0.iter().flatten().count() > 30,
            "the ball is served on its own"
        );
        assert_eq!(b0, b2);
        assert_ne!(b0, b3, "the classic game's ball moves otherwise");
    }

    #[test]
    fn the_scorer_serves_and_only_with_fire() {
        let Some(mut ale) = pong(VERSUS_MODE) else {
            return;
        };
        // Nobody moves: the automatic first serve goes left, past B's paddle: A scores.
        until_point(&mut ale, NOOP, NOOP);
        assert_eq!((Side::A.score(ale.ram()), Side::B.score(ale.ram())), (1, 0));
        play(&mut ale, 70, NOOP, NOOP);
        assert!(waiting_for_serve(ale.ram()));
        // The loser's FIRE does nothing, waiting does nothing...
        play(&mut ale, 300, NOOP, FIRE);
        assert!(
            waiting_for_serve(ale.ram()),
            "B's FIRE must not serve A's ball"
        );
        // ... the scorer's FIRE serves.
        play(&mut ale, 4, RIGHTFIRE, NOOP);
        play(&mut ale, 2, NOOP, NOOP);
        assert!(ball(ale.ram()).is_some(), "A's FIRE serves");
    }

    #[test]
    fn the_serve_rule_keeps_a_game_going_when_nobody_presses_fire() {
        let Some(mut ale) = pong(VERSUS_MODE) else {
            return;
        };
        let mut rule = ServeRule::new(60);
        let mut waited = 0;
        let mut longest = 0;
        // Nobody ever fires: every point after the first needs a forced serve by A (who
        // wins every point against a still paddle), and the game still reaches 21.
        for _ in 0..60_000 {
            let (a, b) = rule.actions(ale.ram(), NOOP, NOOP);
            ale.act(Side::A.ale_action(a), Side::B.ale_action(b));
            waited = if waiting_for_serve(ale.ram()) {
                waited + 1
            } else {
                0
            };
            longest = longest.max(waited);
            if ale.is_terminal() {
                break;
            }
        }
        assert!(ale.is_terminal(), "the game ends");
        assert_eq!(Side::A.score(ale.ram()), 21);
        assert_eq!(rule.forced, [20, 0], "20 serves forced, all A's");
        assert!(longest <= 62, "a serve waited {longest} frames");
        // A player who serves on its own is never forced.
        let mut ale = pong(VERSUS_MODE).unwrap();
        let mut rule = ServeRule::new(60);
        for _ in 0..5_000 {
            let (a, b) = rule.actions(ale.ram(), FIRE, NOOP);
            ale.act(Side::A.ale_action(a), Side::B.ale_action(b));
        }
        assert!(Side::A.score(ale.ram()) >= 3);
        assert_eq!(rule.forced, [0, 0]);
    }

    /// Frames from each point to the next ball in play, over the first `points` points.
    fn serve_delays(ale: &mut Ale, rule: &mut ServeRule, points: usize) -> Vec<u32> {
        let mut delays = Vec::new();
        let mut since_point: Option<u32> = None;
        while delays.len() < points {
            let (a, b) = rule.actions(ale.ram(), NOOP, NOOP);
            let reward = ale.act(Side::A.ale_action(a), Side::B.ale_action(b));
            if let Some(n) = &mut since_point {
                *n += 1;
                if ball(ale.ram()).is_some() {
                    delays.push(*n);
                    since_point = None;
                }
            }
            if reward != 0 {
                since_point = Some(0);
            }
        }
        delays
    }

    /// With no grace, a serve comes when the one-player game serves by itself (one frame later): the
    /// page's agent serves with the built-in player's timing, and `serve_in` counts down to it.
    #[test]
    fn a_serve_without_grace_comes_when_the_one_player_game_serves() {
        let (Some(mut one), Some(mut two)) = (pong(0), pong(VERSUS_MODE)) else {
            return;
        };
        let built_in = serve_delays(&mut one, &mut ServeRule::new(0), 3);
        let mut rule = ServeRule::with_graces(0, ServeRule::DEFAULT_GRACE);
        let versus = serve_delays(&mut two, &mut rule, 3);
        // The forced FIRE lands on the first frame the game accepts it, one frame (1/60 s)
        // after the one-player game serves by itself.
        let later: Vec<u32> = built_in.iter().map(|d| d + 1).collect();
        assert_eq!(versus, later, "frames from a point to the next ball");
        assert!(
            built_in.iter().all(|&d| (55..=70).contains(&d)),
            "{built_in:?}"
        );
        assert_eq!(rule.forced, [3, 0], "A (the still scorer) was served for");
        // Between points the rule says who serves and counts down by one a frame.
        let mut seen = Vec::new();
        for _ in 0..400 {
            if let Some((side, frames)) = rule.serve_in(two.ram()) {
                seen.push((side, frames));
            }
            let (a, b) = rule.actions(two.ram(), NOOP, NOOP);
            two.act(Side::A.ale_action(a), Side::B.ale_action(b));
        }
        assert!(!seen.is_empty());
        assert!(seen.iter().all(|&(side, _)| side == Side::A));
        assert!(seen.windows(2).any(|w| w[1].1 + 1 == w[0].1), "{seen:?}");
    }

    #[test]
    fn fire_is_added_to_any_action() {
        assert_eq!(with_fire(NOOP), FIRE);
        assert_eq!(with_fire(FIRE), FIRE);
        assert_eq!(with_fire(RIGHT), RIGHTFIRE);
        assert_eq!(with_fire(LEFT), crate::ale::action::LEFTFIRE);
        assert_eq!(with_fire(RIGHTFIRE), RIGHTFIRE);
        for a in 2..=9 {
            assert_eq!(
                crate::ale::action::ACTION_NAMES[with_fire(a) as usize],
                format!("{}FIRE", crate::ale::action::ACTION_NAMES[a as usize])
            );
        }
    }
}
