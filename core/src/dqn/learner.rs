//! The DQN update, top to bottom.
//!
//! ```text
//! y      = R^(n) + gamma^n * (1 - done) * Q_bootstrap(s_{t+n})
//! loss   = mean( L( Q_online(s_t, a_t) - y ) )            L = Huber or squared
//! theta <- Adam( clip_global_norm( d loss / d theta ) )
//! ```
//!
//! where `Q_bootstrap(s') = max_a Q_target(s', a)` (DQN), or `Q_target(s', argmax_a
//! Q_online(s', a))` (Double DQN), and `Q_target` is the online net itself when the config has
//! no target network (the seed notebook). Everything that does not need gradients (the
//! bootstrap values, the targets) runs without autodiff; only `Q_online(s_t)` is taped.

use burn::module::Module;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::adam::Adam;
use super::config::{Config, Loss};
use super::model::{frames_to_input, NetConfig, QNetwork};
use super::params::{read_params, write_params, ParamData};
use super::replay::Batch;
use super::rng::Rng;

/// What one update measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpdateStats {
    /// The minibatch loss before the update.
    pub loss: f32,
    /// Mean of `Q_online(s_t, a_t)` over the minibatch (a standard DQN health metric).
    pub mean_q: f32,
    /// Global gradient norm before clipping.
    pub grad_norm: f32,
}

/// Online network, optional target network, optimizer.
pub struct Learner {
    net: NetConfig,
    n_actions: usize,
    /// Autodiff device the online net trains on.
    device: Device,
    online: QNetwork,
    /// Lives on the plain (non-autodiff) device: it is only ever evaluated.
    target: Option<QNetwork>,
    adam: Adam,
    gamma: f32,
    double_dqn: bool,
    loss: Loss,
    /// Gradient updates applied so far.
    updates: u64,
}

impl Learner {
    /// A learner for `cfg` with `n_actions` outputs on `device` (e.g. `Device::flex()`; autodiff
    /// is added here). The initial weights depend only on `cfg.seed`.
    pub fn new(cfg: &Config, n_actions: usize, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let online = QNetwork::new(&cfg.net, n_actions, &device, cfg.seed);
        let target = cfg.target_update.map(|_| online.valid());
        Self {
            net: cfg.net.clone(),
            n_actions,
            device,
            online,
            target,
            adam: Adam::new(cfg.adam, cfg.max_grad_norm),
            gamma: cfg.gamma,
            double_dqn: cfg.double_dqn,
            loss: cfg.loss,
            updates: 0,
        }
    }

    pub fn n_actions(&self) -> usize {
        self.n_actions
    }

    pub fn net_config(&self) -> &NetConfig {
        &self.net
    }

    pub fn updates(&self) -> u64 {
        self.updates
    }

    pub fn has_target(&self) -> bool {
        self.target.is_some()
    }

    /// Copies the online weights into the target net (a hard update). No-op without one.
    pub fn sync_target(&mut self) {
        if self.target.is_some() {
            self.target = Some(self.online.valid());
        }
    }

    /// `V(s_{t+n})` for each transition of `batch`, without autodiff: `max_a Q_target` (DQN), or
    /// `Q_target` at `argmax_a Q_online` (Double DQN); `Q_target` is the online net when there is
    /// no target net.
    fn bootstrap_values(&self, batch: &Batch) -> Vec<f32> {
        let plain = self.device.clone().without_autodiff();
        let next_obs = frames_to_input(&batch.next_obs, batch.size, &self.net, &plain);
        let online = self.online.valid();
        let evaluator = self.target.as_ref().unwrap_or(&online);
        let next_q = evaluator.forward(next_obs.clone());
        let next_v: Tensor<2> = if self.double_dqn && self.target.is_some() {
            let best = online.forward(next_obs).argmax(1);
            next_q.gather(1, best)
        } else {
            next_q.max_dim(1)
        };
        to_host(next_v)
    }

    /// One gradient step on `batch`.
    pub fn update(&mut self, batch: &Batch) -> UpdateStats {
        let b = batch.size;

        // 1 and 2 run concurrently: the bootstrap values (no autodiff) on a second thread while
        // this one records Q_online(s_t, a_t). Both feed Burn's one thread pool, which the
        // CPU backend's single ops rarely fill on their own.
        let actions: Vec<i64> = batch.actions.iter().map(|&a| a as i64).collect();
        let (next_v, q_sa) = std::thread::scope(|scope| {
            // 1. V(s_{t+n}).
            let next_v = scope.spawn(|| self.bootstrap_values(batch));
            // 2. Q_online(s_t, a_t), taped.
            let obs = frames_to_input(&batch.obs, b, &self.net, &self.device);
            let actions =
                Tensor::<2, Int>::from_data(TensorData::new(actions, [b, 1]), &self.device);
            let q_sa = self.online.forward(obs).gather(1, actions);
            (next_v.join().expect("bootstrap thread panicked"), q_sa)
        });

        // 3. n-step targets y on the host: R + gamma^k (1 - done) V.
        let targets: Vec<f32> = (0..b)
            .map(|i| {
                let bootstrap = if batch.dones[i] {
                    0.0
                } else {
                    self.gamma.powi(batch.steps[i] as i32) * next_v[i]
                };
                batch.returns[i] + bootstrap
            })
            .collect();
        let y = Tensor::<2>::from_data(TensorData::new(targets, [b, 1]), &self.device);

        // 4. Loss.
        let diff = q_sa.clone() - y;
        let loss = match self.loss {
            Loss::Squared => diff.square().mean(),
            Loss::Huber { delta } => {
                // 0.5 d^2 inside [-delta, delta], delta (|d| - delta/2) outside.
                let abs = diff.abs();
                let quadratic = abs.clone().clamp_max(delta);
                let linear = abs - quadratic.clone();
                (quadratic.square().mul_scalar(0.5) + linear.mul_scalar(delta)).mean()
            }
        };

        // 5. Backward, clip, Adam.
        let mut grads = loss.backward();
        let online = self.online.take();
        let (online, grad_norm) = self.adam.step(online, &mut grads, &self.device);
        self.online = online;
        self.updates += 1;

        UpdateStats {
            loss: to_host(loss)[0],
            mean_q: to_host(q_sa.detach()).iter().sum::<f32>() / b as f32,
            grad_norm,
        }
    }

    /// Q-values `[batch][n_actions]` of the online net for `batch` stacked observations.
    pub fn q_values(&self, obs: &[u8], batch: usize) -> Vec<Vec<f32>> {
        let plain = self.device.clone().without_autodiff();
        let q = self
            .online
            .valid()
            .forward(frames_to_input(obs, batch, &self.net, &plain));
        to_host(q)
            .chunks(self.n_actions)
            .map(|c| c.to_vec())
            .collect()
    }

    /// The greedy action for each of `batch` stacked observations (ties: lowest index).
    pub fn greedy_actions(&self, obs: &[u8], batch: usize) -> Vec<usize> {
        self.q_values(obs, batch)
            .iter()
            .map(|q| argmax(q))
            .collect()
    }

    /// Epsilon-greedy actions for `batch` stacked observations: the one action rule of
    /// training, evaluation, recording and export checks. For each observation in order,
    /// `rng` draws a coin and, if it falls under `epsilon`, a uniform action; the rest share
    /// one batched forward pass. Same `rng` state, same actions.
    pub fn act_batch(&self, obs: &[u8], batch: usize, epsilon: f64, rng: &mut Rng) -> Vec<usize> {
        let mut actions: Vec<Option<usize>> = (0..batch)
            .map(|_| {
                (epsilon > 0.0 && rng.unit_f64() < epsilon)
                    .then(|| rng.below(self.n_actions as u64) as usize)
            })
            .collect();
        let greedy: Vec<usize> = (0..batch).filter(|&i| actions[i].is_none()).collect();
        if !greedy.is_empty() {
            let len = self.net.obs_len();
            // All greedy (the usual case once epsilon is small): the batch as it is, no copy.
            let picked: std::borrow::Cow<[u8]> = if greedy.len() == batch {
                obs.into()
            } else {
                greedy
                    .iter()
                    .flat_map(|&i| obs[i * len..(i + 1) * len].iter().copied())
                    .collect::<Vec<u8>>()
                    .into()
            };
            for (&i, a) in greedy
                .iter()
                .zip(self.greedy_actions(&picked, greedy.len()))
            {
                actions[i] = Some(a);
            }
        }
        actions.into_iter().map(|a| a.unwrap_or(0)).collect()
    }

    /// [`Learner::act_batch`] for one observation.
    pub fn act(&self, obs: &[u8], epsilon: f64, rng: &mut Rng) -> usize {
        self.act_batch(obs, 1, epsilon, rng)[0]
    }

    /// Online weights, target weights (if any), optimizer: the learner's whole state.
    pub fn state(&self) -> LearnerState {
        LearnerState {
            online: read_params(&self.online),
            target: self.target.as_ref().map(read_params),
            adam: self.adam.clone(),
            updates: self.updates,
        }
    }

    /// Restores [`Learner::state`]. The caller has checked the architecture (the checkpoint
    /// header does); shapes are checked again here.
    pub fn set_state(&mut self, state: LearnerState) -> Result<(), String> {
        let own = read_params(&self.online);
        let same = |p: &[ParamData]| {
            p.len() == own.len()
                && p.iter()
                    .zip(&own)
                    .all(|(a, b)| a.shape == b.shape && a.values.len() == b.values.len())
        };
        if !same(&state.online) || state.target.as_deref().is_some_and(|t| !same(t)) {
            return Err("weights do not fit this network's shapes".into());
        }
        if state.target.is_some() != self.target.is_some() {
            return Err("target network presence differs from the config".into());
        }
        if !state.adam.m.is_empty() && !same_lens(&state.adam.m, &own) {
            return Err("optimizer state does not fit this network".into());
        }
        self.online = write_params(self.online.clone(), state.online, &self.device);
        if let (Some(t), Some(values)) = (self.target.take(), state.target) {
            let plain = self.device.clone().without_autodiff();
            self.target = Some(write_params(t, values, &plain));
        }
        self.adam = state.adam;
        self.updates = state.updates;
        Ok(())
    }
}

fn same_lens(m: &[Vec<f32>], own: &[ParamData]) -> bool {
    m.len() == own.len() && m.iter().zip(own).all(|(a, b)| a.len() == b.values.len())
}

/// Everything a [`Learner`] needs to resume.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerState {
    pub online: Vec<ParamData>,
    pub target: Option<Vec<ParamData>>,
    pub adam: Adam,
    pub updates: u64,
}

/// The index of the largest Q-value (ties: the lowest index): the greedy action everywhere
/// (training, evaluation, export checks, the web page).
pub fn argmax(q: &[f32]) -> usize {
    let mut best = 0;
    for (a, &v) in q.iter().enumerate() {
        if v > q[best] {
            best = a;
        }
    }
    best
}

fn to_host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data()
        .try_into_vec_as::<f32>()
        .expect("float tensors convert to f32")
}
