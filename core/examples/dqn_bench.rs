//! DQN train-step throughput on Burn's CPU backend vs PyTorch on the same machine.
//!
//! ```sh
//! RAYON_NUM_THREADS=2 cargo run --release -p qarcade-core --example dqn_bench -- [steps]
//! ```
//!
//! Runs `native/src/bench_torch.py` with `$QARCADE_PYTHON` (else `python3`) when that Python
//! has torch, and prints both results and the ratio.

use std::path::Path;

use burn::tensor::Device;
use qarcade_core::dqn::bench::{bench_train_step, run_torch_peer};

fn main() {
    let steps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let threads: usize = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let n_actions = 6;

    let burn = bench_train_step(&Device::flex(), "burn flex", threads, n_actions, steps);
    println!("{}", serde_json::to_string(&burn).unwrap());

    let python = std::env::var("QARCADE_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../native/src/bench_torch.py");
    match run_torch_peer(&python, &script, threads, n_actions, steps) {
        Ok(torch) => {
            println!("{}", serde_json::to_string(&torch).unwrap());
            println!(
                "train steps/s: burn {:.1}, torch {:.1}, ratio {:.2}x; inference b32: burn {:.1} ms, \
                 torch {:.1} ms; b1: burn {:.2} ms, torch {:.2} ms",
                burn.train_steps_per_s,
                torch.train_steps_per_s,
                burn.train_steps_per_s / torch.train_steps_per_s,
                burn.infer_ms_b32,
                torch.infer_ms_b32,
                burn.infer_ms_b1,
                torch.infer_ms_b1
            );
        }
        Err(why) => println!("torch peer skipped: {why}"),
    }
}
