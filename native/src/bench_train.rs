//! `qarcade bench train-step`: DQN train-step speed on Burn's CPU backend (flex), reported next to
//! PyTorch's CPU speed measured in the same run when `$QARCADE_PYTHON` (else `python3`) can
//! import torch.
//!
//! The two sides alternate for `ROUNDS` rounds and each reports its best round: on a shared
//! 2-core machine a busy neighbour slows PyTorch's OpenMP threads far more than Rust's, and
//! the best round is the closest to a quiet machine for both.
//!
//! The whole training loop's speed (`qarcade bench train`) is `bench_loop`'s.

use anyhow::{Context, Result};
use qarcade_core::dqn::bench::{bench_train_step, run_torch_peer, BenchResult};
use qarcade_core::dqn::Device;

const TORCH_SCRIPT: &str = include_str!("bench_torch.py");
const ROUNDS: usize = 3;

/// Times `steps` full DQN updates (Nature CNN, batch 32, target-net forward, Huber, Adam,
/// global-norm clipping) with `threads` CPU threads on each side, and prints both and the ratio.
pub fn train_step(steps: usize, threads: usize) -> Result<()> {
    // Burn's CPU backend sizes its thread pool from this variable on first use.
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    let n_actions = 6; // Pong's minimal action set
    let python = std::env::var("QARCADE_PYTHON").unwrap_or_else(|_| "python3".into());
    let script =
        std::env::temp_dir().join(format!("qarcade-bench-torch-{}.py", std::process::id()));
    std::fs::write(&script, TORCH_SCRIPT)
        .with_context(|| format!("writing {}", script.display()))?;

    let (mut burn, mut torch) = (None::<BenchResult>, None::<Result<BenchResult, String>>);
    for _ in 0..ROUNDS {
        let b = bench_train_step(&Device::flex(), "burn flex", threads, n_actions, steps);
        if burn
            .as_ref()
            .is_none_or(|best| b.train_steps_per_s > best.train_steps_per_s)
        {
            burn = Some(b);
        }
        if matches!(torch, Some(Err(_))) {
            continue; // no torch: do not retry
        }
        let t = run_torch_peer(&python, &script, threads, n_actions, steps);
        let better = match (&torch, &t) {
            (None, _) | (Some(Err(_)), _) => true,
            (Some(Ok(best)), Ok(t)) => t.train_steps_per_s > best.train_steps_per_s,
            (Some(Ok(_)), Err(_)) => false,
        };
        if better {
            torch = Some(t);
        }
    }
    let _ = std::fs::remove_file(&script);

    let burn = burn.expect("ROUNDS > 0");
    println!(
        "burn flex ({threads} threads, best of {ROUNDS}): {:.1} train steps/s ({:.1} ms), \
         inference batch 32 {:.1} ms, batch 1 {:.2} ms",
        burn.train_steps_per_s, burn.train_ms_per_step, burn.infer_ms_b32, burn.infer_ms_b1
    );
    match torch.expect("ROUNDS > 0") {
        Ok(t) => println!(
            "{} ({threads} threads, best of {ROUNDS}): {:.1} train steps/s ({:.1} ms), \
             inference batch 32 {:.1} ms, batch 1 {:.2} ms\n\
             burn / torch: {:.2}x train steps/s, {:.2}x inference batch 32",
            t.backend,
            t.train_steps_per_s,
            t.train_ms_per_step,
            t.infer_ms_b32,
            t.infer_ms_b1,
            burn.train_steps_per_s / t.train_steps_per_s,
            t.infer_ms_b32 / burn.infer_ms_b32
        ),
        Err(why) => println!("torch peer skipped: {why}"),
    }
    // Burn's wgpu backend, where this build has it (`--features wgpu`) and an adapter exists.
    match crate::backend::device(crate::backend::Backend::Wgpu) {
        Ok((device, name)) => {
            let w = bench_train_step(&device, &name, threads, n_actions, steps);
            println!(
                "{name} (one round): {:.1} train steps/s ({:.1} ms), inference batch 32 {:.1} ms, \
                 batch 1 {:.2} ms; wgpu / flex: {:.2}x train steps/s",
                w.train_steps_per_s,
                w.train_ms_per_step,
                w.infer_ms_b32,
                w.infer_ms_b1,
                w.train_steps_per_s / burn.train_steps_per_s
            );
        }
        Err(why) => println!("wgpu skipped: {why}"),
    }
    Ok(())
}
