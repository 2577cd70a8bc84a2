//! Parity check of the DQN learner against PyTorch (data side): runs a few `Learner::update`s
//! of the `fast` preset (Double DQN, 3-step, Huber, Adam 1e-4 eps 1.5e-4, clip 10, target net)
//! on deterministic synthetic batches and dumps, under `--out` (default `/tmp/learner_parity`):
//!
//! - `manifest.json`: config, shapes, the schedule (updates, target syncs), per-update stats;
//! - `w0_<i>.f32`: initial online weights in PyTorch layout (`QNetwork::torch_layout`);
//! - `batch<k>_{obs,next_obs}.u8`, `batch<k>_{actions,steps,dones}.i64/u8`, `batch<k>_returns.f32`;
//! - `q<k>_{obs,next_obs}.f32`: the online net's Q-values on batch k just before update k;
//! - `w<k+1>_<i>.f32`: online weights (PyTorch layout) after update k;
//! - `m<k+1>_<i>.f32`, `v<k+1>_<i>.f32`: Adam's moments after update k (PyTorch layout), from
//!   which the Python side recovers the clipped gradient Rust applied.
//!
//! Options: `--updates N` (6), `--sync-after K` (3: target sync after the K-th update),
//! `--clip X` (override max_grad_norm, e.g. 0.05 to make clipping engage), `--return-scale S`
//! (push TD errors into Huber's linear region), `--smooth` (Atari-like frames), `--out DIR`.
//!
//! `core/examples/learner_parity.py` replays the same updates in PyTorch and compares.
//!
//! ```text
//! cargo run --release -p qarcade-core --example learner_parity [-- --out DIR --updates N]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use burn::tensor::Device;
use qarcade_core::dqn::params::write_params;
use qarcade_core::dqn::{Batch, Config, Learner, QNetwork, Rng};

fn write_f32(path: &Path, v: &[f32]) {
    let mut f = std::fs::File::create(path).unwrap();
    for x in v {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
}

fn write_i64(path: &Path, v: &[i64]) {
    let mut f = std::fs::File::create(path).unwrap();
    for x in v {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
}

/// A synthetic batch: uniform random pixels (or a smoother "image" when `smooth`), random
/// actions, returns in [-1, 1], ~15% terminal, steps 1..=3 (3 for most non-terminal rows).
fn synthetic_batch(cfg: &Config, n_actions: usize, b: usize, rng: &mut Rng, smooth: bool) -> Batch {
    let obs_len = cfg.net.obs_len();
    let frames = |rng: &mut Rng| -> Vec<u8> {
        (0..b * obs_len)
            .map(|i| {
                if smooth {
                    // Mostly dark background with bright blobs, like Atari frames.
                    let r = rng.below(100);
                    if r < 90 {
                        (i % 7) as u8 * 10
                    } else {
                        200 + rng.below(56) as u8
                    }
                } else {
                    rng.below(256) as u8
                }
            })
            .collect()
    };
    let obs = frames(rng);
    let next_obs = frames(rng);
    let mut actions = Vec::new();
    let mut returns = Vec::new();
    let mut dones = Vec::new();
    let mut steps = Vec::new();
    for _ in 0..b {
        actions.push(rng.below(n_actions as u64) as u32);
        returns.push((rng.unit_f64() * 2.0 - 1.0) as f32);
        let done = rng.below(100) < 15;
        dones.push(done);
        steps.push(if done || rng.below(100) < 10 {
            1 + rng.below(3) as u32
        } else {
            3
        });
    }
    Batch {
        size: b,
        obs,
        actions,
        returns,
        next_obs,
        dones,
        steps,
    }
}

fn main() {
    let mut out = PathBuf::from("/tmp/learner_parity");
    let mut updates = 6usize;
    let mut sync_after = 3usize;
    let mut smooth = false;
    let mut clip = None;
    let mut return_scale = 1.0f32;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = args.next().unwrap().into(),
            "--updates" => updates = args.next().unwrap().parse().unwrap(),
            "--sync-after" => sync_after = args.next().unwrap().parse().unwrap(),
            "--smooth" => smooth = true,
            "--clip" => clip = Some(args.next().unwrap().parse().unwrap()),
            "--return-scale" => return_scale = args.next().unwrap().parse().unwrap(),
            _ => panic!("unknown argument {a}"),
        }
    }
    std::fs::create_dir_all(&out).unwrap();

    let mut cfg = Config::fast();
    if clip.is_some() {
        cfg.max_grad_norm = clip;
    }
    let n_actions = 6;
    let b = cfg.batch_size;
    let device = Device::flex();
    let mut learner = Learner::new(&cfg, n_actions, &device);

    // Internal layout -> PyTorch layout through a QNetwork of the same architecture.
    let torch_weights = |learner: &Learner| {
        let net = QNetwork::new(&cfg.net, n_actions, &device, 12345);
        let net = write_params(net, learner.state().online, &device);
        net.torch_layout()
    };
    // Adam's moments (internal layout, like the weights) -> PyTorch layout the same way.
    let moments_torch = |learner: &Learner, second: bool| {
        let st = learner.state();
        let moments = if second { &st.adam.v } else { &st.adam.m };
        let values = st
            .online
            .iter()
            .zip(moments)
            .map(|(p, m)| qarcade_core::dqn::params::ParamData {
                shape: p.shape.clone(),
                values: m.clone(),
            })
            .collect();
        let net = QNetwork::new(&cfg.net, n_actions, &device, 12345);
        write_params(net, values, &device).torch_layout()
    };
    let dump_moments = |tag: &str, learner: &Learner| {
        for (second, name) in [(false, "m"), (true, "v")] {
            for (i, p) in moments_torch(learner, second).iter().enumerate() {
                write_f32(&out.join(format!("{name}{tag}_{i}.f32")), &p.values);
            }
        }
    };
    let dump_weights = |tag: &str, learner: &Learner| -> Vec<Vec<usize>> {
        let w = torch_weights(learner);
        for (i, p) in w.iter().enumerate() {
            write_f32(&out.join(format!("{tag}_{i}.f32")), &p.values);
        }
        w.iter().map(|p| p.shape.clone()).collect()
    };

    let shapes = dump_weights("w0", &learner);
    let mut rng = Rng::new(2024);
    let mut stats = Vec::new();
    for k in 0..updates {
        let mut batch = synthetic_batch(&cfg, n_actions, b, &mut rng, smooth);
        batch.returns.iter_mut().for_each(|r| *r *= return_scale);
        std::fs::write(out.join(format!("batch{k}_obs.u8")), &batch.obs).unwrap();
        std::fs::write(out.join(format!("batch{k}_next_obs.u8")), &batch.next_obs).unwrap();
        let ints = |v: &[u32]| v.iter().map(|&x| x as i64).collect::<Vec<_>>();
        write_i64(
            &out.join(format!("batch{k}_actions.i64")),
            &ints(&batch.actions),
        );
        write_i64(
            &out.join(format!("batch{k}_steps.i64")),
            &ints(&batch.steps),
        );
        let dones: Vec<u8> = batch.dones.iter().map(|&d| d as u8).collect();
        std::fs::write(out.join(format!("batch{k}_dones.u8")), &dones).unwrap();
        write_f32(&out.join(format!("batch{k}_returns.f32")), &batch.returns);
        let flat = |q: Vec<Vec<f32>>| q.into_iter().flatten().collect::<Vec<f32>>();
        write_f32(
            &out.join(format!("q{k}_obs.f32")),
            &flat(learner.q_values(&batch.obs, b)),
        );
        write_f32(
            &out.join(format!("q{k}_next_obs.f32")),
            &flat(learner.q_values(&batch.next_obs, b)),
        );

        let s = learner.update(&batch);
        println!(
            "update {k}: loss {:.9} mean_q {:.9} grad_norm {:.9}",
            s.loss, s.mean_q, s.grad_norm
        );
        stats.push(serde_json::json!({
            "loss": s.loss, "mean_q": s.mean_q, "grad_norm": s.grad_norm,
        }));
        dump_weights(&format!("w{}", k + 1), &learner);
        dump_moments(&format!("{}", k + 1), &learner);
        if k + 1 == sync_after {
            learner.sync_target();
            println!("target synced after update {k}");
        }
    }

    let manifest = serde_json::json!({
        "n_actions": n_actions,
        "batch": b,
        "stack": cfg.net.frame_stack,
        "height": cfg.net.height,
        "width": cfg.net.width,
        "gamma": cfg.gamma,
        "double_dqn": cfg.double_dqn,
        "loss": cfg.loss,
        "adam": cfg.adam,
        "max_grad_norm": cfg.max_grad_norm,
        "updates": updates,
        "sync_after": sync_after,
        "shapes": shapes,
        "stats": stats,
    });
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    println!("wrote {}", out.display());
}
