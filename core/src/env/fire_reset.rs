//! [`FireReset`]: press FIRE after a reset, for games that wait for it.

use super::{Env, Step};
use crate::ale::action::FIRE;

/// After each reset, steps FIRE and then the game's third action, resetting again if
/// either ends the episode: SB3's `FireResetEnv`, step for step. Why: in games such as
/// Breakout nothing happens until FIRE is pressed, and an agent early in training can
/// waste whole episodes never pressing it.
///
/// Placed above [`super::EpisodicLife`], so FIRE is also pressed after every lost life
/// (Breakout needs a new serve then too).
#[derive(Clone, Debug)]
pub struct FireReset<E> {
    pub inner: E,
}

impl<E: Env> FireReset<E> {
    /// Panics unless [`FireReset::applies`] to the game's action set.
    pub fn new(inner: E) -> Self {
        assert!(
            Self::applies(inner.action_set()),
            "FireReset needs FIRE as action 1 and at least 3 actions"
        );
        FireReset { inner }
    }

    /// SB3's condition: the action set has FIRE (as action 1, where ALE's minimal sets put
    /// it) and at least three actions.
    pub fn applies(action_set: &[u8]) -> bool {
        action_set.len() >= 3 && action_set[1] == FIRE
    }
}

impl<E: Env> Env for FireReset<E> {
    fn reset(&mut self) {
        self.inner.reset();
        if self.inner.step(FIRE).done() {
            self.inner.reset();
        }
        let third = self.inner.action_set()[2];
        if self.inner.step(third).done() {
            self.inner.reset();
        }
    }

    fn step(&mut self, action: u8) -> Step {
        self.inner.step(action)
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}
