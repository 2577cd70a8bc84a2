//! ALE semantics on top of [`crate::atari`]: the Arcade Learning Environment (0.12.1) as
//! ale-py exposes it — ROMs identified by MD5, per-game rewards/terminals/actions, ALE's
//! reset sequence, paddles, sticky actions and player-B actions.

pub mod action;
pub mod controls;
pub mod env;
pub mod games;
pub mod pong_returns;
pub mod pong_versus;
pub mod roms;

pub use env::{Ale, AleConfig, AleError};
pub use games::Game;
