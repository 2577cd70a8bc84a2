//! "Catch": a tiny deterministic pixel game for testing that the DQN really learns.
//!
//! A ball appears in a random column of the top row of a `ROWS x COLS` grid and falls one row
//! per step; the agent moves a paddle along the bottom row (left, stay, right). When the ball
//! reaches the bottom row the episode ends with +1 if the paddle is under it, else -1. From the
//! centre every column is reachable in time, so the optimal return is +1; a random policy
//! scores about -0.5. Frames are rendered as `u8` pixels (each cell `SCALE x SCALE`), so the
//! agent learns from pixels through the same replay, frame stack and learner as on Atari.

use super::rng::Rng;
use crate::rl_env::{Env, Step};

pub const ROWS: usize = 10;
pub const COLS: usize = 5;
pub const SCALE: usize = 2;
/// Frame height in pixels.
pub const HEIGHT: usize = ROWS * SCALE;
/// Frame width in pixels.
pub const WIDTH: usize = COLS * SCALE;

/// The catch game. Its own RNG (seeded) picks the ball's column.
pub struct Catch {
    rng: Rng,
    ball_row: usize,
    ball_col: usize,
    paddle: usize,
    frame: Vec<u8>,
}

impl Catch {
    pub fn new(seed: u64) -> Self {
        let mut c = Self {
            rng: Rng::new(seed),
            ball_row: 0,
            ball_col: 0,
            paddle: COLS / 2,
            frame: vec![0; HEIGHT * WIDTH],
        };
        c.reset();
        c
    }

    fn render(&mut self) {
        self.frame.fill(0);
        let mut cell = |row: usize, col: usize| {
            for y in row * SCALE..(row + 1) * SCALE {
                for x in col * SCALE..(col + 1) * SCALE {
                    self.frame[y * WIDTH + x] = 255;
                }
            }
        };
        cell(self.ball_row, self.ball_col);
        cell(ROWS - 1, self.paddle);
    }
}

/// The catch game's actions: left, stay, right.
const ACTIONS: [u8; 3] = [0, 1, 2];

impl Env for Catch {
    fn reset(&mut self) {
        self.ball_row = 0;
        self.ball_col = self.rng.below(COLS as u64) as usize;
        self.paddle = COLS / 2;
        self.render();
    }

    fn step(&mut self, action: u8) -> Step {
        match action {
            0 => self.paddle = self.paddle.saturating_sub(1),
            2 => self.paddle = (self.paddle + 1).min(COLS - 1),
            _ => {}
        }
        self.ball_row += 1;
        let done = self.ball_row == ROWS - 1;
        let reward = match (done, self.ball_col == self.paddle) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => -1,
        };
        self.render();
        Step {
            reward,
            terminated: done,
            truncated: false,
            returns: (reward > 0) as u32,
        }
    }

    fn observe(&mut self) -> &[u8] {
        &self.frame
    }

    fn obs_shape(&self) -> (usize, usize) {
        (HEIGHT, WIDTH)
    }

    fn action_set(&self) -> &[u8] {
        &ACTIONS
    }

    /// Each episode is one whole game: a ball that reached the bottom row ends it.
    fn game_over(&self) -> bool {
        self.ball_row == ROWS - 1
    }

    fn save_state(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(35);
        for w in self.rng.state() {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend([self.ball_row, self.ball_col, self.paddle].map(|x| x as u8));
        Ok(out)
    }

    fn restore_state(&mut self, state: &[u8]) -> Result<(), String> {
        if state.len() != 35 {
            return Err("catch: bad state length".into());
        }
        let word = |i: usize| u64::from_le_bytes(state[8 * i..8 * i + 8].try_into().unwrap());
        let [row, col, paddle] = [state[32], state[33], state[34]].map(usize::from);
        if row >= ROWS || col >= COLS || paddle >= COLS {
            return Err("catch: state out of range".into());
        }
        self.rng = Rng::from_state([word(0), word(1), word(2), word(3)]);
        (self.ball_row, self.ball_col, self.paddle) = (row, col, paddle);
        self.render();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catch_network_reads_catch_frames() {
        let net = crate::dqn::NetConfig::catch();
        assert_eq!((net.height, net.width), (HEIGHT, WIDTH));
    }

    #[test]
    fn optimal_play_scores_one_and_random_play_is_poor() {
        let mut env = Catch::new(1);
        let mut rng = Rng::new(2);
        let (mut opt, mut rnd) = (0.0, 0.0);
        for _ in 0..1000 {
            env.reset();
            loop {
                let a = match env.ball_col.cmp(&env.paddle) {
                    std::cmp::Ordering::Less => 0,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Greater => 2,
                };
                let s = env.step(a);
                if s.terminated {
                    opt += s.reward as f64;
                    break;
                }
            }
            env.reset();
            loop {
                let s = env.step(rng.below(3) as u8);
                if s.terminated {
                    rnd += s.reward as f64;
                    break;
                }
            }
        }
        assert_eq!(opt, 1000.0);
        let mean = rnd / 1000.0;
        assert!((-0.75..-0.3).contains(&mean), "random mean {mean}");
    }

    #[test]
    fn frame_shows_ball_and_paddle() {
        let mut env = Catch::new(0);
        let lit = env.observe().iter().filter(|&&p| p == 255).count();
        assert_eq!(lit, 2 * SCALE * SCALE);
    }
}
