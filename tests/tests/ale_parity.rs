//! The emulator is the ALE: seeded random play through ale-py 0.12.1 and through
//! `qarcade trace` must give the same RAM, reward, game_over, lives and RGB screen on every
//! frame. The first differing frame fails the test and is printed.

use qarcade_tests::{ale_python, ale_required, qarcade_bin, rom_path};
use serde_json::Value;
use std::process::Command;

const FIELDS: [&str; 7] = [
    "reset",
    "action",
    "reward",
    "game_over",
    "lives",
    "ram",
    "rgb_sha1",
];

fn run_parity(game: &str, seed: u64, frames: u32) {
    let Some(python) = ale_python() else {
        assert!(
            !ale_required(),
            "ale-py is not importable, and QARCADE_REQUIRE_ALE=1"
        );
        eprintln!("skipping {game}: no Python with ale-py (set QARCADE_PYTHON)");
        return;
    };
    let rom = rom_path(game);
    let dir = std::env::temp_dir().join(format!(
        "qarcade-parity-{}-{game}-{seed}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let actions = dir.join("actions.txt");
    let reference = dir.join("ale.jsonl");
    let st = Command::new(&python)
        .arg(qarcade_tests::repo_root().join("tests/ale_trace.py"))
        .args(["--rom", rom.to_str().unwrap(), "--seed", &seed.to_string()])
        .args(["--frames", &frames.to_string()])
        .args([
            "--actions-out",
            actions.to_str().unwrap(),
            "--trace-out",
            reference.to_str().unwrap(),
        ])
        .status()
        .expect("run tests/ale_trace.py");
    assert!(st.success(), "ale_trace.py failed for {game}");

    let ours = Command::new(qarcade_bin())
        .args([
            "trace",
            "--rom",
            rom.to_str().unwrap(),
            "--actions",
            actions.to_str().unwrap(),
        ])
        .output()
        .expect("run qarcade trace");
    assert!(
        ours.status.success(),
        "qarcade trace failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let ours = String::from_utf8(ours.stdout).unwrap();
    let theirs = std::fs::read_to_string(&reference).unwrap();
    compare(game, seed, &theirs, &ours);
    std::fs::remove_dir_all(&dir).ok();
}

fn compare(game: &str, seed: u64, theirs: &str, ours: &str) {
    let (t, o): (Vec<&str>, Vec<&str>) = (theirs.lines().collect(), ours.lines().collect());
    for (i, (tl, ol)) in t.iter().zip(&o).enumerate() {
        let tv: Value = serde_json::from_str(tl).unwrap();
        let ov: Value = serde_json::from_str(ol).unwrap();
        let differing: Vec<&str> = FIELDS
            .iter()
            .copied()
            .filter(|f| tv.get(f) != ov.get(f))
            .collect();
        if differing.is_empty() {
            continue;
        }
        let mut msg = format!(
            "{game} seed {seed}: line {i} (frame {}) differs in {differing:?}\n  ALE:     {tl}\n  qarcade: {ol}",
            tv["frame"]
        );
        if differing.contains(&"ram") {
            let (a, b) = (hex(&tv["ram"]), hex(&ov["ram"]));
            let bytes: Vec<String> = (0..a.len().min(b.len()))
                .filter(|&k| a[k] != b[k])
                .map(|k| format!("0x{:02x}: ALE {:02x} ours {:02x}", 0x80 + k, a[k], b[k]))
                .collect();
            msg += &format!("\n  RAM bytes: {}", bytes.join(", "));
        }
        panic!("{msg}");
    }
    assert_eq!(t.len(), o.len(), "{game} seed {seed}: trace lengths differ");
}

fn hex(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap_or("");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn initial_state_of_all_seven_games() {
    for game in [
        "pong",
        "breakout",
        "space_invaders",
        "seaquest",
        "beam_rider",
        "enduro",
        "qbert",
    ] {
        run_parity(game, 0, 0);
    }
}

#[test]
fn pong_10k_frames_3_seeds() {
    for seed in 1..=3 {
        run_parity("pong", seed, 10_000);
    }
}

#[test]
fn breakout_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("breakout", seed, 5_000);
    }
}

#[test]
fn space_invaders_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("space_invaders", seed, 5_000);
    }
}

#[test]
fn seaquest_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("seaquest", seed, 5_000);
    }
}

#[test]
fn beam_rider_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("beam_rider", seed, 5_000);
    }
}

#[test]
fn enduro_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("enduro", seed, 5_000);
    }
}

#[test]
fn qbert_5k_frames_2_seeds() {
    for seed in 1..=2 {
        run_parity("qbert", seed, 5_000);
    }
}
