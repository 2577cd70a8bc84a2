//! [`TimeLimit`]: truncates an episode after a fixed number of emulated frames.

use super::{Env, Step};

/// Default frame limit: 108,000 frames = 30 minutes of play at 60 Hz, DeepMind's
/// evaluation cap and ALE v5's `max_num_frames_per_episode`. (gymnasium's
/// `PongNoFrameskip-v4` uses a `TimeLimit` of 400,000 frames instead.)
pub const DEFAULT_MAX_EPISODE_FRAMES: u32 = 108_000;

/// Reports `truncated` once `max_frames` steps of the inner env have run since the last
/// reset. Sits directly on the one-frame-per-step game, so every frame counts: no-ops,
/// FIRE presses and the frames inside skipped steps alike. Lost lives do not restart the
/// count (the layers above only reset it on a real reset).
#[derive(Clone, Debug)]
pub struct TimeLimit<E> {
    pub inner: E,
    /// 0 = no limit.
    max_frames: u32,
    elapsed: u32,
}

impl<E: Env> TimeLimit<E> {
    pub fn new(inner: E, max_frames: u32) -> Self {
        TimeLimit {
            inner,
            max_frames,
            elapsed: 0,
        }
    }

    /// Frames stepped since the last reset.
    pub fn elapsed(&self) -> u32 {
        self.elapsed
    }
}

impl<E: Env> Env for TimeLimit<E> {
    fn reset(&mut self) {
        self.elapsed = 0;
        self.inner.reset();
    }

    fn step(&mut self, action: u8) -> Step {
        let mut s = self.inner.step(action);
        self.elapsed += 1;
        if self.max_frames > 0 && self.elapsed >= self.max_frames {
            s.truncated = true;
        }
        s
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}
