//! ALE semantics on top of [`crate::atari`]. STUB: being written.
