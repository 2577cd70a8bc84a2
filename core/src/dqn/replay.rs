//! Experience replay that stores every frame once.
//!
//! A stacked observation `[f(t-3), f(t-2), f(t-1), f(t)]` shares three frames with its
//! neighbours, and a transition's next observation shares all but one frame with it; storing
//! stacks would take 8x the memory. So, like DeepMind's and Dopamine's buffers, each slot of a
//! ring holds one 84x84 `u8` frame plus the transition that *leaves* it (action, reward,
//! whether the episode terminated), and stacks are rebuilt by index at sampling time.
//!
//! Episode boundaries:
//! - [`ReplayBuffer::start_episode`] stores the first frame of an episode and marks it; a stack
//!   that reaches back past that mark repeats that first frame (the one padding rule of
//!   [`FrameStack`](crate::frame_stack::FrameStack), used when acting, evaluating, recording and
//!   on the page), never mixed with the previous episode.
//! - [`ReplayBuffer::push`] records `(action, reward, next_frame, terminated)`: it completes the
//!   newest slot's transition and stores `next_frame` in a new slot. The final frame of every
//!   episode is therefore stored too, so an episode cut off by a time limit (not terminated)
//!   still bootstraps from its true last observation.
//!
//! n-step returns are computed at sampling time: from slot `j`, rewards are summed over up to `n`
//! transitions, stopping early at a terminal transition (`done = true`) or at the stored end of a
//! truncated episode (`done = false`, fewer steps); `steps` says how many were summed, so the
//! learner discounts the bootstrap by `gamma^steps`. Transitions whose n-step window is not yet
//! complete (the newest ones of the running episode), or whose stack would need overwritten
//! frames, are not sampled. Sampling is uniform over the valid transitions by rejection, which
//! is O(1) expected time because almost all slots are valid.
//!
//! Memory: 84*84 + 1 (action) + 4 (reward) + 1 (flags) = 7062 bytes per transition, so 1M
//! transitions take 7.06 GB.

use std::io::{Read, Write};

use super::rng::Rng;

const START: u8 = 1; // this slot's frame is the first of an episode
const HAS_NEXT: u8 = 2; // a transition leaves this slot (action, reward valid)
const TERMINATED: u8 = 4; // that transition ended the episode in a terminal state

/// A sampled minibatch, laid out for the learner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    pub size: usize,
    /// `[size, stack, h, w]` pixels of the observations.
    pub obs: Vec<u8>,
    pub actions: Vec<u32>,
    /// n-step discounted reward `sum_{i<steps} gamma^i r_{t+i}`.
    pub returns: Vec<f32>,
    /// `[size, stack, h, w]` pixels of the observation `steps` steps later.
    pub next_obs: Vec<u8>,
    /// The episode terminated within the window (no bootstrap).
    pub dones: Vec<bool>,
    /// Transitions summed (`n`, or fewer at an episode end).
    pub steps: Vec<u32>,
}

impl Batch {
    /// An empty batch of `size` rows with the pixel rows (`obs_len` bytes each) allocated.
    pub(crate) fn with_capacity(size: usize, obs_len: usize) -> Self {
        Batch {
            size,
            obs: vec![0; size * obs_len],
            next_obs: vec![0; size * obs_len],
            actions: Vec::with_capacity(size),
            returns: Vec::with_capacity(size),
            dones: Vec::with_capacity(size),
            steps: Vec::with_capacity(size),
        }
    }
}

/// Ring buffer of frames and the transitions leaving them.
pub struct ReplayBuffer {
    capacity: usize,
    frame_len: usize,
    stack: usize,
    n_step: usize,
    gamma: f32,
    frames: Vec<u8>,
    actions: Vec<u8>,
    rewards: Vec<f32>,
    flags: Vec<u8>,
    /// Slot the next frame goes to.
    next: usize,
    /// Slots holding data (<= capacity).
    len: usize,
    /// An episode is running (its newest frame may still get a transition).
    in_episode: bool,
}

impl ReplayBuffer {
    /// A buffer of `capacity` frames of `frame_len` pixels, sampling stacks of `stack` frames and
    /// `n_step` returns discounted by `gamma`. Memory is reserved up front but the OS only
    /// commits pages as they are written.
    pub fn new(capacity: usize, frame_len: usize, stack: usize, n_step: usize, gamma: f32) -> Self {
        assert!(capacity > stack + n_step, "replay capacity too small");
        assert!(stack >= 1 && n_step >= 1);
        Self {
            capacity,
            frame_len,
            stack,
            n_step,
            gamma,
            frames: vec![0; capacity * frame_len],
            actions: vec![0; capacity],
            rewards: vec![0.0; capacity],
            flags: vec![0; capacity],
            next: 0,
            len: 0,
            in_episode: false,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes of one stacked observation.
    pub fn stack_len(&self) -> usize {
        self.stack * self.frame_len
    }

    /// Frames stored (each one, except episodes' last frames, starts a transition).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of storage per slot (frame + action + reward + flags).
    pub fn bytes_per_transition(&self) -> usize {
        (self.frames.capacity()
            + self.actions.capacity()
            + self.rewards.capacity() * std::mem::size_of::<f32>()
            + self.flags.capacity())
            / self.capacity
    }

    fn write_frame(&mut self, frame: &[u8], flags: u8) {
        assert_eq!(frame.len(), self.frame_len, "replay: wrong frame size");
        let i = self.next;
        self.frames[i * self.frame_len..(i + 1) * self.frame_len].copy_from_slice(frame);
        self.flags[i] = flags;
        self.actions[i] = 0;
        self.rewards[i] = 0.0;
        self.next = (i + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
    }

    /// Begins an episode with its first observed frame. Calling it while an episode runs ends
    /// that episode as truncated (its last frame stays as a bootstrap target).
    pub fn start_episode(&mut self, first_frame: &[u8]) {
        self.write_frame(first_frame, START);
        self.in_episode = true;
    }

    /// Records the transition leaving the newest frame and stores `next_frame`.
    ///
    /// # Panics
    /// If no episode is running (call [`start_episode`](Self::start_episode) first, also after
    /// a terminal transition), or `action > 255`.
    pub fn push(&mut self, action: usize, reward: f32, next_frame: &[u8], terminated: bool) {
        assert!(self.in_episode, "replay: push outside an episode");
        let cur = (self.next + self.capacity - 1) % self.capacity;
        self.actions[cur] = u8::try_from(action).expect("replay: action id > 255");
        self.rewards[cur] = reward;
        self.flags[cur] |= HAS_NEXT | if terminated { TERMINATED } else { 0 };
        self.write_frame(next_frame, 0);
        self.in_episode = !terminated;
    }

    /// Age of slot `i`: 0 for the oldest stored frame, `len - 1` for the newest.
    fn age(&self, i: usize) -> usize {
        let oldest = if self.len < self.capacity {
            0
        } else {
            self.next
        };
        (i + self.capacity - oldest) % self.capacity
    }

    /// The n-step window from slot `j`: `(return, steps, done)`, or `None` if `j` is not a
    /// sampleable transition.
    fn window(&self, j: usize) -> Option<(f32, usize, bool)> {
        if self.flags[j] & HAS_NEXT == 0 {
            return None;
        }
        // The stack must not need frames older than the oldest stored one.
        let age = self.age(j);
        for m in 0..self.stack {
            let i = (j + self.capacity - m) % self.capacity;
            if self.flags[i] & START != 0 {
                break;
            }
            if m + 1 < self.stack && age < m + 1 {
                return None;
            }
        }
        let mut ret = 0.0;
        let mut discount = 1.0;
        for k in 0..self.n_step {
            let i = (j + k) % self.capacity;
            ret += discount * self.rewards[i];
            discount *= self.gamma;
            if self.flags[i] & TERMINATED != 0 {
                return Some((ret, k + 1, true));
            }
            let after = (i + 1) % self.capacity;
            if k + 1 == self.n_step {
                return Some((ret, k + 1, false));
            }
            if self.flags[after] & HAS_NEXT == 0 {
                let newest = self.age(after) == self.len - 1;
                if newest && self.in_episode {
                    return None; // the window is still being filled
                }
                return Some((ret, k + 1, false)); // truncated episode: bootstrap from its end
            }
        }
        unreachable!()
    }

    /// Copies the stack ending at slot `j` into `out` (`stack * frame_len` bytes); planes
    /// before the episode's first frame repeat that frame, as [`FrameStack`] does when acting.
    ///
    /// [`FrameStack`]: crate::frame_stack::FrameStack
    fn write_stack(&self, j: usize, out: &mut [u8]) {
        let fl = self.frame_len;
        let mut src = j;
        for m in 0..self.stack {
            let dst = &mut out[(self.stack - 1 - m) * fl..(self.stack - m) * fl];
            dst.copy_from_slice(&self.frames[src * fl..(src + 1) * fl]);
            if self.flags[src] & START == 0 {
                src = (src + self.capacity - 1) % self.capacity;
            }
        }
    }

    /// The stacked observation ending at slot `j` (for tests and debugging).
    pub fn stack_at(&self, j: usize) -> Vec<u8> {
        let mut out = vec![0; self.stack * self.frame_len];
        self.write_stack(j, &mut out);
        out
    }

    /// A slot sampled uniformly among the valid transitions (rejection sampling), or `None`
    /// after 1,000 misses (an almost empty buffer; a filled one has ~99% valid slots).
    fn sample_index(&self, rng: &mut Rng) -> Option<(usize, (f32, usize, bool))> {
        if self.len == 0 {
            return None;
        }
        for _ in 0..1_000 {
            let j = rng.below(self.len as u64) as usize;
            let j = if self.len < self.capacity {
                j
            } else {
                (self.next + j) % self.capacity
            };
            if let Some(w) = self.window(j) {
                return Some((j, w));
            }
        }
        None
    }

    /// Whether at least one transition can be sampled (a full scan: for tests and tools).
    pub fn can_sample(&self) -> bool {
        (0..self.len).any(|j| self.window(j).is_some())
    }

    /// A minibatch of `size` transitions drawn uniformly (with replacement) using `rng`, or
    /// `None` while the buffer holds (almost) no complete transition.
    pub fn try_sample(&self, size: usize, rng: &mut Rng) -> Option<Batch> {
        let mut b = Batch::with_capacity(size, self.stack * self.frame_len);
        for s in 0..size {
            self.sample_into(&mut b, s, rng)?;
        }
        Some(b)
    }

    /// Draws one transition into row `s` of `b` (whose pixel rows are allocated).
    pub(crate) fn sample_into(&self, b: &mut Batch, s: usize, rng: &mut Rng) -> Option<()> {
        let obs_len = self.stack * self.frame_len;
        let (j, (ret, steps, done)) = self.sample_index(rng)?;
        self.write_stack(j, &mut b.obs[s * obs_len..(s + 1) * obs_len]);
        let nj = (j + steps) % self.capacity;
        self.write_stack(nj, &mut b.next_obs[s * obs_len..(s + 1) * obs_len]);
        b.actions.push(self.actions[j] as u32);
        b.returns.push(ret);
        b.dones.push(done);
        b.steps.push(steps as u32);
        Some(())
    }

    /// [`try_sample`](Self::try_sample) for callers that know the buffer is filled.
    ///
    /// # Panics
    /// If nothing is sampleable.
    pub fn sample(&self, size: usize, rng: &mut Rng) -> Batch {
        self.try_sample(size, rng)
            .expect("replay: no sampleable transition (too few stored?)")
    }

    /// Bytes [`write_to`](Self::write_to) writes for a buffer of this geometry.
    pub fn serialized_len(&self) -> u64 {
        Self::serialized_len_for(self.capacity, self.frame_len)
    }

    fn serialized_len_for(capacity: usize, frame_len: usize) -> u64 {
        let c = capacity as u64;
        6 * 8 + 4 + 1 + c * frame_len as u64 + c + 4 * c + c
    }

    /// Writes the whole buffer (geometry, position, contents) to `w`.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        for x in [
            self.capacity,
            self.frame_len,
            self.stack,
            self.n_step,
            self.next,
            self.len,
        ] {
            w.write_all(&(x as u64).to_le_bytes())?;
        }
        w.write_all(&self.gamma.to_le_bytes())?;
        w.write_all(&[self.in_episode as u8])?;
        w.write_all(&self.frames)?;
        w.write_all(&self.actions)?;
        for r in &self.rewards {
            w.write_all(&r.to_le_bytes())?;
        }
        w.write_all(&self.flags)
    }

    /// Reads a buffer written by [`write_to`](Self::write_to) that takes `expected_len`
    /// bytes; the geometry is checked against that length before anything is allocated.
    pub fn read_from(r: &mut impl Read, expected_len: u64) -> std::io::Result<Self> {
        let mut u = || -> std::io::Result<usize> {
            let mut b = [0; 8];
            r.read_exact(&mut b)?;
            usize::try_from(u64::from_le_bytes(b))
                .map_err(|_| std::io::Error::other("replay: size overflow"))
        };
        let (capacity, frame_len, stack, n_step, next, len) = (u()?, u()?, u()?, u()?, u()?, u()?);
        let bad = || std::io::Error::other("replay: inconsistent header");
        if capacity <= stack + n_step
            || stack == 0
            || n_step == 0
            || next >= capacity
            || len > capacity
            || capacity
                .checked_mul(frame_len)
                .is_none_or(|n| n as u64 > (1u64 << 40))
            || Self::serialized_len_for(capacity, frame_len) != expected_len
        {
            return Err(bad());
        }
        let mut b4 = [0; 4];
        r.read_exact(&mut b4)?;
        let gamma = f32::from_le_bytes(b4);
        let mut b1 = [0; 1];
        r.read_exact(&mut b1)?;
        let mut buf = Self::new(capacity, frame_len, stack, n_step, gamma);
        buf.next = next;
        buf.len = len;
        buf.in_episode = b1[0] != 0;
        r.read_exact(&mut buf.frames)?;
        r.read_exact(&mut buf.actions)?;
        for x in buf.rewards.iter_mut() {
            r.read_exact(&mut b4)?;
            *x = f32::from_le_bytes(b4);
        }
        r.read_exact(&mut buf.flags)?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1-pixel "frame" whose value identifies it.
    fn f(v: u8) -> [u8; 1] {
        [v]
    }

    #[test]
    fn stacks_repeat_the_first_frame_at_episode_start_and_never_mix_episodes() {
        let mut rb = ReplayBuffer::new(32, 1, 4, 1, 0.9);
        rb.start_episode(&f(1));
        rb.push(0, 0.0, &f(2), false);
        rb.push(1, 0.0, &f(3), true); // episode 1: frames 1,2,3 at slots 0..3
        rb.start_episode(&f(10));
        rb.push(2, 1.0, &f(11), false);
        rb.push(0, 0.0, &f(12), false);
        rb.push(0, 0.0, &f(13), false);
        rb.push(0, 0.0, &f(14), false);
        assert_eq!(rb.stack_at(0), vec![1, 1, 1, 1]);
        assert_eq!(rb.stack_at(2), vec![1, 1, 2, 3]);
        assert_eq!(rb.stack_at(3), vec![10, 10, 10, 10]); // not [2, 3, 10]
        assert_eq!(rb.stack_at(4), vec![10, 10, 10, 11]);
        assert_eq!(rb.stack_at(7), vec![11, 12, 13, 14]);
        // Episode 1's last frame (slot 2) has no transition; the newest frame neither.
        assert!(rb.window(2).is_none());
        assert!(rb.window(7).is_none());
        assert_eq!(rb.window(1), Some((0.0, 1, true)));
    }

    #[test]
    fn the_acting_frame_stack_sees_what_the_replay_rebuilds() {
        use crate::frame_stack::FrameStack;
        let mut fs = FrameStack::new(3, 1);
        let mut rb = ReplayBuffer::new(50, 1, 3, 1, 0.99);
        let mut slot = 0;
        for ep in 0..3u8 {
            let first = [ep * 50];
            fs.reset(&first);
            rb.start_episode(&first);
            assert_eq!(fs.stacked(), rb.stack_at(slot).as_slice());
            for t in 1..=(4 + ep) {
                let fr = [ep * 50 + t];
                fs.push(&fr);
                rb.push(0, 0.0, &fr, t == 4 + ep);
                slot += 1;
                assert_eq!(fs.stacked(), rb.stack_at(slot).as_slice());
            }
            slot += 1;
        }
    }

    #[test]
    fn n_step_returns_stop_at_terminal_and_truncation() {
        let mut rb = ReplayBuffer::new(64, 1, 1, 3, 0.5);
        rb.start_episode(&f(0));
        for t in 1..=5 {
            rb.push(t, t as f32, &f(t as u8), t == 5);
        }
        // slot 0: r1 + .5 r2 + .25 r3 = 1 + 1 + .75
        assert_eq!(rb.window(0), Some((2.75, 3, false)));
        // slot 3: r4 + .5 r5, terminated after 2 steps
        assert_eq!(rb.window(3), Some((4.0 + 2.5, 2, true)));
        assert_eq!(rb.window(4), Some((5.0, 1, true)));
        // A truncated episode: 2 transitions, then a new episode starts.
        rb.start_episode(&f(20));
        rb.push(0, 1.0, &f(21), false);
        rb.push(0, 1.0, &f(22), false);
        rb.start_episode(&f(30));
        assert_eq!(rb.window(6), Some((1.5, 2, false)));
        assert_eq!(rb.window(7), Some((1.0, 1, false)));
        // The running episode's first transition needs 3 steps before it is sampleable.
        rb.push(0, 1.0, &f(31), false);
        rb.push(0, 1.0, &f(32), false);
        assert!(rb.window(9).is_none());
        rb.push(0, 1.0, &f(33), false);
        assert_eq!(rb.window(9), Some((1.75, 3, false)));
        // next obs of slot 9 with 3 steps is slot 12 = frame 33
        let mut rng = Rng::new(0);
        let b = rb.sample(200, &mut rng);
        for s in 0..b.size {
            let (o, no) = (b.obs[s], b.next_obs[s]);
            if o == 30 {
                assert_eq!((no, b.steps[s], b.dones[s]), (33, 3, false));
            }
            if o == 4 {
                assert_eq!((no, b.steps[s], b.dones[s]), (5, 1, true));
            }
            if o == 21 {
                assert_eq!((no, b.steps[s], b.dones[s]), (22, 1, false));
            }
        }
    }

    #[test]
    fn wraparound_keeps_stacks_consistent() {
        let cap = 10;
        let mut rb = ReplayBuffer::new(cap, 1, 3, 1, 0.99);
        rb.start_episode(&f(0));
        for t in 1..=25u8 {
            rb.push(0, t as f32, &f(t), false);
        }
        assert_eq!(rb.len(), cap);
        // Frames 16..=25 remain; the oldest (16) has no history stored and no episode start,
        // so transitions that need frames older than 16 are never sampled.
        let mut rng = Rng::new(3);
        let b = rb.sample(500, &mut rng);
        for s in 0..b.size {
            let o = &b.obs[s * 3..s * 3 + 3];
            let no = &b.next_obs[s * 3..s * 3 + 3];
            assert!(o[0] >= 16, "{o:?}");
            assert_eq!([o[0] + 1, o[1] + 1], [o[1], o[2]]);
            assert_eq!(no, &[o[1], o[2], o[2] + 1]);
            assert_eq!(b.returns[s], (o[2] + 1) as f32);
        }
        // Every valid start (18..=24) shows up.
        let mut seen: Vec<u8> = b.obs.chunks(3).map(|o| o[2]).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, (18..=24).collect::<Vec<u8>>());
    }

    #[test]
    fn sampling_is_seeded() {
        let mut rb = ReplayBuffer::new(100, 1, 2, 1, 0.99);
        rb.start_episode(&f(0));
        for t in 1..90u8 {
            rb.push(0, 0.0, &f(t), false);
        }
        let a = rb.sample(32, &mut Rng::new(5));
        let b = rb.sample(32, &mut Rng::new(5));
        let c = rb.sample(32, &mut Rng::new(6));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn one_million_atari_transitions_fit_in_7_1_gb() {
        // Reserve a small buffer: bytes per slot do not depend on capacity.
        let rb = ReplayBuffer::new(1000, 84 * 84, 4, 3, 0.99);
        assert_eq!(rb.bytes_per_transition(), 7062);
        assert!(rb.bytes_per_transition() * 1_000_000 <= 7_100_000_000);
    }

    #[test]
    fn round_trips_through_bytes() {
        let mut rb = ReplayBuffer::new(16, 2, 2, 2, 0.9);
        rb.start_episode(&[1, 2]);
        rb.push(3, 0.5, &[3, 4], false);
        let mut bytes = Vec::new();
        rb.write_to(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, rb.serialized_len());
        let back = ReplayBuffer::read_from(&mut bytes.as_slice(), rb.serialized_len()).unwrap();
        let mut again = Vec::new();
        back.write_to(&mut again).unwrap();
        assert_eq!(bytes, again);
        let n = rb.serialized_len();
        assert!(ReplayBuffer::read_from(&mut &bytes[..bytes.len() - 1], n).is_err());
        assert!(ReplayBuffer::read_from(&mut bytes.as_slice(), n + 1).is_err());
        let empty = ReplayBuffer::new(16, 2, 2, 2, 0.9);
        assert!(empty.try_sample(4, &mut Rng::new(0)).is_none());
    }
}
