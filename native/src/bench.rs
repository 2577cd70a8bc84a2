//! `qarcade bench`: speed, always reported next to a peer measured in the same run.

use crate::rom;
use anyhow::{Context, Result};
use qarcade_core::ale::{Ale, AleConfig};
use std::process::Command;

const ALE_SCRIPT: &str = include_str!("bench_ale.py");

/// CPU time of the calling thread, in seconds (frames per CPU-second is the fair measure on
/// a loaded 2-core machine).
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Raw Pong emulation (frameskip 1, random minimal actions held 4 frames), one thread.
pub fn emulator(frames: u32) -> Result<()> {
    let (image, _) = rom::resolve("pong", true)?;
    let mut ale = Ale::new(&image, &AleConfig::default(), false)?;
    let actions = ale.minimal_actions();
    let mut state: u64 = 0;
    // Warm up, then measure.
    for _ in 0..1000 {
        ale.act(0, 18);
    }
    let t0 = thread_cpu_seconds();
    let mut done = 0;
    while done < frames {
        state = (state * 1_103_515_245 + 12_345) % (1 << 31);
        let a = actions[(state % actions.len() as u64) as usize];
        for _ in 0..4 {
            ale.act(a, 18);
        }
        done += 4;
        if ale.is_terminal() {
            ale.reset();
        }
    }
    let ours = done as f64 / (thread_cpu_seconds() - t0);
    println!(
        "qarcade  Pong raw emulation: {ours:>9.0} frames per CPU-second ({:.1} µs/frame)",
        1e6 / ours
    );
    if env!("QARCADE_THREADED_DISPATCH") != "1" {
        println!(
            "  (built without .cargo/config.toml's LLVM flags: RUSTFLAGS replaced them, or the \
             build ran outside this repository; no threaded opcode dispatch, Pong ~20% slower)"
        );
    }

    let python = std::env::var("QARCADE_PYTHON").unwrap_or_else(|_| "python3".into());
    let rom_path = rom::cache_dir().join("pong.bin");
    let out = Command::new(&python)
        .args([
            "-c",
            ALE_SCRIPT,
            &rom_path.to_string_lossy(),
            &frames.to_string(),
            "0",
        ])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).context("ale-py benchmark output")?;
            let theirs = v["frames"].as_f64().unwrap_or(0.0) / v["cpu_seconds"].as_f64().unwrap_or(f64::NAN);
            println!(
                "ale-py {} Pong raw emulation: {theirs:>9.0} frames per CPU-second ({:.1} µs/frame)",
                v["version"].as_str().unwrap_or("?"),
                1e6 / theirs
            );
            println!("ratio qarcade / ale-py: {:.2}x", ours / theirs);
        }
        _ => println!("ale-py: not importable with {python} (set QARCADE_PYTHON to a Python that has ale-py to compare)"),
    }
    Ok(())
}
