//! A training run's folder: what lives there and how it is written. Files that matter are
//! replaced atomically (temp file + rename), so a crash leaves the old or the new version.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub struct RunDir {
    pub root: PathBuf,
}

impl RunDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        RunDir { root: root.into() }
    }
    /// The resolved hyperparameters, as JSON.
    pub fn config(&self) -> PathBuf {
        self.root.join("config.json")
    }
    /// One JSON object per line: finished games (`"type":"episode"`) and evaluations.
    pub fn metrics(&self) -> PathBuf {
        self.root.join("metrics.jsonl")
    }
    /// The same episodes as CSV, rewritten at each checkpoint.
    pub fn metrics_csv(&self) -> PathBuf {
        self.root.join("metrics.csv")
    }
    /// The latest checkpoint (weights, optimizer, counters, RNG, optionally replay).
    pub fn checkpoint(&self) -> PathBuf {
        self.root.join("checkpoint.qck")
    }
}

/// Writes `bytes` to `path` atomically ([`qarcade_core::atomic`]), naming the file in the
/// error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    qarcade_core::atomic::write_atomic(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// What a run's `metrics.jsonl` says about its training up to agent step `step`: the
/// wall-clock minutes spent, and the last evaluation's mean score (for the weights file's
/// header, which the page shows). `None` where the file or the line is missing.
pub fn progress_at(metrics: &Path, step: u64) -> (Option<f64>, Option<f64>) {
    let text = std::fs::read_to_string(metrics).unwrap_or_default();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["step"].as_u64().is_some_and(|s| s <= step))
        .collect();
    let minutes = lines.iter().rev().find_map(|v| v["time_s"].as_f64());
    let eval = lines
        .iter()
        .rev()
        .find(|v| v["type"] == "eval")
        .and_then(|v| v["mean"].as_f64());
    (minutes.map(|s| s / 60.0), eval)
}

/// The metrics lines whose `step` is at most `step` (what a resumed run keeps: the curve
/// continues from the checkpoint, without the games played after it before a crash). A torn
/// last line is dropped.
pub fn metrics_up_to(text: &str, step: u64) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["step"].as_u64().is_some_and(|s| s <= step) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The episodes of a metrics file as CSV.
pub fn metrics_csv(text: &str) -> String {
    const COLS: [&str; 9] = [
        "game", "step", "frames", "return", "length", "epsilon", "loss", "mean_q", "time_s",
    ];
    let mut out = COLS.join(",") + "\n";
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["type"] != "episode" {
            continue;
        }
        let cells: Vec<String> = COLS
            .iter()
            .map(|c| {
                if v[c].is_null() {
                    String::new()
                } else {
                    v[c].to_string()
                }
            })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_at_a_step_reads_only_the_lines_up_to_it() {
        let dir = std::env::temp_dir().join(format!("qarcade-progress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let m = dir.join("metrics.jsonl");
        let lines = [
            r#"{"type":"episode","step":100,"time_s":60,"return":-21}"#,
            r#"{"type":"eval","step":200,"time_s":120,"mean":-5.5}"#,
            r#"{"type":"episode","step":300,"time_s":180,"return":3}"#,
            r#"{"type":"eval","step":400,"time_s":240,"mean":19.5}"#,
            r#"{"type":"episo"#,
        ];
        std::fs::write(&m, lines.join("\n")).unwrap();
        assert_eq!(progress_at(&m, 350), (Some(3.0), Some(-5.5)));
        assert_eq!(progress_at(&m, 400), (Some(4.0), Some(19.5)));
        assert_eq!(progress_at(&m, 150), (Some(1.0), None));
        assert_eq!(progress_at(&dir.join("none"), 400), (None, None));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn resume_keeps_metrics_up_to_the_checkpoint() {
        let text = "{\"type\":\"episode\",\"step\":10}\n{\"type\":\"episode\",\"step\":20}\n{\"type\":\"epi";
        assert_eq!(
            metrics_up_to(text, 15),
            "{\"type\":\"episode\",\"step\":10}\n"
        );
        assert_eq!(metrics_up_to(text, 20).lines().count(), 2);
    }

    #[test]
    fn csv_has_a_row_per_episode() {
        let text = "{\"type\":\"episode\",\"game\":1,\"step\":10,\"return\":-21}\n{\"type\":\"eval\",\"step\":10}\n";
        let csv = metrics_csv(text);
        assert_eq!(csv.lines().count(), 2);
        assert!(csv.lines().nth(1).unwrap().starts_with("1,10,,-21"));
    }

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
