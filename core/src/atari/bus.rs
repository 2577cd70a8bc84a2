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
    /// Whether the CPU's previous access was a read: the TIA only halts the CPU on a WSYNC
    /// write that follows a read (a read-modify-write's second write does not halt it again).
    pub last_access_was_read: bool,
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
            last_access_was_read: false,
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

impl Memory for Bus {
    #[inline]
    fn read(&mut self, addr: u16) -> u8 {
        let addr = addr & 0x1fff;
        let v = if addr & 0x1000 != 0 {
            self.cart.read(addr)
        } else if addr & 0x0080 == 0 {
            self.tia.read(addr, self.cycles, self.data_bus)
        } else {
            self.riot.read(addr, self.cycles)
        };
        self.data_bus = v;
        self.last_access_was_read = true;
        v
    }

    #[inline]
    fn write(&mut self, addr: u16, value: u8) {
        let addr = addr & 0x1fff;
        if addr & 0x1000 != 0 {
            self.cart.write(addr, value);
        } else if addr & 0x0080 == 0 {
            let stall = self
                .tia
                .write(addr, value, self.cycles, self.last_access_was_read);
            self.cycles = self.cycles.wrapping_add(stall);
        } else {
            self.riot.write(addr, value, self.cycles);
        }
        self.data_bus = value;
        self.last_access_was_read = false;
    }

    #[inline]
    fn add_cycles(&mut self, n: u32) {
        self.cycles = self.cycles.wrapping_add(n);
    }
}
