//! Checkpoints: exact round trip, resumption, and one-line errors for bad files.

use std::path::PathBuf;

use burn::tensor::Device;
use qarcade_core::dqn::catch::Catch;
use qarcade_core::dqn::checkpoint::{self, CheckpointError};
use qarcade_core::dqn::{Config, Env, NetConfig, Step, Trainer};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qarcade-dqn-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn config(net: NetConfig) -> Config {
    let mut c = Config::fast();
    c.net = net;
    c.env.max_episode_steps = None;
    c.replay_capacity = 2_000;
    c.learning_starts = 50;
    c.num_envs = 3;
    c.updates_per_step = 0.5;
    c.target_update = Some(30);
    c.seed = 11;
    c
}

fn games() -> Vec<Catch> {
    (0..3).map(|i| Catch::new(5 + i)).collect()
}

/// A run of `vector_steps` steps over three catch games.
fn trained(vector_steps: u64) -> (Trainer<Catch>, ()) {
    let mut t = Trainer::new(config(NetConfig::catch()), games(), &Device::flex());
    for _ in 0..vector_steps {
        t.step();
    }
    (t, ())
}

#[test]
fn save_load_round_trips_and_resumes_identically() {
    let dir = tmpdir("roundtrip");
    let path = dir.join("run.ckpt");
    let (mut a, _) = trained(120);
    checkpoint::save(&path, "catch", &a, true).unwrap();
    let ck = checkpoint::load(&path).unwrap();
    ck.expect("catch", &NetConfig::catch().describe(3)).unwrap();
    // Restored into fresh games: each game's state (mid-episode) comes from the checkpoint.
    let mut b = ck.into_trainer(&Device::flex(), games()).unwrap();
    assert_eq!(a.learner.state(), b.learner.state());
    assert_eq!(a.counters, b.counters);
    assert_eq!(a.rng, b.rng);

    // From here on they must stay identical, episodes in progress included.
    for _ in 0..60 {
        assert_eq!(a.step(), b.step());
    }
    assert_eq!(a.learner.state(), b.learner.state());
    // No temporary file left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

fn err(path: &std::path::Path) -> String {
    match checkpoint::load(path) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_files_give_one_line_errors_and_are_left_alone() {
    let dir = tmpdir("bad");
    let path = dir.join("run.ckpt");
    let (t, _) = trained(60);
    checkpoint::save(&path, "catch", &t, false).unwrap();
    let good = std::fs::read(&path).unwrap();

    let truncated = dir.join("truncated.ckpt");
    std::fs::write(&truncated, &good[..good.len() - 100]).unwrap();
    let e = err(&truncated);
    assert!(e.contains("truncated checkpoint"), "{e}");
    assert_eq!(std::fs::read(&truncated).unwrap().len(), good.len() - 100);

    let tiny = dir.join("tiny.ckpt");
    std::fs::write(&tiny, &good[..10]).unwrap();
    assert!(err(&tiny).contains("truncated"), "{}", err(&tiny));

    let foreign = dir.join("foreign.ckpt");
    std::fs::write(&foreign, b"PK\x03\x04 this is a zip file, not a checkpoint").unwrap();
    assert!(err(&foreign).contains("not a qarcade DQN checkpoint"));

    let flipped = dir.join("flipped.ckpt");
    let mut bytes = good.clone();
    let at = bytes.len() - 50;
    bytes[at] ^= 0x10;
    std::fs::write(&flipped, &bytes).unwrap();
    assert!(
        err(&flipped).contains("checksum mismatch"),
        "{}",
        err(&flipped)
    );

    let version = dir.join("version.ckpt");
    let mut bytes = good.clone();
    bytes[8] = 99;
    std::fs::write(&version, &bytes).unwrap();
    assert!(
        err(&version).contains("format version 99"),
        "{}",
        err(&version)
    );

    let missing = dir.join("missing.ckpt");
    assert!(err(&missing).contains("missing.ckpt"));

    for e in [&truncated, &tiny, &foreign, &flipped, &version, &missing] {
        assert!(!err(e).contains('\n'));
    }

    // Another architecture / game: refused before touching any weights.
    let ck = checkpoint::load(&path).unwrap();
    let nature = NetConfig::nature().describe(3);
    match ck.expect("catch", &nature) {
        Err(CheckpointError::Architecture { .. }) => {}
        other => panic!("{:?}", other.err()),
    }
    let e = ck.expect("catch", &nature).unwrap_err().to_string();
    assert!(e.contains("in2x20x10") && e.contains("in4x84x84"), "{e}");
    assert!(ck.expect("pong", &NetConfig::catch().describe(3)).is_err());

    // A failed save (directory missing) leaves nothing behind and the old file intact.
    let nowhere = dir.join("no/such/dir/run.ckpt");
    assert!(checkpoint::save(&nowhere, "catch", &t, false).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), good);
}

/// The catch game behind a layer that keeps no state of its own to save (as the env
/// module's preprocessing wrappers): the trait's default says it cannot save.
struct Unsaveable(Catch);

impl Env for Unsaveable {
    fn reset(&mut self) {
        self.0.reset()
    }
    fn step(&mut self, action: u8) -> Step {
        self.0.step(action)
    }
    fn observe(&mut self) -> &[u8] {
        self.0.observe()
    }
    fn obs_shape(&self) -> (usize, usize) {
        self.0.obs_shape()
    }
    fn action_set(&self) -> &[u8] {
        self.0.action_set()
    }
    fn game_over(&self) -> bool {
        self.0.game_over()
    }
}

/// Every env the trainer steps goes through the one `Env` trait; one that cannot save its
/// state makes a checkpoint fail with one line naming it, and leaves no file behind, instead
/// of writing a checkpoint that could not resume.
#[test]
fn an_env_that_cannot_save_its_state_gives_an_error_and_no_file() {
    let dir = tmpdir("unsaveable");
    let path = dir.join("run.ckpt");
    let envs = games().into_iter().map(Unsaveable).collect();
    let mut t = Trainer::new(config(NetConfig::catch()), envs, &Device::flex());
    for _ in 0..20 {
        t.step();
    }
    let e = checkpoint::save(&path, "catch", &t, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("Unsaveable") && e.contains("cannot save"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}
