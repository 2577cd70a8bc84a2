//! The DQN training loop over N environments stepped together, for any environment that
//! yields `u8` frames. Pong (through the ALE wrapper) and the catch test drive the same code.
//!
//! One [`Trainer::step`] is one *vector step*, `num_envs` agent steps:
//! 1. every env whose episode ended starts a new one (its stack repeats the first frame);
//! 2. one epsilon-greedy decision for all envs: one batched forward pass for the greedy ones;
//! 3. the envs step on threads (each owns its emulator: the result does not depend on the
//!    thread count);
//! 4. each env's transition (shaped reward) goes to its lane of the shared replay;
//! 5. the gradient updates now due (`updates_per_step` per agent step after
//!    `learning_starts`, fractional), then the target sync if a multiple of `target_update`
//!    agent steps was crossed.
//!
//! Everything random draws from the trainer's one seeded [`Rng`] in a fixed order, so a seed
//! fixes a run; with the envs' own states ([`Env::save_state`]) and the replay in a
//! checkpoint, a resumed run is bit-identical to one never stopped.

use std::io::{Read, Write};

use burn::tensor::Device;

use super::config::Config;
use super::learner::{Learner, UpdateStats};
use super::rng::Rng;
use super::vec_replay::VecReplay;
use crate::frame_stack::FrameStack;
pub use crate::rl_env::{Env, Step};

/// An episode that ended during a [`Trainer::step`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpisodeEnd {
    /// Which env.
    pub env: usize,
    /// Undiscounted raw return.
    pub ret: f64,
    /// Length in agent steps.
    pub len: u64,
    /// Times the agent returned the ball.
    pub returns: u64,
}

/// What happened during one [`Trainer::step`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepReport {
    /// The epsilon used for this step's actions.
    pub epsilon: f64,
    /// One entry per gradient update that ran.
    pub updates: Vec<UpdateStats>,
    /// Episodes that ended, in env order.
    pub episodes: Vec<EpisodeEnd>,
}

/// Counters that, with the RNG state, let a run resume exactly (see `checkpoint`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counters {
    /// Agent steps taken (over all envs).
    pub steps: u64,
    /// Episodes finished (over all envs).
    pub episodes: u64,
}

/// The acting side of one env: its stack and running episode.
#[derive(Clone, Debug)]
struct Lane {
    stack: FrameStack,
    in_episode: bool,
    ret: f64,
    len: u64,
    returns: u64,
}

/// Learner + envs + replay + exploration state.
pub struct Trainer<E> {
    pub cfg: Config,
    pub learner: Learner,
    pub replay: VecReplay,
    pub rng: Rng,
    pub counters: Counters,
    envs: Vec<E>,
    lanes: Vec<Lane>,
    /// Sums of the updates' loss and mean Q, and their count, since last taken (checkpointed,
    /// so the logged means of a resumed run are those of one never stopped).
    update_sums: (f64, f64, u64),
}

impl<E: Env> Trainer<E> {
    /// A fresh run of `cfg` over `envs` (`cfg.num_envs` of them), on `device`
    /// (`Device::flex()` for the CPU).
    pub fn new(cfg: Config, envs: Vec<E>, device: &Device) -> Self {
        let learner = Learner::new(&cfg, envs[0].n_actions(), device);
        Self::with_learner(cfg, learner, envs)
    }

    /// A trainer around an existing learner (e.g. restored from a checkpoint), with an empty
    /// replay buffer and every env starting an episode.
    ///
    /// # Panics
    /// If `envs` does not hold `cfg.num_envs` envs (a caller's bug, not an input error).
    pub fn with_learner(cfg: Config, learner: Learner, envs: Vec<E>) -> Self {
        assert_eq!(envs.len(), cfg.num_envs, "one env per cfg.num_envs");
        let replay = VecReplay::new(
            cfg.replay_capacity,
            cfg.num_envs,
            cfg.net.frame_len(),
            cfg.net.frame_stack,
            cfg.n_step,
            cfg.gamma,
        );
        let lane = Lane {
            stack: FrameStack::new(cfg.net.frame_stack, cfg.net.frame_len()),
            in_episode: false,
            ret: 0.0,
            len: 0,
            returns: 0,
        };
        Self {
            lanes: vec![lane; envs.len()],
            envs,
            rng: Rng::new(cfg.seed ^ 0x005E_ED0F_DA7A),
            learner,
            replay,
            counters: Counters::default(),
            update_sums: (0.0, 0.0, 0),
            cfg,
        }
    }

    pub fn envs(&self) -> &[E] {
        &self.envs
    }

    pub fn envs_mut(&mut self) -> &mut [E] {
        &mut self.envs
    }

    /// The stacked observation env `i`'s next action will be chosen from.
    pub fn observation(&self, i: usize) -> &[u8] {
        self.lanes[i].stack.stacked()
    }

    /// One vector step: `num_envs` agent steps (see the module docs).
    pub fn step(&mut self) -> StepReport {
        // 1. New episodes where the last one ended.
        for (i, (env, lane)) in self.envs.iter_mut().zip(&mut self.lanes).enumerate() {
            if !lane.in_episode {
                env.reset();
                let first = env.observe();
                lane.stack.reset(first);
                self.replay.start_episode(i, first);
                lane.in_episode = true;
                lane.ret = 0.0;
                lane.len = 0;
                lane.returns = 0;
            }
        }

        // 2. One decision for all envs.
        let epsilon = self.cfg.epsilon.value(self.counters.steps);
        let obs: Vec<u8> = self
            .lanes
            .iter()
            .flat_map(|l| l.stack.stacked().iter().copied())
            .collect();
        let actions = self
            .learner
            .act_batch(&obs, self.envs.len(), epsilon, &mut self.rng);

        // 3. The envs step on threads.
        let steps = step_all(&mut self.envs, &actions);

        // 4. Transitions into the replay.
        let mut report = StepReport {
            epsilon,
            ..StepReport::default()
        };
        for (i, (s, env)) in steps.iter().zip(&mut self.envs).enumerate() {
            let lane = &mut self.lanes[i];
            // What the agent learns from: the shaped reward plus the return bonus. The
            // episode's return (`lane.ret`) stays the game's own score.
            let reward = self.cfg.reward.apply(s.reward as f32) + self.cfg.reward.bonus(s.returns);
            let frame = env.observe();
            self.replay.push(i, actions[i], reward, frame, s.terminated);
            lane.stack.push(frame);
            lane.ret += s.reward as f64;
            lane.len += 1;
            lane.returns += s.returns as u64;
            if s.terminated || s.truncated {
                lane.in_episode = false;
                self.counters.episodes += 1;
                report.episodes.push(EpisodeEnd {
                    env: i,
                    ret: lane.ret,
                    len: lane.len,
                    returns: lane.returns,
                });
            }
        }
        let before = self.counters.steps;
        self.counters.steps += self.envs.len() as u64;
        let after = self.counters.steps;

        // 5. Updates due, then the target sync.
        // The replay check only matters after resuming without a saved replay buffer:
        // learning then waits until the buffer holds `learning_starts` transitions again.
        let warm =
            self.replay.len() as u64 >= self.cfg.learning_starts.min(self.replay.capacity() as u64);
        let due = |s: u64| {
            (s.saturating_sub(self.cfg.learning_starts) as f64 * self.cfg.updates_per_step).floor()
                as u64
        };
        if warm {
            for _ in 0..due(after) - due(before) {
                // None only while the buffer holds no complete n-step transition yet.
                match self.replay.try_sample(self.cfg.batch_size, &mut self.rng) {
                    Some(batch) => {
                        let u = self.learner.update(&batch);
                        self.update_sums.0 += u.loss as f64;
                        self.update_sums.1 += u.mean_q as f64;
                        self.update_sums.2 += 1;
                        report.updates.push(u);
                    }
                    None => break,
                }
            }
        }
        if let Some(k) = self.cfg.target_update {
            if after / k > before / k {
                self.learner.sync_target();
            }
        }
        report
    }

    /// The mean loss and mean Q of the updates since the last call, if any ran.
    pub fn take_update_means(&mut self) -> Option<(f64, f64)> {
        let (l, q, n) = std::mem::replace(&mut self.update_sums, (0.0, 0.0, 0));
        (n > 0).then(|| (l / n as f64, q / n as f64))
    }

    /// Forget the running episodes (every env starts a new one on the next step).
    pub fn end_episodes(&mut self) {
        for lane in &mut self.lanes {
            lane.in_episode = false;
        }
    }

    /// Bytes of the acting state: each lane's stack and episode, each env's own state.
    pub fn write_lanes(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(&self.update_sums.0.to_le_bytes())?;
        w.write_all(&self.update_sums.1.to_le_bytes())?;
        w.write_all(&self.update_sums.2.to_le_bytes())?;
        w.write_all(&(self.lanes.len() as u64).to_le_bytes())?;
        for (lane, env) in self.lanes.iter().zip(&self.envs) {
            w.write_all(&[lane.in_episode as u8])?;
            w.write_all(&lane.ret.to_le_bytes())?;
            w.write_all(&lane.len.to_le_bytes())?;
            w.write_all(lane.stack.stacked())?;
            let state = env.save_state().map_err(std::io::Error::other)?;
            w.write_all(&(state.len() as u64).to_le_bytes())?;
            w.write_all(&state)?;
        }
        Ok(())
    }

    /// Restores [`Trainer::write_lanes`]' bytes (at most `limit` of them are env states).
    pub fn read_lanes(&mut self, r: &mut impl Read, limit: u64) -> Result<(), String> {
        let io = |e: std::io::Error| format!("env states: {e}");
        let mut b8 = [0u8; 8];
        let mut sums = [0u64; 3];
        for x in &mut sums {
            r.read_exact(&mut b8).map_err(io)?;
            *x = u64::from_le_bytes(b8);
        }
        self.update_sums = (f64::from_bits(sums[0]), f64::from_bits(sums[1]), sums[2]);
        r.read_exact(&mut b8).map_err(io)?;
        if u64::from_le_bytes(b8) != self.lanes.len() as u64 {
            return Err("env states: a different number of envs".into());
        }
        for (lane, env) in self.lanes.iter_mut().zip(&mut self.envs) {
            let mut b1 = [0u8; 1];
            r.read_exact(&mut b1).map_err(io)?;
            lane.in_episode = b1[0] != 0;
            r.read_exact(&mut b8).map_err(io)?;
            lane.ret = f64::from_le_bytes(b8);
            r.read_exact(&mut b8).map_err(io)?;
            lane.len = u64::from_le_bytes(b8);
            let mut stack = vec![0u8; lane.stack.stacked().len()];
            r.read_exact(&mut stack).map_err(io)?;
            lane.stack.restore(&stack);
            r.read_exact(&mut b8).map_err(io)?;
            let n = u64::from_le_bytes(b8);
            if n > limit {
                return Err("env states: length out of range".into());
            }
            let mut state = vec![0u8; n as usize];
            r.read_exact(&mut state).map_err(io)?;
            env.restore_state(&state)?;
        }
        Ok(())
    }

    /// Makes sure every running episode has a start in the replay (after resuming without a
    /// saved replay buffer: the episode goes on, its stored part begins at the current frame).
    pub fn restart_replay_episodes(&mut self) {
        for (i, (lane, env)) in self.lanes.iter().zip(&mut self.envs).enumerate() {
            if lane.in_episode {
                self.replay.start_episode(i, env.observe());
            }
        }
    }
}

/// Steps `envs[i]` with agent action `actions[i]` (an index into its action set), on as many
/// threads as there are cores (at most one per env). Each env owns its state, so the results
/// do not depend on the thread count.
pub fn step_all<E: Env>(envs: &mut [E], actions: &[usize]) -> Vec<Step> {
    fn play<E: Env>(e: &mut E, a: usize) -> Step {
        let id = e.action_set()[a];
        e.step(id)
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(envs.len());
    if threads <= 1 {
        return envs
            .iter_mut()
            .zip(actions)
            .map(|(e, &a)| play(e, a))
            .collect();
    }
    let chunk = envs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = envs
            .chunks_mut(chunk)
            .zip(actions.chunks(chunk))
            .map(|(es, acts)| {
                s.spawn(move || {
                    es.iter_mut()
                        .zip(acts)
                        .map(|(e, &a)| play(e, a))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("an env panicked"))
            .collect()
    })
}

/// One evaluation episode: its raw return, length in agent steps, and how the agent won its
/// points, read from the ball returns (see [`Step::returns`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Played {
    pub score: f64,
    pub length: u64,
    /// Times the agent returned the ball.
    pub returns: u64,
    /// Steps with a positive reward (in Pong: points won).
    pub points_won: u64,
    /// Points won in a rally where the agent touched the ball at most once: a winner off the
    /// serve (or its return), the shot a Pong agent learns to repeat.
    pub one_touch_wins: u64,
}

/// Plays one episode in each of `envs` at once with `epsilon`-greedy actions (`epsilon` 0:
/// greedy) from `learner`, one batched forward per step for the envs still playing; returns
/// each env's [`Played`]. Nothing is stored or learned.
pub fn evaluate<E: Env>(
    learner: &Learner,
    envs: &mut [E],
    epsilon: f64,
    rng: &mut Rng,
) -> Vec<Played> {
    let net = learner.net_config();
    let mut stacks: Vec<FrameStack> = envs
        .iter_mut()
        .map(|e| {
            e.reset();
            let mut s = FrameStack::new(net.frame_stack, net.frame_len());
            s.reset(e.observe());
            s
        })
        .collect();
    let mut results = vec![Played::default(); envs.len()];
    // The agent's returns since the last point, per env.
    let mut rally = vec![0u64; envs.len()];
    let mut playing: Vec<usize> = (0..envs.len()).collect();
    while !playing.is_empty() {
        let obs: Vec<u8> = playing
            .iter()
            .flat_map(|&i| stacks[i].stacked().iter().copied())
            .collect();
        let actions = learner.act_batch(&obs, playing.len(), epsilon, rng);
        // Step the envs still playing, in parallel.
        let mut refs: Vec<&mut E> = envs
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| playing.binary_search(i).is_ok())
            .map(|(_, e)| e)
            .collect();
        let steps = step_all(&mut refs, &actions);
        let mut still = Vec::with_capacity(playing.len());
        for (k, &i) in playing.iter().enumerate() {
            stacks[i].push(refs[k].observe());
            results[i].score += steps[k].reward as f64;
            results[i].length += 1;
            results[i].returns += steps[k].returns as u64;
            rally[i] += steps[k].returns as u64;
            if steps[k].reward != 0 {
                if steps[k].reward > 0 {
                    results[i].points_won += 1;
                    results[i].one_touch_wins += (rally[i] <= 1) as u64;
                }
                rally[i] = 0;
            }
            if !(steps[k].terminated || steps[k].truncated) {
                still.push(i);
            }
        }
        playing = still;
    }
    results
}
