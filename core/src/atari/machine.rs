//! The console: CPU + bus, and the frame loop. STUB: being written.

use super::bus::Bus;
use super::cpu::Cpu;

#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu: Cpu,
    pub bus: Bus,
}

impl Machine {
    pub fn new(_cart: super::cart::Cart, _ystart: u32, _height: u32) -> Machine {
        todo!()
    }
    pub fn reset(&mut self) {
        todo!()
    }
    pub fn run_frame(&mut self) {
        todo!()
    }
    pub fn frame(&self) -> &[u8] {
        todo!()
    }
    pub fn ram(&self) -> &[u8; 128] {
        &self.bus.riot.ram
    }
}
