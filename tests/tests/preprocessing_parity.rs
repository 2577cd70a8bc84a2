//! Our preprocessing is gymnasium's: the same frames through `tests/preprocess_reference.py`
//! (gymnasium 1.x `AtariPreprocessing`, OpenCV `INTER_AREA`) and through `qarcade_core::env`
//! must give the same 84×84 observations. Allowed: at most 1 gray level off on at most
//! 0.1% of pixels (so far the result has been identical; the test prints which).
//!
//! - `resize_matches_opencv_inter_area`: ALE's own grayscale screens (real ale-py, single
//!   frames and max-pooled pairs) and uniform noise, resized by `cv2.resize` and by
//!   [`AreaResize`]. Needs no emulator of ours.
//! - `pipeline_matches_gymnasium_atari_preprocessing`: seeded random play through
//!   `AtariPreprocessing(frame_skip=4, noop_max=0)` on `ALE/<Game>-v5` (frameskip 1, no
//!   sticky actions) and through [`AtariEnv`] with the same settings: observations,
//!   rewards, terminated and truncated step by step.
//!
//! Skipped when no Python has ale-py, gymnasium and opencv, unless `QARCADE_REQUIRE_ALE=1`.

use qarcade_core::env::{AreaResize, AtariConfig, AtariEnv, FireMode};
use qarcade_tests::{ale_python, ale_required, repo_root, rom_path};
use std::path::PathBuf;
use std::process::Command;

const SCREEN: usize = 210 * 160;
const FRAME: usize = 84 * 84;

/// A Python that can run the reference script, or `None` (then the test skips, or fails
/// under `QARCADE_REQUIRE_ALE=1`).
fn reference_python(test: &str) -> Option<String> {
    let ok = ale_python().filter(|py| {
        Command::new(py)
            .args(["-c", "import gymnasium, cv2"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if ok.is_none() {
        assert!(
            !ale_required(),
            "no Python with ale-py, gymnasium and opencv-python-headless, and QARCADE_REQUIRE_ALE=1"
        );
        eprintln!("skipping {test}: no Python with ale-py, gymnasium and cv2 (set QARCADE_PYTHON)");
    }
    ok
}

fn run_reference(python: &str, args: &[&str], out: &PathBuf) -> Vec<u8> {
    let st = Command::new(python)
        .arg(repo_root().join("tests/preprocess_reference.py"))
        .args(args)
        .arg("--out")
        .arg(out)
        .status()
        .expect("run tests/preprocess_reference.py");
    assert!(st.success(), "preprocess_reference.py {args:?} failed");
    std::fs::read(out).unwrap()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("qarcade-preprocess-{}-{name}", std::process::id()))
}

/// Pixel differences between ours and theirs, by size: `[same, off by 1, off by more]`.
#[derive(Default, Debug)]
struct Diff([u64; 3]);

impl Diff {
    fn add(&mut self, ours: &[u8], theirs: &[u8]) {
        for (&a, &b) in ours.iter().zip(theirs) {
            self.0[(a.abs_diff(b) as usize).min(2)] += 1;
        }
    }

    fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Panics beyond the tolerance; otherwise says how close it was.
    fn check(&self, what: &str) {
        let [same, one, more] = self.0;
        let verdict = if one + more == 0 {
            "identical".to_string()
        } else {
            format!(
                "{one} pixels off by 1 ({:.4}%), {more} off by more",
                100.0 * one as f64 / self.total() as f64
            )
        };
        eprintln!("{what}: {same} of {} pixels equal: {verdict}", self.total());
        assert_eq!(more, 0, "{what}: pixels off by more than 1 gray level");
        assert!(
            one * 1000 <= self.total(),
            "{what}: more than 0.1% of pixels off by 1"
        );
    }
}

#[test]
fn resize_matches_opencv_inter_area() {
    let Some(python) = reference_python("resize parity") else {
        return;
    };
    let mut screens = Diff::default();
    let mut noise = Diff::default();
    let mut resize = AreaResize::atari();
    let mut ours = vec![0; FRAME];
    for (game, seed) in [("pong", 1), ("breakout", 2), ("seaquest", 3)] {
        let rom = rom_path(game);
        let out = temp(&format!("resize-{game}.bin"));
        let data = run_reference(
            &python,
            &[
                "resize",
                "--rom",
                rom.to_str().unwrap(),
                "--seed",
                &seed.to_string(),
                "--frames",
                "400",
                "--noise",
                "100",
            ],
            &out,
        );
        std::fs::remove_file(&out).ok();
        let records = data.chunks_exact(1 + SCREEN + FRAME);
        assert!(records.len() > 800, "{game}: too few reference images");
        for rec in records {
            let (kind, rest) = rec.split_first().unwrap();
            let (src, theirs) = rest.split_at(SCREEN);
            resize.apply(src, &mut ours);
            match kind {
                0 => screens.add(&ours, theirs),
                _ => noise.add(&ours, theirs),
            }
        }
    }
    screens.check("INTER_AREA on ALE screens");
    noise.check("INTER_AREA on uniform noise");
}

/// One record of the pipeline reference: what gymnasium reported after a reset or step.
struct Record<'a> {
    /// `None` for a reset.
    action: Option<usize>,
    reward: i32,
    terminated: bool,
    truncated: bool,
    obs: &'a [u8],
}

fn records(data: &[u8]) -> impl Iterator<Item = Record<'_>> {
    data.chunks_exact(7 + FRAME).map(|r| Record {
        action: (r[0] != 255).then_some(r[0] as usize),
        reward: i32::from_le_bytes(r[1..5].try_into().unwrap()),
        terminated: r[5] != 0,
        truncated: r[6] != 0,
        obs: &r[7..],
    })
}

fn pipeline_parity(python: &str, game: &str, env_id: &str, steps: u32) {
    let out = temp(&format!("pipeline-{game}.bin"));
    let data = run_reference(
        python,
        &[
            "pipeline",
            "--env",
            env_id,
            "--seed",
            "0",
            "--steps",
            &steps.to_string(),
        ],
        &out,
    );
    std::fs::remove_file(&out).ok();

    // gymnasium's AtariPreprocessing as the reference runs it: skip 4 with max-pool, no
    // no-ops, whole games, no FIRE reset; the frame stack is ours alone.
    let config = AtariConfig {
        noop_max: 0,
        episodic_life: false,
        fire_reset: FireMode::Never,
        ..AtariConfig::default()
    };
    let rom = std::fs::read(rom_path(game)).unwrap();
    let mut env = AtariEnv::new(&rom, &config, 0).unwrap();
    let mut diff = Diff::default();
    let mut n = 0;
    for (i, r) in records(&data).enumerate() {
        match r.action {
            None => {
                env.reset();
            }
            Some(a) => {
                let t = env.step(a);
                let theirs = (r.reward, r.terminated, r.truncated);
                let ours = (t.reward, t.terminated, t.truncated);
                assert_eq!(
                    ours, theirs,
                    "{game} record {i}: (reward, terminated, truncated)"
                );
            }
        }
        let worst = env
            .frame()
            .iter()
            .zip(r.obs)
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(
            worst <= Some(1),
            "{game} record {i}: observation off by {worst:?}"
        );
        diff.add(env.frame(), r.obs);
        n += 1;
    }
    assert!(n as u32 > steps, "{game}: reference too short");
    diff.check(&format!("{env_id} AtariPreprocessing, {n} observations"));
}

#[test]
fn pipeline_matches_gymnasium_atari_preprocessing() {
    let Some(python) = reference_python("pipeline parity") else {
        return;
    };
    pipeline_parity(&python, "pong", "ALE/Pong-v5", 1500);
    pipeline_parity(&python, "breakout", "ALE/Breakout-v5", 1000);
}
