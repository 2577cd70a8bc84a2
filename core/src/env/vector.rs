//! [`VecEnv`]: N [`AtariEnv`]s stepped together on threads, with auto-reset.

use super::{split_seed, AtariConfig, AtariEnv, Transition, FRAME_LEN};
use crate::ale::AleError;

/// N independent envs stepped in parallel (scoped std threads, each stepping a contiguous
/// block of envs). Each env owns its emulator and seed and nothing is shared, so results
/// are the same whatever the thread count or scheduling.
///
/// Auto-reset: when a step ends an env's episode ([`Transition::done`]), the env is reset
/// at once, inside the same parallel step. Then:
/// - the step's [`Transition`] (with `episode` info if the game ended) is as reported;
/// - [`VecEnv::final_frame`] holds the episode's last frame (the one the step produced);
/// - [`VecEnv::frame`] / [`VecEnv::obs`] already show the new episode's first frame.
///
/// So a frame-once replay buffer stores, per env and step: the action, reward and done
/// flag with `final_frame` if done else `frame`, and after a done also `frame` as the
/// start of a new episode.
pub struct VecEnv {
    envs: Vec<AtariEnv>,
    transitions: Vec<Transition>,
    final_frames: Vec<Vec<u8>>,
    threads: usize,
}

impl VecEnv {
    /// `n` copies of a game, env `i` seeded with a seed derived from `(seed, i)`. Uses as
    /// many threads as the machine has cores (at most `n`).
    pub fn new(rom: &[u8], config: &AtariConfig, seed: u64, n: usize) -> Result<VecEnv, AleError> {
        let envs = (0..n)
            .map(|i| AtariEnv::new(rom, config, split_seed(seed, 1000 + i as u64)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(VecEnv::from_envs(envs))
    }

    /// Envs built elsewhere (e.g. over scripted games). Resets them all.
    pub fn from_envs(envs: Vec<AtariEnv>) -> VecEnv {
        assert!(!envs.is_empty(), "VecEnv needs at least one env");
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let n = envs.len();
        let mut v = VecEnv {
            envs,
            transitions: vec![Transition::default(); n],
            final_frames: vec![vec![0; FRAME_LEN]; n],
            threads: threads.min(n),
        };
        v.reset();
        v
    }

    /// Sets the number of worker threads (1 = step on the calling thread).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.clamp(1, self.envs.len());
        self
    }

    pub fn len(&self) -> usize {
        self.envs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.envs.is_empty()
    }

    pub fn num_actions(&self) -> usize {
        self.envs[0].num_actions()
    }

    /// Resets every env (a real reset is only guaranteed the first time: see
    /// [`AtariEnv::reset`]).
    pub fn reset(&mut self) {
        for e in &mut self.envs {
            e.reset();
        }
    }

    /// Steps env `i` with `actions[i]` for all `i`, in parallel; auto-resets envs whose
    /// episode ended. Returns the transitions, in env order.
    pub fn step(&mut self, actions: &[usize]) -> &[Transition] {
        assert_eq!(actions.len(), self.envs.len(), "one action per env");
        let chunk = self.envs.len().div_ceil(self.threads);
        let work = self
            .envs
            .chunks_mut(chunk)
            .zip(self.transitions.chunks_mut(chunk))
            .zip(self.final_frames.chunks_mut(chunk))
            .zip(actions.chunks(chunk));
        if self.threads == 1 {
            for (((envs, ts), finals), acts) in work {
                step_block(envs, ts, finals, acts);
            }
        } else {
            std::thread::scope(|s| {
                for (((envs, ts), finals), acts) in work {
                    s.spawn(move || step_block(envs, ts, finals, acts));
                }
            });
        }
        &self.transitions
    }

    /// The latest transitions (as returned by the last [`VecEnv::step`]).
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// Env `i`'s newest 84×84 frame (after an auto-reset: the new episode's first).
    pub fn frame(&self, i: usize) -> &[u8] {
        self.envs[i].frame()
    }

    /// Env `i`'s stacked observation `[k, 84, 84]`.
    pub fn obs(&self, i: usize) -> &[u8] {
        self.envs[i].obs()
    }

    /// Env `i`'s last frame of the episode that ended on the last step (meaningful only
    /// when that step's transition is done).
    pub fn final_frame(&self, i: usize) -> &[u8] {
        &self.final_frames[i]
    }

    /// All stacked observations, `[n, k, 84, 84]`, into `out` (a network input batch).
    pub fn write_obs(&self, out: &mut [u8]) {
        let len = self.envs[0].obs().len();
        assert_eq!(out.len(), len * self.envs.len(), "batch size");
        for (o, e) in out.chunks_exact_mut(len).zip(&self.envs) {
            o.copy_from_slice(e.obs());
        }
    }

    pub fn env(&self, i: usize) -> &AtariEnv {
        &self.envs[i]
    }
}

/// One thread's share of a vector step.
fn step_block(
    envs: &mut [AtariEnv],
    transitions: &mut [Transition],
    finals: &mut [Vec<u8>],
    actions: &[usize],
) {
    for (((env, t), fin), &a) in envs.iter_mut().zip(transitions).zip(finals).zip(actions) {
        *t = env.step(a);
        if t.done() {
            fin.copy_from_slice(env.frame());
            env.reset();
        }
    }
}
