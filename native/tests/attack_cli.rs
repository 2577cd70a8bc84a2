//! `qarcade attack eval` end to end with the shipped agent as the victim: it wins against a
//! still opponent and reports it in the table and the JSON; bad input fails in one line.

use std::path::{Path, PathBuf};
mod common;

use common::{curve, ok, one_line_error};
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
    ok(&out);
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
            v,
            "--opponent",
            "tracker:soon",
        ]),
        "tracker:N",
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

#[test]
fn activations_score_every_opponent_and_draw_them() {
    if !have_pong() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qarcade-activations-{}", std::process::id()));
    let victim = shipped_agent();
    let out = qarcade(&[
        "attack",
        "activations",
        "--victim",
        victim.to_str().unwrap(),
        "--opponents",
        "tracker,zero",
        "--games",
        "2",
        "--stride",
        "2",
        "--components",
        "2",
        "--pca-dims",
        "4",
        "--out",
        dir.to_str().unwrap(),
    ]);
    ok(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("tracker") && table.contains("zero"),
        "{table}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("activations.json")).unwrap())
            .unwrap();
    let rows = report["opponents"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let (tracker, zero) = (&rows[0], &rows[1]);
    assert_eq!(tracker["normal"], true);
    assert_eq!(zero["normal"], false);
    // The tracker's second game is held out; every one of zero's games is scored.
    assert!(tracker["scored"].as_u64().unwrap() < tracker["samples"].as_u64().unwrap());
    assert_eq!(zero["scored"], zero["samples"]);
    assert_eq!(zero["victim_wins"], 2);
    for r in rows {
        assert!(
            r["mean_log_likelihood"].as_f64().unwrap().is_finite(),
            "{r}"
        );
    }
    let png = std::fs::read(dir.join("activations.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    one_line_error(
        &qarcade(&[
            "attack",
            "activations",
            "--victim",
            victim.to_str().unwrap(),
            "--opponents",
            "zero",
            "--normal",
            "tracker",
        ]),
        "--normal tracker",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_recorded_game_is_the_evaluated_game_and_the_masked_victim_is_reported() {
    if !have_pong() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qarcade-attack-gif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let victim = shipped_agent();
    let v = victim.to_str().unwrap();
    let gif = dir.join("game.gif");
    let out = qarcade(&[
        "attack",
        "record",
        "--victim",
        v,
        "--opponent",
        "zero",
        "--seed",
        "3",
        "--out",
        gif.to_str().unwrap(),
    ]);
    ok(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("victim 21 - 0 zero"), "{said}");
    let bytes = std::fs::read(&gif).unwrap();
    assert!(bytes.starts_with(b"GIF89a") && bytes.len() > 100_000);
    // The same game as game 0 of `attack eval --seed 3`, seen by a masked victim too
    // (against a player that never moves, masking hides nothing that matters).
    let json = dir.join("masked.json");
    ok(&qarcade(&[
        "attack",
        "eval",
        "--victim",
        v,
        "--opponent",
        "zero",
        "--games",
        "1",
        "--seed",
        "3",
        "--masked",
        "--json",
        json.to_str().unwrap(),
    ]));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["masked"], true);
    assert_eq!(report["report"]["scores"], serde_json::json!([[21, 0]]));
    std::fs::remove_dir_all(&dir).ok();
}

/// A `.qnet` of an untrained network for the catch test game's small frames, labelled as
/// playing `game`.
fn foreign_weights(dir: &Path, game: &str) -> PathBuf {
    use qarcade_core::dqn::params::read_params;
    use qarcade_core::dqn::web_weights::{Dtype, WebWeights, WeightsHeader};
    use qarcade_core::dqn::{Device, NetConfig, QNetwork};
    let net = NetConfig::catch();
    // Pong's action set for "pong" (so only the network's input can be wrong), catch's else.
    let action_set = if game == "pong" {
        vec![0, 1, 3, 4, 11, 12]
    } else {
        vec![0, 3, 4]
    };
    let n = action_set.len();
    let params = read_params(&QNetwork::new(&net, n, &Device::flex(), 1));
    let w = WebWeights {
        header: WeightsHeader {
            game: game.into(),
            architecture: net.describe(n),
            shapes: params.iter().map(|p| p.shape.clone()).collect(),
            net,
            action_set,
            dtype: Dtype::F32,
            trained_steps: 0,
            trained_minutes: None,
            eval_score: None,
        },
        params,
    };
    let path = dir.join(format!("{game}.qnet"));
    std::fs::write(&path, w.encode()).unwrap();
    path
}

#[test]
fn a_victim_of_another_game_or_shape_is_refused_in_one_line() {
    let dir = std::env::temp_dir().join(format!("qarcade-foreign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (game, needle) in [("catch", "catch"), ("pong", "4x84x84")] {
        let victim = foreign_weights(&dir, game);
        let out = qarcade(&[
            "attack",
            "eval",
            "--victim",
            victim.to_str().unwrap(),
            "--opponent",
            "zero",
        ]);
        one_line_error(&out, needle);
        // The same check guards an opponent given as a network.
        let shipped = shipped_agent();
        let out = qarcade(&[
            "attack",
            "eval",
            "--victim",
            shipped.to_str().unwrap(),
            "--opponent",
            victim.to_str().unwrap(),
        ]);
        one_line_error(&out, needle);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Small, fast settings for `attack train`.
const SMALL: [&str; 14] = [
    "--frames",
    "10000",
    "--set",
    "learning_starts=300",
    "--set",
    "num_envs=2",
    "--set",
    "batch_size=8",
    "--set",
    "eval.every_steps=700",
    "--set",
    "eval.games=1",
    "--set",
    "eval.target_score=null",
];

fn attack_train(out: &Path, extra: &[&str]) -> Output {
    let victim = shipped_agent();
    let mut args = vec![
        "attack",
        "train",
        "--victim",
        victim.to_str().unwrap(),
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    qarcade(&args)
}

/// A seed fixes an attack run (curve and checkpoint); an attack run is resumed only as one,
/// against the same victim.
#[test]
fn attack_train_is_deterministic_and_keeps_its_victim() {
    if !have_pong() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qarcade-attack-train-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (a, b) = (dir.join("a"), dir.join("b"));
    for run in [&a, &b] {
        let out = attack_train(run, &[]);
        ok(&out);
    }
    let ca = curve(&a);
    assert!(
        ca.iter().any(|v| v["type"] == "eval"),
        "evaluations are logged"
    );
    assert!(
        ca.iter().any(|v| v["type"] == "episode"),
        "games are logged"
    );
    assert_eq!(ca, curve(&b));
    assert!(
        std::fs::read(a.join("checkpoint.qck")).unwrap()
            == std::fs::read(b.join("checkpoint.qck")).unwrap(),
        "same seed, same checkpoint"
    );
    let marker: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("attack.json")).unwrap()).unwrap();
    assert!(marker["victim"].as_str().unwrap().ends_with("pong.qnet"));

    // Resumed with another victim, or as a one-player run: refused in one line.
    let other = dir.join("other.qnet");
    std::fs::copy(shipped_agent(), &other).unwrap();
    let out = qarcade(&[
        "attack",
        "train",
        "--victim",
        other.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
        "--resume",
    ]);
    one_line_error(&out, "not");
    let out = qarcade(&["train", "--out", a.to_str().unwrap(), "--resume"]);
    one_line_error(&out, "attack run");
    std::fs::remove_dir_all(&dir).ok();
}
