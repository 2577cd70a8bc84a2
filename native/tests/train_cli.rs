//! `qarcade train` end to end on Pong (small settings so it runs in seconds): a run writes
//! its files, a resumed run continues the very same curve (bit-identical checkpoint), and bad
//! input fails with one line and overwrites nothing.

use std::path::{Path, PathBuf};
mod common;

use common::{curve, ok, one_line_error};
use qarcade_core::dqn::web_weights::WebWeights;
use std::process::{Command, Output};

/// Small, fast settings: a short warm-up, a small batch, few updates.
/// Two envs; an evaluation of two whole games every 500 agent steps.
const SMALL: [&str; 18] = [
    "--set",
    "learning_starts=300",
    "--set",
    "batch_size=8",
    "--set",
    "replay_capacity=5000",
    "--set",
    "num_envs=2",
    "--set",
    "updates_per_step=0.125",
    "--set",
    "target_update=200",
    "--set",
    "eval.every_steps=500",
    "--set",
    "eval.games=2",
    "--set",
    "eval.target_score=null",
];

fn have_pong() -> bool {
    qarcade_core::ale::roms::cached_or_skip("pong").is_some()
}

fn qarcade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qarcade"))
        .args(args)
        .output()
        .expect("run qarcade")
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qarcade-train-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn train(out: &Path, frames: u32, extra: &[&str]) -> Output {
    let frames = frames.to_string();
    let mut args = vec![
        "train",
        "--frames",
        &frames,
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    qarcade(&args)
}

#[test]
fn resumed_run_equals_uninterrupted_run() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("resume");
    let (a, b) = (dir.join("a"), dir.join("b"));
    ok(&train(&a, 12000, &["--save-replay"]));
    ok(&train(&b, 6000, &["--save-replay"]));
    let half = curve(&b).len();
    ok(&train(&b, 12000, &["--save-replay", "--resume"]));
    for f in [
        "config.json",
        "metrics.jsonl",
        "metrics.csv",
        "checkpoint.qck",
    ] {
        assert!(a.join(f).exists(), "{f} missing");
    }
    let (ca, cb) = (curve(&a), curve(&b));
    assert!(
        half >= 1 && ca.len() > half,
        "the runs should span several games"
    );
    assert_eq!(ca, cb, "the resumed curve must be the uninterrupted one");
    let (wa, wb) = (
        std::fs::read(a.join("checkpoint.qck")).unwrap(),
        std::fs::read(b.join("checkpoint.qck")).unwrap(),
    );
    assert!(
        wa == wb,
        "checkpoints (weights, optimizer, RNG, replay) must be bit-identical"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resume_without_saved_replay_refills_it_and_learns_on() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("noreplay");
    let run = dir.join("run");
    ok(&train(&run, 4000, &[]));
    let before = curve(&run).len();
    ok(&train(&run, 14000, &["--resume"]));
    let after = curve(&run);
    assert!(after.len() > before, "the resumed run plays on");
    let last_game = after.iter().rev().find(|v| v["type"] == "episode").unwrap();
    assert!(
        last_game["loss"].is_number(),
        "and learns again once the buffer refills"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An exported network plays exactly as the checkpoint it came from: `eval` of the `.qnet`,
/// and of a folder whose one weights file it is (as `docs/pong-solved`), gives the same games.
#[test]
fn eval_plays_an_exported_network_as_its_checkpoint() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("evalqnet");
    let (run, shipped) = (dir.join("run"), dir.join("shipped"));
    ok(&train(&run, 4000, &[]));
    std::fs::create_dir_all(&shipped).unwrap();
    let qnet = shipped.join("agent.qnet");
    let (run_s, qnet_s) = (run.to_str().unwrap(), qnet.to_str().unwrap());
    ok(&qarcade(&[
        "export", run_s, "--web", qnet_s, "--dtype", "f32",
    ]));
    // The header carries what the page tells a visitor: steps, minutes, the last eval.
    let header = WebWeights::decode(&std::fs::read(&qnet).unwrap())
        .unwrap()
        .header;
    assert_eq!(header.trained_steps, 1000);
    assert!(header.trained_minutes.is_some_and(|m| m > 0.0));
    assert!(header
        .eval_score
        .is_some_and(|s| (-21.0..=21.0).contains(&s)));
    let scores = |agent: &str| {
        let out = qarcade(&["eval", agent, "--episodes", "2", "--seed", "3"]);
        ok(&out);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text.lines().find(|l| l.starts_with("scores:"));
        line.expect("a scores line").to_string()
    };
    let of_checkpoint = scores(run_s);
    assert_eq!(scores(qnet_s), of_checkpoint);
    assert_eq!(scores(shipped.to_str().unwrap()), of_checkpoint);

    // A shipped .qnet re-exported (as the page's default weights are) keeps its header's
    // facts; `--metrics` supplies them from the run's log; a missing log is refused.
    let again = dir.join("again.qnet");
    let again_s = again.to_str().unwrap();
    ok(&qarcade(&["export", qnet_s, "--web", again_s]));
    let header2 = WebWeights::decode(&std::fs::read(&again).unwrap())
        .unwrap()
        .header;
    assert_eq!(header2.trained_minutes, header.trained_minutes);
    assert_eq!(header2.eval_score, header.eval_score);
    let metrics = run.join("metrics.jsonl");
    let plain = dir.join("plain.qnet");
    std::fs::write(
        &plain,
        WebWeights {
            header: qarcade_core::dqn::web_weights::WeightsHeader {
                trained_minutes: None,
                eval_score: None,
                ..header.clone()
            },
            params: WebWeights::decode(&std::fs::read(&qnet).unwrap())
                .unwrap()
                .params,
        }
        .encode(),
    )
    .unwrap();
    let plain_s = plain.to_str().unwrap();
    let metrics_s = metrics.to_str().unwrap();
    ok(&qarcade(&[
        "export",
        plain_s,
        "--web",
        again_s,
        "--metrics",
        metrics_s,
    ]));
    let header3 = WebWeights::decode(&std::fs::read(&again).unwrap())
        .unwrap()
        .header;
    assert_eq!(header3.trained_minutes, header.trained_minutes);
    assert_eq!(header3.eval_score, header.eval_score);
    let out = qarcade(&[
        "export",
        plain_s,
        "--web",
        again_s,
        "--metrics",
        "no/such/metrics.jsonl",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such metrics file"));
    assert!(
        !shipped.join("eval.json").exists(),
        "a folder of shipped weights is not a run: eval writes nothing into it"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A network that reads 2 stacked frames (not the default 4) trains, and is evaluated,
/// recorded and exported on observations of its own depth: every front end builds the
/// preprocessing from the run's network, not from a fixed stack of 4.
#[test]
fn a_two_frame_network_is_evaluated_recorded_and_exported() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("stack2");
    let run = dir.join("run");
    ok(&train(&run, 2000, &["--set", "net.frame_stack=2"]));
    let run_s = run.to_str().unwrap();
    let (gif, qnet) = (dir.join("a.gif"), dir.join("a.qnet"));
    ok(&qarcade(&["eval", run_s, "--episodes", "1"]));
    ok(&qarcade(&[
        "record",
        run_s,
        "--out",
        gif.to_str().unwrap(),
        "--max-steps",
        "40",
    ]));
    assert!(std::fs::metadata(&gif).unwrap().len() > 0);
    ok(&qarcade(&[
        "export",
        run_s,
        "--web",
        qnet.to_str().unwrap(),
    ]));
    ok(&qarcade(&[
        "eval",
        qnet.to_str().unwrap(),
        "--episodes",
        "1",
    ]));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_fails_in_one_line_and_overwrites_nothing() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("bad");
    let run = dir.join("run");
    one_line_error(
        &qarcade(&[
            "train",
            "--preset",
            "rainbow",
            "--out",
            run.to_str().unwrap(),
        ]),
        "unknown DQN preset",
    );
    one_line_error(
        &qarcade(&["train", "--frames", "-5", "--out", run.to_str().unwrap()]),
        "--frames",
    );
    assert!(!run.exists(), "a refused run must not create its folder");
    one_line_error(&train(&run, 100, &["--set", "no_such_field=1"]), "no field");
    // Values of the right type but out of range: one line naming the field, no folder.
    for (set, field) in [
        ("replay_capacity=4", "replay_capacity"),
        ("env.frame_skip=0", "env.frame_skip"),
        ("gamma=2", "gamma"),
        ("batch_size=0", "batch_size"),
        ("reward.paddle_return=-0.5", "reward.paddle_return"),
        ("net.convs=[]", "net.convs"),
        ("net=resnet", "dqn2013"),
        ("env.difficulty=7", "env.difficulty"),
        // In range for the config, but not a mode Pong has: the game says so.
        ("env.mode=99", "mode 99 is not available for pong"),
    ] {
        one_line_error(&train(&run, 100, &["--set", set]), field);
        assert!(
            !run.exists(),
            "--set {set}: a refused run must not create its folder"
        );
    }

    ok(&train(&run, 1000, &[]));
    let ck = run.join("checkpoint.qck");
    let good = std::fs::read(&ck).unwrap();
    // Training again into a run folder without --resume.
    one_line_error(&train(&run, 1000, &[]), "--resume");
    assert_eq!(std::fs::read(&ck).unwrap(), good);
    // Resuming a Pong run as another game.
    one_line_error(
        &train(&run, 2000, &["--resume", "--game", "breakout"]),
        "game",
    );
    // A truncated checkpoint: resume and eval refuse it and leave it as it is.
    std::fs::write(&ck, &good[..good.len() / 2]).unwrap();
    one_line_error(&train(&run, 2000, &["--resume"]), "truncated");
    one_line_error(
        &qarcade(&["eval", run.to_str().unwrap(), "--episodes", "1"]),
        "truncated",
    );
    assert_eq!(std::fs::read(&ck).unwrap().len(), good.len() / 2);
    // A file that is no checkpoint at all.
    std::fs::write(&ck, b"PK\x03\x04 something else entirely").unwrap();
    one_line_error(
        &qarcade(&["eval", run.to_str().unwrap(), "--episodes", "1"]),
        "not a qarcade",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint() {
    if !have_pong() {
        return;
    }
    let dir = tempdir("nan");
    let run = dir.join("run");
    // Learning starts after 1,200 steps of random play; a squared loss of rewards scaled to
    // 1e30 then overflows to infinity. A checkpoint is taken at every vector step.
    let out = train(
        &run,
        40_000,
        &[
            "--set",
            "learning_starts=1200",
            "--set",
            "reward.scale=1e30",
            "--set",
            r#"loss={"kind":"squared"}"#,
            "--checkpoint-every",
            "1",
        ],
    );
    one_line_error(&out, "loss became");
    let ck = run.join("checkpoint.qck");
    assert!(
        ck.exists(),
        "the checkpoint of the last finished game must remain"
    );
    ok(&qarcade(&[
        "eval",
        run.to_str().unwrap(),
        "--episodes",
        "1",
    ]));
    std::fs::remove_dir_all(&dir).ok();
}
