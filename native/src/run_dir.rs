//! A training run's folder: what lives there and how it is written. Files that matter are
//! replaced atomically (temp file + rename), so a crash leaves the old or the new version.

use anyhow::{Context, Result};
use std::io::Write;
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

/// Writes `bytes` to `path` atomically: a temp file in the same folder, synced, renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Temp files are private (0600); a run's files are ordinary ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
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
