//! `qarcade plot RUN`: the reward curve of a run — each episode's return against emulator
//! frames, with a moving average — as PNG and SVG, like the seed notebook's figure.

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Episodes averaged by the smoothed curve.
const WINDOW: usize = 20;

/// One finished episode, as `metrics.jsonl` records it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpisodePoint {
    pub frames: f64,
    pub ret: f64,
}

/// The episodes of a run's `metrics.jsonl` (lines with `"type":"episode"`).
pub fn read_episodes(metrics: &Path) -> Result<Vec<EpisodePoint>> {
    let text = std::fs::read_to_string(metrics)
        .with_context(|| format!("cannot read {}", metrics.display()))?;
    let mut points = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            // A run killed mid-write can leave a partial last line: skip it, not the run.
            if i + 1 == text.lines().count() {
                continue;
            }
            bail!("{} line {}: not JSON", metrics.display(), i + 1);
        };
        if v["type"] == "episode" {
            if let (Some(frames), Some(ret)) = (v["frames"].as_f64(), v["return"].as_f64()) {
                points.push(EpisodePoint { frames, ret });
            }
        }
    }
    Ok(points)
}

/// The trailing moving average of the returns, over up to `WINDOW` episodes.
pub fn moving_average(points: &[EpisodePoint]) -> Vec<(f64, f64)> {
    let mut sum = 0.0;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            sum += p.ret;
            if i >= WINDOW {
                sum -= points[i - WINDOW].ret;
            }
            (p.frames, sum / (i + 1).min(WINDOW) as f64)
        })
        .collect()
}

/// Writes `reward_curve.png` and `reward_curve.svg` into the run folder; returns their paths.
pub fn plot(run: &Path, title: &str) -> Result<(PathBuf, PathBuf)> {
    let points = read_episodes(&run.join("metrics.jsonl"))?;
    if points.is_empty() {
        bail!(
            "{} has no finished episode yet: nothing to plot",
            run.display()
        );
    }
    register_font();
    let png = run.join("reward_curve.png");
    let svg = run.join("reward_curve.svg");
    {
        let root = BitMapBackend::new(&png, (960, 540)).into_drawing_area();
        draw(&root, &points, title)?;
        root.present().context("writing the PNG")?;
    }
    {
        let root = SVGBackend::new(&svg, (960, 540)).into_drawing_area();
        draw(&root, &points, title)?;
        root.present().context("writing the SVG")?;
    }
    Ok((png, svg))
}

/// plotters draws text with a font it is given: embed DejaVu Sans rather than depend on the
/// fonts of the machine (a fresh server has none).
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[EpisodePoint],
    title: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let x_max = points.last().map_or(1.0, |p| p.frames).max(1.0) / 1e6;
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.ret), hi.max(p.ret))
    });
    let pad = ((hi - lo) * 0.05).max(1.0);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, (lo - pad)..(hi + pad))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("emulator frames (millions)")
        .y_desc("episode return")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let light = RGBColor(120, 160, 220);
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.frames / 1e6, p.ret), 2, light.filled())),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("episode")
        .legend(move |(x, y)| Circle::new((x + 10, y), 3, light.filled()));
    let avg = moving_average(points);
    chart
        .draw_series(LineSeries::new(
            avg.iter().map(|&(f, r)| (f / 1e6, r)),
            BLUE.stroke_width(2),
        ))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label(format!("mean of last {WINDOW}"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_over_the_window() {
        let pts: Vec<EpisodePoint> = (0..30)
            .map(|i| EpisodePoint {
                frames: i as f64,
                ret: i as f64,
            })
            .collect();
        let avg = moving_average(&pts);
        assert_eq!(avg[0].1, 0.0);
        assert_eq!(avg[3].1, 1.5);
        // Episodes 10..=29: mean 19.5.
        assert_eq!(avg[29].1, 19.5);
    }

    #[test]
    fn plots_png_and_svg_from_metrics() {
        let dir = std::env::temp_dir().join(format!("qarcade-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut lines = String::new();
        for i in 0..50 {
            lines += &format!(
                "{{\"type\":\"episode\",\"frames\":{},\"return\":{}}}\n",
                i * 4000,
                -21 + i / 3
            );
        }
        lines += "{\"type\":\"episode\",\"fra"; // a partial last line from a crash
        std::fs::write(dir.join("metrics.jsonl"), lines).unwrap();
        let (png, svg) = plot(&dir, "test").unwrap();
        let png_bytes = std::fs::read(png).unwrap();
        assert_eq!(&png_bytes[1..4], b"PNG");
        assert!(std::fs::read_to_string(svg)
            .unwrap()
            .contains("episode return"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
