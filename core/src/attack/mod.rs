//! Adversarial policies in two-player Pong (Gleave et al., "Adversarial Policies: Attacking
//! Deep Reinforcement Learning", ICLR 2020).
//!
//! The threat model: the victim is a frozen Pong agent (trained by [`crate::dqn`] against the
//! built-in player); the attacker controls the other paddle and may only watch the game and
//! the victim's moves, never its network. With the victim fixed, beating it is a one-player
//! RL problem, which the project's DQN learner solves like any other.
//!
//! - [`player`]: who can hold a paddle: the victim (a frozen network, asked only for
//!   actions), and the opponents Rand, Zero and a scripted ball tracker.
//! - [`arena`]: one two-player game behind the DeepMind preprocessing both players see
//!   (the victim exactly as in its training), the serve rule of
//!   [`crate::ale::pong_versus`], and per-game statistics.
//! - [`env`](mod@env): the arena as the adversary's [`crate::rl_env::Env`], the victim inside it.
//! - [`activations`]: the victim's hidden-layer activations in whole games against an
//!   opponent (for the density model of `qarcade attack activations`).
//! - [`mask`]: the masked victim's view (the opponent's paddle frozen).
//! - [`report`]: whole games of the victim against an opponent, counted like the paper's
//!   tables (game and point win rates with 95% intervals, rallies, unfinished games).

pub mod activations;
pub mod arena;
pub mod env;
pub mod mask;
pub mod player;
pub mod report;

pub use arena::{Arena, GameStats};
pub use env::AttackEnv;
pub use player::{NetPlayer, Player, Rand, Tracker, View, Zero};
pub use report::{play_match, Games, MatchReport};
