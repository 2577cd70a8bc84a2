//! Helpers shared by the end-to-end tests: finding the `qarcade` binary, a Python with
//! ale-py, and ROMs (fetched into the cache the way a user gets them).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `qarcade` binary built by this `cargo test` run (same profile), or `$QARCADE_BIN`.
pub fn qarcade_bin() -> PathBuf {
    if let Ok(p) = std::env::var("QARCADE_BIN") {
        return PathBuf::from(p);
    }
    // Test executables live in target/<profile>/deps; the binary in target/<profile>.
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join("qarcade");
    assert!(
        bin.exists(),
        "{} not built: run the tests with `cargo test --workspace` so the CLI is built too",
        bin.display()
    );
    bin
}

/// A Python interpreter that can import ale_py: `$QARCADE_PYTHON`, the repo's `.venv`, or
/// `python3`. `None` if none can; the caller decides whether that is a failure
/// (`QARCADE_REQUIRE_ALE=1`, as CI sets, makes it one).
pub fn ale_python() -> Option<String> {
    let mut candidates = Vec::new();
    if let Ok(p) = std::env::var("QARCADE_PYTHON") {
        candidates.push(p);
    }
    candidates.push(
        repo_root()
            .join(".venv/bin/python")
            .to_string_lossy()
            .into_owned(),
    );
    candidates.push("python3".into());
    candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import ale_py, numpy"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// Whether tests that need the real ALE must fail rather than skip when it is missing.
pub fn ale_required() -> bool {
    std::env::var("QARCADE_REQUIRE_ALE").is_ok_and(|v| v == "1")
}

/// The cached path of a supported ROM, fetching the ROMs first if needed.
pub fn rom_path(name: &str) -> PathBuf {
    let out = Command::new(qarcade_bin())
        .args(["rom", "path", name])
        .output()
        .expect("run qarcade rom path");
    assert!(
        out.status.success(),
        "qarcade rom path {name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}
