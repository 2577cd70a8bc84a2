//! The learner's arithmetic: targets, loss, Adam's first step, determinism.

use burn::tensor::Device;
use qarcade_core::dqn::bench::random_batch;
use qarcade_core::dqn::{Config, Learner, Loss, NetConfig, Rng};

fn small_config(seed: u64) -> Config {
    let mut c = Config::fast();
    c.seed = seed;
    c.net = NetConfig::catch();
    c.n_step = 3;
    c
}

fn q_of(learner: &Learner, obs: &[u8], b: usize) -> Vec<Vec<f32>> {
    learner.q_values(obs, b)
}

/// The loss the learner reports equals the loss computed by hand from its own Q-values, for
/// DQN and Double DQN, Huber and squared, with n-step discounting and terminal masking.
#[test]
fn loss_matches_hand_computed_targets() {
    for (double, loss, target) in [
        (false, Loss::Squared, true),
        (true, Loss::Huber { delta: 1.0 }, true),
        (false, Loss::Huber { delta: 0.05 }, true),
        (false, Loss::Squared, false), // the seed notebook: bootstrap from the online net
    ] {
        let mut cfg = small_config(3);
        cfg.double_dqn = double;
        cfg.loss = loss;
        if !target {
            cfg.target_update = None;
        }
        let mut learner = Learner::new(&cfg, 3, &Device::flex());
        let mut rng = Rng::new(9);
        // Make the target net differ from the online net first.
        for _ in 0..3 {
            learner.update(&random_batch(&cfg, 3, &mut rng));
        }
        let mut batch = random_batch(&cfg, 3, &mut rng);
        batch.steps = (0..batch.size as u32).map(|i| 1 + i % 3).collect();
        let b = batch.size;
        let online_next = q_of(&learner, &batch.next_obs, b);
        let q = q_of(&learner, &batch.obs, b);
        // The target net's Q-values: a learner whose online weights are the target's.
        let target_next = match learner.state().target {
            Some(t) => {
                let mut target_learner = Learner::new(&cfg, 3, &Device::flex());
                let mut st = learner.state();
                st.online = t;
                target_learner.set_state(st).unwrap();
                q_of(&target_learner, &batch.next_obs, b)
            }
            None => online_next.clone(),
        };

        let mut expected = 0.0f64;
        for i in 0..b {
            let argmax = |v: &[f32]| (0..v.len()).fold(0, |m, a| if v[a] > v[m] { a } else { m });
            let v = if double {
                target_next[i][argmax(&online_next[i])]
            } else {
                target_next[i].iter().cloned().fold(f32::MIN, f32::max)
            };
            let bootstrap = if batch.dones[i] {
                0.0
            } else {
                cfg.gamma.powi(batch.steps[i] as i32) * v
            };
            let d = (q[i][batch.actions[i] as usize] - (batch.returns[i] + bootstrap)) as f64;
            expected += match loss {
                Loss::Squared => d * d,
                Loss::Huber { delta } => {
                    let delta = delta as f64;
                    if d.abs() <= delta {
                        0.5 * d * d
                    } else {
                        delta * (d.abs() - 0.5 * delta)
                    }
                }
            };
        }
        expected /= b as f64;
        let stats = learner.update(&batch);
        let rel = (stats.loss as f64 - expected).abs() / expected.abs().max(1e-6);
        assert!(
            rel < 1e-4,
            "{double} {loss:?}: loss {} vs {expected}",
            stats.loss
        );
        assert!(stats.grad_norm > 0.0);
    }
}

/// Adam's first step moves every parameter with a gradient by `lr` against its sign
/// (m_hat = g, v_hat = g^2), and never more.
#[test]
fn first_adam_step_moves_parameters_by_lr() {
    let mut cfg = small_config(4);
    cfg.adam.lr = 1e-3;
    cfg.adam.eps = 1e-12;
    cfg.max_grad_norm = None;
    let mut learner = Learner::new(&cfg, 3, &Device::flex());
    let before = learner.state().online;
    let mut rng = Rng::new(1);
    learner.update(&random_batch(&cfg, 3, &mut rng));
    let after = learner.state().online;
    let (mut moved, mut total) = (0, 0);
    for (b, a) in before.iter().zip(&after) {
        for (x, y) in b.values.iter().zip(&a.values) {
            let d = (y - x).abs();
            assert!(d <= 1e-3 * 1.001 + 1e-7, "step {d} exceeds lr");
            total += 1;
            if (d - 1e-3).abs() < 1e-5 {
                moved += 1;
            }
        }
    }
    assert!(moved * 2 > total, "only {moved} of {total} moved by lr");
}

/// Clipping is by the *global* norm: with Adam's eps = 1 the first step is ~ lr * g, so the
/// whole update's norm is lr * min(norm, max_norm) (per-tensor clipping would give up to
/// sqrt(#tensors) times more).
#[test]
fn gradient_clipping_uses_the_global_norm() {
    let mut cfg = small_config(4);
    cfg.adam.lr = 1.0;
    cfg.adam.eps = 1.0;
    cfg.max_grad_norm = Some(1e-3);
    let mut learner = Learner::new(&cfg, 3, &Device::flex());
    let before = learner.state().online;
    let mut rng = Rng::new(1);
    let stats = learner.update(&random_batch(&cfg, 3, &mut rng));
    assert!(stats.grad_norm > 1e-2, "unclipped norm {}", stats.grad_norm);
    let after = learner.state().online;
    let step_norm = before
        .iter()
        .zip(&after)
        .flat_map(|(b, a)| b.values.iter().zip(&a.values))
        .map(|(x, y)| ((y - x) as f64).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(
        (step_norm - 1e-3).abs() < 2e-5,
        "update norm {step_norm}, expected ~1e-3"
    );
}

/// Same seed, same batches: bit-identical weights (flex with rayon threads is deterministic).
/// Different seed: different weights.
#[test]
fn training_is_bit_reproducible() {
    let run = |seed: u64, nature: bool| {
        let mut cfg = small_config(seed);
        if nature {
            cfg.net = NetConfig::nature();
        }
        let mut learner = Learner::new(&cfg, 4, &Device::flex());
        let mut rng = Rng::new(77);
        for i in 0..3 {
            learner.update(&random_batch(&cfg, 4, &mut rng));
            if i == 1 {
                learner.sync_target();
            }
        }
        learner.state()
    };
    let a = run(5, false);
    assert_eq!(a, run(5, false));
    assert_ne!(a.online, run(6, false).online);
    // The Nature CNN's larger GEMMs split across rayon threads; still bit-identical.
    assert_eq!(run(5, true), run(5, true));
}
