//! `qarcade plot --compare RUN RUN ...`: the greedy evaluations of several runs on one figure
//! (PNG and SVG), against agent steps and against wall-clock minutes, for recipe and study
//! comparisons. Each run's legend entry names its folder and the config values in which it
//! differs from the others, read from the runs' `config.json`, so the figure says what was
//! varied without a hand-written legend.

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use qarcade_core::dqn::Config;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::plot::{axes, read_curves, register_font, EpisodePoint};

/// One run on the figure: its legend and its evaluations.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub evals: Vec<EpisodePoint>,
}

/// Colours told apart in print and by most colour-blind readers (Okabe-Ito), cycled.
const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// A config's leaves as `dotted.key -> JSON text`.
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let key = match prefix {
                    "" => k.clone(),
                    _ => format!("{prefix}.{k}"),
                };
                flatten(&key, v, out);
            }
        }
        Value::Number(n) if n.is_f64() => {
            // Config floats are f32, written out widened (0.9 as 0.8999999761581421): name
            // them as the f32 they are.
            let f = n.as_f64().unwrap_or(f64::NAN);
            let short = f as f32;
            let text = if f64::from(short) == f {
                format!("{short:?}")
            } else {
                n.to_string()
            };
            out.insert(prefix.to_string(), text);
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Config fields that say how long a run could go, not how it learns: runs compared here each
/// stop at their own eval rule or budget, so these are left out of the legend.
const NOT_RECIPE: [&str; 1] = ["total_steps"];

/// For each config, `key=value` of the leaves in which the configs do not all agree (a key
/// missing from a config reads as `null`), in key order.
pub fn differences(configs: &[Value]) -> Vec<Vec<String>> {
    let flat: Vec<BTreeMap<String, String>> = configs
        .iter()
        .map(|c| {
            let mut m = BTreeMap::new();
            flatten("", c, &mut m);
            m
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = flat.iter().flat_map(|m| m.keys()).collect();
    let value = |m: &BTreeMap<String, String>, k: &str| {
        m.get(k).cloned().unwrap_or_else(|| "null".to_string())
    };
    let varying: Vec<&String> = keys
        .into_iter()
        .filter(|k| !NOT_RECIPE.contains(&k.as_str()))
        .filter(|k| flat.iter().any(|m| value(m, k) != value(&flat[0], k)))
        .collect();
    flat.iter()
        .map(|m| {
            varying
                .iter()
                .map(|k| format!("{k}={}", value(m, k).trim_matches('"')))
                .collect()
        })
        .collect()
}

/// The runs' lines: evaluations from `metrics.jsonl`, labels from `config.json`.
pub fn read_lines(runs: &[PathBuf]) -> Result<Vec<Line>> {
    let mut configs = Vec::new();
    let mut evals = Vec::new();
    for run in runs {
        let path = run.join("config.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {} (is it a run folder?)", path.display()))?;
        let config: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        // Through the typed config where it reads as one, so that a field an older run
        // lacks shows its default (what that run trained with), not "null".
        let config = serde_json::from_value::<Config>(config.clone())
            .ok()
            .and_then(|c| serde_json::to_value(c).ok())
            .unwrap_or(config);
        configs.push(config);
        let curves = read_curves(&run.join("metrics.jsonl"))?;
        if curves.evals.is_empty() {
            bail!(
                "{} has no evaluation yet: nothing to compare",
                run.display()
            );
        }
        evals.push(curves.evals);
    }
    let diffs = differences(&configs);
    Ok(runs
        .iter()
        .zip(diffs)
        .zip(evals)
        .map(|((run, diff), evals)| {
            let name = run
                .file_name()
                .map_or_else(|| run.display().to_string(), |n| n.to_string_lossy().into());
            let label = match diff.is_empty() {
                true => name,
                false => format!("{name}: {}", diff.join(", ")),
            };
            Line { label, evals }
        })
        .collect())
}

/// Writes `compare.png` and `compare.svg` into `out` for `runs` (at least two).
pub fn compare(runs: &[PathBuf], out: &Path, title: &str) -> Result<(PathBuf, PathBuf)> {
    if runs.len() < 2 {
        bail!("--compare needs at least two run folders");
    }
    let lines = read_lines(runs)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    register_font();
    let png = out.join("compare.png");
    let svg = out.join("compare.svg");
    // The legend grows with the runs; the figure grows with it.
    let height = 540 + 22 * lines.len() as u32;
    {
        let root = BitMapBackend::new(&png, (1280, height)).into_drawing_area();
        draw(&root, &lines, title)?;
        root.present().context("writing the PNG")?;
    }
    {
        let root = SVGBackend::new(&svg, (1280, height)).into_drawing_area();
        draw(&root, &lines, title)?;
        root.present().context("writing the SVG")?;
    }
    Ok((png, svg))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[Line],
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
    let legend_height = 22 * lines.len() as u32 + 16;
    let (plots, legend) = root.split_vertically(root.dim_in_pixel().1 - legend_height);
    let (left, right) = plots.split_horizontally(plots.dim_in_pixel().0 / 2);
    panel(&left, lines, "agent steps (millions)", &|p| p.step / 1e6)?;
    panel(&right, lines, "wall-clock minutes", &|p| p.seconds / 60.0)?;
    // One legend under both panels: labels can be long.
    for (i, line) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let y = 8 + 22 * i as i32;
        legend
            .draw(&PathElement::new(
                vec![(40, y + 8), (70, y + 8)],
                colour.stroke_width(3),
            ))
            .map_err(|e| err(&e))?;
        legend
            .draw(&Text::new(
                line.label.clone(),
                (80, y),
                ("sans-serif", 15).into_font(),
            ))
            .map_err(|e| err(&e))?;
    }
    Ok(())
}

/// One panel: every run's evaluation means against `x`, with a dashed line at +18 (the
/// "solved" mark the recipe tables count to).
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
    x_desc: &str,
    x: &dyn Fn(&EpisodePoint) -> f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let all = || lines.iter().flat_map(|l| &l.evals);
    let x_max = all().map(x).fold(0.0, f64::max).max(1e-3);
    let (lo, hi) = all().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.ret), hi.max(p.ret))
    });
    let range = (lo.min(18.0), hi.max(18.0));
    let y_desc = "greedy evaluation (mean score)";
    let mut chart = axes(area, x_max, range, x_desc, y_desc)?;
    let grey = RGBColor(120, 120, 120);
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 18.0), (x_max * 1.02, 18.0)],
            6,
            4,
            grey.stroke_width(1),
        ))
        .map_err(|e| err(&e))?;
    for (i, line) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                line.evals.iter().map(|p| (x(p), p.ret)),
                colour.stroke_width(2),
            ))
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                line.evals
                    .iter()
                    .map(|p| Circle::new((x(p), p.ret), 3, colour.filled())),
            )
            .map_err(|e| err(&e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legends_name_only_what_differs() {
        let configs = [
            json!({"seed": 1, "gamma": 0.99, "reward": {"clip_sign": true, "paddle_return": 0.0}}),
            json!({"seed": 1, "gamma": 0.9, "reward": {"clip_sign": true, "paddle_return": 0.0}}),
            json!({"seed": 2, "gamma": 0.99, "reward": {"clip_sign": true, "paddle_return": 0.5}}),
        ];
        let d = differences(&configs);
        assert_eq!(d[0], ["gamma=0.99", "reward.paddle_return=0.0", "seed=1"]);
        assert_eq!(d[1], ["gamma=0.9", "reward.paddle_return=0.0", "seed=1"]);
        assert_eq!(d[2], ["gamma=0.99", "reward.paddle_return=0.5", "seed=2"]);
        // f32 fields widened to f64 in config.json read as the f32; the run's budget is not
        // a recipe difference.
        let d = differences(&[
            json!({"gamma": 0.9900000095367432, "total_steps": 2_500_000}),
            json!({"gamma": 0.8999999761581421, "total_steps": 1_200_000}),
        ]);
        assert_eq!(d, [vec!["gamma=0.99"], vec!["gamma=0.9"]]);
        // A field an older run's config lacks reads as null.
        let d = differences(&[json!({"a": 1}), json!({"a": 1, "b": "x"})]);
        assert_eq!(d, [vec!["b=null"], vec!["b=x"]]);
    }

    fn write_run(dir: &Path, gamma: f64, evals: &[(u64, f64, f64)]) {
        std::fs::create_dir_all(dir).unwrap();
        let config = json!({"seed": 1, "gamma": gamma, "preset": "fast"});
        std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
        let mut lines =
            String::from("{\"type\":\"episode\",\"step\":10,\"time_s\":1,\"return\":-21}\n");
        for &(step, minutes, mean) in evals {
            lines += &format!(
                "{{\"type\":\"eval\",\"step\":{step},\"time_s\":{},\"mean\":{mean}}}\n",
                minutes * 60.0
            );
        }
        std::fs::write(dir.join("metrics.jsonl"), lines).unwrap();
    }

    #[test]
    fn draws_every_run_with_its_difference_in_the_legend() {
        let root = std::env::temp_dir().join(format!("qarcade-compare-{}", std::process::id()));
        let (a, b) = (root.join("base"), root.join("g09"));
        write_run(&a, 0.99, &[(100_000, 5.0, -20.0), (200_000, 10.0, 3.0)]);
        write_run(&b, 0.9, &[(100_000, 5.5, -15.0), (200_000, 11.0, 19.0)]);
        let lines = read_lines(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(lines[0].label, "base: gamma=0.99");
        assert_eq!(lines[1].label, "g09: gamma=0.9");
        assert_eq!(lines[1].evals[1].ret, 19.0);
        let (png, svg) = compare(&[a.clone(), b.clone()], &root.join("out"), "t").unwrap();
        assert_eq!(&std::fs::read(png).unwrap()[1..4], b"PNG");
        let svg = std::fs::read_to_string(svg).unwrap();
        for text in [
            "base: gamma=0.99",
            "g09: gamma=0.9",
            "wall-clock minutes",
            "agent steps",
        ] {
            assert!(svg.contains(text), "{text} missing from the SVG");
        }
        // One run is not a comparison; a folder without evaluations is named in the error.
        assert!(compare(std::slice::from_ref(&a), &root, "t").is_err());
        write_run(&root.join("fresh"), 0.99, &[]);
        let e = compare(&[a, root.join("fresh")], &root, "t").unwrap_err();
        assert!(format!("{e:#}").contains("fresh"), "{e:#}");
        std::fs::remove_dir_all(&root).ok();
    }
}
