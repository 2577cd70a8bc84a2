//! `qarcade train`: DQN on an Atari game from pixels, read top to bottom like CleanRL's
//! `dqn_atari.py`: set up (or resume) the run, then one loop of vector steps (all envs at
//! once) with progress, metrics, evaluations, checkpoints, a stop rule and a NaN guard.
//!
//! Runs are reproducible: the seed fixes everything (network init, exploration, replay
//! sampling, each game's no-op starts, the evaluation games). A checkpoint holds each env's
//! running game (as its inputs since power-on), so a run resumed with `--save-replay`
//! continues the very same curve.

use crate::backend::{self, Backend};
use crate::rom;
use crate::run_dir::{metrics_csv, metrics_up_to, write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use qarcade_core::ale::Game;
use qarcade_core::dqn::model::NET_PRESETS;
use qarcade_core::dqn::{checkpoint, Config, Env, Learner, NetConfig, ScoreSummary, Trainer};
use qarcade_core::env::for_dqn::{play_games, DqnAtariEnv};
use qarcade_core::env::{split_seed, EpisodeInfo};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What `qarcade train` was asked to do (its command-line arguments).
#[derive(clap::Args)]
pub struct TrainArgs {
    /// Hyperparameter preset: fast (best on a CPU), nature (Mnih et al. 2015), seed (the
    /// PyTorch notebook this project reproduces).
    #[arg(long, default_value = "fast")]
    pub preset: String,
    #[arg(long, default_value = "pong")]
    pub game: String,
    /// Emulator frames to train for (the preset's budget if not given).
    #[arg(long, allow_negative_numbers = true)]
    pub frames: Option<i64>,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The run folder (default runs/GAME-PRESET-seedS).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue the run in --out from its checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Put the replay buffer in checkpoints (large), so a resumed run is bit-identical.
    #[arg(long)]
    pub save_replay: bool,
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: Backend,
    /// Emulator frames between checkpoints.
    #[arg(long, default_value_t = 400_000)]
    pub checkpoint_every: u64,
    /// Stop once an evaluation's mean score reaches this (the preset's eval.target_score
    /// otherwise; Pong's default preset stops at +20).
    #[arg(long, allow_negative_numbers = true)]
    pub target_score: Option<f64>,
    /// Override a hyperparameter of the preset: KEY=VALUE (JSON value), e.g.
    /// `--set learning_starts=5000 --set adam.lr=3e-4`. Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// What a run trains on: its envs, how a finished game reads, and how an evaluation plays.
/// `qarcade train` trains on an Atari game ([`AtariTask`]); `qarcade attack train` trains an
/// adversary in two-player Pong against a frozen victim (`crate::attack::AttackTask`). The
/// loop in [`run_training`] is the same for both.
pub trait Task {
    type Env: Env;
    /// The game's name, as checkpoints record it.
    fn game(&self) -> &'static str;
    /// The run's `cfg.num_envs` training envs, env `i` seeded from (`cfg.seed`, 1000 + i).
    fn envs(&self, cfg: &Config) -> Result<Vec<Self::Env>>;
    /// The score, length (agent steps) and ball returns of a game that ended on the last
    /// step, once.
    fn take_finished(env: &mut Self::Env) -> Option<EpisodeInfo>;
    /// `cfg.eval.games` whole games with `learner`, on seed `seed`.
    fn evaluate(&self, learner: &Learner, cfg: &Config, seed: u64) -> Result<ScoreSummary>;
}

/// An Atari game behind the DeepMind preprocessing.
pub struct AtariTask {
    pub image: Arc<Vec<u8>>,
    pub game: &'static str,
}

impl Task for AtariTask {
    type Env = DqnAtariEnv;

    fn game(&self) -> &'static str {
        self.game
    }

    fn envs(&self, cfg: &Config) -> Result<Vec<DqnAtariEnv>> {
        let atari = DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack);
        (0..cfg.num_envs)
            .map(|i| {
                DqnAtariEnv::new(
                    self.image.clone(),
                    atari.clone(),
                    split_seed(cfg.seed, 1000 + i as u64),
                )
                .context("loading the game")
            })
            .collect()
    }

    fn take_finished(env: &mut DqnAtariEnv) -> Option<EpisodeInfo> {
        env.take_finished_game()
    }

    fn evaluate(&self, learner: &Learner, cfg: &Config, seed: u64) -> Result<ScoreSummary> {
        let games = cfg.eval.games;
        play_games(
            learner,
            &self.image,
            &cfg.env,
            seed,
            games,
            cfg.eval.epsilon,
            games,
        )
        .context("loading the game")
    }
}

pub fn train(args: TrainArgs) -> Result<()> {
    let (image, info) = rom::resolve(&args.game, true)?;
    let info = info.context("training needs a supported game (not an unknown ROM)")?;
    let game = Game::of_rom(info).context("not a supported game")?;
    let game_name = game.spec().name;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!("{game_name}-{}-seed{}", args.preset, args.seed))
    });
    if out.join(crate::attack::ATTACK_FILE).exists() {
        bail!(
            "{} is an attack run: continue it with `qarcade attack train --resume`",
            out.display()
        );
    }
    let task = AtariTask {
        image: Arc::new(image),
        game: game_name,
    };
    run_training(&args, &task, out)
}

/// The training loop, for any [`Task`], into the run folder `out`.
pub fn run_training<T: Task>(args: &TrainArgs, task: &T, out: PathBuf) -> Result<()> {
    qarcade_core::dqn::bench::tune_allocator();
    // --- Set up: the config, the run folder, the trainer (new or resumed).
    let game_name = task.game();
    let (device, device_name) = backend::device(args.backend)?;
    let run = RunDir::new(&out);
    let envs_for = |cfg: &Config| task.envs(cfg);

    let mut trainer = if args.resume {
        let ck = checkpoint::load(&run.checkpoint())
            .with_context(|| format!("cannot resume {}", out.display()))?;
        let arch = ck.config.net.describe(ck.n_actions);
        ck.expect(game_name, &arch)?;
        let saved_step = ck.counters.steps;
        let envs = envs_for(&ck.config)?;
        let mut t = ck.into_trainer(&device, envs)?;
        if let Some(frames) = args.frames {
            t.cfg.total_steps = steps_for(frames, &t.cfg)?;
        }
        if let Some(target) = args.target_score {
            t.cfg.eval.target_score = Some(target);
        }
        // The curve continues from the checkpoint: drop lines logged after it.
        let old = std::fs::read_to_string(run.metrics()).unwrap_or_default();
        write_atomic(&run.metrics(), metrics_up_to(&old, saved_step).as_bytes())?;
        eprintln!("resuming {} at agent step {saved_step}", out.display());
        t
    } else {
        let mut cfg = with_overrides(Config::preset(&args.preset)?, &args.set)?;
        cfg.seed = args.seed;
        if let Some(frames) = args.frames {
            cfg.total_steps = steps_for(frames, &cfg)?;
        }
        if let Some(target) = args.target_score {
            cfg.eval.target_score = Some(target);
        }
        cfg.validate().map_err(|e| anyhow::anyhow!("config: {e}"))?;
        if run.checkpoint().exists() {
            bail!(
                "{} already holds a run: pass --resume to continue it, or choose another --out",
                out.display()
            );
        }
        // The envs first: a game that refuses the config (a mode it lacks) leaves no folder.
        let envs = envs_for(&cfg)?;
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        write_atomic(
            &run.config(),
            serde_json::to_string_pretty(&cfg)?.as_bytes(),
        )?;
        write_atomic(&run.metrics(), b"")?;
        Trainer::new(cfg, envs, &device)
    };
    let cfg = trainer.cfg.clone();
    let frame_skip = cfg.env.frame_skip as u64;
    eprintln!(
        "training {game_name} with preset {} on {device_name}: {} envs, up to {} agent steps ({} frames){}, run folder {}",
        cfg.preset,
        cfg.num_envs,
        cfg.total_steps,
        cfg.total_steps * frame_skip,
        cfg.eval
            .target_score
            .map_or(String::new(), |t| format!(", stopping at an eval of {t}")),
        out.display()
    );

    // --- The loop: one vector step (num_envs agent steps) at a time.
    let bar = progress_bar(cfg.total_steps, trainer.counters.steps);
    let mut metrics = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(run.metrics())?;
    let started = Instant::now();
    let time_offset = last_time(&run);
    let clock = || time_offset + started.elapsed().as_secs_f64();
    let mut recent: Vec<f64> = Vec::new();
    let mut last_checkpoint = trainer.counters.steps;
    let mut games = trainer.counters.episodes;
    let mut rate = Rate::new(trainer.counters.steps, trainer.learner.updates());
    let mut last_eval: Option<(u64, f64)> = last_eval(&run);
    let mut solved = false;
    let mut message =
        |trainer: &Trainer<T::Env>, recent: &[f64], eval: Option<(u64, f64)>, eps: f64| {
            let window = &recent[recent.len().saturating_sub(20)..];
            let avg = if window.is_empty() {
                "-".into()
            } else {
                format!("{:.1}", window.iter().sum::<f64>() / window.len() as f64)
            };
            let (sps, ups) = rate.per_second(trainer.counters.steps, trainer.learner.updates());
            format!(
                "eval {} | train mean {avg} | eps {eps:.3} | {sps:.0} steps/s {ups:.1} updates/s",
                eval.map_or("-".into(), |(step, score)| format!(
                    "{score:+.1} @{}k",
                    step / 1000
                )),
            )
        };
    while trainer.counters.steps < cfg.total_steps && !solved {
        let before = trainer.counters.steps;
        let report = trainer.step();
        let step = trainer.counters.steps;
        for u in &report.updates {
            if !u.loss.is_finite() {
                bar.abandon();
                bail!(
                    "the loss became {} at agent step {step}: stopped; the last good checkpoint ({}, step {last_checkpoint}) is kept",
                    u.loss,
                    run.checkpoint().display()
                );
            }
        }
        let finished: Vec<_> = trainer
            .envs_mut()
            .iter_mut()
            .enumerate()
            .filter_map(|(i, env)| T::take_finished(env).map(|g| (i, g)))
            .collect();
        for (i, game) in finished {
            let (score, length) = (game.score, game.length);
            games += 1;
            // The updates since the last game ended.
            let means = trainer.take_update_means();
            let (loss, q) = (means.map(|m| m.0), means.map(|m| m.1));
            let line = serde_json::json!({
                "type": "episode", "game": games, "env": i, "step": step,
                "frames": step * frame_skip, "return": score, "length": length,
                "ball_returns": game.returns,
                "epsilon": report.epsilon, "loss": loss, "mean_q": q, "time_s": clock(),
            });
            writeln!(metrics, "{line}")?;
            recent.push(score as f64);
        }
        metrics.flush()?;

        // Evaluation every `eval.every_steps` agent steps, and at the end of the budget.
        let every = cfg.eval.every_steps;
        let end = step >= cfg.total_steps;
        if every > 0 && (step / every > before / every || end) {
            bar.set_message(format!(
                "evaluating {} games at step {step}...",
                cfg.eval.games
            ));
            let (e, seconds) = evaluate_now(task, &trainer, step)?;
            let line = serde_json::json!({
                "type": "eval", "step": step, "frames": step * frame_skip,
                "mean": e.mean, "std": e.std, "min": e.min, "max": e.max,
                "scores": e.scores, "updates": trainer.learner.updates(),
                "win_rate": e.win_rate, "epsilon": cfg.eval.epsilon, "seconds": seconds,
                "ball_returns": e.ball_returns,
                "time_s": clock(),
            });
            writeln!(metrics, "{line}")?;
            metrics.flush()?;
            bar.println(format!(
                "eval at step {step} ({:.1} min): mean {:+.2} over {} games (min {}, max {}), {:.0} s",
                clock() / 60.0,
                e.mean,
                e.scores.len(),
                e.min,
                e.max,
                seconds
            ));
            last_eval = Some((step, e.mean));
            if cfg.eval.target_score.is_some_and(|t| e.mean >= t) {
                solved = true;
            }
        }
        if step - last_checkpoint >= args.checkpoint_every / frame_skip {
            save(&run, &trainer, game_name, args.save_replay)?;
            last_checkpoint = step;
        }
        if step / 1000 > before / 1000 || solved {
            let msg = message(&trainer, &recent, last_eval, report.epsilon);
            if bar.is_hidden() && step / 20_000 > before / 20_000 {
                eprintln!("step {step} game {games}: {msg}");
            }
            bar.set_message(msg);
            bar.set_position(step.min(cfg.total_steps));
        }
    }
    save(&run, &trainer, game_name, args.save_replay)?;
    bar.finish();
    eprintln!(
        "done: {} agent steps, {games} games, {} updates, in {:.1} min{}; run folder {}",
        trainer.counters.steps,
        trainer.learner.updates(),
        clock() / 60.0,
        if solved {
            format!(
                " (solved: eval {:+.2} >= {})",
                last_eval.map_or(0.0, |e| e.1),
                cfg.eval.target_score.unwrap_or(0.0)
            )
        } else {
            String::new()
        },
        out.display()
    );
    Ok(())
}

/// Plays `cfg.eval.games` whole games, all at once, on seeds of their own (a function of the
/// run's seed and the step, never used for training); returns the scores and the seconds taken.
fn evaluate_now<T: Task>(
    task: &T,
    trainer: &Trainer<T::Env>,
    step: u64,
) -> Result<(ScoreSummary, f64)> {
    let t0 = Instant::now();
    let cfg = &trainer.cfg;
    let eval_seed = split_seed(cfg.seed ^ 0xE7A1, step);
    let summary = task.evaluate(&trainer.learner, cfg, eval_seed)?;
    Ok((summary, t0.elapsed().as_secs_f64()))
}

/// Applies `key=value` overrides to a config through its JSON form, so every field can be
/// set without a flag of its own; an unknown key or a value of the wrong type is an error.
pub fn with_overrides(cfg: Config, sets: &[String]) -> Result<Config> {
    let mut json = serde_json::to_value(&cfg)?;
    for set in sets {
        let (key, value) = set
            .split_once('=')
            .with_context(|| format!("--set {set:?}: expected KEY=VALUE"))?;
        let value: serde_json::Value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        // A network preset by name: `--set net=dqn2013`.
        if key == "net" {
            if let Some(name) = value.as_str() {
                let net = NetConfig::preset(name).with_context(|| {
                    format!(
                        "--set net={name}: no such network (one of {})",
                        NET_PRESETS.join(", ")
                    )
                })?;
                json["net"] = serde_json::to_value(net)?;
                continue;
            }
        }
        let mut slot = &mut json;
        for part in key.split('.') {
            slot = slot
                .get_mut(part)
                .with_context(|| format!("--set {set:?}: the config has no field {key:?}"))?;
        }
        *slot = value;
    }
    let cfg: Config = serde_json::from_value(json).map_err(|e| anyhow::anyhow!("--set: {e}"))?;
    cfg.validate().map_err(|e| anyhow::anyhow!("--set: {e}"))?;
    Ok(cfg)
}

/// Agent steps for `frames` emulator frames.
fn steps_for(frames: i64, cfg: &Config) -> Result<u64> {
    if frames <= 0 {
        bail!("--frames must be positive (got {frames})");
    }
    Ok((frames as u64).div_ceil(cfg.env.frame_skip as u64))
}

/// Checkpoint, then the CSV view of the metrics, both atomically.
fn save<E: Env>(run: &RunDir, trainer: &Trainer<E>, game: &str, replay: bool) -> Result<()> {
    checkpoint::save(&run.checkpoint(), game, trainer, replay)?;
    let text = std::fs::read_to_string(run.metrics()).unwrap_or_default();
    write_atomic(&run.metrics_csv(), metrics_csv(&text).as_bytes())
}

/// The latest evaluation logged by earlier sessions of this run: (step, mean score).
fn last_eval(run: &RunDir) -> Option<(u64, f64)> {
    let text = std::fs::read_to_string(run.metrics()).unwrap_or_default();
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "eval")
        .and_then(|v| Some((v["step"].as_u64()?, v["mean"].as_f64()?)))
}

/// Wall time already spent by earlier sessions of this run (from its last metrics line).
fn last_time(run: &RunDir) -> f64 {
    let text = std::fs::read_to_string(run.metrics()).unwrap_or_default();
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v["time_s"].as_f64())
        .unwrap_or(0.0)
}

fn progress_bar(total: u64, done: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:25}] {pos}/{len} steps (budget ETA {eta})  {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_position(done.min(total));
    bar
}

/// Agent steps and updates per second over the last few seconds.
struct Rate {
    since: Instant,
    at: (u64, u64),
    value: (f64, f64),
}

impl Rate {
    fn new(step: u64, updates: u64) -> Self {
        Rate {
            since: Instant::now(),
            at: (step, updates),
            value: (0.0, 0.0),
        }
    }
    fn per_second(&mut self, step: u64, updates: u64) -> (f64, f64) {
        let dt = self.since.elapsed().as_secs_f64();
        if dt > 5.0 || (self.value.0 == 0.0 && dt > 0.0) {
            self.value = (
                (step - self.at.0) as f64 / dt,
                (updates - self.at.1) as f64 / dt,
            );
            self.since = Instant::now();
            self.at = (step, updates);
        }
        self.value
    }
}
