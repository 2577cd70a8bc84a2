//! `qarcade bench train`: the default preset's whole training loop on Pong (envs, batched
//! acting, replay, updates), in agent steps/s and updates/s over a timed window after a
//! warm-up; and, when `$QARCADE_PYTHON` (else `python3`) can import torch and envpool, the
//! same loop written the way CleanRL writes it (`bench_loop_torch.py`: PyTorch + EnvPool, same
//! network, batch, update ratio, n-step, threads), measured in the same run, with the ratio.

use crate::rom;
use anyhow::{Context, Result};
use qarcade_core::dqn::{Config, Device, Trainer};
use qarcade_core::env::for_dqn::DqnAtariEnv;
use qarcade_core::env::split_seed;
use std::sync::Arc;
use std::time::Instant;

const PEER_SCRIPT: &str = include_str!("bench_loop_torch.py");

/// One side's measurement.
#[derive(Debug, serde::Deserialize)]
struct LoopSpeed {
    backend: String,
    steps_per_s: f64,
    updates_per_s: f64,
}

/// Times the default preset's loop for `seconds` after `warmup` seconds on `threads` threads.
pub fn train_loop(seconds: f64, warmup: f64, threads: usize) -> Result<()> {
    // Burn's CPU backend sizes its thread pool from this variable on first use.
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    qarcade_core::dqn::bench::tune_allocator();
    let mut cfg = Config::fast();
    // Learning from the first vector steps: the warm-up then already includes updates.
    cfg.learning_starts = 1_000;
    let (image, _) = rom::resolve("pong", true)?;
    let image = Arc::new(image);
    let atari = DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack);
    let envs = (0..cfg.num_envs)
        .map(|i| DqnAtariEnv::new(image.clone(), atari.clone(), split_seed(0, i as u64)))
        .collect::<Result<Vec<_>, _>>()
        .context("loading Pong")?;
    let mut trainer = Trainer::new(cfg.clone(), envs, &Device::flex());
    let start = Instant::now();
    let mut timed: Option<(Instant, u64, u64)> = None;
    loop {
        trainer.step();
        let now = Instant::now();
        if timed.is_none() && (now - start).as_secs_f64() >= warmup {
            timed = Some((now, trainer.counters.steps, trainer.learner.updates()));
        }
        if let Some((t0, _, _)) = timed {
            if (now - t0).as_secs_f64() >= seconds {
                break;
            }
        }
    }
    let (t0, s0, u0) = timed.expect("the loop ran past the warm-up");
    let dt = t0.elapsed().as_secs_f64();
    let ours = LoopSpeed {
        backend: "qarcade (burn flex)".into(),
        steps_per_s: (trainer.counters.steps - s0) as f64 / dt,
        updates_per_s: (trainer.learner.updates() - u0) as f64 / dt,
    };
    println!(
        "preset fast: {} envs, {}, {} updates per agent step, batch {}, n-step {}",
        cfg.num_envs,
        cfg.net.describe(6),
        cfg.updates_per_step,
        cfg.batch_size,
        cfg.n_step
    );
    println!(
        "{} ({threads} threads, {seconds:.0} s after {warmup:.0} s warm-up): {:.0} agent steps/s, {:.1} updates/s",
        ours.backend, ours.steps_per_s, ours.updates_per_s
    );
    drop(trainer);
    match run_peer(&cfg, seconds, warmup, threads) {
        Ok(peer) => println!(
            "{} ({threads} threads, same loop): {:.0} agent steps/s, {:.1} updates/s\n\
             qarcade / peer: {:.2}x agent steps/s",
            peer.backend,
            peer.steps_per_s,
            peer.updates_per_s,
            ours.steps_per_s / peer.steps_per_s
        ),
        Err(why) => println!("PyTorch + EnvPool peer skipped: {why}"),
    }
    Ok(())
}

/// Runs the Python peer on the same config; `Err` says in one line why not.
fn run_peer(cfg: &Config, seconds: f64, warmup: f64, threads: usize) -> Result<LoopSpeed, String> {
    let python = std::env::var("QARCADE_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = std::env::temp_dir().join(format!("qarcade-bench-loop-{}.py", std::process::id()));
    std::fs::write(&script, PEER_SCRIPT).map_err(|e| format!("writing the peer script: {e}"))?;
    let config = serde_json::to_string(cfg).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(&python)
        .arg(&script)
        .args(["--config", &config])
        .args(["--threads", &threads.to_string()])
        .args(["--seconds", &seconds.to_string()])
        .args(["--warmup", &warmup.to_string()])
        .env("OMP_NUM_THREADS", threads.to_string())
        .output();
    let _ = std::fs::remove_file(&script);
    let out = out.map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no output");
        return Err(format!("{python} failed: {last}"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or("the peer printed no JSON")?;
    serde_json::from_str(line).map_err(|e| format!("peer output: {e}"))
}
