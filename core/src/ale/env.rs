//! [`Ale`]: a game on the machine, stepped as ALE 0.12.1's `StellaEnvironment` steps it —
//! the same reset sequence, paddle model, sticky actions and episode bookkeeping — so that
//! the same actions give the same frames, RAM, rewards and terminals as ale-py.

use super::action::{self, Stick};
use super::controls::Inputs;
use super::games::{Controllers, Game, GameSpec, GameState};
use super::pong_returns::BallReturns;
use super::pong_versus::Side;
use super::roms;
use crate::atari::cart::{Cart, CartError};
use crate::atari::rng::SystemRng;
use crate::atari::{palette, Machine};

/// Rows of the screen ALE keeps (`Display.Height`).
pub const SCREEN_HEIGHT: usize = 210;
/// Pixels per row.
pub const SCREEN_WIDTH: usize = 160;

/// ALE's paddle model: positions are resistances, moved a fixed step per frame.
const PADDLE_MIN: i32 = 27_450;
const PADDLE_MAX: i32 = 790_196;
const PADDLE_DEFAULT: i32 = (PADDLE_MIN + PADDLE_MAX) / 2;
const PADDLE_DELTA: i32 = 23_000;
/// Frames ALE runs after power-on, and frames it holds RESET for a soft reset.
const STARTUP_NOOP_FRAMES: usize = 60;
const SOFT_RESET_FRAMES: usize = 4;

/// Settings of an [`Ale`], with ALE's defaults.
#[derive(Clone, Debug)]
pub struct AleConfig {
    /// Seed of the sticky-action random source (ALE's `random_seed`).
    pub seed: u32,
    /// Probability of repeating the previous action instead of the new one, per frame.
    pub repeat_action_probability: f64,
    /// Episode truncation in frames (0 = none), ALE's `max_num_frames_per_episode`.
    pub max_num_frames_per_episode: u32,
    pub mode: Option<u8>,
    pub difficulty: u8,
}

impl Default for AleConfig {
    fn default() -> Self {
        AleConfig {
            seed: 0,
            repeat_action_probability: 0.0,
            max_num_frames_per_episode: 0,
            mode: None,
            difficulty: 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AleError {
    #[error("{0}")]
    Cart(#[from] CartError),
    #[error("unknown ROM (MD5 {md5}): not one of the supported games; run it with --force to emulate it as a plain cartridge")]
    UnknownRom { md5: String },
    #[error("mode {mode} is not available for {game} (available: {available:?})")]
    BadMode {
        game: &'static str,
        mode: u8,
        available: &'static [u8],
    },
    #[error("difficulty {difficulty} is not available for {game} (available: {available:?})")]
    BadDifficulty {
        game: &'static str,
        difficulty: u8,
        available: &'static [u8],
    },
    #[error("{game} has no FIRE as its action 1 to press after each reset (env.fire_reset: use null or false)")]
    NoFire { game: &'static str },
    #[error("{game} cannot be played two against one another here: only Pong can")]
    NoVersus { game: &'static str },
}

/// A game running on the emulated console, as ALE runs it.
#[derive(Clone, Debug)]
pub struct Ale {
    pub machine: Machine,
    /// The game, or `None` for an unknown ROM run as a plain cartridge (no rewards).
    pub game: Option<Game>,
    spec: GameSpec,
    state: GameState,
    inputs: Inputs,
    paddles: [i32; 2],
    mode: u8,
    difficulty: u8,
    rng: SystemRng,
    repeat_action_probability: f64,
    max_frames: u32,
    last_actions: [u8; 2],
    frame: u64,
    episode_frame: u32,
    /// Pong only: who returned the ball, followed frame by frame (not part of ALE).
    returns: BallReturns,
    /// The paddle that returned the ball on the last frame, if one did.
    last_return: Option<Side>,
}

/// The spec used for an unknown ROM: joysticks, default window, no modes.
const PLAIN_SPEC: GameSpec = GameSpec {
    name: "unknown",
    minimal_actions: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
    modes: &[0],
    two_player_modes: &[],
    mode_select: None,
    difficulties: &[0, 1, 2, 3],
    starting_actions: &[],
    controllers: Controllers::Joysticks,
    ystart: 34,
};

impl Ale {
    /// Loads a ROM image as ale-py's `loadROM` does (console power-on, 60 frames, then a
    /// game reset). An image of unknown MD5 is refused unless `force`.
    pub fn new(image: &[u8], config: &AleConfig, force: bool) -> Result<Ale, AleError> {
        let game = roms::identify(image).and_then(Game::of_rom);
        if game.is_none() && !force {
            return Err(AleError::UnknownRom {
                md5: roms::md5_hex(image),
            });
        }
        let spec = game.map(Game::spec).unwrap_or(PLAIN_SPEC);
        let default_mode = spec.modes[0];
        let mode = config.mode.unwrap_or(default_mode);
        if !spec.modes.contains(&mode) && !spec.two_player_modes.contains(&mode) {
            return Err(AleError::BadMode {
                game: spec.name,
                mode,
                available: spec.modes,
            });
        }
        if !spec.difficulties.contains(&config.difficulty) {
            return Err(AleError::BadDifficulty {
                game: spec.name,
                difficulty: config.difficulty,
                available: spec.difficulties,
            });
        }
        let cart = Cart::from_image(image)?;
        let machine = Machine::new(cart, spec.ystart, SCREEN_HEIGHT as u32);
        let mut ale = Ale {
            machine,
            game,
            spec,
            state: game.map(Game::initial_state).unwrap_or_default(),
            inputs: Inputs::default(),
            paddles: [PADDLE_DEFAULT; 2],
            mode: default_mode,
            difficulty: 0,
            rng: SystemRng::new(config.seed),
            repeat_action_probability: config.repeat_action_probability,
            max_frames: config.max_num_frames_per_episode,
            last_actions: [action::NOOP, action::PLAYER_B_OFFSET],
            returns: BallReturns::default(),
            last_return: None,
            frame: 0,
            episode_frame: 0,
        };
        // Stella's console construction runs 60 frames to detect the TV format, with every
        // input at rest (the paddles not yet set by ALE).
        for _ in 0..STARTUP_NOOP_FRAMES {
            ale.apply_inputs();
            ale.machine.run_frame();
        }
        // ...and then resets the system once more (a second random RIOT timer draw).
        ale.machine.reset();
        ale.set_paddles(PADDLE_DEFAULT, PADDLE_DEFAULT);
        ale.reset();
        // As with ale-py: a mode or difficulty other than the default is set after loading
        // and takes effect with another reset.
        if mode != default_mode || config.difficulty != 0 {
            ale.mode = mode;
            ale.difficulty = config.difficulty;
            ale.reset();
        }
        Ok(ale)
    }

    /// ALE's `reset_game`: hard reset, 60 no-op frames, soft reset, mode selection, soft
    /// reset, the game's starting actions. None of these frames counts as an episode frame.
    pub fn reset(&mut self) {
        self.episode_frame = 0;
        self.set_paddles(PADDLE_DEFAULT, PADDLE_DEFAULT);
        self.machine.reset();
        self.emulate(action::NOOP, action::PLAYER_B_OFFSET, STARTUP_NOOP_FRAMES);
        self.soft_reset();
        if let Some(g) = self.game {
            self.state = g.initial_state();
        }
        if let Some(sel) = self.spec.mode_select {
            // Bounded: a mode byte that never shows up must not hang the reset.
            for _ in 0..256 {
                if self.machine.ram()[sel.ram] == self.mode {
                    break;
                }
                self.press_select(sel.frames_per_press);
            }
            self.soft_reset();
        }
        self.soft_reset();
        for &a in self.spec.starting_actions {
            self.emulate(a, action::PLAYER_B_OFFSET, 1);
        }
        self.returns = BallReturns::default();
        self.last_return = None;
    }

    /// One emulated frame with player A's and player B's actions (ALE's `act` with
    /// frameskip 1). Sticky actions may keep the previous actions instead. Returns the reward.
    pub fn act(&mut self, a: u8, b: u8) -> i32 {
        if self.rng.next_f64() >= self.repeat_action_probability {
            self.last_actions[0] = a;
        }
        if self.rng.next_f64() >= self.repeat_action_probability {
            self.last_actions[1] = b;
        }
        self.last_return = None;
        if self.is_terminal() {
            return 0;
        }
        let [mut a, mut b] = self.last_actions;
        if a >= action::PLAYER_B_OFFSET {
            a = action::NOOP;
        }
        if !(action::PLAYER_B_OFFSET..action::PLAYER_B_OFFSET + 18).contains(&b) {
            b = action::PLAYER_B_OFFSET;
        }
        self.emulate(a, b, 1);
        self.frame += 1;
        self.episode_frame += 1;
        self.state.reward
    }

    /// Whether the episode is over: the game ended, or the frame limit was reached.
    pub fn is_terminal(&self) -> bool {
        self.state.terminal || (self.max_frames > 0 && self.episode_frame >= self.max_frames)
    }

    /// Whether the game itself ended (not truncated).
    pub fn game_over(&self) -> bool {
        self.state.terminal
    }

    pub fn lives(&self) -> i32 {
        self.game.map_or(0, |g| g.lives(&self.state))
    }

    pub fn score(&self) -> i32 {
        self.state.score
    }

    /// In Pong, the paddle that returned the ball on the last frame (see
    /// [`BallReturns`]); always `None` in other games.
    pub fn ball_returned(&self) -> Option<Side> {
        self.last_return
    }

    pub fn spec(&self) -> &GameSpec {
        &self.spec
    }

    pub fn minimal_actions(&self) -> &'static [u8] {
        self.spec.minimal_actions
    }

    /// Frames emulated by `act` since loading / since the episode began.
    pub fn frame_number(&self) -> u64 {
        self.frame
    }
    pub fn episode_frame_number(&self) -> u32 {
        self.episode_frame
    }

    pub fn ram(&self) -> &[u8; 128] {
        self.machine.ram()
    }

    /// The screen as TIA colour values (160×210, row-major), as ALE's `getScreen`.
    pub fn screen(&self) -> &[u8] {
        self.machine.frame()
    }

    /// The screen as RGB bytes (210×160×3), as ALE's `getScreenRGB`.
    pub fn screen_rgb(&self, out: &mut Vec<u8>) {
        out.clear();
        out.reserve(self.screen().len() * 3);
        for &v in self.screen() {
            out.extend_from_slice(&palette::rgb(v));
        }
    }

    /// The screen as ALE's grayscale (210×160), as ALE's `getScreenGrayscale`.
    pub fn screen_gray(&self, out: &mut Vec<u8>) {
        out.clear();
        out.extend(self.screen().iter().map(|&v| palette::gray(v)));
    }

    fn set_paddles(&mut self, a: i32, b: i32) {
        self.paddles = [a, b];
        self.inputs.paddle_resistance[0] = a;
        self.inputs.paddle_resistance[1] = b;
    }

    /// ALE's `softReset`: RESET held for 4 frames; the remembered actions become no-ops.
    fn soft_reset(&mut self) {
        self.emulate(action::RESET, action::PLAYER_B_OFFSET, SOFT_RESET_FRAMES);
        self.last_actions = [action::NOOP, action::PLAYER_B_OFFSET];
    }

    /// ALE's `pressSelect`: SELECT held for `frames` frames (the game is not stepped), then
    /// one no-op frame that is.
    fn press_select(&mut self, frames: usize) {
        self.inputs.release_all(self.difficulty);
        self.inputs.select = true;
        self.apply_inputs();
        for _ in 0..frames {
            self.machine.run_frame();
        }
        self.emulate(action::NOOP, action::PLAYER_B_OFFSET, 1);
        self.frame += 1;
        self.episode_frame += 1;
    }

    /// ALE's `emulate`: set the controls for the actions and run `frames` frames, stepping
    /// the game's reward/terminal bookkeeping after each.
    fn emulate(&mut self, a: u8, b: u8, frames: usize) {
        let paddles = matches!(self.spec.controllers, Controllers::Paddles { .. });
        for _ in 0..frames {
            self.inputs.release_all(self.difficulty);
            if a == action::RESET || b == action::RESET {
                self.inputs.reset = true;
            }
            if paddles {
                // Paddles turn a little every frame the action is held.
                let delta = |act: u8| {
                    let s = Stick::of(act);
                    if act == action::RESET {
                        0
                    } else if s.right {
                        -PADDLE_DELTA
                    } else if s.left {
                        PADDLE_DELTA
                    } else {
                        0
                    }
                };
                let clamp = |v: i32| v.clamp(PADDLE_MIN, PADDLE_MAX);
                let pa = clamp(self.paddles[0] + delta(a));
                let pb = clamp(self.paddles[1] + delta(b));
                self.set_paddles(pa, pb);
                self.inputs.paddle_fire[0] = a != action::RESET && Stick::of(a).fire;
                self.inputs.paddle_fire[1] = b != action::RESET && Stick::of(b).fire;
            } else {
                if a != action::RESET {
                    self.inputs.sticks[0] = Stick::of(a);
                }
                if b != action::RESET {
                    self.inputs.sticks[1] = Stick::of(b);
                }
            }
            self.apply_inputs();
            self.machine.run_frame();
            if let Some(g) = self.game {
                g.step(&mut self.state, self.machine.ram());
                if g == Game::Pong {
                    self.last_return = self.returns.update(self.machine.ram());
                }
            }
        }
    }

    fn apply_inputs(&mut self) {
        self.inputs.apply(self.spec.controllers, &mut self.machine);
    }
}
