//! [`EpisodicLife`]: a lost life ends the agent's episode, but not the game.

use super::{Env, Step};
use crate::ale::action::NOOP;

/// Reports `terminated` when the game takes a life, so that the value of the state just
/// before a death is not bootstrapped from what follows (Mnih et al. 2015). The game goes
/// on: the next [`Env::reset`] only plays one NOOP step to move past the death, and the
/// real reset happens only once the game is over (or truncated). SB3's `EpisodicLifeEnv`,
/// step for step.
///
/// Training only: evaluation should score whole games, without this wrapper.
#[derive(Clone, Debug)]
pub struct EpisodicLife<E> {
    pub inner: E,
    lives: i32,
    real_done: bool,
}

impl<E: Env> EpisodicLife<E> {
    pub fn new(inner: E) -> Self {
        EpisodicLife {
            inner,
            lives: 0,
            real_done: true,
        }
    }

    /// Whether the last step ended the game itself (so the next reset is a real one).
    pub fn real_done(&self) -> bool {
        self.real_done
    }
}

impl<E: Env> Env for EpisodicLife<E> {
    fn reset(&mut self) {
        if self.real_done {
            self.inner.reset();
        } else if self.inner.step(NOOP).done() {
            // The NOOP itself ended the game: reset for real.
            self.inner.reset();
        }
        self.real_done = false;
        self.lives = self.inner.lives();
    }

    fn step(&mut self, action: u8) -> Step {
        let mut s = self.inner.step(action);
        self.real_done = s.done();
        let lives = self.inner.lives();
        if 0 < lives && lives < self.lives {
            s.terminated = true;
        }
        self.lives = lives;
        s
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}
