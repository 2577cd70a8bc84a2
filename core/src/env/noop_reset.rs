//! [`NoopReset`]: random no-op starts, so that a deterministic emulator does not give the
//! agent the same opening every episode (Mnih et al. 2015, "up to 30 no-op actions").

use super::{Env, Step};
use crate::ale::action::NOOP;
use rand_mt::Mt64;

/// DeepMind's maximum number of no-op frames after a reset.
pub const DEFAULT_NOOP_MAX: u32 = 30;

/// After each reset of the inner env, plays a seeded random number of NOOP steps, drawn
/// uniformly from `1..=noop_max` (none if `noop_max` is 0), as gymnasium's
/// `AtariPreprocessing` / SB3's `NoopResetEnv` do. Should the game end during them, it is
/// reset and the remaining no-ops continue. Sits on the one-frame-per-step game, so a
/// no-op is one frame.
#[derive(Clone, Debug)]
pub struct NoopReset<E> {
    pub inner: E,
    noop_max: u32,
    rng: Mt64,
    last_noops: u32,
}

impl<E: Env> NoopReset<E> {
    pub fn new(inner: E, noop_max: u32, seed: u64) -> Self {
        NoopReset {
            inner,
            noop_max,
            rng: Mt64::new(seed),
            last_noops: 0,
        }
    }

    /// How many no-ops the last reset played.
    pub fn last_noops(&self) -> u32 {
        self.last_noops
    }

    /// Uniform in `1..=noop_max` (rejection sampling, so no modulo bias).
    fn draw(&mut self) -> u32 {
        let n = self.noop_max as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.rng.next_u64();
            if x < zone {
                return (x % n) as u32 + 1;
            }
        }
    }
}

impl<E: Env> Env for NoopReset<E> {
    fn reset(&mut self) {
        self.inner.reset();
        let noops = if self.noop_max > 0 { self.draw() } else { 0 };
        for _ in 0..noops {
            if self.inner.step(NOOP).done() {
                self.inner.reset();
            }
        }
        self.last_noops = noops;
    }

    fn step(&mut self, action: u8) -> Step {
        self.inner.step(action)
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}
