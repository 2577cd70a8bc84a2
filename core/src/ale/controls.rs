//! What the player's hands and the console's switches do to the chips' input pins: the
//! joysticks, paddles and console switches as Stella wires them, driven by ALE's events.

use super::action::Stick;
use super::games::Controllers;
use crate::atari::Machine;

/// Stella's "infinite" resistance: an unconnected pot never charges (a joystick port).
pub const RESISTANCE_NONE: i32 = i32::MAX;

/// The console's inputs at one moment (ALE's `Event` values that matter).
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Player A's (left port) and player B's (right port) joysticks.
    pub sticks: [Stick; 2],
    /// Paddles 0–3: the pot resistance each is set to (0 until ALE first sets them).
    pub paddle_resistance: [i32; 4],
    pub paddle_fire: [bool; 4],
    pub select: bool,
    pub reset: bool,
    /// Difficulty switches set to A (left, right); `None` until ALE first sets them, when the
    /// cartridge's defaults (B, B) hold.
    pub difficulty_a: Option<(bool, bool)>,
}

impl Inputs {
    /// ALE's `resetKeys`: release every button and switch, then set the difficulty switches.
    pub fn release_all(&mut self, difficulty: u8) {
        let resistance = self.paddle_resistance;
        *self = Inputs {
            paddle_resistance: resistance,
            difficulty_a: Some((difficulty & 1 != 0, difficulty & 2 != 0)),
            ..Inputs::default()
        };
    }

    /// Drive the machine's pins from these inputs, for the given controllers.
    pub fn apply(&self, controllers: Controllers, m: &mut Machine) {
        // SWCHA: left port in the high nibble, right port in the low nibble; pins One to Four
        // are bits 0..3 of a nibble, high when nothing pulls them down.
        let stick_nibble = |s: &Stick| -> u8 {
            (!s.up as u8) | (!s.down as u8) << 1 | (!s.left as u8) << 2 | (!s.right as u8) << 3
        };
        // A pair of paddles on one jack: fire buttons on pins Three/Four, pots on Nine/Five.
        // `first` is the paddle whose button is on pin Four and pot on pin Nine.
        let paddle_port = |first: usize, second: usize| -> (u8, i32, i32) {
            let nibble = 0b0011
                | (!self.paddle_fire[second] as u8) << 2
                | (!self.paddle_fire[first] as u8) << 3;
            (
                nibble,
                self.paddle_resistance[first],
                self.paddle_resistance[second],
            )
        };
        let (left, right, pots, fire45);
        match controllers {
            Controllers::Joysticks => {
                left = stick_nibble(&self.sticks[0]);
                right = stick_nibble(&self.sticks[1]);
                pots = [RESISTANCE_NONE; 4];
                fire45 = [!self.sticks[0].fire, !self.sticks[1].fire];
            }
            Controllers::Paddles {
                swap,
                right_paddles,
            } => {
                let (a, b) = if swap { (1, 0) } else { (0, 1) };
                let (l, nine_l, five_l) = paddle_port(a, b);
                left = l;
                if right_paddles {
                    let (r, nine_r, five_r) = paddle_port(a + 2, b + 2);
                    right = r;
                    pots = [nine_l, five_l, nine_r, five_r];
                    fire45 = [true, true];
                } else {
                    right = stick_nibble(&self.sticks[1]);
                    pots = [nine_l, five_l, RESISTANCE_NONE, RESISTANCE_NONE];
                    fire45 = [true, !self.sticks[1].fire];
                }
            }
        }
        m.bus.riot.swcha_in = left << 4 | right;
        m.bus.tia.set_pot_resistance(pots);
        m.bus.tia.inpt45 = fire45;
        // SWCHB: bit 0 RESET and bit 1 SELECT (low when pressed), bit 3 colour TV, bits 6/7
        // left/right difficulty (set = A); unused bits read high.
        let (left_a, right_a) = self.difficulty_a.unwrap_or((false, false));
        m.bus.riot.swchb_in = 0x34
            | (!self.reset as u8)
            | (!self.select as u8) << 1
            | 0x08
            | (left_a as u8) << 6
            | (right_a as u8) << 7;
    }
}
