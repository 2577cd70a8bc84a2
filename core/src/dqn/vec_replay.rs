//! One shared replay for N environments stepped together: a [`ReplayBuffer`] per env (a
//! "lane"), each `capacity / N` frames.
//!
//! The frame-once ring rebuilds a stack from neighbouring slots, so it needs each episode's
//! frames in order; envs stepped together interleave theirs. A ring per env keeps every
//! lane's episodes contiguous, and since the lanes are filled in lockstep they always hold
//! the same number of frames: drawing a lane uniformly, then a transition uniformly inside
//! it, is a uniform draw over the whole buffer.

use std::io::{Read, Write};

use super::replay::{Batch, ReplayBuffer};
use super::rng::Rng;

/// N replay lanes sampled as one buffer.
pub struct VecReplay {
    lanes: Vec<ReplayBuffer>,
}

impl VecReplay {
    /// `lanes` rings sharing `capacity` frames (each `capacity / lanes`). The caller has
    /// validated that each lane holds more than `stack + n_step` frames.
    pub fn new(
        capacity: usize,
        lanes: usize,
        frame_len: usize,
        stack: usize,
        n_step: usize,
        gamma: f32,
    ) -> Self {
        assert!(lanes >= 1, "replay: at least one lane");
        let per_lane = capacity / lanes;
        Self {
            lanes: (0..lanes)
                .map(|_| ReplayBuffer::new(per_lane, frame_len, stack, n_step, gamma))
                .collect(),
        }
    }

    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }

    pub fn lane(&self, i: usize) -> &ReplayBuffer {
        &self.lanes[i]
    }

    /// Frames stored over all lanes.
    pub fn len(&self) -> usize {
        self.lanes.iter().map(ReplayBuffer::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frames all lanes can hold together.
    pub fn capacity(&self) -> usize {
        self.lanes.iter().map(ReplayBuffer::capacity).sum()
    }

    /// Starts an episode in lane `lane` (see [`ReplayBuffer::start_episode`]).
    pub fn start_episode(&mut self, lane: usize, first_frame: &[u8]) {
        self.lanes[lane].start_episode(first_frame);
    }

    /// Records a transition in lane `lane` (see [`ReplayBuffer::push`]).
    pub fn push(
        &mut self,
        lane: usize,
        action: usize,
        reward: f32,
        next_frame: &[u8],
        terminated: bool,
    ) {
        self.lanes[lane].push(action, reward, next_frame, terminated);
    }

    /// `size` transitions, each from a lane drawn uniformly; `None` while some drawn lane has
    /// no complete transition yet.
    pub fn try_sample(&self, size: usize, rng: &mut Rng) -> Option<Batch> {
        let lane0 = &self.lanes[0];
        let mut b = Batch::with_capacity(size, lane0.stack_len());
        for s in 0..size {
            let lane = rng.below(self.lanes.len() as u64) as usize;
            self.lanes[lane].sample_into(&mut b, s, rng)?;
        }
        Some(b)
    }

    /// Bytes [`VecReplay::write_to`] writes.
    pub fn serialized_len(&self) -> u64 {
        8 + self
            .lanes
            .iter()
            .map(ReplayBuffer::serialized_len)
            .sum::<u64>()
    }

    /// The lane count, then each lane.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(&(self.lanes.len() as u64).to_le_bytes())?;
        for lane in &self.lanes {
            lane.write_to(w)?;
        }
        Ok(())
    }

    /// Reads what [`VecReplay::write_to`] wrote, `expected_len` bytes in all (equal lanes).
    pub fn read_from(r: &mut impl Read, expected_len: u64) -> std::io::Result<Self> {
        let mut b = [0; 8];
        r.read_exact(&mut b)?;
        let n = u64::from_le_bytes(b);
        let body = expected_len.saturating_sub(8);
        if n == 0 || n > 1 << 16 || !body.is_multiple_of(n) {
            return Err(std::io::Error::other("replay: inconsistent lane count"));
        }
        let lanes = (0..n)
            .map(|_| ReplayBuffer::read_from(r, body / n))
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self { lanes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_keep_interleaved_episodes_apart() {
        let mut r = VecReplay::new(40, 2, 1, 2, 1, 0.9);
        r.start_episode(0, &[10]);
        r.start_episode(1, &[100]);
        for t in 1..=8u8 {
            r.push(0, 0, 0.0, &[10 + t], false);
            r.push(1, 1, 0.0, &[100 + t], false);
        }
        let b = r.try_sample(200, &mut Rng::new(1)).unwrap();
        let mut lanes_seen = [false; 2];
        for s in 0..b.size {
            let (o, no) = (&b.obs[s * 2..s * 2 + 2], &b.next_obs[s * 2..s * 2 + 2]);
            let lane = (o[1] >= 100) as usize;
            lanes_seen[lane] = true;
            // Both planes and the next frame come from the same env, in order.
            assert_eq!(o[0] >= 100, o[1] >= 100);
            assert!(o[1] == o[0] + 1 || o[1] == o[0], "{o:?}");
            assert_eq!(no, &[o[1], o[1] + 1]);
            assert_eq!(b.actions[s] as usize, lane);
        }
        assert_eq!(lanes_seen, [true, true]);
    }

    #[test]
    fn round_trips_through_bytes() {
        let mut r = VecReplay::new(30, 3, 2, 2, 2, 0.9);
        for lane in 0..3 {
            r.start_episode(lane, &[lane as u8, 1]);
            r.push(lane, 1, 0.5, &[lane as u8, 2], false);
        }
        let mut bytes = Vec::new();
        r.write_to(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, r.serialized_len());
        let back = VecReplay::read_from(&mut bytes.as_slice(), r.serialized_len()).unwrap();
        let mut again = Vec::new();
        back.write_to(&mut again).unwrap();
        assert_eq!(bytes, again);
        assert!(VecReplay::read_from(&mut bytes.as_slice(), r.serialized_len() + 3).is_err());
    }
}
