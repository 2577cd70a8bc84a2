//! `qarcade export RUN --web OUT`: the run's Q-network as the compact file the web page loads
//! (`core::dqn::web_weights`), in half precision when that changes no greedy decision.
//!
//! How "changes no decision" is checked: the agent plays its own game for a few thousand
//! agent steps (ε = 0.1, so it also visits states it would not choose), and every observation
//! goes through the network twice, with the f32 weights and with the f16-rounded ones. If any
//! greedy action differs, the file is written in f32 instead (or, with `--dtype f16`, refused).

use crate::backend::Backend;
use crate::eval::{is_weights_file, load_agent};
use crate::rom;
use crate::run_dir::{progress_at, write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use qarcade_core::ale::{roms, Game};
use qarcade_core::dqn::learner::argmax;
use qarcade_core::dqn::model::frames_to_input;
use qarcade_core::dqn::web_weights::{Dtype, WebWeights, WeightsHeader};
use qarcade_core::dqn::{Device, Learner, QNetwork, Rng};
use qarcade_core::env::{split_seed, AtariEnv};
use std::path::Path;

/// Observations the f16 check compares on.
const CHECK_OBSERVATIONS: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DtypeChoice {
    /// f16 if it changes no greedy action on the check set, else f32.
    Auto,
    F16,
    F32,
}

/// What an export produced.
pub struct Exported {
    pub bytes: Vec<u8>,
    pub dtype: Dtype,
    pub game: String,
    pub checked: usize,
    /// Observations where the f16 network's greedy action differed from the f32 one's.
    pub f16_disagreements: usize,
}

/// Builds the weights file of the run (or checkpoint, or exported `.qnet`) at `run`. The
/// header's training minutes and last eval come from `metrics` when given, else from the
/// metrics beside `run`, else (re-exporting a `.qnet`) from the file's own header.
pub fn export(run: &Path, choice: DtypeChoice, metrics: Option<&Path>) -> Result<Exported> {
    let (learner, game, cfg, steps) = load_agent(run, Backend::Cpu)?;
    let action_set = roms::by_name(&game)
        .and_then(Game::of_rom)
        .map(|g| g.spec().minimal_actions.to_vec())
        .with_context(|| format!("the run's game '{game}' is not a supported game"))?;
    let params = learner.state().online;
    // The run's metrics sit beside its checkpoint (`run` is the folder or the file).
    let folder = if run.is_dir() {
        run
    } else {
        run.parent().unwrap_or(Path::new("."))
    };
    let metrics = match metrics {
        Some(file) if !file.is_file() => bail!("{}: no such metrics file", file.display()),
        Some(file) => file.to_path_buf(),
        None => RunDir::new(folder).metrics(),
    };
    let (mut trained_minutes, mut eval_score) = progress_at(&metrics, steps);
    if is_weights_file(run) {
        let old = WebWeights::decode(&std::fs::read(run)?)?.header;
        trained_minutes = trained_minutes.or(old.trained_minutes);
        eval_score = eval_score.or(old.eval_score);
    }
    let mut weights = WebWeights {
        header: WeightsHeader {
            game: game.clone(),
            architecture: cfg.net.describe(action_set.len()),
            net: cfg.net.clone(),
            action_set,
            dtype: Dtype::F16,
            shapes: params.iter().map(|p| p.shape.clone()).collect(),
            trained_steps: steps,
            trained_minutes,
            eval_score,
        },
        params,
    };
    let mut disagreements = 0;
    let mut checked = 0;
    if choice != DtypeChoice::F32 {
        let observations = play_for_observations(&learner, &game, &cfg, steps)?;
        checked = observations.len() / cfg.net.obs_len();
        disagreements = count_disagreements(&weights, &observations, checked);
        if disagreements > 0 {
            if choice == DtypeChoice::F16 {
                bail!("f16 weights change the greedy action on {disagreements} of {checked} observations; export with --dtype auto or f32");
            }
            weights.header.dtype = Dtype::F32;
        }
    } else {
        weights.header.dtype = Dtype::F32;
    }
    Ok(Exported {
        bytes: weights.encode(),
        dtype: weights.header.dtype,
        game,
        checked,
        f16_disagreements: disagreements,
    })
}

/// Writes the export of `run` to `out` atomically and says what it did.
pub fn export_to(
    run: &Path,
    out: &Path,
    choice: DtypeChoice,
    metrics: Option<&Path>,
) -> Result<String> {
    let e = export(run, choice, metrics)?;
    write_atomic(out, &e.bytes)?;
    let check = if e.checked > 0 {
        format!(
            "; f16 changed the greedy action on {} of {} observations",
            e.f16_disagreements, e.checked
        )
    } else {
        String::new()
    };
    Ok(format!(
        "{}: {} weights for {}, {:.2} MB{check}",
        out.display(),
        match e.dtype {
            Dtype::F16 => "f16",
            Dtype::F32 => "f32",
        },
        e.game,
        e.bytes.len() as f64 / 1e6
    ))
}

/// Observations from the agent's own play (ε = 0.1), `CHECK_OBSERVATIONS` of them, laid out
/// `[n, stack, 84, 84]`.
fn play_for_observations(
    learner: &Learner,
    game: &str,
    cfg: &qarcade_core::dqn::Config,
    steps: u64,
) -> Result<Vec<u8>> {
    let (image, _) = rom::resolve(game, true)?;
    let config =
        qarcade_core::env::for_dqn::DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack)
            .evaluation();
    let seed = split_seed(steps, 0xE4);
    let mut env = AtariEnv::new(&image, &config, seed).context("loading the game")?;
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(CHECK_OBSERVATIONS * cfg.net.obs_len());
    env.reset();
    for _ in 0..CHECK_OBSERVATIONS {
        out.extend_from_slice(env.obs());
        let a = learner.act(env.obs(), 0.1, &mut rng);
        if env.step(a).done() {
            env.reset();
        }
    }
    Ok(out)
}

/// How many of `n` observations get a different greedy action from the f16-rounded weights.
fn count_disagreements(weights: &WebWeights, observations: &[u8], n: usize) -> usize {
    let device = Device::flex();
    let (exact, rounded) = (weights.network(&device), weights.rounded().network(&device));
    let cfg = &weights.header.net;
    let greedy = |net: &QNetwork, obs: &[u8], batch: usize| -> Vec<usize> {
        let q = net.forward(frames_to_input(obs, batch, cfg, &device));
        let values = q.into_data().try_into_vec::<f32>().expect("f32 Q-values");
        values.chunks(values.len() / batch).map(argmax).collect()
    };
    let chunk = 64;
    let mut differ = 0;
    for start in (0..n).step_by(chunk) {
        let batch = chunk.min(n - start);
        let obs = &observations[start * cfg.obs_len()..(start + batch) * cfg.obs_len()];
        let (a, b) = (greedy(&exact, obs, batch), greedy(&rounded, obs, batch));
        differ += a.iter().zip(&b).filter(|(x, y)| x != y).count();
    }
    differ
}
