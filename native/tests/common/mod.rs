//! What the command-line tests that train share.

use std::path::Path;
use std::process::Output;

/// Asserts success, showing stderr otherwise.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts a failure with exactly one `error:` line containing `needle`, and no panic.
pub fn one_line_error(out: &Output, needle: &str) {
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

/// A run's metrics without wall-clock times (which differ between runs).
pub fn curve(run: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(run.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let fields = v.as_object_mut().unwrap();
            fields.remove("time_s");
            fields.remove("seconds");
            v
        })
        .collect()
}
