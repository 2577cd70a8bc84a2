//! [`Game`]: the core's ALE emulator, advanced one frame per call (the page draws every
//! frame), with the agent's observation built the way training built it.
//!
//! Training sees 4-frame steps: the action is held for 4 frames, the observation is the
//! pixel-wise max of the last two frames' ALE grayscale, area-resized to 84×84, stacked 4 deep
//! (`core::env::{MaxAndSkip, Resize, FrameStack}`). The page cannot use those wrappers as they
//! are, because they run 4 frames per step and it wants to show each one, so this type does
//! the same bookkeeping frame by frame with the same building blocks (`AreaResize`,
//! `FrameStack`, `screen_gray`). A test checks it against the training pipeline.

use qarcade_core::ale::action::PLAYER_B_OFFSET;
use qarcade_core::ale::env::{SCREEN_HEIGHT, SCREEN_WIDTH};
use qarcade_core::ale::pong_versus::{ram as pong_ram, ServeRule, Side, VERSUS_MODE};
use qarcade_core::ale::{roms, Ale, AleConfig};
use qarcade_core::atari::palette;
use qarcade_core::env::{AreaResize, FrameStack, FRAME_LEN};
use qarcade_core::frame_stack::{DEFAULT_FRAME_STACK, MAX_FRAME_STACK};
use sha1::{Digest, Sha1};
use wasm_bindgen::prelude::*;

/// Frames each agent decision is held for (training's frame skip).
pub const FRAME_SKIP: u32 = 4;
/// Observations stacked per decision until [`Game::set_frame_stack`] says otherwise (the
/// default network's depth).
pub const STACK: usize = DEFAULT_FRAME_STACK;
const PIXELS: usize = SCREEN_HEIGHT * SCREEN_WIDTH;

/// A game on the emulated console, as the page plays it.
#[wasm_bindgen]
pub struct Game {
    ale: Ale,
    name: &'static str,
    versus: bool,
    /// Grayscale of the last two frames of the current 4-frame step (`[newest, older]`).
    gray: [Vec<u8>; 2],
    scratch: Vec<u8>,
    resize: AreaResize,
    small: Vec<u8>,
    stack: FrameStack,
    /// Frames played of the current 4-frame step.
    phase: u32,
    agent_action: u8,
    rgba: Vec<u8>,
    /// Versus mode: a player who does not serve in time serves anyway (the one rule the
    /// attack's games use too), so a game never freezes waiting for FIRE. The agent serves
    /// with the one-player game's timing (it was trained where serves come by themselves);
    /// the person has two seconds to press Space or tap.
    serve: ServeRule,
    /// Whole games won by the agent and by its opponent since loading.
    tally: [u32; 2],
    /// Whether the finished game has been counted in `tally` (a game ends once).
    counted: bool,
}

#[wasm_bindgen]
impl Game {
    /// Loads a ROM image. `versus`: Pong's two-player mode, where player B (the left paddle)
    /// is driven by [`Game::advance`]'s second argument instead of the built-in CPU player.
    /// `difficulty`: ALE's difficulty switches (bit 0 the left player's, bit 1 the right's;
    /// in Pong the A position halves that player's paddle), 0 when not given. Refuses an
    /// image that is not one of the supported games (by MD5), or a difficulty the game
    /// does not have, with a message.
    #[wasm_bindgen(constructor)]
    pub fn new(rom: &[u8], versus: bool, difficulty: Option<u8>) -> Result<Game, JsError> {
        let info = roms::identify(rom).ok_or_else(|| {
            JsError::new(&format!(
                "this file is not a supported Atari ROM (MD5 {}); Pong's is {}",
                roms::md5_hex(rom),
                roms::by_name("pong").map_or("?", |r| r.md5)
            ))
        })?;
        let mode = if versus {
            if info.name != "pong" {
                return Err(JsError::new("playing against the agent needs Pong"));
            }
            Some(VERSUS_MODE)
        } else {
            None
        };
        let config = AleConfig {
            mode,
            difficulty: difficulty.unwrap_or(0),
            ..AleConfig::default()
        };
        let ale = Ale::new(rom, &config, false).map_err(|e| JsError::new(&e.to_string()))?;
        let mut game = Game {
            ale,
            name: info.name,
            versus,
            gray: [vec![0; PIXELS], vec![0; PIXELS]],
            scratch: Vec::with_capacity(PIXELS),
            resize: AreaResize::atari(),
            small: vec![0; FRAME_LEN],
            stack: FrameStack::new(STACK, FRAME_LEN),
            phase: 0,
            agent_action: 0,
            rgba: vec![255; PIXELS * 4],
            serve: ServeRule::with_graces(0, ServeRule::DEFAULT_GRACE),
            tally: [0, 0],
            counted: false,
        };
        game.start_episode();
        Ok(game)
    }

    /// The game's name (`pong`).
    pub fn name(&self) -> String {
        self.name.to_string()
    }

    pub fn versus(&self) -> bool {
        self.versus
    }

    /// A new game (ALE's `reset_game`).
    pub fn reset(&mut self) {
        self.ale.reset();
        self.serve.new_game();
        self.counted = false;
        self.start_episode();
    }

    /// Games won since loading, `[agent, opponent]` (counted when a game reaches 21).
    pub fn tally(&self) -> Vec<u32> {
        self.tally.to_vec()
    }

    /// Versus mode, between points: frames until the next serve happens by itself (the
    /// agent's at the one-player game's timing, the person's after their two seconds), or
    /// -1 while the ball is in play.
    pub fn serve_in(&self) -> i32 {
        match self.serve.serve_in(self.ale.ram()).filter(|_| self.versus) {
            Some((_, frames)) => frames as i32,
            None => -1,
        }
    }

    /// Versus mode, between points: who serves next (`"agent"`, `"person"`), from the point
    /// until the ball is in play (the game's own ~1 s pause included, which [`Game::serve_in`]
    /// counts down); `""` while the ball is in play or before the first point.
    pub fn server(&self) -> String {
        match self.serve.serve_in(self.ale.ram()).filter(|_| self.versus) {
            Some((Side::A, _)) => "agent".into(),
            Some((Side::B, _)) => "person".into(),
            None => String::new(),
        }
    }

    /// Versus mode: serves forced so far on the agent and on the person (`[agent, person]`).
    pub fn forced_serves(&self) -> Vec<u32> {
        self.serve.forced.to_vec()
    }

    /// Whether the agent should choose a new action before the next [`Game::advance`]: true
    /// at the start of every 4-frame step.
    pub fn decision_due(&self) -> bool {
        self.phase == 0
    }

    /// Stacks `depth` frames per observation from now on: the depth the loaded network reads
    /// (`Agent::frame_stack`), so that a 2-frame network gets what training gave it. The
    /// stack starts over from the newest frame, repeated, as at an episode start.
    pub fn set_frame_stack(&mut self, depth: usize) -> Result<(), JsError> {
        self.stack_depth(depth).map_err(|e| JsError::new(&e))
    }

    /// Frames per observation (see [`Game::set_frame_stack`]).
    pub fn frame_stack(&self) -> usize {
        self.stack.depth()
    }

    /// The agent's current observation: the stacked 84×84 grayscale frames, oldest first.
    pub fn observation(&self) -> Vec<u8> {
        self.stack.stacked().to_vec()
    }

    /// Sets the ALE action id player A (the agent, right paddle) holds from now on.
    pub fn set_agent_action(&mut self, action: u8) {
        self.agent_action = action;
    }

    /// One emulated frame: player A plays the agent's action, player B `opponent` (an ALE
    /// player-B id 18–35; ignored unless `versus`). Returns player A's reward. At game over
    /// the next call starts a new game.
    pub fn advance(&mut self, opponent: u8) -> i32 {
        if self.ale.is_terminal() {
            self.reset();
        }
        let reward = if self.versus {
            // Anything that is not a player-B id (a page bug, a script) plays as no input.
            let b = opponent
                .checked_sub(PLAYER_B_OFFSET)
                .filter(|b| *b < PLAYER_B_OFFSET)
                .unwrap_or(0);
            let (a, b) = self.serve.actions(self.ale.ram(), self.agent_action, b);
            self.ale.act(Side::A.ale_action(a), Side::B.ale_action(b))
        } else {
            self.ale.act(self.agent_action, PLAYER_B_OFFSET)
        };
        self.phase += 1;
        // Training grabs the screen after frames 3 and 4 of each step and max-pools them.
        if self.phase >= FRAME_SKIP - 1 {
            self.ale.screen_gray(&mut self.scratch);
            self.gray.swap(0, 1);
            self.gray[0].copy_from_slice(&self.scratch);
        }
        if self.phase == FRAME_SKIP || self.ale.is_terminal() {
            self.end_step();
        }
        if self.ale.game_over() && !self.counted {
            let [agent, opponent] = [self.score()[0], self.score()[1]];
            self.tally[(opponent > agent) as usize] += 1;
            self.counted = true;
        }
        reward
    }

    /// Player B's action id for a person's controls (Pong: up, down, fire).
    pub fn human_action(up: bool, down: bool, fire: bool) -> u8 {
        // Pong's paddles: RIGHT raises the paddle, LEFT lowers it.
        let a = match (up, down) {
            (true, false) => 3,
            (false, true) => 4,
            _ => 0,
        };
        let a = match (a, fire) {
            (0, true) => 1,
            (3, true) => 11,
            (4, true) => 12,
            (a, _) => a,
        };
        PLAYER_B_OFFSET + a
    }

    /// The screen as TIA colour values (160×210, row-major): index the palette with `v >> 1`.
    pub fn screen(&self) -> Vec<u8> {
        self.ale.screen().to_vec()
    }

    /// The screen as RGBA bytes, for a 2D canvas's `ImageData`.
    pub fn rgba(&mut self) -> Vec<u8> {
        for (px, &v) in self.rgba.chunks_exact_mut(4).zip(self.ale.screen()) {
            px[..3].copy_from_slice(&palette::rgb(v));
        }
        self.rgba.clone()
    }

    /// ALE's NTSC palette as 128 RGBA entries (for the WebGPU renderer).
    pub fn palette_rgba() -> Vec<u8> {
        palette::NTSC
            .iter()
            .flat_map(|&[r, g, b]| [r, g, b, 255])
            .collect()
    }

    /// SHA-1 of the RGB screen (210×160×3), as `qarcade trace` prints it.
    pub fn rgb_sha1(&self) -> String {
        let mut rgb = Vec::new();
        self.ale.screen_rgb(&mut rgb);
        hex::encode(Sha1::digest(&rgb))
    }

    /// The 128 bytes of RAM.
    pub fn ram(&self) -> Vec<u8> {
        self.ale.ram().to_vec()
    }

    /// Pong's `[agent, opponent]` points.
    pub fn score(&self) -> Vec<i32> {
        let ram = self.ale.ram();
        vec![
            ram[pong_ram::RIGHT_SCORE] as i32,
            ram[pong_ram::LEFT_SCORE] as i32,
        ]
    }

    /// Pong's `[ball x, ball y, agent paddle y, opponent paddle y]` from RAM (screen units).
    pub fn positions(&self) -> Vec<i32> {
        let ram = self.ale.ram();
        [
            pong_ram::BALL_X,
            pong_ram::BALL_Y,
            pong_ram::RIGHT_Y,
            pong_ram::LEFT_Y,
        ]
        .iter()
        .map(|&i| ram[i] as i32)
        .collect()
    }

    pub fn game_over(&self) -> bool {
        self.ale.game_over()
    }

    /// Frames emulated since loading.
    pub fn frame_number(&self) -> f64 {
        self.ale.frame_number() as f64
    }
}

impl Game {
    /// [`Game::set_frame_stack`], with its refusal as a plain message.
    pub(crate) fn stack_depth(&mut self, depth: usize) -> Result<(), String> {
        if !(1..=MAX_FRAME_STACK).contains(&depth) {
            return Err(format!(
                "a stack of {depth} frames: the page takes 1 to {MAX_FRAME_STACK}"
            ));
        }
        if depth != self.stack.depth() {
            let newest = self.stack.newest().to_vec();
            self.stack = FrameStack::new(depth, FRAME_LEN);
            self.stack.reset(&newest);
        }
        Ok(())
    }

    /// After a reset the observation is the reset screen, stacked 4 times (as training).
    fn start_episode(&mut self) {
        self.ale.screen_gray(&mut self.scratch);
        self.gray[0].copy_from_slice(&self.scratch);
        self.gray[1].fill(0);
        self.pool_and_resize();
        self.stack.reset(&self.small);
        self.phase = 0;
    }

    fn end_step(&mut self) {
        self.pool_and_resize();
        self.stack.push(&self.small);
        self.phase = 0;
    }

    fn pool_and_resize(&mut self) {
        let [newest, older] = &mut self.gray;
        for (a, &b) in newest.iter_mut().zip(older.iter()) {
            *a = (*a).max(b);
        }
        self.resize.apply(newest, &mut self.small);
    }
}
