//! `qarcade`: the command line. Each subcommand lives in its own module; this file only
//! parses arguments and dispatches.

mod activations;
mod attack;
mod backend;
mod bench;
mod bench_loop;
mod bench_train;
mod compare;
mod eval;
mod export;
mod plot;
mod record;
mod rom;
mod run_dir;
mod serve;
mod trace;
mod train;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use qarcade_core::ale::{Ale, AleConfig};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "qarcade",
    version,
    about = "Deep Q-learning for the Atari 2600, in pure Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage the ROM cache (ROMs come from the ale-py wheel on PyPI, never bundled).
    Rom {
        #[command(subcommand)]
        command: RomCommand,
    },
    /// Print a frame-by-frame trace (RAM, RGB SHA-1) of an actions file, for ALE parity.
    Trace {
        /// A ROM file, or a game name found in the ROM cache (e.g. `pong`).
        #[arg(long)]
        rom: String,
        /// One ALE action id (0–17) per line, or `reset`.
        #[arg(long)]
        actions: PathBuf,
        #[arg(long)]
        mode: Option<u8>,
        #[arg(long, default_value_t = 0)]
        difficulty: u8,
        /// Run a ROM of unknown MD5 as a plain cartridge (no rewards).
        #[arg(long)]
        force: bool,
    },
    /// Train a DQN agent from pixels (Pong by default), with progress, metrics and checkpoints.
    Train(train::TrainArgs),
    /// Adversarial policies in two-player Pong against a frozen agent (the victim).
    Attack {
        #[command(subcommand)]
        command: attack::AttackCommand,
    },
    /// Score a trained agent: whole games, no-op starts, greedy (or ε-greedy) play.
    Eval {
        /// A run folder, a checkpoint file, or an exported `.qnet` (or a folder holding one).
        run: PathBuf,
        #[arg(long, default_value_t = 100)]
        episodes: usize,
        /// Probability of a random action (0 = greedy; 0.05 is the Nature paper's).
        #[arg(long, default_value_t = 0.0)]
        epsilon: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long, value_enum, default_value = "auto")]
        backend: backend::Backend,
    },
    /// Record a GIF of the agent playing one game.
    Record {
        /// A run folder, a checkpoint file, or an exported `.qnet` (or a folder holding one).
        run: PathBuf,
        #[arg(long, default_value = "agent.gif")]
        out: PathBuf,
        #[arg(long, default_value_t = 0.0)]
        epsilon: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Stop after this many agent steps (a GIF frame each).
        #[arg(long, default_value_t = 5000)]
        max_steps: u32,
        #[arg(long, value_enum, default_value = "auto")]
        backend: backend::Backend,
    },
    /// Draw a run's reward curve (episode returns and evaluations, against agent steps and
    /// minutes) as PNG and SVG; or, with --compare, several runs' evaluations on one figure.
    Plot {
        /// The run folder (holds metrics.jsonl).
        #[arg(required_unless_present = "compare", conflicts_with = "compare")]
        run: Option<PathBuf>,
        /// Run folders whose evaluations to draw together (two or more); the legend names
        /// each run's config differences. Writes compare.png and compare.svg.
        #[arg(long, num_args = 2.., value_name = "RUN")]
        compare: Vec<PathBuf>,
        /// Where --compare writes its figure (default: the current folder).
        #[arg(long, requires = "compare", default_value = ".")]
        out: PathBuf,
    },
    /// Export a run's Q-network for the web page (compact, checksummed; f16 when that
    /// changes no greedy action).
    Export {
        /// The run folder, a checkpoint file, or an exported .qnet (re-encoded, e.g. to f16).
        run: PathBuf,
        /// The weights file to write (e.g. pong.qnet).
        #[arg(long)]
        web: PathBuf,
        #[arg(long, value_enum, default_value = "auto")]
        dtype: export::DtypeChoice,
        /// The run's metrics.jsonl, when it is not beside RUN: the header's training
        /// minutes and last eval come from it (the page shows them).
        #[arg(long)]
        metrics: Option<PathBuf>,
    },
    /// Serve the web page, a run's weights and the ROM on 127.0.0.1 (build the page first
    /// with web/build.sh).
    Serve {
        /// A run folder, checkpoint or exported .qnet file whose agent the page plays; none:
        /// the agent the project ships (docs/pong-solved/pong.qnet).
        run: Option<PathBuf>,
        /// The adversary for the page's attack mode (run folder, checkpoint or .qnet); none:
        /// the one the project ships (docs/attack/adversary.qnet), if present.
        #[arg(long)]
        adversary: Option<PathBuf>,
        /// 0 picks a free port.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The built page (default: web/dist of this source tree).
        #[arg(long)]
        dist: Option<PathBuf>,
    },
    /// Benchmarks, each against a peer measured in the same run.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Subcommand)]
enum RomCommand {
    /// Download the ale-py wheel with pip and extract the supported ROMs into the cache.
    Fetch,
    /// Add a ROM file you have to the cache (identified by MD5).
    Import {
        file: PathBuf,
        /// Import a ROM of unknown MD5 anyway.
        #[arg(long)]
        force: bool,
    },
    /// Show the supported ROMs and which are in the cache.
    List,
    /// Print the cached path of a supported ROM (fetching the ROMs if needed).
    Path { name: String },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Raw emulation speed on Pong (one thread), and ale-py's when it is importable.
    Emulator {
        /// Frames to emulate per measurement.
        #[arg(long, default_value_t = 20_000)]
        frames: u32,
    },
    /// The default preset's whole training loop on Pong (agent steps/s, updates/s), and the
    /// same loop in PyTorch + EnvPool when both are importable.
    Train {
        /// Timed seconds (after the warm-up).
        #[arg(long, default_value_t = 30.0)]
        seconds: f64,
        /// Warm-up seconds (not timed).
        #[arg(long, default_value_t = 10.0)]
        warmup: f64,
        /// CPU threads on each side.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// DQN train steps per second (Nature CNN, batch 32, the full update) on Burn's CPU
    /// backend, and PyTorch's when it is importable.
    TrainStep {
        /// Timed steps per round.
        #[arg(long, default_value_t = 30)]
        steps: usize,
        /// CPU threads on each side.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        // The reader of our output went away (`qarcade trace ... | head`): stop quietly, as
        // Unix tools do, rather than report it.
        let broken_pipe = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(0);
        }
        // One line: the error and its causes.
        let msg = format!("{e:#}");
        eprintln!("error: {}", msg.replace('\n', " "));
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Rom { command } => match command {
            RomCommand::Fetch => {
                let dir = rom::cache_dir();
                for p in rom::fetch(&dir)? {
                    println!("{}", p.display());
                }
            }
            RomCommand::Import { file, force } => {
                let p = rom::import(&file, &rom::cache_dir(), force)?;
                println!("{}", p.display());
            }
            RomCommand::List => {
                let dir = rom::cache_dir();
                println!("ROM cache: {}", dir.display());
                for e in rom::list(&dir) {
                    let status = match (&e.path, e.md5_ok) {
                        (None, _) => "missing (qarcade rom fetch)",
                        (Some(_), true) => "ok",
                        (Some(_), false) => "CORRUPT (bad MD5; qarcade rom fetch)",
                    };
                    println!(
                        "  {:<16} {:<20} {}  {status}",
                        e.info.name, e.info.file, e.info.md5
                    );
                }
            }
            RomCommand::Path { name } => {
                rom::resolve(&name, true)?;
                let info =
                    qarcade_core::ale::roms::by_name(&name).context("not a supported game")?;
                println!("{}", rom::cache_dir().join(info.file).display());
            }
        },
        Command::Trace {
            rom: name,
            actions,
            mode,
            difficulty,
            force,
        } => {
            let steps = trace::read_actions(&actions)?;
            let (image, _) = rom::resolve(&name, true)?;
            let config = AleConfig {
                mode,
                difficulty,
                ..AleConfig::default()
            };
            let mut ale =
                Ale::new(&image, &config, force).with_context(|| format!("cannot load {name}"))?;
            trace::trace(&mut ale, &steps, std::io::stdout().lock())?;
        }
        Command::Train(args) => train::train(args)?,
        Command::Attack { command } => attack::run(command)?,
        Command::Eval {
            run,
            episodes,
            epsilon,
            seed,
            backend,
        } => {
            let r = eval::eval(&run, episodes, epsilon, seed, backend)?;
            println!(
                "{}: {} games at agent step {} (epsilon {}): mean {:.2} ± {:.2}, min {}, max {}, win rate {:.0}%",
                r.game,
                r.episodes,
                r.step,
                r.epsilon,
                r.summary.mean,
                r.summary.std,
                r.summary.min,
                r.summary.max,
                100.0 * r.summary.win_rate
            );
            println!("scores: {:?}", r.summary.scores);
            if let (Some(returns), Some(one_touch)) =
                (r.summary.ball_returns, r.summary.one_touch_wins)
            {
                println!(
                    "ball returns per game: {returns:.1}; points won with one touch of the ball: {:.0}%",
                    100.0 * one_touch
                );
            }
        }
        Command::Record {
            run,
            out,
            epsilon,
            seed,
            max_steps,
            backend,
        } => {
            let (score, steps) = record::record(record::RecordArgs {
                run: &run,
                out: &out,
                epsilon,
                seed,
                max_steps,
                backend,
            })?;
            println!("{}: {steps} agent steps, score {score}", out.display());
        }
        Command::Plot { compare, out, .. } if !compare.is_empty() => {
            let title = "qarcade DQN: greedy evaluations compared";
            let (png, svg) = compare::compare(&compare, &out, title)?;
            println!("{}\n{}", png.display(), svg.display());
        }
        Command::Plot { run, .. } => {
            let run = run.context("plot needs a run folder (or --compare RUN RUN ...)")?;
            let title = format!(
                "qarcade DQN: {}",
                run.file_name().unwrap_or_default().to_string_lossy()
            );
            let (png, svg) = plot::plot(&run, &title)?;
            println!("{}\n{}", png.display(), svg.display());
        }
        Command::Export {
            run,
            web,
            dtype,
            metrics,
        } => {
            println!(
                "{}",
                export::export_to(&run, &web, dtype, metrics.as_deref())?
            );
        }
        Command::Serve {
            run,
            adversary,
            port,
            dist,
        } => {
            let dist = dist.unwrap_or_else(serve::default_dist);
            serve::serve(run.as_deref(), adversary.as_deref(), port, &dist)?;
        }
        Command::Bench { what } => match what {
            BenchCommand::Emulator { frames } => bench::emulator(frames)?,
            BenchCommand::TrainStep { steps, threads } => bench_train::train_step(steps, threads)?,
            BenchCommand::Train {
                seconds,
                warmup,
                threads,
            } => bench_loop::train_loop(seconds, warmup, threads)?,
        },
    }
    Ok(())
}
