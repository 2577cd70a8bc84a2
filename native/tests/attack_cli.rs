//! `qarcade attack eval` end to end with the shipped agent as the victim: it wins against a
//! still opponent and reports it in the table and the JSON; bad input fails in one line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn have_pong() -> bool {
    qarcade_core::ale::roms::cached_or_skip("pong").is_some()
}

fn qarcade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qarcade"))
        .args(args)
        .output()
        .expect("run qarcade")
}

fn shipped_agent() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/pong-solved/pong.qnet")
}

fn one_line_error(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected: {err}");
    assert!(
        errors[0].to_lowercase().contains(&needle.to_lowercase()),
        "{needle:?} not in {err}"
    );
}

#[test]
fn the_shipped_agent_beats_a_still_opponent() {
    if !have_pong() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qarcade-attack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("zero.json");
    let victim = shipped_agent();
    let out = qarcade(&[
        "attack",
        "eval",
        "--victim",
        victim.to_str().unwrap(),
        "--opponent",
        "zero",
        "--games",
        "2",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("games won   victim 2"), "{table}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let r = &report["report"];
    assert_eq!(r["victim_wins"], 2);
    assert_eq!(r["unfinished"], 0);
    assert_eq!(r["scores"], serde_json::json!([[21, 0], [21, 0]]));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_attack_input_fails_in_one_line() {
    let victim = shipped_agent();
    let v = victim.to_str().unwrap();
    one_line_error(
        &qarcade(&["attack", "eval", "--victim", v, "--opponent", "nobody"]),
        "unknown opponent",
    );
    one_line_error(
        &qarcade(&[
            "attack",
            "eval",
            "--victim",
            "/nonexistent/run",
            "--opponent",
            "zero",
        ]),
        "/nonexistent/run",
    );
    one_line_error(
        &qarcade(&[
            "attack",
            "eval",
            "--victim",
            v,
            "--opponent",
            "zero",
            "--games",
            "0",
        ]),
        "--games",
    );
}
