//! The TIA: video, collisions, input ports. STUB: being written.

#[derive(Clone, Debug, Default)]
pub struct Tia {
    /// Paddle resistances on INPT0..3 (Stella's `Controller::read(analog pin)` values).
    pub pot_resistance: [i32; 4],
    /// Levels on INPT4/INPT5 (true = high = button not pressed).
    pub inpt45: [bool; 2],
}

impl Tia {
    pub fn new() -> Self {
        Tia::default()
    }
    pub fn reset(&mut self) {
        todo!()
    }
    pub fn read(&mut self, _addr: u16, _cycles: u32, _data_bus: u8) -> u8 {
        todo!()
    }
    /// Returns the CPU cycles to stall (WSYNC).
    pub fn write(
        &mut self,
        _addr: u16,
        _value: u8,
        _cycles: u32,
        _last_access_was_read: bool,
    ) -> u32 {
        todo!()
    }
    /// Stella's `systemCyclesReset`: the bus counter is about to restart from 0 after `cycles`.
    pub fn cycles_reset(&mut self, _cycles: u32) {
        todo!()
    }
}
