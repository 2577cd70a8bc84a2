//! The emulator's speed tricks, kept beside the chips rather than inside them (as Stella keeps
//! its chips plain). The chips behave the same with or without them; `ale_parity` checks it.
//!
//! - [`cart_runs`]: the cartridge's straight-line run tables, through which the frame loop
//!   reads ROM code a run at a time.

pub(crate) mod cart_runs;
