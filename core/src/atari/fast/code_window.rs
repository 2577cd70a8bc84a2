//! [`CodeWindow`]: the bus during one instruction whose bytes lie in plain cartridge ROM,
//! serving its code fetches from a copy, skipping RIOT timer waits, and answering
//! [`Cpu::run_step`] during straight-line runs.

use super::fast_bus::FastBus;
use crate::atari::bus::Bus;
use crate::atari::cart::Cart;
use crate::atari::cpu::{Cpu, Memory};
use crate::atari::riot::is_timer_poll;

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

    /// Operand words are only fetched right after the opcode: bytes 1 and 2 of the window
    /// (a constant shift, where working the place out from the address left runtime
    /// arithmetic in the compiled loop).
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

/// The window's side of a straight-line run, as [`Cpu::run_step`] asks for it.
impl CodeWindow<'_, '_> {
    /// Asked by [`Cpu::run_step`] before an absolute `LDA` (its bytes at the PC) whether
    /// the run must stop there, without running it. A run stops before a timer poll (the
    /// frame loop runs it on its own, where it may skip ahead), giving back the
    /// instructions it counted from there.
    #[inline(always)]
    pub(crate) fn run_stops_at_lda_abs(&mut self) -> bool {
        if !is_timer_poll((self.bytes >> 8) as u16) {
            return false;
        }
        self.fast.left += i32::from(self.fast.bus.cart.run_len_at(self.fast.run_next));
        true
    }

    /// Asked by [`Cpu::run_step`] for the PC before an instruction of a straight-line run
    /// that needs it: one that ends the run, or where the run stops. Derived from where the
    /// run's next instruction is read, so that the CPU's count through the run's
    /// straight-line instructions is never used (and not kept, in the compiled loop); the
    /// window's own PC follows.
    #[inline(always)]
    pub(crate) fn run_pc(&mut self, _pc: u16) -> u16 {
        self.pc = self.fast.next_pc();
        self.pc
    }

    /// The rest of a branch of a straight-line run, told by [`Cpu::run_step`] after its
    /// operand fetch (`_pc`: the CPU's count, just past the branch's bytes, checked in
    /// debug builds; `taken`, `off`: whether it branches, and where). Adds the taken-branch
    /// penalty; returns the PC after the branch where the run is over, or `None` where the
    /// next run is chained on.
    ///
    /// Where the branch lies in the run (`run_next` still reads it: a branch makes no data
    /// access, so nothing needs it moved), so where it goes is known without the CPU's
    /// count; the next run starts right away where it can. The frame may end after the
    /// branch: where no run starts, the data bus is handed over.
    #[inline(always)]
    pub(crate) fn run_branch(&mut self, _pc: u16, taken: bool, off: u8) -> Option<u16> {
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
        // Outside a run (see [`FastBus::run_next`]).
        f.run_next = std::ptr::null();
        f.data_bus = self.db;
        Some(target)
    }

    /// Told by [`Cpu::run_step`] after the instruction that ends a straight-line run, with
    /// the PC it left: whether a new run starts there. The next run starts right away where
    /// it can, inside the frame loop's run loop. The frame may end after this instruction:
    /// the data bus is handed over.
    #[inline(always)]
    pub(crate) fn run_chain(&mut self, pc: u16) -> bool {
        self.fast.data_bus = self.db;
        self.fast.start_run(pc)
    }

    /// Told by [`Cpu::run_step`], right after the opcode fetch, where the next instruction
    /// of a straight-line run lies: `len` bytes further on, or (`ends_run`) nowhere the
    /// run knows (a jump, branch, call or return follows).
    #[inline(always)]
    pub(crate) fn run_advance(&mut self, len: usize, ends_run: bool) {
        self.fast.run_next = if ends_run {
            std::ptr::null()
        } else {
            self.fast.run_next.wrapping_add(len)
        };
    }
}
