//! qarcade's core library, shared by the command line and the web page.
//!
//! - [`atari`]: the Atari 2600 itself (CPU, TIA, RIOT, cartridges). It knows nothing of RL.
//! - [`ale`]: the Arcade Learning Environment's semantics on top of the machine: games'
//!   rewards, terminals and action sets, ALE's reset sequence, paddles, sticky actions.
//! - [`rl_env`]: the one environment trait ([`rl_env::Env`], [`rl_env::Step`]) that games,
//!   preprocessing layers and the trainer share, so `dqn` needs nothing of `env`.
//! - [`env`](mod@env): DeepMind preprocessing and vector envs. [`frame_stack`]: the one frame stack
//!   (training, replay, evaluation, recording, the page).
//! - [`dqn`]: the learner (Burn; knows nothing of Atari).
//! - [`attack`]: adversarial policies against a frozen Pong agent, on `env` and `dqn`.
//! - [`atomic`]: the one atomic file writer (checkpoints, run files, weights, ROM cache).

pub mod ale;
pub mod atari;
pub mod atomic;
#[cfg(feature = "dqn")]
pub mod attack;
#[cfg(feature = "dqn")]
pub mod dqn;
pub mod env;
pub mod frame_stack;
pub mod rl_env;
