//! The preprocessing pipeline on real games (needs the ROMs in the cache: `qarcade rom
//! fetch`; skipped if absent). Run with `--release`.
//!
//! `cargo test --release -p qarcade-core --test env_atari -- --ignored --nocapture`
//! prints the pipeline's speed on Pong.

use qarcade_core::ale::action::FIRE;
use qarcade_core::ale::{Ale, AleConfig};
use qarcade_core::env::{AtariConfig, AtariEnv, EpisodeInfo, Step, VecEnv};
use std::time::Instant;

fn rom(name: &str) -> Option<Vec<u8>> {
    qarcade_core::ale::roms::cached_or_skip(name)
}

/// A fixed pseudo-random action stream (no RNG crate needed).
fn actions(seed: u64, n: usize) -> impl FnMut() -> usize {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % n as u64) as usize
    }
}

/// What one step showed: its report and the game it finished, if any.
type Record = (Step, Option<EpisodeInfo>);

/// Plays `steps` steps, resetting as needed; returns each step's record and a digest of
/// frames.
fn play(env: &mut AtariEnv, seed: u64, steps: usize) -> (Vec<Record>, Vec<u64>) {
    let mut next = actions(seed, env.num_actions());
    let mut ts = Vec::new();
    let mut digests = Vec::new();
    env.reset();
    for _ in 0..steps {
        let t = env.step(next());
        digests.push(
            env.obs()
                .iter()
                .fold(0u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3)),
        );
        ts.push((t, env.finished_game()));
        if t.done() {
            env.reset();
        }
    }
    (ts, digests)
}

#[test]
fn same_seed_same_trajectory() {
    let Some(pong) = rom("pong") else { return };
    let sticky = AtariConfig {
        repeat_action_probability: 0.25,
        ..AtariConfig::default()
    };
    let run = |seed| play(&mut AtariEnv::new(&pong, &sticky, seed).unwrap(), 9, 300);
    let a = run(5);
    assert_eq!(a, run(5));
    assert_ne!(a.1, run(6).1, "another seed, other sticky actions");
}

#[test]
fn breakout_loses_lives_as_terminals_and_reports_whole_games() {
    let Some(breakout) = rom("breakout") else {
        return;
    };
    let mut env = AtariEnv::new(&breakout, &AtariConfig::default(), 1).unwrap();
    assert_eq!(env.action_set()[1], FIRE, "FIRE reset applies");
    let mut next = actions(3, env.num_actions());
    env.reset();
    let start_lives = env.lives();
    assert_eq!(start_lives, 5);
    let (mut terminals, mut score, mut steps) = (0, 0i64, 0u32);
    let info = loop {
        let t = env.step(next());
        score += t.reward as i64;
        steps += 1;
        if let Some(info) = env.finished_game() {
            assert!(t.terminated);
            break info;
        }
        if t.terminated {
            terminals += 1;
            assert_eq!(env.lives(), start_lives - terminals);
            env.reset();
        }
        assert!(steps < 20_000, "random Breakout should end");
    };
    assert_eq!(
        terminals,
        start_lives - 1,
        "a terminal per lost life, then game over"
    );
    assert_eq!((info.score, info.length), (score, steps));
}

#[test]
fn vector_of_pongs_is_deterministic_across_thread_counts() {
    let Some(pong) = rom("pong") else { return };
    let config = AtariConfig::default();
    let run = |threads| {
        let mut v = VecEnv::new(&pong, &config, 42, 4)
            .unwrap()
            .with_threads(threads);
        let mut next = actions(1, v.num_actions());
        let mut out = Vec::new();
        for _ in 0..150 {
            let acts: Vec<usize> = (0..4).map(|_| next()).collect();
            out.extend_from_slice(v.step(&acts));
        }
        let obs: Vec<u8> = (0..4).flat_map(|i| v.obs(i).to_vec()).collect();
        (out, obs)
    };
    let one = run(1);
    assert_eq!(one, run(2));
    // Envs are seeded apart: their no-op starts differ, so their screens do.
    let v = VecEnv::new(&pong, &config, 42, 4).unwrap();
    assert!((1..4).any(|i| v.obs(i) != v.obs(0)));
}

#[test]
#[ignore = "speed measurement; run with --release -- --ignored --nocapture"]
fn pipeline_speed_on_pong() {
    let Some(pong) = rom("pong") else { return };
    let steps = 5_000;

    let mut ale = Ale::new(&pong, &AleConfig::default(), false).unwrap();
    let t0 = Instant::now();
    for i in 0..steps * 4 {
        ale.act([0, 3, 4][i % 3], 18);
        if ale.is_terminal() {
            ale.reset();
        }
    }
    let raw = t0.elapsed().as_secs_f64();
    eprintln!(
        "emulator alone: {:.0} frames/s ({:.0} agent steps/s equivalent)",
        (steps * 4) as f64 / raw,
        steps as f64 / raw
    );

    // The preprocessing's own per-step work: two grayscale grabs, a max-pool, a resize.
    let (mut a, mut b, mut small) = (Vec::new(), Vec::new(), vec![0; 84 * 84]);
    let mut resize = qarcade_core::env::AreaResize::atari();
    let t0 = Instant::now();
    for _ in 0..steps {
        ale.screen_gray(&mut a);
        ale.screen_gray(&mut b);
        for (x, &y) in a.iter_mut().zip(&b) {
            *x = (*x).max(y);
        }
        resize.apply(&a, &mut small);
    }
    let pre = t0.elapsed().as_secs_f64();
    eprintln!(
        "preprocessing alone: {:.1} µs per step",
        1e6 * pre / steps as f64
    );

    let mut env = AtariEnv::new(&pong, &AtariConfig::default(), 0).unwrap();
    let t0 = Instant::now();
    play(&mut env, 0, steps);
    let full = t0.elapsed().as_secs_f64();
    eprintln!(
        "full pipeline, 1 env: {:.0} agent steps/s ({:.1} µs per step, of which emulation ~{:.1})",
        steps as f64 / full,
        1e6 * full / steps as f64,
        1e6 * raw / steps as f64
    );

    for threads in [1, 2] {
        let n = 8;
        let mut v = VecEnv::new(&pong, &AtariConfig::default(), 0, n)
            .unwrap()
            .with_threads(threads);
        let mut next = actions(2, v.num_actions());
        let rounds = steps / n;
        let t0 = Instant::now();
        for _ in 0..rounds {
            let acts: Vec<usize> = (0..n).map(|_| next()).collect();
            v.step(&acts);
        }
        let dt = t0.elapsed().as_secs_f64();
        eprintln!(
            "VecEnv of {n}, {threads} thread(s): {:.0} agent steps/s",
            (rounds * n) as f64 / dt
        );
    }
}
