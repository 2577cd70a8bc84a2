//! The 6507's 13-bit address bus and the chips hanging off it, as Stella's `System` wires them:
//! A12 set selects the cartridge; otherwise A7 clear selects the TIA, A7 set the RIOT
//! (A9 clear: its 128 bytes of RAM; A9 set: its I/O ports and timer).
//!
//! The bus also keeps the two pieces of shared state the chips need: the CPU cycle counter
//! (the TIA and the RIOT timer derive their state from it) and the last value driven on the
//! data bus (undriven TIA read bits show it).

use super::cart::Cart;
use super::cpu::{Cpu, Memory};
use super::riot::{is_timer_poll, Riot};
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
    fn read_io(&mut self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
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
    fn write_riot(&mut self, addr: u16, value: u8, cycles: u32) -> u32 {
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

/// The bus while the CPU runs a frame: the same accesses as [`Bus`]'s, with the cycle counter
/// and the data bus kept here rather than in the bus.
pub(crate) struct FastBus<'a> {
    pub bus: &'a mut Bus,
    pub cycles: u32,
    /// The data bus, except while a [`CodeWindow`] runs an instruction (the window keeps
    /// it, see [`CodeWindow::db`]): after the instructions that the frame may end with.
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
    fn write_to(&mut self, addr: u16, value: u8, after_read: bool) {
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
    fn read_after(&mut self, addr: u16, data_bus: u8) -> u8 {
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
    fn next_pc(&self) -> u16 {
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

/// The bus while the CPU runs an instruction whose three bytes all lie in the cartridge's
/// mapped bank below the hotspots: its code fetches are served from a copy of those bytes
/// taken before it starts (nothing the instruction does before its last code fetch can switch
/// the bank: only its own code fetches touch the cartridge until then), every other access
/// goes to the [`FastBus`].
pub(crate) struct CodeWindow<'a, 'b> {
    pub fast: &'a mut FastBus<'b>,
    /// The instruction's address.
    pub pc: u16,
    /// The bytes at `pc`, `pc + 1`, `pc + 2` (and one more), little-endian.
    pub bytes: u32,
    /// The data bus during the instruction (its opcode fetch sets it first). The window
    /// keeps it rather than the fast bus, as nothing after the instruction reads it (the
    /// next one starts with its opcode fetch) except at the end of the frame: the frame
    /// loop hands it over ([`CodeWindow::end`]) where the frame may end, after an
    /// instruction run alone or one that ends a run; and a write that stops the CPU hands
    /// it over itself (see `FastBus::write_to`).
    pub db: u8,
}

impl<'a, 'b> CodeWindow<'a, 'b> {
    /// The window for the instruction at `pc`, or `None` where the fast bus must fetch it.
    #[inline(always)]
    pub fn at(fast: &'a mut FastBus<'b>, pc: u16) -> Option<Self> {
        // In the cartridge (A12 set) and at most 0xFF1 within it: one unsigned comparison.
        let a = usize::from(pc & 0x1fff).wrapping_sub(0x1000);
        if a <= usize::from(Cart::HOT_FROM - 3) {
            let bytes = fast.bus.cart.peek4(a);
            Some(CodeWindow {
                fast,
                pc,
                bytes,
                db: 0,
            })
        } else {
            None
        }
    }
}

impl CodeWindow<'_, '_> {
    /// Hands the data bus over to the fast bus, after the instruction.
    #[inline(always)]
    pub fn end(self) {
        self.fast.data_bus = self.db;
    }

    /// After a `LDA INTIM` (any mirror, absolute) directly followed by `BNE` back to it, the
    /// usual wait for the RIOT timer: while INTIM reads at least 1 and the timer has not
    /// expired, every poll is a read without side effects that loops again, so the polls up
    /// to the last such one are run at once: the same cycles, instruction count, A, flags
    /// and data bus as running them one by one (nothing else is touched: the TIA and the
    /// cartridge see no access in the loop; the loop's bytes lie below the hotspots).
    #[inline(always)]
    fn skip_timer_wait(&mut self, cpu: &mut Cpu) {
        if !is_timer_poll((self.bytes >> 8) as u16) || cpu.a == 0 {
            return;
        }
        if let Some((k, cycles, v)) = Self::timer_wait_skip(
            self.fast.bus,
            self.pc,
            self.fast.cycles,
            self.fast.left as u32,
        ) {
            self.fast.left -= 2 * k as i32;
            self.fast.cycles = self.fast.cycles.wrapping_add(cycles);
            self.db = v;
            cpu.lda(v);
        }
    }

    /// The polls to skip from the `LDA` at `pc` (read at `cycles`, `left` instructions
    /// left): how many, the cycles they take, and the value the last one reads. Takes and
    /// returns plain values so that the hot loop's state stays in registers.
    #[inline(never)]
    fn timer_wait_skip(bus: &Bus, pc: u16, cycles: u32, left: u32) -> Option<(u32, u32, u8)> {
        let a = (pc & 0x1fff).wrapping_sub(0x1000);
        // BNE -5 right after, its bytes below the hotspots too.
        if a + 4 >= Cart::HOT_FROM {
            return None;
        }
        if bus.cart.peek(a + 3) != 0xd0 || bus.cart.peek(a + 4) != 0xfb {
            return None;
        }
        let next = pc.wrapping_add(5);
        let period = 4 + 2 + if (next ^ pc) & 0xff00 != 0 { 2 } else { 1 };
        // Each skipped poll is two instructions (BNE, LDA); stay within the frame's cap.
        let (k, v) = bus.riot.polls_before_low(cycles, period, left / 2);
        (k != 0).then_some((k, k * period, v))
    }
}

impl Memory for CodeWindow<'_, '_> {
    #[inline(always)]
    fn after_op(&mut self, cpu: &mut Cpu, op: u8) {
        if op == 0xad {
            self.skip_timer_wait(cpu);
        }
    }

    /// A run stops before a timer poll (the frame loop runs it on its own, where it may skip
    /// ahead), giving back the instructions it counted from there.
    #[inline(always)]
    fn run_stops_at_lda_abs(&mut self) -> bool {
        if !is_timer_poll((self.bytes >> 8) as u16) {
            return false;
        }
        self.fast.left += i32::from(self.fast.bus.cart.run_len_at(self.fast.run_next));
        true
    }

    /// Derived from where the run's next instruction is read; the window's own PC follows.
    #[inline(always)]
    fn run_pc(&mut self, _pc: u16) -> u16 {
        self.pc = self.fast.next_pc();
        self.pc
    }

    /// Where the branch lies in the run (`run_next` still reads it: a branch makes no data
    /// access, so nothing needs it moved), so where it goes is known without the CPU's
    /// count; the next run starts right away where it can. The frame may end after the
    /// branch: where no run starts, the data bus is handed over.
    #[inline(always)]
    fn run_branch(&mut self, _pc: u16, taken: bool, off: u8) -> Option<u16> {
        let f = &mut *self.fast;
        let next = f.run_next.wrapping_add(2);
        let pc = next.addr().wrapping_add(f.pc_bias) as u16;
        debug_assert_eq!(pc, _pc);
        let (target, penalty) = Cpu::branch_target(pc, taken, off);
        f.cycles = f.cycles.wrapping_add(penalty);
        let a = usize::from(target & 0x1fff).wrapping_sub(0x1000);
        if a < 0x1000 {
            let n = i32::from(f.bus.cart.run_len(a));
            debug_assert!(f.left >= 0);
            if ((n - 1) as u32) < f.left as u32 {
                f.left -= n;
                // The target, within 129 bytes of the branch and in the cartridge space
                // as the branch is, lies in the same 4 KiB block (and bank): it is read at
                // the same distance from where the branch is, and `pc_bias` holds for it.
                f.run_next = next.wrapping_offset(isize::from(target.wrapping_sub(pc) as i16));
                debug_assert_eq!(f.run_next, f.bus.cart.run_start(a));
                return None;
            }
        }
        // Outside a run (see `FastBus::run_next`).
        f.run_next = std::ptr::null();
        f.data_bus = self.db;
        Some(target)
    }

    /// The next run starts right away where it can, inside the frame loop's run loop. The
    /// frame may end after this instruction: the data bus is handed over.
    #[inline(always)]
    fn run_chain(&mut self, pc: u16) -> bool {
        self.fast.data_bus = self.db;
        self.fast.start_run(pc)
    }

    #[inline(always)]
    fn run_advance(&mut self, len: usize, ends_run: bool) {
        self.fast.run_next = if ends_run {
            std::ptr::null()
        } else {
            self.fast.run_next.wrapping_add(len)
        };
    }

    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.fast.read_after(addr, self.db);
        self.db = v;
        v
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, value: u8) {
        self.fast.write_to(addr, value, true);
        self.db = value;
    }

    #[inline(always)]
    fn write_after_write(&mut self, addr: u16, value: u8) {
        self.fast.write_to(addr, value, false);
        self.db = value;
    }

    #[inline(always)]
    fn add_cycles(&mut self, n: u32) {
        self.fast.add_cycles(n)
    }

    #[inline(always)]
    fn jam(&mut self) {
        self.fast.jam()
    }

    /// Operand words are only fetched right after the opcode: bytes 1 and 2 of the window
    /// (a constant shift, where working the place out from the address left runtime
    /// arithmetic in the compiled loop).
    /// A pointer in the RIOT's RAM (`p` at least 0x80, and not 0xFF, whose high byte
    /// lies at 0x100, in the TIA) is read at once: RAM reads have no side effects.
    #[inline(always)]
    fn read_zp_word(&mut self, p: u8) -> u16 {
        if p >= 0x80 && p != 0xff {
            let i = usize::from(p & 0x7f);
            let ram = &self.fast.bus.riot.ram;
            let w = u16::from_le_bytes([ram[i], ram[i + 1]]);
            self.db = (w >> 8) as u8;
            w
        } else {
            let lo = self.read(u16::from(p)) as u16;
            let hi = self.read(u16::from(p) + 1) as u16;
            lo | (hi << 8)
        }
    }

    #[inline(always)]
    fn read_code_word(&mut self, addr: u16) -> u16 {
        debug_assert_eq!(addr, self.pc.wrapping_add(1));
        let w = (self.bytes >> 8) as u16;
        self.db = (w >> 8) as u8;
        w
    }

    #[inline(always)]
    fn read_code(&mut self, addr: u16) -> u8 {
        let v = (self.bytes >> (8 * u32::from(addr.wrapping_sub(self.pc) & 3))) as u8;
        debug_assert_eq!(v, self.fast.bus.cart.peek(addr & 0x0fff));
        self.db = v;
        v
    }
}
