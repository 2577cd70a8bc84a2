//! The acting side's frame stack: the last `stack` frames of the running episode, zero-padded
//! at its start exactly as [`ReplayBuffer`](super::replay::ReplayBuffer) rebuilds them, so the
//! network sees the same inputs when acting and when learning.

/// The stacked observation of the running episode.
#[derive(Clone, Debug)]
pub struct FrameStack {
    stack: usize,
    frame_len: usize,
    buf: Vec<u8>,
}

impl FrameStack {
    pub fn new(stack: usize, frame_len: usize) -> Self {
        Self {
            stack,
            frame_len,
            buf: vec![0; stack * frame_len],
        }
    }

    /// Starts an episode: zeros, then `first_frame` as the newest plane.
    pub fn reset(&mut self, first_frame: &[u8]) {
        self.buf.fill(0);
        self.push(first_frame);
    }

    /// Drops the oldest plane and appends `frame`.
    pub fn push(&mut self, frame: &[u8]) {
        assert_eq!(frame.len(), self.frame_len, "FrameStack: wrong frame size");
        self.buf.copy_within(self.frame_len.., 0);
        let n = self.buf.len();
        self.buf[n - self.frame_len..].copy_from_slice(frame);
    }

    /// `[stack, h, w]` pixels, oldest plane first.
    pub fn obs(&self) -> &[u8] {
        &self.buf
    }

    pub fn stack(&self) -> usize {
        self.stack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dqn::replay::ReplayBuffer;

    #[test]
    fn matches_the_replay_buffers_stacks() {
        let mut fs = FrameStack::new(3, 1);
        let mut rb = ReplayBuffer::new(50, 1, 3, 1, 0.99);
        let mut slot = 0;
        for ep in 0..3u8 {
            let first = [ep * 50];
            fs.reset(&first);
            rb.start_episode(&first);
            assert_eq!(fs.obs(), rb.stack_at(slot).as_slice());
            for t in 1..=(4 + ep) {
                let fr = [ep * 50 + t];
                fs.push(&fr);
                rb.push(0, 0.0, &fr, t == 4 + ep);
                slot += 1;
                assert_eq!(fs.obs(), rb.stack_at(slot).as_slice());
            }
            slot += 1;
        }
    }
}
