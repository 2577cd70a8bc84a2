//! DeepMind-style Atari preprocessing on top of [`crate::ale::Ale`], as the DQN trainer
//! consumes it.
//!
//! The pipeline is built from small wrappers that each do one thing, composed like
//! SB3's `AtariWrapper` (innermost first), with gymnasium's `AtariPreprocessing` as the
//! reference for frame-level details:
//!
//! | step | type | what |
//! |---|---|---|
//! | game | [`AleFrames`] (or [`ScriptedGame`] in tests) | one emulated frame per step, ALE grayscale |
//! | truncation | [`TimeLimit`] | end the episode after `max_episode_frames` frames |
//! | no-op starts | [`NoopReset`] | 1..=30 seeded random no-op frames after each reset |
//! | frame skip | [`MaxAndSkip`] | repeat the action 4 frames, max-pool the last two |
//! | lives | [`EpisodicLife`] | a lost life ends the agent's episode, not the game |
//! | FIRE | [`FireReset`] | press FIRE after each reset in games that wait for it |
//! | resize | [`Resize`] | 210×160 → 84×84, exactly as OpenCV's `INTER_AREA` |
//!
//! then, outside the [`Env`] chain, [`FrameStack`]. [`AtariEnv`] wires
//! them together for the trainer, and [`VecEnv`] steps many on threads.
//!
//! Every layer implements the crate's one environment trait, [`Env`] (from
//! [`crate::rl_env`]): actions are ALE action ids (`u8`, see [`crate::ale::action`]);
//! observations are row-major grayscale images pulled with [`Env::observe`], so the layers
//! below the frame skip never copy a screen they will not use.

/// Writes the [`Env`] methods a wrapper hands straight to `self.inner` (most wrappers change
/// one or two behaviours and pass the rest through).
macro_rules! pass_through {
    ($($method:ident),* $(,)?) => { $( pass_through!(@one $method); )* };
    (@one observe) => { fn observe(&mut self) -> &[u8] { self.inner.observe() } };
    (@one obs_shape) => { fn obs_shape(&self) -> (usize, usize) { self.inner.obs_shape() } };
    (@one lives) => { fn lives(&self) -> i32 { self.inner.lives() } };
    (@one action_set) => { fn action_set(&self) -> &[u8] { self.inner.action_set() } };
    (@one game_over) => { fn game_over(&self) -> bool { self.inner.game_over() } };
    (@one screen) => { fn screen(&self) -> Option<&[u8]> { self.inner.screen() } };
}
pub(crate) use pass_through;

pub mod atari;
pub mod episodic_life;
pub mod fire_reset;
#[cfg(feature = "dqn")]
pub mod for_dqn;
pub mod frames;
pub mod max_and_skip;
pub mod noop_reset;
pub mod resize;
pub mod scripted;
pub mod tap;
pub mod time_limit;
pub mod vector;

pub use crate::frame_stack::FrameStack;
pub use crate::rl_env::{Env, Step};
pub use atari::{AtariConfig, AtariEnv, EpisodeInfo, FireMode};
pub use episodic_life::EpisodicLife;
pub use fire_reset::FireReset;
pub use frames::AleFrames;
pub use max_and_skip::MaxAndSkip;
pub use noop_reset::NoopReset;
pub use resize::{AreaResize, Resize};
pub use scripted::ScriptedGame;
pub use tap::Tap;
pub use time_limit::TimeLimit;
pub use vector::VecEnv;

/// Side of the square observation DQN sees.
pub const OBS_SIZE: usize = 84;
/// Pixels in one preprocessed frame (84 × 84).
pub const FRAME_LEN: usize = OBS_SIZE * OBS_SIZE;

/// SplitMix64: derives independent seeds (no-op RNG, sticky-action RNG, each env of a
/// vector) from one user seed, so nearby seeds give unrelated streams.
pub fn split_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed
        .wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
