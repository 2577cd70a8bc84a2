//! The one environment trait, [`Env`], and what a step reports, [`Step`].
//!
//! Every game (an Atari console seen one frame per step, the catch test game, two-player Pong
//! with the victim inside), every preprocessing layer of [`crate::env`] and the DQN trainer meet
//! here. It lives at the crate root, beside [`crate::frame_stack`], so that [`crate::dqn`]
//! depends on this trait alone and never on the Atari pipeline.

/// What one [`Env::step`] reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// The game's own reward over the step (summed over skipped frames; never clipped: the
    /// learner's `RewardShaping` is the one place rewards are clipped).
    pub reward: i32,
    /// The episode ended inside the game (game over; for `EpisodicLife`, a lost life): no
    /// bootstrapping past it.
    pub terminated: bool,
    /// The episode was cut short from outside (frame limit); its last state is still a
    /// bootstrap target.
    pub truncated: bool,
    /// Times the agent's paddle returned the ball during the step (Pong, from the RAM: see
    /// [`crate::ale::pong_returns`]; a catch in the catch game; 0 elsewhere). Feeds
    /// `reward.paddle_return`.
    pub returns: u32,
}

impl Step {
    /// Whether the episode is over for either reason.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// A game with a discrete action set and `u8` image observations, or a wrapper around one.
///
/// The contract is gymnasium's: after a step that is [`Step::done`], call [`Env::reset`]
/// before stepping again. Actions are the game's own action ids (ALE ids for Atari, see
/// [`crate::ale::action`]); an agent choosing among `n` outputs plays
/// `action_set()[i]` for output `i`.
pub trait Env: Send {
    /// Starts a new episode; [`Env::observe`] then shows its first observation.
    fn reset(&mut self);
    /// Plays one action, one of [`Env::action_set`].
    fn step(&mut self, action: u8) -> Step;
    /// The current observation, row-major, [`Env::obs_shape`] pixels. May compute it (hence
    /// `&mut`); call it once per step.
    fn observe(&mut self) -> &[u8];
    /// `(height, width)` of [`Env::observe`].
    fn obs_shape(&self) -> (usize, usize);
    /// The actions an agent chooses from (for Atari, the game's minimal action set).
    fn action_set(&self) -> &[u8];
    /// The number of agent actions.
    fn n_actions(&self) -> usize {
        self.action_set().len()
    }
    /// Whether the game itself is over (not only the agent's episode): lets `EpisodicLife`
    /// and episode statistics tell a lost life from a real end.
    fn game_over(&self) -> bool;
    /// Lives left in the game (0 for games without lives).
    fn lives(&self) -> i32 {
        0
    }
    /// The game's current screen as TIA colour values (160×210, ALE's `getScreen`), for
    /// videos of the agent; `None` for games that are not Atari screens.
    fn screen(&self) -> Option<&[u8]> {
        None
    }
    /// What it takes to continue from here exactly (for checkpoints), or why this env cannot
    /// be saved (the preprocessing layers cannot on their own: the envs the trainer steps can).
    fn save_state(&self) -> Result<Vec<u8>, String> {
        Err(format!(
            "{} cannot save its state",
            std::any::type_name::<Self>()
        ))
    }
    /// Continues from a [`Env::save_state`]; an error (never a panic) for bytes it did not
    /// write.
    fn restore_state(&mut self, _state: &[u8]) -> Result<(), String> {
        Err(format!(
            "{} cannot restore a state",
            std::any::type_name::<Self>()
        ))
    }
}

/// An env behind a pointer is that env: every method goes to the pointee (the trainer steps
/// `Box<dyn Env>` chains and, in evaluations, `&mut` borrows of its envs).
macro_rules! forward_env {
    ($($ptr:ty),*) => { $(
        impl<E: Env + ?Sized> Env for $ptr {
            fn reset(&mut self) {
                (**self).reset()
            }
            fn step(&mut self, action: u8) -> Step {
                (**self).step(action)
            }
            fn observe(&mut self) -> &[u8] {
                (**self).observe()
            }
            fn obs_shape(&self) -> (usize, usize) {
                (**self).obs_shape()
            }
            fn action_set(&self) -> &[u8] {
                (**self).action_set()
            }
            fn n_actions(&self) -> usize {
                (**self).n_actions()
            }
            fn game_over(&self) -> bool {
                (**self).game_over()
            }
            fn lives(&self) -> i32 {
                (**self).lives()
            }
            fn screen(&self) -> Option<&[u8]> {
                (**self).screen()
            }
            fn save_state(&self) -> Result<Vec<u8>, String> {
                (**self).save_state()
            }
            fn restore_state(&mut self, state: &[u8]) -> Result<(), String> {
                (**self).restore_state(state)
            }
        }
    )* };
}

forward_env!(Box<E>, &mut E);
