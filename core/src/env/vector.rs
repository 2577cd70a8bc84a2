//! [`VecEnv`]: N [`AtariEnv`]s stepped together on threads, with auto-reset.

use super::{split_seed, AtariConfig, AtariEnv, EpisodeInfo, Step, FRAME_LEN};
use crate::ale::AleError;

/// N independent envs stepped in parallel (scoped std threads, each stepping a contiguous
/// block of envs). Each env owns its emulator and seed and nothing is shared, so results
/// are the same whatever the thread count or scheduling.
///
/// Auto-reset: when a step ends an env's episode ([`Step::done`]), the env is reset
/// at once, inside the same parallel step. Then:
/// - the step's [`Step`] is as reported, and [`VecEnv::finished_game`] holds the game's
///   summary if the game ended;
/// - [`VecEnv::final_frame`] holds the episode's last frame (the one the step produced);
/// - [`VecEnv::frame`] / [`VecEnv::obs`] already show the new episode's first frame.
///
/// So a frame-once replay buffer stores, per env and step: the action, reward and done
/// flag with `final_frame` if done else `frame`, and after a done also `frame` as the
/// start of a new episode.
pub struct VecEnv {
    envs: Vec<AtariEnv>,
    steps: Vec<Step>,
    finished: Vec<Option<EpisodeInfo>>,
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
            steps: vec![Step::default(); n],
            finished: vec![None; n],
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
    /// episode ended. Returns the steps, in env order.
    pub fn step(&mut self, actions: &[usize]) -> &[Step] {
        assert_eq!(actions.len(), self.envs.len(), "one action per env");
        let chunk = self.envs.len().div_ceil(self.threads);
        let work = self
            .envs
            .chunks_mut(chunk)
            .zip(self.steps.chunks_mut(chunk))
            .zip(self.finished.chunks_mut(chunk))
            .zip(self.final_frames.chunks_mut(chunk))
            .zip(actions.chunks(chunk));
        if self.threads == 1 {
            for ((((envs, steps), games), finals), acts) in work {
                step_block(envs, steps, games, finals, acts);
            }
        } else {
            std::thread::scope(|s| {
                for ((((envs, steps), games), finals), acts) in work {
                    s.spawn(move || step_block(envs, steps, games, finals, acts));
                }
            });
        }
        &self.steps
    }

    /// The latest steps (as returned by the last [`VecEnv::step`]).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Env `i`'s game that ended on the last step (score, length, returns), if it did.
    pub fn finished_game(&self, i: usize) -> Option<EpisodeInfo> {
        self.finished[i]
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
    /// when that step is done).
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
    steps: &mut [Step],
    games: &mut [Option<EpisodeInfo>],
    finals: &mut [Vec<u8>],
    actions: &[usize],
) {
    let lanes = envs.iter_mut().zip(steps).zip(games).zip(finals);
    for ((((env, step), game), fin), &a) in lanes.zip(actions) {
        *step = env.step(a);
        *game = env.finished_game();
        if step.done() {
            fin.copy_from_slice(env.frame());
            env.reset();
        }
    }
}
