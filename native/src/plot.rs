//! `qarcade plot RUN`: the reward curve of a run as PNG and SVG, like the seed notebook's
//! figure: each training game's score with a moving average, and the greedy evaluations
//! made during training, against agent steps and against wall-clock minutes.

use anyhow::{bail, Context, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Episodes averaged by the smoothed curve.
const WINDOW: usize = 20;

/// One finished episode (or one evaluation), as `metrics.jsonl` records it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpisodePoint {
    /// Agent steps at the end of the episode.
    pub step: f64,
    /// Wall-clock seconds since the run started.
    pub seconds: f64,
    /// The episode's return (for an evaluation: the mean score).
    pub ret: f64,
}

/// A run's training episodes and evaluations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curves {
    pub episodes: Vec<EpisodePoint>,
    pub evals: Vec<EpisodePoint>,
}

/// The episodes (`"type":"episode"`) and evaluations (`"type":"eval"`) of a run's
/// `metrics.jsonl`. Older runs without agent steps fall back to frames / 4.
pub fn read_curves(metrics: &Path) -> Result<Curves> {
    let text = std::fs::read_to_string(metrics)
        .with_context(|| format!("cannot read {}", metrics.display()))?;
    let mut curves = Curves::default();
    let n = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            // A run killed mid-write can leave a partial last line: skip it, not the run.
            if i + 1 == n {
                continue;
            }
            bail!("{} line {}: not JSON", metrics.display(), i + 1);
        };
        let step = v["step"]
            .as_f64()
            .or_else(|| v["frames"].as_f64().map(|f| f / 4.0));
        let seconds = v["time_s"].as_f64().unwrap_or(0.0);
        let (list, value) = match v["type"].as_str() {
            Some("episode") => (&mut curves.episodes, v["return"].as_f64()),
            Some("eval") => (&mut curves.evals, v["mean"].as_f64()),
            _ => continue,
        };
        if let (Some(step), Some(ret)) = (step, value) {
            list.push(EpisodePoint { step, seconds, ret });
        }
    }
    Ok(curves)
}

/// The trailing moving average of the returns, over up to `WINDOW` episodes, as
/// (index into `points`, average).
pub fn moving_average(points: &[EpisodePoint]) -> Vec<(usize, f64)> {
    let mut sum = 0.0;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            sum += p.ret;
            if i >= WINDOW {
                sum -= points[i - WINDOW].ret;
            }
            (i, sum / (i + 1).min(WINDOW) as f64)
        })
        .collect()
}

/// Writes `reward_curve.png` and `reward_curve.svg` into the run folder: training returns
/// and evaluations against agent steps (left) and wall-clock minutes (right).
pub fn plot(run: &Path, title: &str) -> Result<(PathBuf, PathBuf)> {
    let curves = read_curves(&run.join("metrics.jsonl"))?;
    if curves.episodes.is_empty() {
        bail!(
            "{} has no finished episode yet: nothing to plot",
            run.display()
        );
    }
    register_font();
    let png = run.join("reward_curve.png");
    let svg = run.join("reward_curve.svg");
    {
        let root = BitMapBackend::new(&png, (1280, 540)).into_drawing_area();
        draw(&root, &curves, title)?;
        root.present().context("writing the PNG")?;
    }
    {
        let root = SVGBackend::new(&svg, (1280, 540)).into_drawing_area();
        draw(&root, &curves, title)?;
        root.present().context("writing the SVG")?;
    }
    Ok((png, svg))
}

/// plotters draws text with a font it is given: embed DejaVu Sans rather than depend on the
/// fonts of the machine (a fresh server has none).
pub(crate) fn register_font() {
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
    curves: &Curves,
    title: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(title, ("sans-serif", 24))
        .map_err(|e| err(&e))?;
    let (left, right) = root.split_horizontally(root.dim_in_pixel().0 / 2);
    let by_steps = |p: &EpisodePoint| p.step / 1e6;
    let by_minutes = |p: &EpisodePoint| p.seconds / 60.0;
    panel(&left, curves, "agent steps (millions)", &by_steps)?;
    panel(&right, curves, "wall-clock minutes", &by_minutes)?;
    Ok(())
}

/// A panel's axes: x from 0 to `x_max` (plus a margin), y over `lo..hi` padded by 5% (at least
/// one point), with the mesh and the axis descriptions drawn.
pub(crate) fn axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x_max: f64,
    (lo, hi): (f64, f64),
    x_desc: &str,
    y_desc: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>>
where
    DB::ErrorType: 'static,
{
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let pad = ((hi - lo) * 0.05).max(1.0);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max * 1.02, (lo - pad)..(hi + pad))
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(|e| err(&e))?;
    Ok(chart)
}

/// One panel: episode returns, their moving average and the evaluations against `x`.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curves: &Curves,
    x_desc: &str,
    x: &dyn Fn(&EpisodePoint) -> f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let all = || curves.episodes.iter().chain(&curves.evals);
    let x_max = all().map(x).fold(0.0, f64::max).max(1e-3);
    let (lo, hi) = all().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.ret), hi.max(p.ret))
    });
    let mut chart = axes(area, x_max, (lo, hi), x_desc, "score per game")?;
    let light = RGBColor(150, 180, 230);
    chart
        .draw_series(
            curves
                .episodes
                .iter()
                .map(|p| Circle::new((x(p), p.ret), 2, light.filled())),
        )
        .map_err(|e| err(&e))?
        .label("training game (exploring)")
        .legend(move |(x, y)| Circle::new((x + 10, y), 3, light.filled()));
    let avg = moving_average(&curves.episodes);
    chart
        .draw_series(LineSeries::new(
            avg.iter().map(|&(i, r)| (x(&curves.episodes[i]), r)),
            BLUE.stroke_width(2),
        ))
        .map_err(|e| err(&e))?
        .label(format!("mean of last {WINDOW} training games"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    if !curves.evals.is_empty() {
        let red = RGBColor(210, 40, 40);
        chart
            .draw_series(LineSeries::new(
                curves.evals.iter().map(|p| (x(p), p.ret)),
                red.stroke_width(2),
            ))
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                curves
                    .evals
                    .iter()
                    .map(|p| TriangleMarker::new((x(p), p.ret), 6, red.filled())),
            )
            .map_err(|e| err(&e))?
            .label("evaluation (greedy, mean of whole games)")
            .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 6, red.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_over_the_window() {
        let pts: Vec<EpisodePoint> = (0..30)
            .map(|i| EpisodePoint {
                step: i as f64,
                seconds: i as f64,
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
                "{{\"type\":\"episode\",\"step\":{},\"time_s\":{},\"return\":{}}}\n",
                i * 1000,
                i * 6,
                -21 + i / 3
            );
            if i % 10 == 9 {
                lines += &format!(
                    "{{\"type\":\"eval\",\"step\":{},\"time_s\":{},\"mean\":{}}}\n",
                    i * 1000,
                    i * 6 + 3,
                    -20 + i / 2
                );
            }
        }
        lines += "{\"type\":\"episode\",\"fra"; // a partial last line from a crash
        std::fs::write(dir.join("metrics.jsonl"), lines).unwrap();
        let curves = read_curves(&dir.join("metrics.jsonl")).unwrap();
        assert_eq!((curves.episodes.len(), curves.evals.len()), (50, 5));
        assert_eq!(curves.evals[4].ret, 4.0);
        assert_eq!(curves.evals[4].seconds, 297.0);
        let (png, svg) = plot(&dir, "test").unwrap();
        let png_bytes = std::fs::read(png).unwrap();
        assert_eq!(&png_bytes[1..4], b"PNG");
        let svg = std::fs::read_to_string(svg).unwrap();
        for text in ["agent steps", "wall-clock minutes", "evaluation (greedy"] {
            assert!(svg.contains(text), "{text} missing from the SVG");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
