//! The Atari 2600 (NTSC), modelled chip by chip after the behaviour of Stella 2.4.2,
//! the emulator core inside ALE 0.12.1, so that RAM and pixels match ALE frame for frame.
//!
//! Nothing here knows about games, rewards or agents: that is [`crate::ale`]'s job.

pub mod bus;
pub mod cart;
pub mod cpu;
mod fast;
pub mod machine;
pub mod palette;
pub mod riot;
pub mod rng;
pub mod tia;

pub use machine::Machine;
