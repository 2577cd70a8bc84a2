//! Who returned the ball in Pong, frame by frame, from the console's RAM: the event behind the
//! seed notebook's idea of rewarding a return (`reward.paddle_return`).
//!
//! The ball's horizontal position (RAM 49) only ever changes direction at a paddle: there are
//! no side walls, and a missed ball leaves play (RAM 54 drops to 0) before it is served again
//! from the middle. So while the ball stays in play, x turning from rising to falling is a
//! return by the right paddle (player A, the one-player agent), and falling to rising one by
//! the left paddle (player B). Measured with `qarcade trace`: the turns come at x 188-190
//! (right) and 67-69 (left); a serve jumps x from 205 to ~129 with the ball out of play in
//! between, which this never counts. The tests below check both against real play.

use super::pong_versus::{ball, Side};

/// Follows the ball's horizontal direction across frames; reset it with the game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BallReturns {
    /// The ball's x on the last frame it was in play (`None` while it is out of play).
    last_x: Option<u8>,
    /// +1 moving right, -1 moving left, 0 not yet known (just served).
    direction: i8,
}

impl BallReturns {
    /// Reads one frame's RAM; `Some(side)` when that side's paddle returned the ball on it.
    pub fn update(&mut self, ram: &[u8; 128]) -> Option<Side> {
        let Some((x, _)) = ball(ram) else {
            *self = BallReturns::default();
            return None;
        };
        let last = self.last_x.replace(x)?;
        let now = (x as i16 - last as i16).signum() as i8;
        if now == 0 {
            return None;
        }
        let before = std::mem::replace(&mut self.direction, now);
        match (before, now) {
            (1, -1) => Some(Side::A),
            (-1, 1) => Some(Side::B),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::pong_versus::ram::{BALL_X, BALL_Y};

    fn frame(x: u8, y: u8) -> [u8; 128] {
        let mut r = [0u8; 128];
        r[BALL_X] = x;
        r[BALL_Y] = y;
        r
    }

    #[test]
    fn a_turn_at_either_paddle_is_a_return_and_a_serve_is_not() {
        let mut t = BallReturns::default();
        let mut seen = Vec::new();
        // Served at 129 (from out of play at 205), flies right, turns at 189, flies left,
        // turns at 68, flies right and is missed (leaves play), then a new serve.
        let xs: Vec<(u8, u8)> = [(205, 0), (129, 40)]
            .into_iter()
            .chain((130..=189).map(|x| (x, 50)))
            .chain((68..189).rev().map(|x| (x, 60)))
            .chain((69..=205).map(|x| (x, 70)))
            .chain([(205, 0), (205, 0), (129, 90), (130, 91)])
            .collect();
        for (x, y) in xs {
            if let Some(side) = t.update(&frame(x, y)) {
                seen.push((side, x));
            }
        }
        assert_eq!(seen, vec![(Side::A, 188), (Side::B, 69)]);
    }

    /// Real play: a right paddle that follows the ball `delay` frames late, against the
    /// built-in player. Both paddles return balls and both miss some.
    fn play_real_game(delay: usize, frames: usize) -> Option<Vec<(usize, Event)>> {
        use crate::ale::action::{LEFT, NOOP, RIGHT};
        use crate::ale::pong_versus::ram::{LEFT_SCORE, RIGHT_SCORE, RIGHT_Y};
        use crate::ale::{roms, Ale, AleConfig};
        let image = roms::cached_or_skip("pong")?;
        let mut ale = Ale::new(&image, &AleConfig::default(), false).unwrap();
        let mut seen = std::collections::VecDeque::new();
        let mut events = Vec::new();
        for f in 0..frames {
            let ram = *ale.ram();
            seen.push_back(ram[BALL_Y]);
            let target = seen[0] as i32;
            if seen.len() > delay {
                seen.pop_front();
            }
            let gap = target - ram[RIGHT_Y] as i32;
            let action = match (ball(&ram).is_some(), gap) {
                (false, _) => NOOP,
                (_, g) if g > 4 => LEFT, // lowers the paddle
                (_, g) if g < -4 => RIGHT,
                _ => NOOP,
            };
            let reward = ale.act(action, crate::ale::action::PLAYER_B_OFFSET);
            let after = ale.ram();
            if let Some(side) = ale.ball_returned() {
                events.push((f, Event::Return(side, after[BALL_X])));
            }
            if reward != 0 {
                let scorer = if reward > 0 { Side::A } else { Side::B };
                events.push((f, Event::Point(scorer)));
                assert_eq!(
                    (after[RIGHT_SCORE] as i32 - after[LEFT_SCORE] as i32),
                    ale.score()
                );
            }
            if ale.game_over() {
                break;
            }
        }
        Some(events)
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Event {
        Return(Side, u8),
        Point(Side),
    }

    /// On real frames: each paddle's returns happen at its own edge of the field, returns
    /// alternate sides within a rally, and a point is never won by the side whose return
    /// the ball last came from being missed: the scorer returned it last (or it was the
    /// serve). So a detected return is a real one, and a missed ball is not counted.
    #[test]
    fn real_returns_sit_at_the_paddles_and_alternate_until_a_miss() {
        // Four frames late the paddle wins about half the points (measured: 22 returns and 20
        // points to the built-in player's 23 and 21), so the game holds both kinds of rally end.
        let Some(events) = play_real_game(4, 60_000) else {
            return;
        };
        let count = |want: fn(&Event) -> bool| events.iter().filter(|e| want(&e.1)).count();
        let a_returns = count(|e| matches!(e, Event::Return(Side::A, _)));
        let b_returns = count(|e| matches!(e, Event::Return(Side::B, _)));
        let a_points = count(|e| matches!(e, Event::Point(Side::A)));
        let b_points = count(|e| matches!(e, Event::Point(Side::B)));
        assert!(
            a_returns >= 10 && b_returns >= 10 && a_points >= 1 && b_points >= 5,
            "the scenario must hold returns and misses on both sides: {a_returns} {b_returns} {a_points} {b_points}"
        );
        let mut last: Option<Side> = None;
        for &(frame, e) in &events {
            match e {
                Event::Return(side, x) => {
                    let edge = match side {
                        Side::A => 180..=196,
                        Side::B => 60..=76,
                    };
                    assert!(edge.contains(&x), "frame {frame}: {side:?} return at x {x}");
                    assert_ne!(last, Some(side), "frame {frame}: two returns by {side:?}");
                    last = Some(side);
                }
                Event::Point(scorer) => {
                    assert_ne!(
                        last,
                        Some(scorer.other()),
                        "frame {frame}: {scorer:?} scored, but the last return seen was the loser's: one went undetected"
                    );
                    last = None;
                }
            }
        }
    }

    #[test]
    fn a_ball_that_holds_still_for_a_frame_keeps_its_direction() {
        let mut t = BallReturns::default();
        let hits: Vec<_> = [100, 101, 101, 102, 102, 101]
            .into_iter()
            .filter_map(|x| t.update(&frame(x, 30)))
            .collect();
        assert_eq!(hits, vec![Side::A]);
    }
}
