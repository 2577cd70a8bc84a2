//! `qarcade eval RUN`: the agent's score, measured the usual way (Mnih et al. 2015; Machado
//! et al. 2018): whole games (no life-loss episodes), up to 30 random no-ops at the start,
//! greedy or ε-greedy actions, frames capped at 108,000 per game, on seeds the training
//! never used. Reports every game's score, mean ± std, and the win rate.

use crate::backend::{self, Backend};
use crate::rom;
use crate::run_dir::{write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use qarcade_core::dqn::{checkpoint, Learner, ScoreSummary};
use qarcade_core::env::for_dqn::play_games;
use std::path::Path;
use std::sync::Arc;

/// Games played at once (batched into one forward pass).
const PARALLEL: usize = 16;

/// What `eval` measured: the agent, the protocol, and the scores (flattened into the JSON,
/// so `eval.json` reads `{"game": .., "mean": .., "scores": [..], ..}`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct EvalReport {
    pub game: String,
    pub episodes: usize,
    pub epsilon: f64,
    pub step: u64,
    #[serde(flatten)]
    pub summary: ScoreSummary,
}

/// The checkpoint of a run folder, or a checkpoint file itself.
pub fn checkpoint_path(run: &Path) -> std::path::PathBuf {
    if run.is_dir() {
        RunDir::new(run).checkpoint()
    } else {
        run.to_path_buf()
    }
}

/// Loads a run's agent: the learner, its game and its preprocessing settings.
pub fn load_agent(
    run: &Path,
    backend: Backend,
) -> Result<(Learner, String, qarcade_core::dqn::Config, u64)> {
    let path = checkpoint_path(run);
    let ck = checkpoint::load(&path)?;
    let arch = ck.config.net.describe(ck.n_actions);
    ck.expect(&ck.game.clone(), &arch)?;
    let (game, cfg, step) = (ck.game.clone(), ck.config.clone(), ck.counters.steps);
    let (device, _) = backend::device(backend)?;
    Ok((ck.into_learner(&device)?, game, cfg, step))
}

pub fn eval(
    run: &Path,
    episodes: usize,
    epsilon: f64,
    seed: u64,
    backend: Backend,
) -> Result<EvalReport> {
    if episodes == 0 {
        bail!("--episodes must be at least 1");
    }
    if !(0.0..=1.0).contains(&epsilon) {
        bail!("--epsilon must be in [0, 1] (got {epsilon})");
    }
    let (learner, game, cfg, step) = load_agent(run, backend)?;
    let (image, _) = rom::resolve(&game, true)?;
    eprintln!("playing {episodes} games of {game} at step {step}, {PARALLEL} at a time...");
    // Evaluation seeds are a stream of their own, apart from any training seed.
    let summary = play_games(
        &learner,
        &Arc::new(image),
        &cfg.env,
        seed ^ 0xE7A1_0000,
        episodes,
        epsilon,
        PARALLEL,
    )
    .context("loading the game")?;
    let report = EvalReport {
        game,
        episodes,
        epsilon,
        step,
        summary,
    };
    if run.is_dir() {
        write_atomic(
            &run.join("eval.json"),
            serde_json::to_string_pretty(&report)?.as_bytes(),
        )?;
    }
    Ok(report)
}
