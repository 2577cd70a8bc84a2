//! The 6507's 13-bit address bus and the chips hanging off it, as Stella's `System` wires them:
//! A12 set selects the cartridge; otherwise A7 clear selects the TIA, A7 set the RIOT
//! (A9 clear: its 128 bytes of RAM; A9 set: its I/O ports and timer).
//!
//! The bus also keeps the two pieces of shared state the chips need: the CPU cycle counter
//! (the TIA and the RIOT timer derive their state from it) and the last value driven on the
//! data bus (undriven TIA read bits show it).

use super::cart::Cart;
use super::cpu::Memory;
use super::riot::Riot;
use super::rng::SystemRng;
use super::tia::Tia;

#[derive(Clone, Debug)]
pub struct Bus {
    pub tia: Tia,
    pub riot: Riot,
    pub cart: Cart,
    /// CPU cycles, as Stella's `System::cycles`: a wrapping u32 that restarts at 0 at the start
    /// of every frame ([`Bus::reset_cycles`]). The chips keep cycle stamps relative to it and
    /// shift them on that restart, with Stella's wrapping u32 arithmetic, because ALE's
    /// behaviour (paddle pots, timer) depends on exactly that arithmetic.
    pub cycles: u32,
    /// The last byte read or written (Stella's `myDataBusState`).
    pub data_bus: u8,
    /// The system's random source (power-on RAM, RIOT timer on reset).
    pub rng: SystemRng,
}

impl Bus {
    pub fn new(cart: Cart, mut rng: SystemRng) -> Self {
        let riot = Riot::new(&mut rng);
        Bus {
            tia: Tia::new(),
            riot,
            cart,
            cycles: 0,
            data_bus: 0,
            rng,
        }
    }

    /// Stella's `System::resetCycles`: tell the chips, then restart the counter at 0.
    pub fn reset_cycles(&mut self) {
        self.riot.cycles_reset(self.cycles);
        self.tia.cycles_reset(self.cycles);
        self.cycles = 0;
    }

    /// Stella's `System::reset`: the cycle counter restarts and every chip resets.
    pub fn reset(&mut self) {
        self.reset_cycles();
        self.cart.reset();
        self.riot.reset(&mut self.rng);
        self.tia.reset();
    }
}

impl Bus {
    /// A read of the TIA or the RIOT's I/O ports and timer (the accesses with side effects
    /// or state to bring up to date), kept out of the CPU's hot loop.
    #[inline(never)]
    pub(super) fn read_io(&mut self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
        if addr & 0x0080 == 0 {
            self.tia.read(addr, cycles, data_bus)
        } else {
            self.riot.read(addr, cycles)
        }
    }

    /// A write to the TIA or the RIOT's I/O ports and timer; returns the CPU cycles to stall.
    /// `after_read`: the previous access was a read (the TIA only halts the CPU on a WSYNC
    /// write that follows a read).
    #[inline(never)]
    fn write_io(&mut self, addr: u16, value: u8, cycles: u32, after_read: bool) -> u32 {
        if addr & 0x0080 == 0 {
            self.tia.write(addr, value, cycles, after_read)
        } else {
            self.write_riot(addr, value, cycles)
        }
    }

    /// A write to the RIOT's I/O ports and timer (rare), apart so that [`Bus::write_io`]'s
    /// TIA fast paths need no register saves.
    #[inline(never)]
    pub(super) fn write_riot(&mut self, addr: u16, value: u8, cycles: u32) -> u32 {
        self.riot.write(addr, value, cycles);
        0
    }

    /// The read of any address, given the counter and the data bus (not updated here).
    #[inline(always)]
    fn read_at(&mut self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
        let addr = addr & 0x1fff;
        if addr & 0x1000 != 0 {
            self.cart.read(addr)
        } else if addr & 0x0280 == 0x0080 {
            self.riot.ram[usize::from(addr & 0x7f)]
        } else {
            self.read_io(addr, cycles, data_bus)
        }
    }

    /// The write of any address, given the counter; returns the cycles to stall.
    #[inline(always)]
    fn write_at(&mut self, addr: u16, value: u8, cycles: u32, after_read: bool) -> u32 {
        let addr = addr & 0x1fff;
        if addr & 0x1000 != 0 {
            self.cart.write(addr, value);
            0
        } else if addr & 0x0280 == 0x0080 {
            self.riot.ram[usize::from(addr & 0x7f)] = value;
            0
        } else {
            self.write_io(addr, value, cycles, after_read)
        }
    }
}

impl Memory for Bus {
    /// The cartridge and the RIOT's RAM are read inline (plain memory, plus the cartridge's
    /// hotspot check); the TIA and the RIOT's I/O out of line.
    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.read_at(addr, self.cycles, self.data_bus);
        self.data_bus = v;
        v
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, value: u8) {
        let stall = self.write_at(addr, value, self.cycles, true);
        self.cycles = self.cycles.wrapping_add(stall);
        self.data_bus = value;
    }

    #[inline(always)]
    fn write_after_write(&mut self, addr: u16, value: u8) {
        let stall = self.write_at(addr, value, self.cycles, false);
        self.cycles = self.cycles.wrapping_add(stall);
        self.data_bus = value;
    }

    #[inline(always)]
    fn add_cycles(&mut self, n: u32) {
        self.cycles = self.cycles.wrapping_add(n);
    }
}
