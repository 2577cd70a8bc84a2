//! [`FastBus`]: the bus as the frame loop drives it, with the cycle counter and the data bus
//! held in the view (host registers) and the straight-line run's position beside them.

use crate::atari::bus::Bus;
use crate::atari::cart::Cart;
use crate::atari::cpu::Memory;

impl Bus {
    /// A view of the bus for running the CPU in a hot loop: the cycle counter and the data
    /// bus live in the view (in host registers), and go back to the bus on [`FastBus::finish`].
    #[inline(always)]
    pub(crate) fn fast(&mut self, max_instructions: i32) -> FastBus<'_> {
        FastBus {
            cycles: self.cycles,
            data_bus: self.data_bus,
            left: if self.tia.stop_cpu {
                0
            } else {
                max_instructions
            },
            run_next: std::ptr::null(),
            pc_bias: 0,
            bus: self,
        }
    }
}

/// The bus while the CPU runs a frame: the same accesses as [`Bus`]'s, with the cycle counter
/// and the data bus kept here rather than in the bus.
pub(crate) struct FastBus<'a> {
    pub bus: &'a mut Bus,
    pub cycles: u32,
    /// The data bus, except while a [`CodeWindow`](super::code_window::CodeWindow) runs an
    /// instruction (the window keeps it, see
    /// [`CodeWindow::db`](super::code_window::CodeWindow::db)): after the instructions that
    /// the frame may end with.
    pub data_bus: u8,
    /// Instructions the CPU may still run this frame: the cap, counted down, and set to 0
    /// when the CPU must stop (the TIA asked for it, see `Tia::stop_cpu`, or the CPU jammed),
    /// so that one test after each instruction covers all three (signed: the frame loop
    /// takes one off before each instruction and stops once it is negative). A straight-line
    /// run takes all its instructions off at once when it starts.
    pub left: i32,
    /// Where the running straight-line run's next instruction is read ([`Cart::run_start`]
    /// advanced past the instructions run so far), [`Cart::run_stop`] once the run must stop
    /// after the current instruction; null outside a run and during the instruction that
    /// ends it, but for a branch, which still reads it (it makes no data access, so no
    /// bank switch can give back the run's instructions from there) (see
    /// `Machine::run_frame`).
    pub run_next: *const u8,
    /// During a straight-line run: the PC of the instruction read at `run_next`, less
    /// `run_next`'s address (wrapping), so that the PC need not be counted through the run
    /// (see [`FastBus::next_pc`]). Kept true when a stop moves `run_next` to the stop marker.
    pub pc_bias: usize,
}

impl FastBus<'_> {
    /// Stores the counter and the data bus back into the bus.
    #[inline(always)]
    pub fn finish(self) {
        self.bus.cycles = self.cycles;
        self.bus.data_bus = self.data_bus;
    }
}

impl FastBus<'_> {
    /// A write, leaving [`FastBus::data_bus`] to the caller except where the CPU must stop
    /// (the frame may end after this instruction: the write is its last access then, as a
    /// write is in every instruction that does not end a run).
    #[inline(always)]
    pub(super) fn write_to(&mut self, addr: u16, value: u8, after_read: bool) {
        let a = addr & 0x1fff;
        if a & 0x1000 != 0 {
            if a & 0x0fff >= Cart::HOT_FROM {
                self.cart_high(a & 0x0fff);
            }
        } else if a & 0x0280 == 0x0080 {
            self.bus.riot.ram[usize::from(a & 0x7f)] = value;
        } else if a & 0x0080 == 0 {
            // The TIA's frequent writes inline; the rest out of line.
            let stall = match self.bus.tia.write_fast(a, value, self.cycles, after_read) {
                Some(stall) => stall,
                None => {
                    let stall = self
                        .bus
                        .tia
                        .write_general(a, value, self.cycles, after_read);
                    // Only TIA writes ask the CPU to stop.
                    if self.bus.tia.stop_cpu {
                        self.data_bus = value;
                        self.stop();
                    }
                    stall
                }
            };
            self.cycles = self.cycles.wrapping_add(stall);
        } else {
            self.bus.write_riot(a, value, self.cycles);
        }
    }

    /// A read, the data bus before it being `data_bus` (what undriven TIA bits show); the
    /// caller keeps the data bus.
    #[inline(always)]
    pub(super) fn read_after(&mut self, addr: u16, data_bus: u8) -> u8 {
        let a = addr & 0x1fff;
        if a & 0x1000 != 0 {
            let c = a & 0x0fff;
            if c >= Cart::HOT_FROM {
                self.cart_high(c)
            } else {
                self.bus.cart.peek(c)
            }
        } else if a & 0x0280 == 0x0080 {
            self.bus.riot.ram[usize::from(a & 0x7f)]
        } else {
            self.bus.read_io(a, self.cycles, data_bus)
        }
    }

    /// The CPU must stop after the current instruction: no more instructions this frame.
    #[inline(always)]
    fn stop(&mut self) {
        self.left = 0;
        self.stop_run();
    }

    /// The running straight-line run (if any) stops after the current instruction: its next
    /// instruction is read at the stop marker, with the PC it would have had.
    #[inline(always)]
    fn stop_run(&mut self) {
        let stop = self.bus.cart.run_stop();
        self.pc_bias = self
            .pc_bias
            .wrapping_add(self.run_next.addr())
            .wrapping_sub(stop.addr());
        self.run_next = stop;
    }

    /// Starts the straight-line run at `pc` (see `Cart::run_len`), if there is one in the
    /// cartridge and the frame's cap leaves room for all of it: its instructions are
    /// counted at once. The caller runs it with `Cpu::run_step` until that says it is over.
    #[inline(always)]
    pub fn start_run(&mut self, pc: u16) -> bool {
        let a = usize::from(pc & 0x1fff).wrapping_sub(0x1000);
        if a >= 0x1000 {
            return false;
        }
        let n = i32::from(self.bus.cart.run_len(a));
        // `n != 0 && n <= self.left` in one comparison: the count is never negative here
        // (it only goes below 0 where the frame loop stops).
        debug_assert!(self.left >= 0);
        if ((n - 1) as u32) >= self.left as u32 {
            return false;
        }
        self.left -= n;
        let start = self.bus.cart.run_start(a);
        self.run_next = start;
        self.pc_bias = usize::from(pc).wrapping_sub(start.addr());
        true
    }

    /// The PC of the running straight-line run's next instruction (see
    /// [`FastBus::pc_bias`]).
    #[inline(always)]
    pub(super) fn next_pc(&self) -> u16 {
        self.run_next.addr().wrapping_add(self.pc_bias) as u16
    }

    /// An access to the cartridge at or above [`Cart::HOT_FROM`] (`a`: 12-bit address):
    /// maybe a bank switch, which stops a running straight-line run (the instructions it
    /// had yet to run are given back to the count).
    #[inline(always)]
    fn cart_high(&mut self, a: u16) -> u8 {
        let (v, switched) = self.bus.cart.access_high(a, self.run_next);
        if let Some(left_in_run) = switched {
            self.left += i32::from(left_in_run);
            self.stop_run();
        }
        v
    }
}

impl Memory for FastBus<'_> {
    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.read_after(addr, self.data_bus);
        self.data_bus = v;
        v
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, value: u8) {
        self.write_to(addr, value, true);
        self.data_bus = value;
    }

    #[inline(always)]
    fn write_after_write(&mut self, addr: u16, value: u8) {
        self.write_to(addr, value, false);
        self.data_bus = value;
    }

    #[inline(always)]
    fn add_cycles(&mut self, n: u32) {
        self.cycles = self.cycles.wrapping_add(n);
    }

    #[inline(always)]
    fn jam(&mut self) {
        self.stop();
    }
}
