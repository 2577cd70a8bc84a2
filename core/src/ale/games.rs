//! Per-game knowledge, as ALE 0.12.1 has it: where the score and lives live in RAM, when an
//! episode ends, the minimal action set, modes and difficulties, the actions that start a
//! game, and how the console is wired (paddles or joysticks, display window).
//!
//! A game reads only RAM after each frame; it never touches the machine otherwise.

use super::action::*;
use super::roms::RomInfo;

/// Controllers plugged into the console, as Stella's properties for the ROM say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controllers {
    Joysticks,
    /// A pair of paddles in the left port (`swap`: Stella's `Controller.SwapPaddles`), and in
    /// the right port paddles too (`right_paddles`) or a joystick.
    Paddles {
        swap: bool,
        right_paddles: bool,
    },
}

/// How a game selects one of its modes: press SELECT until the RAM byte shows the mode.
#[derive(Clone, Copy, Debug)]
pub struct ModeSelect {
    /// RAM index (0–127) of the game's mode byte.
    pub ram: usize,
    /// Frames the SELECT switch is held per press (ALE's `pressSelect(n)`).
    pub frames_per_press: usize,
}

/// The fixed facts about one game.
#[derive(Clone, Copy, Debug)]
pub struct GameSpec {
    pub name: &'static str,
    pub minimal_actions: &'static [u8],
    /// Modes ALE accepts (the first is the default).
    pub modes: &'static [u8],
    /// Further modes in which a second player (player B's actions) controls the other side
    /// instead of the computer. ALE 0.12.1 does not offer them; Multi-Agent ALE does, with
    /// 1-based game numbers: its mode `n` is our mode `n - 1` (the game's mode byte).
    pub two_player_modes: &'static [u8],
    pub mode_select: Option<ModeSelect>,
    pub difficulties: &'static [u8],
    pub starting_actions: &'static [u8],
    pub controllers: Controllers,
    /// First scanline of the 210 kept (Stella's `Display.YStart`).
    pub ystart: u32,
}

/// Reward, terminal and lives as a game's RAM tells them; ALE's `RomSettings` state.
#[derive(Clone, Debug, Default)]
pub struct GameState {
    pub reward: i32,
    pub score: i32,
    pub terminal: bool,
    pub lives: i32,
    started: bool,
    last_lives: i32,
}

/// One of the supported games.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Game {
    Pong,
    Breakout,
    SpaceInvaders,
    Seaquest,
    BeamRider,
    Enduro,
    Qbert,
}

const PONG_MODES: &[u8] = &[0, 1];
/// Video Olympics' two-player Pong variants (Multi-Agent ALE's Pong modes 3, 4, 9, 10);
/// mode 3 is PettingZoo pong_v3's "classic" (Multi-Agent ALE mode 4).
const PONG_TWO_PLAYER_MODES: &[u8] = &[2, 3, 8, 9];
/// The two-player mode PettingZoo's pong_v3 uses.
pub const PONG_CLASSIC_TWO_PLAYER: u8 = 3;
const BREAKOUT_MODES: &[u8] = &[0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44];
const SPACE_INVADERS_MODES: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

impl Game {
    pub const ALL: [Game; 7] = [
        Game::Pong,
        Game::Breakout,
        Game::SpaceInvaders,
        Game::Seaquest,
        Game::BeamRider,
        Game::Enduro,
        Game::Qbert,
    ];

    /// The game of a known ROM.
    pub fn of_rom(rom: &RomInfo) -> Option<Game> {
        Game::ALL.into_iter().find(|g| g.spec().name == rom.name)
    }

    pub fn spec(self) -> GameSpec {
        let joy = Controllers::Joysticks;
        match self {
            Game::Pong => GameSpec {
                name: "pong",
                minimal_actions: &[NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE],
                modes: PONG_MODES,
                two_player_modes: PONG_TWO_PLAYER_MODES,
                mode_select: Some(ModeSelect {
                    ram: 0x16,
                    frames_per_press: 2,
                }),
                difficulties: &[0, 1, 2, 3],
                starting_actions: &[],
                controllers: Controllers::Paddles {
                    swap: true,
                    right_paddles: true,
                },
                ystart: 34,
            },
            Game::Breakout => GameSpec {
                name: "breakout",
                minimal_actions: &[NOOP, FIRE, RIGHT, LEFT],
                modes: BREAKOUT_MODES,
                two_player_modes: &[],
                mode_select: Some(ModeSelect {
                    ram: 0x32,
                    frames_per_press: 1,
                }),
                difficulties: &[0, 1],
                starting_actions: &[],
                controllers: Controllers::Paddles {
                    swap: false,
                    right_paddles: false,
                },
                ystart: 34,
            },
            Game::SpaceInvaders => GameSpec {
                name: "space_invaders",
                minimal_actions: &[NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE],
                modes: SPACE_INVADERS_MODES,
                two_player_modes: &[],
                mode_select: Some(ModeSelect {
                    ram: 0x5c,
                    frames_per_press: 2,
                }),
                difficulties: &[0, 1],
                starting_actions: &[],
                controllers: joy,
                ystart: 34,
            },
            Game::Seaquest => GameSpec {
                name: "seaquest",
                minimal_actions: &[
                    NOOP,
                    FIRE,
                    UP,
                    RIGHT,
                    LEFT,
                    DOWN,
                    UPRIGHT,
                    UPLEFT,
                    DOWNRIGHT,
                    DOWNLEFT,
                    UPFIRE,
                    RIGHTFIRE,
                    LEFTFIRE,
                    DOWNFIRE,
                    UPRIGHTFIRE,
                    UPLEFTFIRE,
                    DOWNRIGHTFIRE,
                    DOWNLEFTFIRE,
                ],
                modes: &[0],
                two_player_modes: &[],
                mode_select: None,
                difficulties: &[0, 1],
                starting_actions: &[],
                controllers: joy,
                ystart: 34,
            },
            Game::BeamRider => GameSpec {
                name: "beam_rider",
                minimal_actions: &[
                    NOOP, FIRE, UP, RIGHT, LEFT, UPRIGHT, UPLEFT, RIGHTFIRE, LEFTFIRE,
                ],
                modes: &[0],
                two_player_modes: &[],
                mode_select: None,
                difficulties: &[0, 1],
                starting_actions: &[RIGHT],
                controllers: joy,
                ystart: 34,
            },
            Game::Enduro => GameSpec {
                name: "enduro",
                minimal_actions: &[
                    NOOP, FIRE, RIGHT, LEFT, DOWN, DOWNRIGHT, DOWNLEFT, RIGHTFIRE, LEFTFIRE,
                ],
                modes: &[0],
                two_player_modes: &[],
                mode_select: None,
                difficulties: &[0],
                starting_actions: &[FIRE],
                controllers: joy,
                ystart: 34,
            },
            Game::Qbert => GameSpec {
                name: "qbert",
                minimal_actions: &[NOOP, FIRE, UP, RIGHT, LEFT, DOWN],
                modes: &[0],
                two_player_modes: &[],
                mode_select: None,
                difficulties: &[0, 1],
                starting_actions: &[],
                controllers: joy,
                ystart: 40,
            },
        }
    }

    /// ALE's `RomSettings::reset` values.
    pub fn initial_state(self) -> GameState {
        let lives = match self {
            Game::Pong | Game::Enduro => 0,
            Game::Breakout => 5,
            Game::SpaceInvaders | Game::BeamRider => 3,
            Game::Seaquest | Game::Qbert => 4,
        };
        GameState {
            lives,
            last_lives: 2,
            ..GameState::default()
        }
    }

    /// ALE's `RomSettings::step`: update reward/terminal/lives from RAM after a frame.
    pub fn step(self, s: &mut GameState, ram: &[u8; 128]) {
        let r = |addr: usize| ram[addr & 0x7f] as i32;
        let bcd = |addr: usize| {
            let v = r(addr);
            10 * (v >> 4) + (v & 15)
        };
        let score_to = |s: &mut GameState, score: i32| {
            s.reward = score - s.score;
            s.score = score;
        };
        match self {
            Game::Pong => {
                let (cpu, player) = (r(13), r(14));
                score_to(s, player - cpu);
                s.terminal = cpu == 21 || player == 21;
            }
            Game::Breakout => {
                let (x, y) = (r(77), r(76));
                score_to(s, (x & 15) + 10 * (x >> 4) + 100 * (y & 15));
                let lives = r(57);
                if !s.started && lives == 5 {
                    s.started = true;
                }
                s.terminal = s.started && lives == 0;
                s.lives = lives;
            }
            Game::SpaceInvaders => {
                let score = bcd(0xE8) + 100 * bcd(0xE6);
                let mut reward = score - s.score;
                if reward < 0 {
                    // The score display wraps at 10,000.
                    reward = (10_000 - s.score) + score;
                }
                s.reward = reward;
                s.score = score;
                s.lives = r(0xC9);
                s.terminal = (r(0x98) & 0x80) != 0 || s.lives == 0;
            }
            Game::Seaquest => {
                score_to(s, bcd(0xBA) + 100 * bcd(0xB9) + 10_000 * bcd(0xB8));
                s.terminal = r(0xA3) != 0;
                s.lives = r(0xBB) + 1;
            }
            Game::BeamRider => {
                score_to(s, bcd(9) + 100 * bcd(10) + 10_000 * bcd(11));
                let new_lives = r(0x85) + 1;
                // A life lost only counts once the game has registered it (0x8C == 1).
                if new_lives != s.lives - 1 || r(0x8C) == 1 {
                    s.lives = new_lives;
                }
                s.terminal = r(5) == 255;
            }
            Game::Enduro => {
                let level = r(0xAD);
                let mut score = 0;
                if level != 0 {
                    let left = bcd(0xAB) + 100 * bcd(0xAC);
                    let passed = if level == 1 { 200 - left } else { 300 - left };
                    if level >= 2 {
                        score = 200 + (level - 2) * 300;
                    }
                    score += passed;
                }
                score_to(s, score);
                s.terminal = r(0xAF) == 0xFF;
            }
            Game::Qbert => {
                let lives_byte = r(0x88);
                s.terminal = lives_byte == 0xFE || (lives_byte == 0x02 && s.last_lives == -1);
                let as_signed = lives_byte as u8 as i8 as i32;
                if s.last_lives - 1 == as_signed {
                    s.lives -= 1;
                }
                s.last_lives = as_signed;
                if s.terminal {
                    s.reward = 0;
                } else {
                    score_to(s, bcd(0xDB) + 100 * bcd(0xDA) + 10_000 * bcd(0xD9));
                }
            }
        }
    }

    /// ALE's `lives()`: games without lives report 0, and so does a finished game.
    pub fn lives(self, s: &GameState) -> i32 {
        match self {
            Game::Pong | Game::Enduro => 0,
            _ if s.terminal => 0,
            _ => s.lives,
        }
    }
}
