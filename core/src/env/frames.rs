//! [`AleFrames`]: the bottom of the pipeline, an [`Ale`] seen as an [`Env`] that advances
//! one emulated frame per step (gymnasium's `NoFrameskip` / `frameskip=1`).

use super::{Env, Step};
use crate::ale::action::PLAYER_B_OFFSET;
use crate::ale::env::{SCREEN_HEIGHT, SCREEN_WIDTH};
use crate::ale::pong_versus::Side;
use crate::ale::Ale;

/// An [`Ale`] stepped one frame at a time; observations are ALE's grayscale screen
/// (`getScreenGrayscale`, what gymnasium's `AtariPreprocessing(grayscale_obs=True)` reads).
#[derive(Clone, Debug)]
pub struct AleFrames {
    pub ale: Ale,
    gray: Vec<u8>,
}

impl AleFrames {
    pub fn new(ale: Ale) -> AleFrames {
        AleFrames {
            ale,
            gray: Vec::with_capacity(SCREEN_HEIGHT * SCREEN_WIDTH),
        }
    }
}

impl Env for AleFrames {
    /// ALE's `reset_game`.
    fn reset(&mut self) {
        self.ale.reset();
    }

    /// One frame; player B (two-player games) does nothing.
    fn step(&mut self, action: u8) -> Step {
        let reward = self.ale.act(action, PLAYER_B_OFFSET);
        Step {
            reward,
            terminated: self.ale.game_over(),
            // Truncation is TimeLimit's job, so it works the same on any game.
            truncated: false,
            // Player A is the agent (the right paddle in Pong).
            returns: (self.ale.ball_returned() == Some(Side::A)) as u32,
        }
    }

    fn observe(&mut self) -> &[u8] {
        // `screen_gray` refills the buffer in place: no allocation after the first call.
        self.ale.screen_gray(&mut self.gray);
        &self.gray
    }

    fn obs_shape(&self) -> (usize, usize) {
        (SCREEN_HEIGHT, SCREEN_WIDTH)
    }

    fn lives(&self) -> i32 {
        self.ale.lives()
    }

    fn action_set(&self) -> &[u8] {
        self.ale.minimal_actions()
    }

    fn game_over(&self) -> bool {
        self.ale.game_over()
    }
    fn screen(&self) -> Option<&[u8]> {
        Some(self.ale.screen())
    }
}
