//! The console: CPU + bus, and the frame loop. STUB: being written.

use super::bus::Bus;
use super::cpu::Cpu;

#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu: Cpu,
    pub bus: Bus,
}
