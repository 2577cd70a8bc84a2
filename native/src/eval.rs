//! `qarcade eval RUN`: the agent's score, measured the usual way (Mnih et al. 2015; Machado
//! et al. 2018): whole games (no life-loss episodes), up to 30 random no-ops at the start,
//! greedy or ε-greedy actions, frames capped at 108,000 per game, on seeds the training
//! never used. Reports every game's score, mean ± std, and the win rate.

use crate::backend::{self, Backend};
use crate::rom;
use crate::run_dir::{write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use qarcade_core::dqn::{checkpoint, Learner, Rng};
use qarcade_core::env::{split_seed, AtariEnv, VecEnv};
use std::path::Path;

/// Games played at once (batched into one forward pass).
const PARALLEL: usize = 8;

/// What `eval` measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EvalReport {
    pub game: String,
    pub episodes: usize,
    pub epsilon: f64,
    pub step: u64,
    pub scores: Vec<i64>,
    pub mean: f64,
    pub std: f64,
    pub min: i64,
    pub max: i64,
    /// Fraction of games with a positive score (in Pong: games won).
    pub win_rate: f64,
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
    let config = qarcade_core::env::for_dqn::DqnAtariEnv::atari_config(&cfg.env).evaluation();
    let config = qarcade_core::env::AtariConfig {
        max_episode_frames: 108_000,
        ..config
    };
    // Evaluation seeds are a stream of their own, apart from any training seed.
    let n = PARALLEL.min(episodes);
    let envs = (0..n)
        .map(|i| AtariEnv::new(&image, &config, split_seed(seed ^ 0xE7A1_0000, i as u64)))
        .collect::<Result<Vec<_>, _>>()
        .context("loading the game")?;
    let mut vec = VecEnv::from_envs(envs);
    vec.reset();
    // Each env plays a fixed share of the games, so short games are not over-counted.
    let mut quota: Vec<usize> = (0..n)
        .map(|i| episodes / n + usize::from(i < episodes % n))
        .collect();
    let mut scores = Vec::with_capacity(episodes);
    let mut rng = Rng::new(split_seed(seed, 0xE9));
    let obs_len = cfg.net.obs_len();
    let mut obs = vec![0u8; n * obs_len];
    while quota.iter().any(|&q| q > 0) {
        vec.write_obs(&mut obs);
        let actions = learner.act_batch(&obs, n, epsilon, &mut rng);
        for (i, t) in vec.step(&actions).iter().enumerate() {
            if let Some(info) = t.episode {
                if quota[i] > 0 {
                    quota[i] -= 1;
                    scores.push(info.score);
                    eprintln!("game {}: score {}", scores.len(), info.score);
                }
            }
        }
    }
    let mean = scores.iter().sum::<i64>() as f64 / scores.len() as f64;
    let var = scores
        .iter()
        .map(|&s| (s as f64 - mean).powi(2))
        .sum::<f64>()
        / scores.len() as f64;
    let report = EvalReport {
        game,
        episodes,
        epsilon,
        step,
        mean,
        std: var.sqrt(),
        min: *scores.iter().min().unwrap_or(&0),
        max: *scores.iter().max().unwrap_or(&0),
        win_rate: scores.iter().filter(|&&s| s > 0).count() as f64 / scores.len() as f64,
        scores,
    };
    if run.is_dir() {
        write_atomic(
            &run.join("eval.json"),
            serde_json::to_string_pretty(&report)?.as_bytes(),
        )?;
    }
    Ok(report)
}
