//! `qarcade attack ...`: adversarial policies against a frozen Pong agent (`core::attack`).
//!
//! `attack eval` plays whole two-player games of the victim (the right paddle, the side it
//! was trained on, in the two-player game with its own game's ball) against an opponent on
//! the left, and reports game and point win rates with 95% intervals.

use crate::export::{self, DtypeChoice};
use crate::rom;
use crate::run_dir::write_atomic;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use qarcade_core::attack::{play_match, MatchReport, NetPlayer, Player, Rand, Tracker, Zero};
use qarcade_core::dqn::web_weights::WebWeights;
use qarcade_core::dqn::EnvConfig;
use qarcade_core::env::for_dqn::DqnAtariEnv;
use qarcade_core::env::split_seed;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum AttackCommand {
    /// Whole games of the victim against an opponent: game and point win rates (95%
    /// intervals), score difference, rallies, unfinished games, forced serves.
    Eval {
        /// The victim: a run folder, a checkpoint, or an exported `.qnet`.
        #[arg(long)]
        victim: PathBuf,
        /// `rand` (uniform random actions), `zero` (never moves), `tracker` (follows the ball
        /// from RAM), or another agent (a run folder, checkpoint or `.qnet`).
        #[arg(long)]
        opponent: String,
        #[arg(long, default_value_t = 200)]
        games: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Games played at once (threads).
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Also write the report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

pub fn run(command: AttackCommand) -> Result<()> {
    match command {
        AttackCommand::Eval {
            victim,
            opponent,
            games,
            seed,
            threads,
            json,
        } => {
            if games == 0 {
                bail!("--games must be at least 1");
            }
            let report = eval(&victim, &opponent, games, seed, threads)?;
            println!("{}", table(&victim, &opponent, &report));
            if let Some(path) = json {
                let body = serde_json::json!({
                    "victim": victim.display().to_string(),
                    "opponent": opponent,
                    "seed": seed,
                    "report": report,
                });
                write_atomic(&path, serde_json::to_string_pretty(&body)?.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// The network of a run, checkpoint or `.qnet`, checked to be a Pong agent.
pub fn load_pong_agent(path: &Path) -> Result<WebWeights> {
    let exported = export::export(path, DtypeChoice::F32)
        .with_context(|| format!("loading the agent {}", path.display()))?;
    let weights = WebWeights::decode(&exported.bytes)?;
    if weights.header.game != "pong" {
        bail!(
            "{} plays {}, not pong: only Pong has a two-player game here",
            path.display(),
            weights.header.game
        );
    }
    Ok(weights)
}

type Factory = Box<dyn Fn(u64) -> Box<dyn Player> + Sync>;

/// The opponent a name stands for.
fn opponent(name: &str) -> Result<Factory> {
    Ok(match name {
        "rand" => Box::new(|seed| Box::new(Rand::new(split_seed(seed, 0xA4D))) as Box<dyn Player>),
        "zero" => Box::new(|_| Box::new(Zero) as Box<dyn Player>),
        "tracker" => Box::new(|_| Box::new(Tracker) as Box<dyn Player>),
        path if Path::new(path).exists() => {
            let weights = load_pong_agent(Path::new(path))?;
            Box::new(move |_| Box::new(NetPlayer::new(&weights)) as Box<dyn Player>)
        }
        other => bail!(
            "unknown opponent '{other}': rand, zero, tracker, or a run folder / checkpoint / .qnet"
        ),
    })
}

pub fn eval(
    victim: &Path,
    opponent_name: &str,
    games: usize,
    seed: u64,
    threads: usize,
) -> Result<MatchReport> {
    let weights = load_pong_agent(victim)?;
    let opponent = opponent(opponent_name)?;
    let (image, _) = rom::resolve("pong", true)?;
    // The preprocessing every preset trains with, whole games (no-op starts, 108k-frame cap).
    let config = DqnAtariEnv::atari_config(&EnvConfig::deepmind()).evaluation();
    let victim = move |_| Box::new(NetPlayer::new(&weights)) as Box<dyn Player>;
    eprintln!("playing {games} games of two-player Pong, {threads} at a time...");
    Ok(play_match(
        &Arc::new(image),
        &config,
        seed,
        games,
        threads,
        &victim,
        &*opponent,
    )?)
}

/// The report as a small table a person reads.
pub fn table(victim: &Path, opponent: &str, r: &MatchReport) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let rate = |q: &qarcade_core::attack::report::Rate| {
        format!("{} [{} – {}]", pct(q.rate), pct(q.low), pct(q.high))
    };
    format!(
        "victim {} (right) against {opponent} (left): {} games, {} unfinished\n\
         \x20 games won   victim {} ({})   opponent {} ({})\n\
         \x20 points won  victim {} ({})   opponent {} ({})\n\
         \x20 mean score difference (victim - opponent) {:+.2}; mean rally {:.0} frames; \
         forced serves victim {}, opponent {}",
        victim.display(),
        r.games,
        r.unfinished,
        r.victim_wins,
        rate(&r.victim_game_rate),
        r.opponent_wins,
        rate(&r.opponent_game_rate),
        r.victim_points,
        rate(&r.victim_point_rate),
        r.opponent_points,
        rate(&r.opponent_point_rate),
        r.mean_score_difference,
        r.mean_rally_frames,
        r.forced_serves[0],
        r.forced_serves[1],
    )
}
