//! `qarcade attack activations`: does an opponent put the victim's "mind" somewhere it has not
//! been? (Gleave et al., section 5.2.)
//!
//! The victim's last hidden layer is recorded in whole games against each opponent
//! (`core::attack::activations`). A density model of what a *normal* opponent causes is fitted
//! on half of the normal opponents' games: PCA down to a few dimensions (512 activations
//! against a few thousand strongly correlated samples would leave a full covariance
//! degenerate), then a Gaussian mixture with full covariances, both from linfa. Every
//! opponent's activations are then scored by their mean log-likelihood under that model (the
//! normal opponents' on their held-out games). An adversary that wins by confusing the
//! victim scores lowest. The first two principal components are drawn, coloured by opponent.

use crate::attack::{opponent, Setup};
use crate::run_dir::write_atomic;
use anyhow::{bail, Context, Result};
use linfa::traits::{Fit, Predict};
use linfa::DatasetBase;
use linfa_clustering::GaussianMixtureModel;
use linfa_linalg::cholesky::CholeskyInplace;
use linfa_reduction::Pca;
use ndarray::{Array1, Array2, Axis};
use plotters::prelude::*;
use qarcade_core::attack::{activations, NetPlayer};
use std::path::{Path, PathBuf};

/// What `attack activations` is asked to do.
pub struct Request {
    pub victim: PathBuf,
    pub opponents: Vec<String>,
    /// Which of `opponents` are "normal" (the density model is fitted on them).
    pub normal: Vec<String>,
    pub games: usize,
    pub stride: usize,
    pub seed: u64,
    pub threads: usize,
    pub pca_dims: usize,
    pub components: usize,
    pub out: PathBuf,
}

/// One opponent's result.
#[derive(Debug, serde::Serialize)]
pub struct Scored {
    pub opponent: String,
    pub normal: bool,
    /// Activations recorded (all games).
    pub samples: usize,
    /// Activations scored (a normal opponent's held-out games; all of another's).
    pub scored: usize,
    pub mean_log_likelihood: f64,
    /// Games the victim won of those recorded.
    pub victim_wins: usize,
    pub games: usize,
}

pub fn run(req: &Request) -> Result<Vec<Scored>> {
    if req.games < 2 {
        bail!("--games must be at least 2 (half of a normal opponent's games are held out)");
    }
    if req.stride == 0 || req.pca_dims < 2 || req.components == 0 {
        bail!("--stride, --components must be at least 1 and --pca-dims at least 2");
    }
    if req.normal.is_empty() {
        bail!("--normal names no opponent: the density model needs a normal opponent");
    }
    for n in &req.normal {
        if !req.opponents.contains(n) {
            bail!("--normal {n} is not one of --opponents");
        }
    }
    let setup = Setup::load(&req.victim)?;
    let victim = NetPlayer::new(&setup.weights);

    // 1. The victim's activations, per opponent and game.
    let mut recorded = Vec::new();
    for name in &req.opponents {
        let factory = opponent(name)?;
        eprintln!(
            "recording the victim against {name}: {} games, every {} decisions...",
            req.games, req.stride
        );
        let games = setup.games(req.seed, req.games, req.threads, false);
        let games = activations::record(&games, req.stride, &victim, &*factory)?;
        recorded.push((name.clone(), games));
    }

    // 2. Fit on the normal opponents' even games.
    let normal = |name: &str| req.normal.iter().any(|n| n == name);
    let mut fit_rows = Vec::new();
    for (name, games) in &recorded {
        if normal(name) {
            for (_, rows) in games.iter().step_by(2) {
                fit_rows.extend(rows.iter());
            }
        }
    }
    let fit = matrix(&fit_rows);
    if fit.nrows() <= req.pca_dims * 4 {
        bail!(
            "only {} activations to fit on: play more --games or lower --stride",
            fit.nrows()
        );
    }
    let pca = Pca::params(req.pca_dims)
        .fit(&DatasetBase::from(fit.clone()))
        .context("fitting the PCA")?;
    let fit_low = pca.predict(&fit);
    let gmm = GaussianMixtureModel::params(req.components)
        .n_runs(3)
        .reg_covariance(1e-4)
        .fit(&DatasetBase::from(fit_low))
        .context("fitting the Gaussian mixture")?;
    let density = Density::of(&gmm)?;

    // 3. Score the rest: the normal opponents' odd games, every game of the others.
    let mut scored = Vec::new();
    let mut embedded = Vec::new();
    for (name, games) in &recorded {
        let held: Vec<&Vec<f32>> = games
            .iter()
            .enumerate()
            .filter(|(g, _)| !normal(name) || g % 2 == 1)
            .flat_map(|(_, (_, rows))| rows.iter())
            .collect();
        let low = pca.predict(&matrix(&held));
        let ll: Vec<f64> = low
            .rows()
            .into_iter()
            .map(|x| density.log_pdf(&x.to_owned()))
            .collect();
        scored.push(Scored {
            opponent: name.clone(),
            normal: normal(name),
            samples: games.iter().map(|(_, r)| r.len()).sum(),
            scored: ll.len(),
            mean_log_likelihood: ll.iter().sum::<f64>() / ll.len().max(1) as f64,
            victim_wins: games.iter().filter(|(s, _)| s.points[0] == 21).count(),
            games: games.len(),
        });
        embedded.push((name.clone(), low));
    }

    // 4. The report, the JSON and the plot.
    std::fs::create_dir_all(&req.out).with_context(|| format!("creating {}", req.out.display()))?;
    let body = serde_json::json!({
        "victim": req.victim.display().to_string(),
        "seed": req.seed,
        "games_per_opponent": req.games,
        "stride": req.stride,
        "normal": req.normal,
        "fitted_on": fit.nrows(),
        "model": format!("PCA to {} dims (linfa-reduction), then a {}-component full-covariance Gaussian mixture (linfa-clustering, 3 runs, covariance regularisation 1e-4)", req.pca_dims, req.components),
        "opponents": scored,
    });
    write_atomic(
        &req.out.join("activations.json"),
        serde_json::to_string_pretty(&body)?.as_bytes(),
    )?;
    draw(&req.out.join("activations.png"), &embedded)?;
    Ok(scored)
}

/// Rows of activations as a matrix of f64 (linfa's PCA fits f64).
fn matrix(rows: &[&Vec<f32>]) -> Array2<f64> {
    let width = rows.first().map_or(0, |r| r.len());
    let flat: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.iter().map(|&x| x as f64))
        .collect();
    Array2::from_shape_vec((rows.len(), width), flat).expect("rows of one width")
}

/// The fitted mixture's log-density. linfa keeps its own per-sample log-likelihood private, so
/// it is computed here from the public weights, means and precisions.
struct Density {
    log_weights: Vec<f64>,
    means: Array2<f64>,
    precisions: Vec<Array2<f64>>,
    /// `0.5 * ln det(precision) - 0.5 * d * ln(2 pi)` per component.
    log_norms: Vec<f64>,
}

impl Density {
    fn of(gmm: &GaussianMixtureModel<f64>) -> Result<Density> {
        let d = gmm.means().ncols();
        let mut precisions = Vec::new();
        let mut log_norms = Vec::new();
        for p in gmm.precisions().axis_iter(Axis(0)) {
            let p = p.to_owned();
            let mut l = p.clone();
            l.cholesky_inplace_dirty()
                .map_err(|e| anyhow::anyhow!("a mixture component is degenerate: {e}"))?;
            let log_det: f64 = 2.0 * l.diag().iter().map(|x| x.ln()).sum::<f64>();
            log_norms.push(0.5 * log_det - 0.5 * d as f64 * (2.0 * std::f64::consts::PI).ln());
            precisions.push(p);
        }
        Ok(Density {
            log_weights: gmm.weights().iter().map(|w| w.ln()).collect(),
            means: gmm.means().clone(),
            precisions,
            log_norms,
        })
    }

    fn log_pdf(&self, x: &Array1<f64>) -> f64 {
        let terms: Vec<f64> = (0..self.log_weights.len())
            .map(|k| {
                let diff = x - &self.means.row(k);
                let m = diff.dot(&self.precisions[k].dot(&diff));
                self.log_weights[k] + self.log_norms[k] - 0.5 * m
            })
            .collect();
        let top = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
    }
}

/// The first two principal components, one colour per opponent (at most 1,500 points each).
fn draw(path: &Path, embedded: &[(String, Array2<f64>)]) -> Result<()> {
    crate::plot::register_font();
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("drawing {}: {e}", path.display());
    let points: Vec<(usize, Vec<(f64, f64)>)> = embedded
        .iter()
        .enumerate()
        .map(|(i, (_, low))| {
            let step = (low.nrows() / 1500).max(1);
            let pts = low
                .rows()
                .into_iter()
                .step_by(step)
                .map(|r| (r[0], r[1]))
                .collect();
            (i, pts)
        })
        .collect();
    let all = points.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let root = BitMapBackend::new(path, (900, 720)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "The victim's last hidden layer against each opponent (first two principal components)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("PC 1")
        .y_desc("PC 2")
        .draw()
        .map_err(|e| err(&e))?;
    for (i, pts) in &points {
        let colour = Palette99::pick(*i).mix(0.45);
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 2, colour.filled())))
            .map_err(|e| err(&e))?
            .label(embedded[*i].0.as_str())
            .legend(move |(x, y)| Circle::new((x, y), 4, Palette99::pick(*i).filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// The table a person reads.
pub fn table(scored: &[Scored]) -> String {
    let mut s = String::from(
        "opponent              kind     victim won   activations scored   mean log-likelihood\n",
    );
    for r in scored {
        s += &format!(
            "{:<21} {:<8} {:>4}/{:<4}   {:>19}   {:>19.2}\n",
            r.opponent,
            if r.normal { "normal" } else { "other" },
            r.victim_wins,
            r.games,
            r.scored,
            r.mean_log_likelihood
        );
    }
    s
}
