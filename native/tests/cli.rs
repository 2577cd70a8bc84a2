//! Bad input to the command line gets one clear line on stderr and a failing exit code,
//! never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qarcade(args: &[&str], roms: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qarcade"))
        .args(args)
        .env("QARCADE_ROMS", roms)
        // No pip download from a test: fetching is tested where the network is expected.
        .env("QARCADE_PYTHON", "/nonexistent/python")
        .output()
        .expect("run qarcade")
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qarcade-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts a failure whose error is exactly one line on stderr (progress notes may precede
/// it) containing `needle`, and no panic.
fn assert_one_line_error(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "expected one error line, got: {err}");
    assert!(
        err.trim_end().ends_with(errors[0]),
        "the error must come last: {err}"
    );
    let line = errors[0].to_lowercase();
    assert!(
        line.contains(&needle.to_lowercase()),
        "expected {needle:?} in: {err}"
    );
}

/// A fresh folder holding the ROM `image` and an actions file with `actions`, and the
/// arguments that trace them: `trace --rom ROM --actions FILE`.
fn trace_files(name: &str, image: &[u8], actions: &str) -> (PathBuf, Vec<String>) {
    let dir = tempdir(name);
    let rom = dir.join("game.bin");
    std::fs::write(&rom, image).unwrap();
    let file = dir.join("actions.txt");
    std::fs::write(&file, actions).unwrap();
    let args = ["trace", "--rom", rom.to_str().unwrap()]
        .into_iter()
        .chain(["--actions", file.to_str().unwrap()])
        .map(String::from)
        .collect();
    (dir, args)
}

/// Traces `image` with the actions in `actions` and the extra arguments `extra`.
fn trace_actions(image: &[u8], name: &str, actions: &str, extra: &[&str]) -> Output {
    let (dir, args) = trace_files(name, image, actions);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    let out = qarcade(&args, &dir);
    std::fs::remove_dir_all(&dir).ok();
    out
}

fn trace_with_rom(image: &[u8], name: &str, extra: &[&str]) -> Output {
    trace_actions(image, name, "0\n1\n", extra)
}

fn pseudo_random(n: usize, seed: u32) -> Vec<u8> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_of_a_rom_size_are_an_unknown_rom() {
    let out = trace_with_rom(&pseudo_random(4096, 1), "random", &[]);
    assert_one_line_error(&out, "unknown ROM");
}

#[test]
fn unknown_rom_runs_with_force() {
    let out = trace_with_rom(&pseudo_random(4096, 2), "force", &["--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        3,
        "initial state + 2 frames"
    );
}

/// `qarcade trace ... | head -1`: the reader goes away after one line; trace stops quietly.
#[test]
fn trace_stops_quietly_when_the_reader_goes_away() {
    use std::io::{BufRead, BufReader};
    let (dir, args) = trace_files("pipe", &pseudo_random(4096, 2), &"0\n".repeat(20_000));
    let mut child = Command::new(env!("CARGO_BIN_EXE_qarcade"))
        .args(&args)
        .arg("--force")
        .env("QARCADE_ROMS", &dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run qarcade");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"frame\":0"), "{first}");
    // The reader is dropped here, with 20,000 lines still to come.
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "status {:?}, stderr: {err}",
        out.status
    );
    assert!(err.is_empty(), "stderr: {err}");
}

#[test]
fn a_3_kib_file_is_refused_for_its_size() {
    let out = trace_with_rom(&pseudo_random(3072, 3), "3k", &["--force"]);
    assert_one_line_error(&out, "size");
}

#[test]
fn empty_and_truncated_files_are_refused() {
    assert_one_line_error(&trace_with_rom(&[], "empty", &["--force"]), "empty");
    assert_one_line_error(
        &trace_with_rom(&pseudo_random(1000, 4), "short", &["--force"]),
        "size",
    );
}

#[test]
fn missing_rom_name_says_how_to_get_it() {
    let dir = tempdir("missing");
    let actions = dir.join("a.txt");
    std::fs::write(&actions, "0\n").unwrap();
    let out = qarcade(
        &[
            "trace",
            "--rom",
            "pong",
            "--actions",
            actions.to_str().unwrap(),
        ],
        &dir,
    );
    assert_one_line_error(&out, "qarcade rom");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_actions_file_names_the_line() {
    let out = trace_actions(
        &pseudo_random(2048, 5),
        "badactions",
        "0\n99\n",
        &["--force"],
    );
    assert_one_line_error(&out, "line 2");
}

#[test]
fn import_refuses_unknown_md5() {
    let dir = tempdir("import");
    let rom = dir.join("x.bin");
    std::fs::write(&rom, pseudo_random(2048, 6)).unwrap();
    let out = qarcade(
        &["rom", "import", rom.to_str().unwrap()],
        &dir.join("cache"),
    );
    assert_one_line_error(&out, "md5");
    std::fs::remove_dir_all(&dir).ok();
}

/// `export` of something that is not a checkpoint says so in one line and writes nothing;
/// `serve` refuses a corrupt weights file and a missing page build the same way.
#[test]
fn export_and_serve_refuse_bad_input() {
    let dir = tempdir("export");
    let junk = dir.join("junk.qck");
    std::fs::write(&junk, b"not a checkpoint at all").unwrap();
    let out_file = dir.join("pong.qnet");
    let out = qarcade(
        &[
            "export",
            junk.to_str().unwrap(),
            "--web",
            out_file.to_str().unwrap(),
        ],
        &dir,
    );
    assert_one_line_error(&out, "not a qarcade DQN checkpoint");
    assert!(!out_file.exists(), "nothing may be written");

    let missing_dist = dir.join("no-dist");
    let out = qarcade(
        &[
            "serve",
            "--port",
            "0",
            "--dist",
            missing_dist.to_str().unwrap(),
        ],
        &dir,
    );
    assert_one_line_error(&out, "web/build.sh");

    let dist = dir.join("dist");
    std::fs::create_dir_all(dist.join("pkg")).unwrap();
    std::fs::write(dist.join("index.html"), "<p>").unwrap();
    let bad = dir.join("bad.qnet");
    std::fs::write(&bad, b"QARCADEW\x01\0\0\0 truncated").unwrap();
    let out = qarcade(
        &[
            "serve",
            bad.to_str().unwrap(),
            "--port",
            "0",
            "--dist",
            dist.to_str().unwrap(),
        ],
        &dir,
    );
    assert_one_line_error(&out, "corrupt");
    std::fs::remove_dir_all(&dir).ok();
}
