//! [`MaxAndSkip`]: action repeat with max-pooling over the last two frames.

use super::{Env, Step};

/// DeepMind's action repeat.
pub const DEFAULT_FRAME_SKIP: u32 = 4;

/// Repeats each action for `skip` frames, summing the rewards, and observes the
/// pixel-wise maximum of the last two frames. Why the max: the 2600 draws some objects
/// only on alternate frames (flicker), so a single frame can miss them.
///
/// Frame bookkeeping follows gymnasium's `AtariPreprocessing` exactly (it is our parity
/// reference): the screen is grabbed after frame `skip - 1` and frame `skip`; if the
/// episode ends earlier the repeat stops and the buffers keep their older contents; the
/// pooled result is written over the newer buffer. After a reset the observation is the
/// reset screen pooled with a black frame, i.e. the reset screen itself.
#[derive(Clone, Debug)]
pub struct MaxAndSkip<E> {
    pub inner: E,
    skip: u32,
    /// Max-pool the last two frames (off: observe the last frame alone).
    pooling: bool,
    /// `[newest (becomes the pooled frame), second newest]`, as gymnasium's `obs_buffer`.
    buffers: [Vec<u8>; 2],
}

impl<E: Env> MaxAndSkip<E> {
    pub fn new(inner: E, skip: u32) -> Self {
        assert!(skip >= 1, "frame skip must be at least 1");
        let (h, w) = inner.obs_shape();
        MaxAndSkip {
            inner,
            skip,
            pooling: true,
            buffers: [vec![0; h * w], vec![0; h * w]],
        }
    }

    /// The same repeat without the max-pool: the observation is the step's last frame
    /// (`EnvConfig::max_pool = false`).
    pub fn without_pooling(mut self) -> Self {
        self.pooling = false;
        self
    }

    fn grab(&mut self, which: usize) {
        self.buffers[which].copy_from_slice(self.inner.observe());
    }

    fn pool(&mut self) {
        if self.skip > 1 && self.pooling {
            let [newest, older] = &mut self.buffers;
            for (a, &b) in newest.iter_mut().zip(older.iter()) {
                *a = (*a).max(b);
            }
        }
    }
}

impl<E: Env> Env for MaxAndSkip<E> {
    fn reset(&mut self) {
        self.inner.reset();
        self.grab(0);
        self.buffers[1].fill(0);
        self.pool();
    }

    fn step(&mut self, action: u8) -> Step {
        let mut total = Step::default();
        for t in 0..self.skip {
            let s = self.inner.step(action);
            total.reward += s.reward;
            total.returns += s.returns;
            total.terminated = s.terminated;
            total.truncated = s.truncated;
            if s.done() {
                break;
            }
            if t + 2 == self.skip {
                self.grab(1);
            } else if t + 1 == self.skip {
                self.grab(0);
            }
        }
        self.pool();
        total
    }

    /// The pooled frame.
    fn observe(&mut self) -> &[u8] {
        &self.buffers[0]
    }
    pass_through!(obs_shape, lives, action_set, game_over, screen);
}
