//! `qarcade attack ...`: adversarial policies against a frozen Pong agent (`core::attack`).
//!
//! `attack eval` plays whole two-player games of the victim (the right paddle, the side it
//! was trained on, in the two-player game with its own game's ball) against an opponent on
//! the left, and reports game and point win rates with 95% intervals.

use crate::export::{self, DtypeChoice};
use crate::record::Gif;
use crate::rom;
use crate::run_dir::write_atomic;
use crate::train::{run_training, Task, TrainArgs};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use qarcade_core::attack::{
    play_match, report::play_game_watched, AttackEnv, GameStats, Games, MatchReport, NetPlayer,
    Player, Rand, Tracker, Zero,
};
use qarcade_core::dqn::web_weights::WebWeights;
use qarcade_core::dqn::{evaluate, Config, EnvConfig, Learner, Rng, ScoreSummary};
use qarcade_core::env::for_dqn::DqnAtariEnv;
use qarcade_core::env::{split_seed, AtariConfig, EpisodeInfo};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file that marks a run folder as an attack run and names its victim.
pub const ATTACK_FILE: &str = "attack.json";

#[derive(Subcommand)]
pub enum AttackCommand {
    /// Train an adversary (the left paddle) against a frozen victim with the project's DQN:
    /// the same loop, progress, metrics, checkpoints and resume as `qarcade train`. Its
    /// score is its points minus the victim's; evaluations are whole greedy games.
    Train {
        /// The victim: a run folder, a checkpoint, or an exported `.qnet`.
        #[arg(long)]
        victim: PathBuf,
        #[command(flatten)]
        train: TrainArgs,
    },
    /// Whole games of the victim against an opponent: game and point win rates (95%
    /// intervals), score difference, rallies, unfinished games, forced serves.
    Eval {
        /// The victim: a run folder, a checkpoint, or an exported `.qnet`.
        #[arg(long)]
        victim: PathBuf,
        /// `rand` (uniform random actions), `zero` (never moves), `tracker` (follows the ball
        /// from RAM, seeing it a person's reaction time late: 3 agent steps), `tracker:N` (N
        /// steps late; `tracker:0` never misses), or another agent (a run folder, checkpoint
        /// or `.qnet`).
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
        /// The victim sees the opponent's paddle frozen in the middle (Gleave et al.'s
        /// masked victim); the opponent still sees the real game.
        #[arg(long)]
        masked: bool,
    },
    /// A GIF of one whole game of the victim (right) against an opponent (left), one frame
    /// per agent step.
    Record {
        /// The victim: a run folder, a checkpoint, or an exported `.qnet`.
        #[arg(long)]
        victim: PathBuf,
        /// As `attack eval --opponent`.
        #[arg(long)]
        opponent: String,
        #[arg(long, default_value = "attack.gif")]
        out: PathBuf,
        /// The game's seed: game 0 of `attack eval --seed S` is game `--seed S` here.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The victim sees the opponent's paddle frozen (as `attack eval --masked`).
        #[arg(long)]
        masked: bool,
    },
    /// The victim's last-hidden-layer activations against each opponent: a PCA + Gaussian
    /// mixture density model fitted on the normal opponents' games, each opponent's mean
    /// log-likelihood under it (table and activations.json), and the activations' first two
    /// principal components coloured by opponent (activations.png).
    Activations {
        /// The victim: a run folder, a checkpoint, or an exported `.qnet`.
        #[arg(long)]
        victim: PathBuf,
        /// Opponents, comma-separated, as `attack eval --opponent` takes them.
        #[arg(long, value_delimiter = ',', default_value = "tracker,rand,zero")]
        opponents: Vec<String>,
        /// Which opponents are normal play (the model is fitted on half of their games).
        #[arg(long, value_delimiter = ',', default_value = "tracker")]
        normal: Vec<String>,
        /// Whole games per opponent.
        #[arg(long, default_value_t = 20)]
        games: usize,
        /// Keep every N-th decision's activations (neighbouring steps are nearly equal).
        #[arg(long, default_value_t = 4)]
        stride: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Principal components kept before the mixture is fitted.
        #[arg(long, default_value_t = 16)]
        pca_dims: usize,
        /// Mixture components (Gleave et al. use 10).
        #[arg(long, default_value_t = 10)]
        components: usize,
        /// Folder for activations.json and activations.png.
        #[arg(long, default_value = "runs/activations")]
        out: PathBuf,
    },
}

pub fn run(command: AttackCommand) -> Result<()> {
    match command {
        AttackCommand::Train { victim, train } => attack_train(&victim, train)?,
        AttackCommand::Record {
            victim,
            opponent: name,
            out,
            seed,
            masked,
        } => {
            let stats = record(&victim, &name, &out, seed, masked)?;
            println!(
                "victim {} - {} {name} in {} frames: wrote {}",
                stats.points[0],
                stats.points[1],
                stats.frames,
                out.display()
            );
        }
        AttackCommand::Activations {
            victim,
            opponents,
            normal,
            games,
            seed,
            stride,
            threads,
            pca_dims,
            components,
            out,
        } => {
            let scored = crate::activations::run(&crate::activations::Request {
                victim,
                opponents,
                normal,
                games,
                stride,
                seed,
                threads,
                pca_dims,
                components,
                out: out.clone(),
            })?;
            print!("{}", crate::activations::table(&scored));
            println!(
                "wrote {}/activations.json and activations.png",
                out.display()
            );
        }
        AttackCommand::Eval {
            victim,
            opponent,
            games,
            seed,
            threads,
            json,
            masked,
        } => {
            if games == 0 {
                bail!("--games must be at least 1");
            }
            let report = eval(&victim, &opponent, games, seed, threads, masked)?;
            let who = if masked { "masked victim" } else { "victim" };
            println!("{who}: {}", table(&victim, &opponent, &report));
            if let Some(path) = json {
                let body = serde_json::json!({
                    "victim": victim.display().to_string(),
                    "masked": masked,
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
    let exported = export::export(path, DtypeChoice::F32, None)
        .with_context(|| format!("loading the agent {}", path.display()))?;
    let weights = WebWeights::decode(&exported.bytes)?;
    if weights.header.game != "pong" {
        bail!(
            "{} plays {}, not pong: only Pong has a two-player game here",
            path.display(),
            weights.header.game
        );
    }
    let h = &weights.header;
    let obs = match_config().frame_stack * qarcade_core::env::FRAME_LEN;
    if h.net.obs_len() != obs || h.action_set.len() != qarcade_core::attack::player::N_ACTIONS {
        bail!(
            "{}: its network ({}) does not read two-player Pong's 4x84x84 observations with \
             Pong's 6 actions",
            path.display(),
            h.architecture
        );
    }
    Ok(weights)
}

pub(crate) type Factory = Box<dyn Fn(u64) -> Box<dyn Player> + Sync>;

/// The opponent a name stands for.
pub(crate) fn opponent(name: &str) -> Result<Factory> {
    Ok(match name {
        "rand" => Box::new(|seed| Box::new(Rand::new(split_seed(seed, 0xA4D))) as Box<dyn Player>),
        "zero" => Box::new(|_| Box::new(Zero) as Box<dyn Player>),
        "tracker" => Box::new(|_| Box::new(Tracker::human()) as Box<dyn Player>),
        name if name.starts_with("tracker:") => {
            let reaction: usize = name["tracker:".len()..].parse().map_err(|_| {
                anyhow::anyhow!("'{name}': tracker:N takes a reaction time N in agent steps, e.g. tracker:0")
            })?;
            Box::new(move |_| Box::new(Tracker::new(reaction)) as Box<dyn Player>)
        }
        path if Path::new(path).exists() => {
            let weights = load_pong_agent(Path::new(path))?;
            Box::new(move |_| Box::new(NetPlayer::new(&weights)) as Box<dyn Player>)
        }
        other => bail!(
            "unknown opponent '{other}': rand, zero, tracker, tracker:N, or a run folder / checkpoint / .qnet"
        ),
    })
}

/// What every attack command starts from: the victim's network, Pong's ROM, and the
/// preprocessing every preset trains with, as whole games.
pub(crate) struct Setup {
    pub weights: WebWeights,
    pub image: Arc<Vec<u8>>,
    pub config: AtariConfig,
}

impl Setup {
    pub fn load(victim: &Path) -> Result<Setup> {
        let weights = load_pong_agent(victim)?;
        let (image, _) = rom::resolve("pong", true)?;
        Ok(Setup {
            weights,
            image: Arc::new(image),
            config: match_config(),
        })
    }

    /// `count` games from `seed`, `threads` at a time.
    pub fn games(&self, seed: u64, count: usize, threads: usize, masked: bool) -> Games<'_> {
        Games {
            rom: &self.image,
            config: &self.config,
            seed,
            count,
            threads,
            masked_victim: masked,
        }
    }
}

/// Whole games of the victim (masked or not) against a named opponent.
pub fn eval(
    victim: &Path,
    opponent_name: &str,
    games: usize,
    seed: u64,
    threads: usize,
    masked: bool,
) -> Result<MatchReport> {
    let setup = Setup::load(victim)?;
    let opponent = opponent(opponent_name)?;
    let victim = |_| Box::new(NetPlayer::new(&setup.weights)) as Box<dyn Player>;
    eprintln!("playing {games} games of two-player Pong, {threads} at a time...");
    let games = setup.games(seed, games, threads, masked);
    Ok(play_match(&games, &victim, &*opponent)?)
}

/// Records game 0 of `attack eval --seed seed` as a GIF; returns its tallies.
pub fn record(
    victim: &Path,
    opponent_name: &str,
    out: &Path,
    seed: u64,
    masked: bool,
) -> Result<GameStats> {
    let setup = Setup::load(victim)?;
    let opponent = opponent(opponent_name)?;
    let (game_seed, mut arena) = setup.games(seed, 1, 1, masked).arena(0)?;
    let mut gif = Gif::new()?;
    let mut failed = None;
    let (stats, _) = play_game_watched(
        &mut arena,
        &mut NetPlayer::new(&setup.weights),
        &mut *opponent(game_seed),
        &mut |arena| {
            if failed.is_none() {
                if let Err(e) = arena
                    .screen()
                    .context("no screen")
                    .and_then(|s| gif.push(s))
                {
                    failed = Some(e);
                }
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    gif.save(out)?;
    Ok(stats)
}

/// The preprocessing every preset trains with, whole games (no-op starts, 108k-frame cap).
fn match_config() -> AtariConfig {
    // Every player of two-player Pong reads 4 stacked frames (victims are checked for it).
    DqnAtariEnv::atari_config(&EnvConfig::deepmind(), 4).evaluation()
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

/// Two-player Pong against a frozen victim, as the adversary's training task.
struct AttackTask {
    image: Arc<Vec<u8>>,
    victim: WebWeights,
}

impl AttackTask {
    fn env(&self, cfg: &Config, evaluation: bool, seed: u64) -> Result<AttackEnv> {
        let mut atari = DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack);
        if evaluation {
            atari = atari.evaluation();
        }
        let victim = Box::new(NetPlayer::new(&self.victim));
        AttackEnv::new(self.image.clone(), atari, seed, victim).context("loading Pong")
    }
}

impl Task for AttackTask {
    type Env = AttackEnv;

    fn game(&self) -> &'static str {
        "pong"
    }

    fn envs(&self, cfg: &Config) -> Result<Vec<AttackEnv>> {
        (0..cfg.num_envs)
            .map(|i| self.env(cfg, false, split_seed(cfg.seed, 1000 + i as u64)))
            .collect()
    }

    fn take_finished(env: &mut AttackEnv) -> Option<EpisodeInfo> {
        env.take_finished_game().map(|g| g.info)
    }

    fn evaluate(&self, learner: &Learner, cfg: &Config, seed: u64) -> Result<ScoreSummary> {
        let mut envs = (0..cfg.eval.games)
            .map(|g| self.env(cfg, true, split_seed(seed, g as u64)))
            .collect::<Result<Vec<_>>>()?;
        let mut rng = Rng::new(split_seed(seed, 0xAC7));
        let results = evaluate(learner, &mut envs, cfg.eval.epsilon, &mut rng);
        Ok(ScoreSummary::of_games(&results))
    }
}

/// `qarcade attack train`: the adversary's run, marked by [`ATTACK_FILE`] naming its victim.
fn attack_train(victim: &Path, args: TrainArgs) -> Result<()> {
    if args.game != "pong" {
        bail!(
            "the attack is played in two-player Pong (got --game {})",
            args.game
        );
    }
    let weights = load_pong_agent(victim)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!("attack-{}-seed{}", args.preset, args.seed))
    });
    let marker = out.join(ATTACK_FILE);
    let named = victim.display().to_string();
    if args.resume {
        let text = std::fs::read_to_string(&marker).with_context(|| {
            format!("{} is not an attack run (no {ATTACK_FILE})", out.display())
        })?;
        let saved: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged", marker.display()))?;
        if saved["victim"] != named.as_str() {
            bail!(
                "{} attacks the victim {}, not {named}",
                out.display(),
                saved["victim"]
            );
        }
    } else if !out.join("checkpoint.qck").exists() {
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        let body = serde_json::json!({
            "victim": named,
            "victim_architecture": weights.header.architecture,
            "victim_trained_steps": weights.header.trained_steps,
        });
        write_atomic(&marker, serde_json::to_string_pretty(&body)?.as_bytes())?;
    }
    let (image, _) = rom::resolve("pong", true)?;
    let task = AttackTask {
        image: Arc::new(image),
        victim: weights,
    };
    run_training(&args, &task, out)
}
