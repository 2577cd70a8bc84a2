//! ALE semantics on top of [`crate::atari`]. (being written)

pub mod roms;
