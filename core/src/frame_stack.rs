//! [`FrameStack`]: the last k frames as one observation, so the network can see motion.

/// DeepMind's stack depth.
pub const DEFAULT_FRAME_STACK: usize = 4;
/// The deepest stack a network (and so a weights file, and the page) may ask for.
pub const MAX_FRAME_STACK: usize = 16;

/// The last `k` frames, oldest first, contiguous: `[k, h, w]` row-major, ready to be a
/// network input.
///
/// At a reset, all `k` slots hold the first frame (gymnasium's `FrameStackObservation`
/// default, `padding_type="reset"`): stacks never mix two episodes. A replay buffer that
/// stores each frame once rebuilds the same stacks with [`FrameStack::source`].
#[derive(Clone, Debug)]
pub struct FrameStack {
    k: usize,
    frame_len: usize,
    data: Vec<u8>,
}

impl FrameStack {
    pub fn new(k: usize, frame_len: usize) -> FrameStack {
        assert!(k >= 1 && frame_len >= 1);
        FrameStack {
            k,
            frame_len,
            data: vec![0; k * frame_len],
        }
    }

    /// Starts a new episode: every slot becomes `frame`.
    pub fn reset(&mut self, frame: &[u8]) {
        assert_eq!(frame.len(), self.frame_len);
        for slot in self.data.chunks_exact_mut(self.frame_len) {
            slot.copy_from_slice(frame);
        }
    }

    /// Drops the oldest frame and appends `frame` as the newest.
    pub fn push(&mut self, frame: &[u8]) {
        assert_eq!(frame.len(), self.frame_len);
        self.data.copy_within(self.frame_len.., 0);
        let start = (self.k - 1) * self.frame_len;
        self.data[start..].copy_from_slice(frame);
    }

    /// Puts back a stack read from [`FrameStack::stacked`] (checkpoints).
    pub fn restore(&mut self, data: &[u8]) {
        self.data.copy_from_slice(data);
    }

    /// The stack, `[k, h, w]`, oldest frame first.
    pub fn stacked(&self) -> &[u8] {
        &self.data
    }

    /// The newest frame.
    pub fn newest(&self) -> &[u8] {
        &self.data[(self.k - 1) * self.frame_len..]
    }

    pub fn depth(&self) -> usize {
        self.k
    }

    /// Which frame fills `slot` (0 = oldest) of the stack observed at step `t` of an
    /// episode whose first frame was at step `start` (`t >= start`, both counted in the
    /// same units, e.g. replay-buffer positions): `max(t - (k - 1 - slot), start)`.
    pub fn source(k: usize, start: usize, t: usize, slot: usize) -> usize {
        debug_assert!(slot < k && t >= start);
        t.saturating_sub(k - 1 - slot).max(start)
    }
}
