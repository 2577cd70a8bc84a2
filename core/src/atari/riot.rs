//! The 6532 RIOT: 128 bytes of RAM, the interval timer, ports A (joysticks/paddle buttons)
//! and B (console switches). STUB: being written.

use super::rng::SystemRng;

#[derive(Clone, Debug)]
pub struct Riot {
    pub ram: [u8; 128],
    /// Levels on port A's pins from the controllers (bit set = not pressed).
    pub swcha_in: u8,
    /// Levels on port B's pins from the console switches.
    pub swchb_in: u8,
}

impl Riot {
    pub fn new(_rng: &mut SystemRng) -> Self {
        todo!()
    }
    pub fn reset(&mut self, _rng: &mut SystemRng) {
        todo!()
    }
    pub fn read(&mut self, _addr: u16, _cycles: u32) -> u8 {
        todo!()
    }
    pub fn write(&mut self, _addr: u16, _value: u8, _cycles: u32) {
        todo!()
    }
    /// Stella's `systemCyclesReset`: the bus counter is about to restart from 0 after `cycles`.
    pub fn cycles_reset(&mut self, _cycles: u32) {
        todo!()
    }
}
