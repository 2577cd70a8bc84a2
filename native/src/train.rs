//! `qarcade train`: DQN on an Atari game from pixels, read top to bottom like CleanRL's
//! `dqn_atari.py`: set up (or resume) the run, then one loop of agent steps with progress,
//! metrics, checkpoints and a NaN guard.
//!
//! Runs are reproducible: the seed fixes everything (network init, exploration, replay
//! sampling, each game's no-op starts). Checkpoints are taken between games, so a resumed
//! run (with `--save-replay`) continues the very same curve; `--frames` is therefore a
//! minimum: the run ends when the game in progress ends.

use crate::backend::{self, Backend};
use crate::rom;
use crate::run_dir::{metrics_csv, metrics_up_to, write_atomic, RunDir};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use qarcade_core::ale::Game;
use qarcade_core::dqn::{checkpoint, Config, Trainer};
use qarcade_core::env::for_dqn::DqnAtariEnv;
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
    /// Emulator frames between checkpoints (taken at the end of a game).
    #[arg(long, default_value_t = 200_000)]
    pub checkpoint_every: u64,
    /// Override a hyperparameter of the preset: KEY=VALUE (JSON value), e.g.
    /// `--set learning_starts=5000 --set adam.lr=3e-4`. Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

pub fn train(args: TrainArgs) -> Result<()> {
    qarcade_core::dqn::bench::tune_allocator();
    // --- Set up: the game, the config, the run folder, the trainer (new or resumed).
    let (image, info) = rom::resolve(&args.game, true)?;
    let info = info.context("training needs a supported game (not an unknown ROM)")?;
    let game = Game::of_rom(info).context("not a supported game")?;
    let game_name = game.spec().name;
    let (device, device_name) = backend::device(args.backend)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!("{game_name}-{}-seed{}", args.preset, args.seed))
    });
    let run = RunDir::new(&out);

    let mut trainer = if args.resume {
        let ck = checkpoint::load(&run.checkpoint())
            .with_context(|| format!("cannot resume {}", out.display()))?;
        let arch = ck.config.net.describe(ck.n_actions);
        ck.expect(game_name, &arch)?;
        let saved_step = ck.counters.steps;
        let mut t = ck.into_trainer(&device)?;
        if let Some(frames) = args.frames {
            t.cfg.total_steps = steps_for(frames, &t.cfg)?;
        }
        // The curve continues from the checkpoint: drop games logged after it.
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
        if run.checkpoint().exists() {
            bail!(
                "{} already holds a run: pass --resume to continue it, or choose another --out",
                out.display()
            );
        }
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        write_atomic(
            &run.config(),
            serde_json::to_string_pretty(&cfg)?.as_bytes(),
        )?;
        write_atomic(&run.metrics(), b"")?;
        let n_actions = game.spec().minimal_actions.len();
        Trainer::new(cfg, n_actions, &device)
    };
    let cfg = trainer.cfg.clone();
    let frame_skip = cfg.env.frame_skip as u64;
    let atari = DqnAtariEnv::atari_config(&cfg.env);
    let mut env = DqnAtariEnv::new(Arc::new(image), atari, cfg.seed)?;
    eprintln!(
        "training {game_name} with preset {} on {device_name}: {} agent steps ({} frames), run folder {}",
        cfg.preset,
        cfg.total_steps,
        cfg.total_steps * frame_skip,
        out.display()
    );

    // --- The loop: one agent step at a time.
    let bar = progress_bar(cfg.total_steps, trainer.counters.steps);
    let mut metrics = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(run.metrics())?;
    let started = Instant::now();
    let time_offset = last_time(&run);
    let (mut loss_sum, mut q_sum, mut updates) = (0.0f64, 0.0f64, 0u64);
    let mut recent: Vec<f64> = Vec::new();
    let mut last_checkpoint = trainer.counters.steps;
    let mut games = trainer.counters.episodes;
    let mut rate = Rate::new(trainer.counters.steps);
    while trainer.counters.steps < cfg.total_steps || !env.between_games() {
        env.clock = trainer.counters.steps;
        let report = trainer.step(&mut env);
        if let Some(u) = report.update {
            if !u.loss.is_finite() {
                bar.abandon();
                bail!(
                    "the loss became {} at agent step {}: stopped; the last good checkpoint ({}, step {last_checkpoint}) is kept",
                    u.loss,
                    trainer.counters.steps,
                    run.checkpoint().display()
                );
            }
            loss_sum += u.loss as f64;
            q_sum += u.mean_q as f64;
            updates += 1;
        }
        if let Some(g) = env.take_finished_game() {
            games += 1;
            let step = trainer.counters.steps;
            let (loss, q) = if updates > 0 {
                (
                    Some(loss_sum / updates as f64),
                    Some(q_sum / updates as f64),
                )
            } else {
                (None, None)
            };
            (loss_sum, q_sum, updates) = (0.0, 0.0, 0);
            let line = serde_json::json!({
                "type": "episode", "game": games, "step": step, "frames": step * frame_skip,
                "return": g.score, "length": g.length, "epsilon": report.epsilon,
                "loss": loss, "mean_q": q,
                "time_s": time_offset + started.elapsed().as_secs_f64(),
            });
            writeln!(metrics, "{line}")?;
            metrics.flush()?;
            recent.push(g.score as f64);
            let window = &recent[recent.len().saturating_sub(20)..];
            let avg = window.iter().sum::<f64>() / window.len() as f64;
            let msg = format!(
                "game {games}: return {} (mean of last {} {avg:.1}) | eps {:.3} | loss {} | {:.0} frames/s",
                g.score,
                window.len(),
                report.epsilon,
                loss.map_or("-".into(), |l| format!("{l:.4}")),
                rate.per_second(step) * frame_skip as f64
            );
            if bar.is_hidden() {
                eprintln!("step {step}: {msg}");
            }
            bar.set_message(msg);
            if step - last_checkpoint >= args.checkpoint_every / frame_skip {
                save(&run, &trainer, game_name, args.save_replay)?;
                last_checkpoint = step;
            }
        }
        bar.set_position(trainer.counters.steps.min(cfg.total_steps));
    }
    save(&run, &trainer, game_name, args.save_replay)?;
    bar.finish();
    eprintln!(
        "done: {} agent steps, {games} games, in {:.0} s; run folder {}",
        trainer.counters.steps,
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
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
        let mut slot = &mut json;
        for part in key.split('.') {
            slot = slot
                .get_mut(part)
                .with_context(|| format!("--set {set:?}: the config has no field {key:?}"))?;
        }
        *slot = value;
    }
    serde_json::from_value(json).map_err(|e| anyhow::anyhow!("--set: {e}"))
}

/// Agent steps for `frames` emulator frames.
fn steps_for(frames: i64, cfg: &Config) -> Result<u64> {
    if frames <= 0 {
        bail!("--frames must be positive (got {frames})");
    }
    Ok((frames as u64).div_ceil(cfg.env.frame_skip as u64))
}

/// Checkpoint, then the CSV view of the metrics, both atomically.
fn save(run: &RunDir, trainer: &Trainer, game: &str, replay: bool) -> Result<()> {
    checkpoint::save(&run.checkpoint(), game, trainer, replay)?;
    let text = std::fs::read_to_string(run.metrics()).unwrap_or_default();
    write_atomic(&run.metrics_csv(), metrics_csv(&text).as_bytes())
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
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} steps  {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_position(done.min(total));
    bar
}

/// Agent steps per second over the last few seconds.
struct Rate {
    since: Instant,
    at: u64,
    value: f64,
}

impl Rate {
    fn new(step: u64) -> Self {
        Rate {
            since: Instant::now(),
            at: step,
            value: 0.0,
        }
    }
    fn per_second(&mut self, step: u64) -> f64 {
        let dt = self.since.elapsed().as_secs_f64();
        if dt > 2.0 || (self.value == 0.0 && dt > 0.0) {
            self.value = (step - self.at) as f64 / dt;
            self.since = Instant::now();
            self.at = step;
        }
        self.value
    }
}
