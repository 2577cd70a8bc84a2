//! `qarcade eval RUN`: the agent's score, measured the usual way (Mnih et al. 2015; Machado
//! et al. 2018): whole games (no life-loss episodes), up to 30 random no-ops at the start,
//! greedy or ε-greedy actions, frames capped at 108,000 per game, on seeds the training
//! never used. Reports every game's score, mean ± std, and the win rate.

use crate::backend::{self, Backend};
use crate::rom;
use crate::run_dir::{write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use qarcade_core::ale::{roms, Game};
use qarcade_core::dqn::web_weights::WebWeights;
use qarcade_core::dqn::{checkpoint, Learner, ScoreSummary};
use qarcade_core::env::for_dqn::play_games;
use std::path::{Path, PathBuf};
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

/// What an agent argument names: a run folder's checkpoint, a checkpoint file, or an
/// exported network (`.qnet`, alone or as the one weights file in a folder such as
/// `docs/pong-solved`).
pub enum AgentSource {
    Checkpoint(PathBuf),
    Weights(PathBuf),
}

impl AgentSource {
    pub fn of(run: &Path) -> Result<Self> {
        if !run.is_dir() {
            return Ok(if is_weights_file(run) {
                Self::Weights(run.to_path_buf())
            } else {
                Self::Checkpoint(run.to_path_buf())
            });
        }
        let checkpoint = RunDir::new(run).checkpoint();
        if checkpoint.exists() {
            return Ok(Self::Checkpoint(checkpoint));
        }
        let mut weights = std::fs::read_dir(run)
            .with_context(|| format!("reading {}", run.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_weights_file(p))
            .collect::<Vec<_>>();
        match weights.len() {
            1 => Ok(Self::Weights(weights.remove(0))),
            0 => Ok(Self::Checkpoint(checkpoint)), // loading it says it is missing
            n => bail!(
                "{} has no checkpoint.qck and {n} weights files: name one",
                run.display()
            ),
        }
    }
}

/// Whether `path` is an exported weights file (it starts with the `.qnet` magic).
pub fn is_weights_file(path: &Path) -> bool {
    let mut magic = [0u8; 8];
    path.is_file()
        && std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .is_ok()
        && &magic == b"QARCADEW"
}

/// Loads an agent ([`AgentSource`]): the learner, its game, its config and its training
/// steps. An exported network carries no run config: it is played with the DeepMind
/// preprocessing every preset trains with ([`qarcade_core::dqn::EnvConfig::deepmind`]),
/// as the web page plays it.
pub fn load_agent(
    run: &Path,
    backend: Backend,
) -> Result<(Learner, String, qarcade_core::dqn::Config, u64)> {
    let (device, _) = backend::device(backend)?;
    match AgentSource::of(run)? {
        AgentSource::Checkpoint(path) => {
            let ck = checkpoint::load(&path)?;
            let arch = ck.config.net.describe(ck.n_actions);
            ck.expect(&ck.game.clone(), &arch)?;
            let (game, cfg, step) = (ck.game.clone(), ck.config.clone(), ck.counters.steps);
            Ok((ck.into_learner(&device)?, game, cfg, step))
        }
        AgentSource::Weights(path) => {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let w = WebWeights::decode(&bytes).with_context(|| format!("{}", path.display()))?;
            let actions = roms::by_name(&w.header.game)
                .and_then(Game::of_rom)
                .map(|g| g.spec().minimal_actions.to_vec())
                .with_context(|| {
                    format!(
                        "{}: '{}' is not a supported game",
                        path.display(),
                        w.header.game
                    )
                })?;
            if actions != w.header.action_set {
                bail!(
                    "{}: its actions {:?} are not {}'s {:?}",
                    path.display(),
                    w.header.action_set,
                    w.header.game,
                    actions
                );
            }
            let learner = w
                .learner(&device)
                .with_context(|| format!("{}", path.display()))?;
            let cfg = qarcade_core::dqn::Config {
                net: w.header.net.clone(),
                env: qarcade_core::dqn::EnvConfig::deepmind(),
                ..qarcade_core::dqn::Config::fast()
            };
            Ok((learner, w.header.game, cfg, w.header.trained_steps))
        }
    }
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
    // Beside a training run's checkpoint (not into a folder of shipped weights).
    if run.is_dir() && RunDir::new(run).checkpoint().exists() {
        write_atomic(
            &run.join("eval.json"),
            serde_json::to_string_pretty(&report)?.as_bytes(),
        )?;
    }
    Ok(report)
}
