//! The 6507 CPU (a 6502 with 13 address lines). STUB: being written.

/// What the CPU sees of the machine. Stella's "M6502Low" model adds an instruction's base
/// cycles to the system clock right after fetching its opcode and before its other accesses,
/// and page-cross/branch penalties where they occur; the CPU reports them through `add_cycles`.
pub trait Memory {
    fn read(&mut self, addr: u16) -> u8;
    fn write(&mut self, addr: u16, value: u8);
    fn add_cycles(&mut self, n: u32);
}

#[derive(Clone, Debug, Default)]
pub struct Cpu {
    pub a: u8,
    pub x: u8,
    pub y: u8,
    pub sp: u8,
    pub pc: u16,
    /// Set once a jam (KIL) or otherwise unexecutable opcode ran: the CPU stops for good.
    pub jammed: bool,
}

impl Cpu {
    pub fn new() -> Self {
        Cpu::default()
    }
    /// Power-on/reset: registers as Stella sets them, PC from the reset vector.
    pub fn reset(&mut self, _mem: &mut impl Memory) {
        todo!()
    }
    /// Executes one instruction. Returns false if the CPU is jammed (nothing executed).
    pub fn step(&mut self, _mem: &mut impl Memory) -> bool {
        todo!()
    }
}
