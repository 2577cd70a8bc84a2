//! The 6507 CPU (a 6502 with 13 address lines), behaving exactly like the "M6502Low" model of
//! Stella 2.4.2 (the core of ALE 0.12.1).
//!
//! Timing model: an instruction's opcode is fetched first, then its whole base cycle count is
//! reported through [`Memory::add_cycles`], then every other access of the instruction happens
//! (operand fetches, data reads and writes, stack accesses). Extra cycles are reported where
//! they arise: the page-cross penalty of indexed reads just before the data read, and the
//! taken-branch penalty (1, or 2 when the target is on another page) after the offset fetch.
//!
//! Only the accesses that model makes happen here; in particular:
//! - no dummy reads for implied/accumulator instructions or for indexed addressing,
//! - read-modify-write instructions read once and write once (no double write),
//! - the `(zp,X)` and `(zp),Y` pointer's high byte is read from `pointer + 1` *without* wrapping
//!   into page 0 (pointer `$FF` reads its high byte at `$0100`),
//! - `JMP ($xxFF)` takes its high byte from `$xx00`,
//! - JSR reads the stack once before pushing, PLA/PLP/RTS/RTI read the stack once before
//!   pulling, RTS reads the byte at the pulled address before stepping past it, BRK reads the
//!   byte after its opcode,
//! - the twelve KIL opcodes (and nothing else) are not implemented: they jam the CPU for good.
//!
//! The B flag always reads as set (the 6507 model sets it on every status load), so pushed
//! status bytes always have bits 4 and 5 set.

/// What the CPU sees of the machine. Stella's "M6502Low" model adds an instruction's base
/// cycles to the system clock right after fetching its opcode and before its other accesses,
/// and page-cross/branch penalties where they occur; the CPU reports them through `add_cycles`.
///
/// Every write the CPU makes directly follows a read (of an operand, a pointer, the data of a
/// read-modify-write, or the stack), except JSR's second push and BRK's second and third:
/// those go through [`Memory::write_after_write`], so a memory that cares (the TIA halts the
/// CPU on a WSYNC write only after a read) need not track the previous access itself.
pub trait Memory {
    fn read(&mut self, addr: u16) -> u8;
    /// A write that directly follows a read.
    fn write(&mut self, addr: u16, value: u8);
    fn add_cycles(&mut self, n: u32);
    /// A write that directly follows another write.
    #[inline(always)]
    fn write_after_write(&mut self, addr: u16, value: u8) {
        self.write(addr, value)
    }
    /// A read of one of the current instruction's own bytes (its opcode and operands, which
    /// lie at the instruction's address and the next two). Behaves exactly as [`Memory::read`];
    /// a memory may serve it from a copy of those bytes taken at the opcode fetch.
    #[inline(always)]
    fn read_code(&mut self, addr: u16) -> u8 {
        self.read(addr)
    }
    /// The two operand bytes of an instruction, at `addr` (right after its opcode) and
    /// `addr + 1`, low byte first: two [`Memory::read_code`]s.
    #[inline(always)]
    fn read_code_word(&mut self, addr: u16) -> u16 {
        let lo = self.read_code(addr) as u16;
        let hi = self.read_code(addr.wrapping_add(1)) as u16;
        lo | (hi << 8)
    }
    /// The reads of a zero-page pointer at `p` (low byte) and `p + 1` (high byte, not
    /// wrapped to page 0), as a little-endian word: two [`Memory::read`]s.
    #[inline(always)]
    fn read_zp_word(&mut self, p: u8) -> u16 {
        let lo = self.read(u16::from(p)) as u16;
        let hi = self.read(u16::from(p) + 1) as u16;
        lo | (hi << 8)
    }
    /// Told when the CPU jams (it will run nothing more).
    #[inline(always)]
    fn jam(&mut self) {}
    /// Called after each instruction of the hot loop's dispatch with its (constant) opcode
    /// and the CPU's state, which it may advance by whole instructions (see
    /// `CodeWindow::skip_timer_wait`).
    #[inline(always)]
    fn after_op(&mut self, _cpu: &mut Cpu, _op: u8) {}
}

/// Base cycle count of each opcode, added right after the opcode fetch.
pub static BASE_CYCLES: [u8; 256] = build_cycle_table();

/// Derives the base cycle count from the opcode's position in the 6502 opcode matrix
/// (high nibble = row, low nibble = column).
const fn base_cycles(op: u8) -> u8 {
    let row = op >> 4;
    let col = op & 0x0f;
    let odd_row = row & 1 == 1;
    // Rows 8..B hold the stores/loads (no read-modify-write), the others ALU/RMW groups.
    let store_load = row >= 0x8 && row <= 0xb;
    match col {
        0x0 => {
            if odd_row {
                2 // branches (penalties added separately)
            } else {
                match row {
                    0x0 => 7,             // BRK
                    0x2 | 0x4 | 0x6 => 6, // JSR, RTI, RTS
                    _ => 2,               // immediate (NOP #, LDY #, CPY #, CPX #)
                }
            }
        }
        0x1 => {
            if !odd_row || row == 0x9 {
                6 // (zp,X), and STA (zp),Y
            } else {
                5 // (zp),Y read
            }
        }
        0x2 => 2, // KIL (jams) and immediate NOPs/LDX #
        0x3 => {
            if op == 0xb3 {
                5 // LAX (zp),Y (page-cross penalty added separately)
            } else if store_load {
                6 // SAX/LAX (zp,X), SHA (zp),Y
            } else {
                8 // RMW (zp,X) and (zp),Y
            }
        }
        0x4..=0x7 => {
            let rmw = col >= 0x6 && !store_load;
            match (odd_row, rmw) {
                (false, false) => {
                    if op == 0xa7 {
                        4 // LAX zp: Stella's table says 4, not 3
                    } else {
                        3
                    }
                }
                (false, true) => 5,
                (true, false) => 4,
                (true, true) => 6,
            }
        }
        0x8 => {
            if odd_row {
                2 // flag instructions, TYA
            } else {
                match row {
                    0x0 | 0x4 => 3, // PHP, PHA
                    0x2 | 0x6 => 4, // PLP, PLA
                    _ => 2,         // DEY, TAY, INY, INX
                }
            }
        }
        0x9 => {
            if !odd_row {
                2 // immediate
            } else if row == 0x9 {
                5 // STA abs,Y
            } else {
                4 // abs,Y read
            }
        }
        0xa => 2, // accumulator shifts, transfers, DEX, NOPs
        0xb => {
            if !odd_row {
                2 // immediate undocumented
            } else if row == 0x9 {
                5 // SHS abs,Y
            } else if row == 0xb {
                4 // LAS abs,Y
            } else {
                7 // RMW abs,Y
            }
        }
        _ => {
            // columns C..F: absolute and absolute indexed
            let rmw = col >= 0xe && !store_load;
            if !odd_row {
                match op {
                    0x4c => 3, // JMP abs
                    0x6c => 5, // JMP (ind)
                    _ => {
                        if rmw {
                            6
                        } else {
                            4
                        }
                    }
                }
            } else if row == 0x9 {
                5 // stores abs,X/abs,Y (STA, SHY, SHX, SHA)
            } else if rmw {
                7
            } else {
                4
            }
        }
    }
}

const fn build_cycle_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = base_cycles(i as u8);
        i += 1;
    }
    t
}

/// Value of a byte read as two BCD digits (each nibble may exceed 9: `$FF` is 165).
#[inline(always)]
fn bcd_to_bin(x: u8) -> u8 {
    (x >> 4) * 10 + (x & 0x0f)
}

/// The last two decimal digits of `t`, packed as BCD.
#[inline(always)]
fn bin_to_bcd(t: u8) -> u8 {
    let t = t % 100;
    ((t / 10) << 4) | (t % 10)
}

/// True when `a` and `b` lie on different 256-byte pages.
#[inline(always)]
fn crosses(a: u16, b: u16) -> bool {
    (a ^ b) & 0xff00 != 0
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cpu {
    pub a: u8,
    pub x: u8,
    pub y: u8,
    pub sp: u8,
    pub pc: u16,
    /// Set once a jam (KIL) or otherwise unexecutable opcode ran: the CPU stops for good.
    pub jammed: bool,
    /// The negative and zero flags, kept lazily: N is set when bit 7 or bit 15 is, Z when
    /// the low byte is 0 (see [`Cpu::n`], [`Cpu::z`]). Most instructions just store their
    /// 8-bit result here.
    nz: u16,
    /// Overflow flag.
    pub v: bool,
    /// The decimal and interrupt-disable flags, where P has them (bits 3 and 2; the rest
    /// clear): rarely changed, so kept together, ready for a status push.
    di: u8,
    /// Carry flag.
    pub c: bool,
}

impl Cpu {
    pub fn new() -> Self {
        Cpu::default()
    }

    /// Power-on/reset: registers as Stella sets them, PC from the reset vector
    /// (read low byte at `$FFFC`, then high byte at `$FFFD`; no cycles are counted).
    pub fn reset(&mut self, mem: &mut impl Memory) {
        self.jammed = false;
        self.a = 0;
        self.x = 0;
        self.y = 0;
        self.sp = 0xff;
        self.set_status(0x20);
        let lo = mem.read(0xfffc) as u16;
        let hi = mem.read(0xfffd) as u16;
        self.pc = lo | (hi << 8);
    }

    /// Negative flag.
    #[inline(always)]
    pub fn n(&self) -> bool {
        self.nz & 0x8080 != 0
    }

    /// Zero flag.
    #[inline(always)]
    pub fn z(&self) -> bool {
        self.nz & 0x00ff == 0
    }

    /// Decimal flag.
    #[inline(always)]
    pub fn d(&self) -> bool {
        self.di & 0x08 != 0
    }

    /// Interrupt-disable flag.
    #[inline(always)]
    pub fn i(&self) -> bool {
        self.di & 0x04 != 0
    }

    /// Sets N and Z independently.
    #[inline(always)]
    fn set_n_z(&mut self, n: bool, z: bool) {
        self.nz = (!z as u16) | ((n as u16) << 15);
    }

    /// The P register as pushed by PHP/BRK: bits 5 and 4 (B) always set.
    #[inline]
    pub fn status(&self) -> u8 {
        (self.n() as u8) << 7
            | (self.v as u8) << 6
            | 0x30
            | self.di
            | (self.z() as u8) << 1
            | self.c as u8
    }

    /// Loads the flags from a P byte (as PLP/RTI do; bits 4 and 5 are ignored).
    #[inline]
    pub fn set_status(&mut self, p: u8) {
        self.set_n_z(p & 0x80 != 0, p & 0x02 != 0);
        self.v = p & 0x40 != 0;
        self.di = p & 0x0c;
        self.c = p & 0x01 != 0;
    }

    // ---------------------------------------------------------------- fetch & addressing

    /// Reads the instruction byte at the PC (opcode or operand) and steps past it.
    #[inline(always)]
    pub(crate) fn fetch<M: Memory>(&mut self, m: &mut M) -> u8 {
        let v = m.read_code(self.pc);
        self.pc = self.pc.wrapping_add(1);
        v
    }

    /// Two-byte operand, low byte first.
    #[inline(always)]
    fn fetch_word<M: Memory>(&mut self, m: &mut M) -> u16 {
        let w = m.read_code_word(self.pc);
        self.pc = self.pc.wrapping_add(2);
        w
    }

    #[inline(always)]
    fn ea_zp<M: Memory>(&mut self, m: &mut M) -> u16 {
        self.fetch(m) as u16
    }

    #[inline(always)]
    fn ea_zpx<M: Memory>(&mut self, m: &mut M) -> u16 {
        self.fetch(m).wrapping_add(self.x) as u16
    }

    #[inline(always)]
    fn ea_zpy<M: Memory>(&mut self, m: &mut M) -> u16 {
        self.fetch(m).wrapping_add(self.y) as u16
    }

    #[inline(always)]
    fn ea_abs<M: Memory>(&mut self, m: &mut M) -> u16 {
        self.fetch_word(m)
    }

    /// Absolute indexed; with `penalty`, a page crossing costs one cycle (added now,
    /// before the data access).
    #[inline(always)]
    fn ea_abs_idx<M: Memory>(&mut self, m: &mut M, idx: u8, penalty: bool) -> u16 {
        let base = self.fetch_word(m);
        let ea = base.wrapping_add(idx as u16);
        if penalty && crosses(base, ea) {
            m.add_cycles(1);
        }
        ea
    }

    /// Reads a 16-bit pointer at `p` (low) and `p + 1` (high), the latter not wrapped to page 0.
    #[inline(always)]
    fn read_ptr<M: Memory>(m: &mut M, p: u8) -> u16 {
        m.read_zp_word(p)
    }

    #[inline(always)]
    fn ea_indx<M: Memory>(&mut self, m: &mut M) -> u16 {
        let p = self.fetch(m).wrapping_add(self.x);
        Self::read_ptr(m, p)
    }

    #[inline(always)]
    fn ea_indy<M: Memory>(&mut self, m: &mut M, penalty: bool) -> u16 {
        let p = self.fetch(m);
        let base = Self::read_ptr(m, p);
        let ea = base.wrapping_add(self.y as u16);
        if penalty && crosses(base, ea) {
            m.add_cycles(1);
        }
        ea
    }

    // ---------------------------------------------------------------- stack

    #[inline(always)]
    fn push<M: Memory>(&mut self, m: &mut M, v: u8) {
        m.write(0x0100 | self.sp as u16, v);
        self.sp = self.sp.wrapping_sub(1);
    }

    /// A push that directly follows another write.
    #[inline(always)]
    fn push_after_write<M: Memory>(&mut self, m: &mut M, v: u8) {
        m.write_after_write(0x0100 | self.sp as u16, v);
        self.sp = self.sp.wrapping_sub(1);
    }

    /// The stack read at the current SP that precedes every pull sequence, then SP+1.
    #[inline(always)]
    fn stack_dummy_then_inc<M: Memory>(&mut self, m: &mut M) {
        m.read(0x0100 | self.sp as u16);
        self.sp = self.sp.wrapping_add(1);
    }

    #[inline(always)]
    fn read_stack<M: Memory>(&mut self, m: &mut M) -> u8 {
        m.read(0x0100 | self.sp as u16)
    }

    // ---------------------------------------------------------------- ALU

    #[inline(always)]
    fn set_nz(&mut self, v: u8) {
        self.nz = v as u16;
    }

    #[inline(always)]
    fn adc(&mut self, op: u8) {
        let old_a = self.a;
        let carry = self.c as u16;
        if !self.d() {
            self.adc_binary_only(op);
        } else {
            let sum = bcd_to_bin(old_a) as u16 + bcd_to_bin(op) as u16 + carry;
            self.c = sum > 99;
            self.a = bin_to_bcd(sum as u8);
            self.set_nz(self.a);
            self.v = (old_a ^ self.a) & 0x80 != 0 && (self.a ^ op) & 0x80 != 0;
        }
    }

    #[inline(always)]
    fn sbc(&mut self, op: u8) {
        if !self.d() {
            self.adc_binary_only(!op);
        } else {
            let old_a = self.a;
            let borrow = !self.c as i16;
            let mut diff = bcd_to_bin(old_a) as i16 - bcd_to_bin(op) as i16 - borrow;
            if diff < 0 {
                diff += 100;
            }
            self.a = if diff >= 0 {
                bin_to_bcd(diff as u8)
            } else {
                // Still negative (only with non-BCD operands): the reference indexes just
                // before its binary->BCD table, landing in its BCD->binary table.
                bcd_to_bin((diff + 256) as u8)
            };
            self.set_nz(self.a);
            self.c = old_a as i16 >= op as i16 + borrow;
            self.v = (old_a ^ self.a) & 0x80 != 0 && (self.a ^ op) & 0x80 != 0;
        }
    }

    /// Binary-mode addition (used by SBC/ISB with the complemented operand).
    #[inline(always)]
    fn adc_binary_only(&mut self, op: u8) {
        let sum = self.a as u16 + op as u16 + self.c as u16;
        let r = sum as u8;
        // Signed overflow: both operands have the same sign, the result the other one.
        self.v = (self.a ^ r) & (op ^ r) & 0x80 != 0;
        self.a = r;
        self.c = sum > 0xff;
        self.set_nz(r);
    }

    #[inline(always)]
    fn compare(&mut self, reg: u8, op: u8) {
        let r = reg.wrapping_sub(op);
        self.nz = r as u16;
        self.c = reg >= op;
    }

    #[inline(always)]
    fn ora(&mut self, v: u8) {
        self.a |= v;
        self.set_nz(self.a);
    }

    #[inline(always)]
    fn and(&mut self, v: u8) {
        self.a &= v;
        self.set_nz(self.a);
    }

    #[inline(always)]
    fn eor(&mut self, v: u8) {
        self.a ^= v;
        self.set_nz(self.a);
    }

    /// LDA's effect on the registers (A and the N/Z flags), for a caller that ran a LDA's
    /// accesses itself.
    #[inline(always)]
    pub(crate) fn lda(&mut self, v: u8) {
        self.a = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn ldx(&mut self, v: u8) {
        self.x = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn ldy(&mut self, v: u8) {
        self.y = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn lax(&mut self, v: u8) {
        self.a = v;
        self.x = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn bit(&mut self, v: u8) {
        // Z from A & v, N from bit 7 of v (A & v has no bit 7 that v lacks).
        self.nz = (self.a & v) as u16 | (((v & 0x80) as u16) << 8);
        self.v = v & 0x40 != 0;
    }

    #[inline(always)]
    fn asl_v(&mut self, v: u8) -> u8 {
        self.c = v & 0x80 != 0;
        let r = v << 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn lsr_v(&mut self, v: u8) -> u8 {
        self.c = v & 0x01 != 0;
        let r = v >> 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn rol_v(&mut self, v: u8) -> u8 {
        let r = (v << 1) | self.c as u8;
        self.c = v & 0x80 != 0;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn ror_v(&mut self, v: u8) -> u8 {
        let r = (v >> 1) | ((self.c as u8) << 7);
        self.c = v & 0x01 != 0;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn arr(&mut self, op: u8) {
        let val = self.a & op;
        let r = (val >> 1) | ((self.c as u8) << 7);
        if !self.d() {
            self.a = r;
            self.c = r & 0x40 != 0;
            self.v = ((r >> 6) ^ (r >> 5)) & 1 != 0;
            self.set_nz(r);
        } else {
            self.set_n_z(self.c, r == 0);
            self.v = (val ^ r) & 0x40 != 0;
            let mut a = r;
            if (val & 0x0f) + (val & 0x01) > 0x05 {
                a = (a & 0xf0) | (a.wrapping_add(0x06) & 0x0f);
            }
            if (val & 0xf0) as u16 + (val & 0x10) as u16 > 0x50 {
                a = a.wrapping_add(0x60);
                self.c = true;
            } else {
                self.c = false;
            }
            self.a = a;
        }
    }

    // ---------------------------------------------------------------- access patterns

    /// Read-modify-write: one read, one write of the result.
    #[inline(always)]
    fn rmw<M: Memory>(&mut self, m: &mut M, addr: u16, f: impl FnOnce(&mut Self, u8) -> u8) {
        let v = m.read(addr);
        let r = f(self, v);
        m.write(addr, r);
    }

    #[inline(always)]
    fn branch<M: Memory>(&mut self, m: &mut M, cond: bool) {
        let off = self.fetch(m);
        if cond {
            let (target, penalty) = Self::branch_target(self.pc, true, off);
            m.add_cycles(penalty);
            self.pc = target;
        }
    }

    /// Where a branch with offset `off` goes from `pc` (just past its bytes), and its
    /// penalty cycles: 1 if taken, 2 if taken to another page.
    #[inline(always)]
    pub(crate) fn branch_target(pc: u16, taken: bool, off: u8) -> (u16, u32) {
        if taken {
            let target = pc.wrapping_add(off as i8 as u16);
            (target, if crosses(pc, target) { 2 } else { 1 })
        } else {
            (pc, 0)
        }
    }

    /// Whether branch opcode `op` (`op & 0x1f == 0x10`) branches: bits 7-6 pick the flag
    /// (N, V, C, Z), bit 5 the value that branches.
    #[inline(always)]
    pub(crate) fn branch_taken(&self, op: u8) -> bool {
        let flag = match op >> 6 {
            0 => self.n(),
            1 => self.v,
            2 => self.c,
            _ => self.z(),
        };
        flag == (op & 0x20 != 0)
    }

    /// Value stored by SHA/SHX/SHY/SHS: `reg & (high byte of the address + 1)`.
    #[inline(always)]
    fn sh_value(reg: u8, addr: u16) -> u8 {
        reg & ((addr >> 8) as u8).wrapping_add(1)
    }

    // ---------------------------------------------------------------- execution

    /// Runs up to `max` instructions, stopping early after an instruction for which
    /// `stop(mem)` is true (the way Stella's `execute(25000)` stops when the TIA sets the
    /// processor's stop bit during an instruction), or when the CPU is (or becomes) jammed.
    /// Returns the number of steps that executed (a jamming opcode counts as one).
    ///
    /// This is the preferred hot loop: `step` is force-inlined into it.
    pub fn run<M: Memory>(&mut self, m: &mut M, max: u32, mut stop: impl FnMut(&M) -> bool) -> u32 {
        let mut n = 0;
        while n < max {
            if !self.step(m) {
                break;
            }
            n += 1;
            if self.jammed || stop(m) {
                break;
            }
        }
        n
    }

    /// Executes one instruction. Returns false if the CPU is jammed (nothing executed).
    ///
    /// A jamming opcode is fetched (PC moves past it) and its 2 base cycles are counted;
    /// that step returns true with [`Cpu::jammed`] now set, and every later step returns false
    /// without touching memory.
    ///
    /// Force-inlined so a caller's loop around it compiles into one tight dispatch loop
    /// (about twice as fast as an out-of-line call); call it from a single hot loop, or use
    /// [`Cpu::run`].
    #[inline(always)]
    pub fn step<M: Memory>(&mut self, m: &mut M) -> bool {
        if self.jammed {
            return false;
        }
        self.step_unjammed(m);
        true
    }

    /// [`Cpu::step`] for a CPU known not to be jammed.
    #[inline(always)]
    pub(crate) fn step_unjammed<M: Memory>(&mut self, m: &mut M) {
        let op = self.fetch(m);
        m.add_cycles(BASE_CYCLES[op as usize] as u32);
        self.execute(m, op);
    }

    /// [`Cpu::step_unjammed`] compiled as one dispatch over the 256 opcodes, each arm
    /// specialised for its opcode (its cycle count a constant, its addressing mode known):
    /// the hot loop's version.
    #[inline(always)]
    pub(crate) fn step_unjammed_specialised<M: Memory>(&mut self, m: &mut M) {
        macro_rules! dispatch {
            ($op:expr; $($k:literal)*) => {
                match $op {
                    $($k => {
                        m.add_cycles(BASE_CYCLES[$k] as u32);
                        self.execute(m, $k);
                        m.after_op(self, $k);
                    })*
                }
            };
        }
        let op = self.fetch(m);
        dispatch!(op; 0x00 0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08 0x09 0x0a 0x0b 0x0c 0x0d 0x0e 0x0f 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18 0x19 0x1a 0x1b 0x1c 0x1d 0x1e 0x1f 0x20 0x21 0x22 0x23 0x24 0x25 0x26 0x27 0x28 0x29 0x2a 0x2b 0x2c 0x2d 0x2e 0x2f 0x30 0x31 0x32 0x33 0x34 0x35 0x36 0x37 0x38 0x39 0x3a 0x3b 0x3c 0x3d 0x3e 0x3f 0x40 0x41 0x42 0x43 0x44 0x45 0x46 0x47 0x48 0x49 0x4a 0x4b 0x4c 0x4d 0x4e 0x4f 0x50 0x51 0x52 0x53 0x54 0x55 0x56 0x57 0x58 0x59 0x5a 0x5b 0x5c 0x5d 0x5e 0x5f 0x60 0x61 0x62 0x63 0x64 0x65 0x66 0x67 0x68 0x69 0x6a 0x6b 0x6c 0x6d 0x6e 0x6f 0x70 0x71 0x72 0x73 0x74 0x75 0x76 0x77 0x78 0x79 0x7a 0x7b 0x7c 0x7d 0x7e 0x7f 0x80 0x81 0x82 0x83 0x84 0x85 0x86 0x87 0x88 0x89 0x8a 0x8b 0x8c 0x8d 0x8e 0x8f 0x90 0x91 0x92 0x93 0x94 0x95 0x96 0x97 0x98 0x99 0x9a 0x9b 0x9c 0x9d 0x9e 0x9f 0xa0 0xa1 0xa2 0xa3 0xa4 0xa5 0xa6 0xa7 0xa8 0xa9 0xaa 0xab 0xac 0xad 0xae 0xaf 0xb0 0xb1 0xb2 0xb3 0xb4 0xb5 0xb6 0xb7 0xb8 0xb9 0xba 0xbb 0xbc 0xbd 0xbe 0xbf 0xc0 0xc1 0xc2 0xc3 0xc4 0xc5 0xc6 0xc7 0xc8 0xc9 0xca 0xcb 0xcc 0xcd 0xce 0xcf 0xd0 0xd1 0xd2 0xd3 0xd4 0xd5 0xd6 0xd7 0xd8 0xd9 0xda 0xdb 0xdc 0xdd 0xde 0xdf 0xe0 0xe1 0xe2 0xe3 0xe4 0xe5 0xe6 0xe7 0xe8 0xe9 0xea 0xeb 0xec 0xed 0xee 0xef 0xf0 0xf1 0xf2 0xf3 0xf4 0xf5 0xf6 0xf7 0xf8 0xf9 0xfa 0xfb 0xfc 0xfd 0xfe 0xff);
    }

    #[inline(always)]
    pub(crate) fn execute<M: Memory>(&mut self, m: &mut M, op: u8) {
        let (x, y) = (self.x, self.y);
        match op {
            // ---- ORA
            0x09 => {
                let v = self.fetch(m);
                self.ora(v)
            }
            0x05 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.ora(v)
            }
            0x15 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.ora(v)
            }
            0x0d => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.ora(v)
            }
            0x1d => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.ora(v)
            }
            0x19 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.ora(v)
            }
            0x01 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.ora(v)
            }
            0x11 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.ora(v)
            }
            // ---- AND
            0x29 => {
                let v = self.fetch(m);
                self.and(v)
            }
            0x25 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.and(v)
            }
            0x35 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.and(v)
            }
            0x2d => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.and(v)
            }
            0x3d => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.and(v)
            }
            0x39 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.and(v)
            }
            0x21 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.and(v)
            }
            0x31 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.and(v)
            }
            // ---- EOR
            0x49 => {
                let v = self.fetch(m);
                self.eor(v)
            }
            0x45 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.eor(v)
            }
            0x55 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.eor(v)
            }
            0x4d => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.eor(v)
            }
            0x5d => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.eor(v)
            }
            0x59 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.eor(v)
            }
            0x41 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.eor(v)
            }
            0x51 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.eor(v)
            }
            // ---- ADC
            0x69 => {
                let v = self.fetch(m);
                self.adc(v)
            }
            0x65 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.adc(v)
            }
            0x75 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.adc(v)
            }
            0x6d => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.adc(v)
            }
            0x7d => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.adc(v)
            }
            0x79 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.adc(v)
            }
            0x61 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.adc(v)
            }
            0x71 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.adc(v)
            }
            // ---- SBC (0xEB is the undocumented immediate copy)
            0xe9 | 0xeb => {
                let v = self.fetch(m);
                self.sbc(v)
            }
            0xe5 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.sbc(v)
            }
            0xf5 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.sbc(v)
            }
            0xed => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.sbc(v)
            }
            0xfd => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.sbc(v)
            }
            0xf9 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.sbc(v)
            }
            0xe1 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.sbc(v)
            }
            0xf1 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.sbc(v)
            }
            // ---- CMP
            0xc9 => {
                let v = self.fetch(m);
                self.compare(self.a, v)
            }
            0xc5 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xd5 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xcd => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xdd => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xd9 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xc1 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            0xd1 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.compare(self.a, v)
            }
            // ---- CPX / CPY
            0xe0 => {
                let v = self.fetch(m);
                self.compare(x, v)
            }
            0xe4 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.compare(x, v)
            }
            0xec => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.compare(x, v)
            }
            0xc0 => {
                let v = self.fetch(m);
                self.compare(y, v)
            }
            0xc4 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.compare(y, v)
            }
            0xcc => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.compare(y, v)
            }
            // ---- BIT
            0x24 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.bit(v)
            }
            0x2c => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.bit(v)
            }
            // ---- LDA
            0xa9 => {
                let v = self.fetch(m);
                self.lda(v)
            }
            0xa5 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.lda(v)
            }
            0xb5 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.lda(v)
            }
            0xad => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.lda(v)
            }
            0xbd => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.lda(v)
            }
            0xb9 => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.lda(v)
            }
            0xa1 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.lda(v)
            }
            0xb1 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.lda(v)
            }
            // ---- LDX
            0xa2 => {
                let v = self.fetch(m);
                self.ldx(v)
            }
            0xa6 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.ldx(v)
            }
            0xb6 => {
                let a = self.ea_zpy(m);
                let v = m.read(a);
                self.ldx(v)
            }
            0xae => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.ldx(v)
            }
            0xbe => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.ldx(v)
            }
            // ---- LDY
            0xa0 => {
                let v = self.fetch(m);
                self.ldy(v)
            }
            0xa4 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.ldy(v)
            }
            0xb4 => {
                let a = self.ea_zpx(m);
                let v = m.read(a);
                self.ldy(v)
            }
            0xac => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.ldy(v)
            }
            0xbc => {
                let a = self.ea_abs_idx(m, x, true);
                let v = m.read(a);
                self.ldy(v)
            }
            // ---- LAX (undocumented)
            0xa7 => {
                let a = self.ea_zp(m);
                let v = m.read(a);
                self.lax(v)
            }
            0xb7 => {
                let a = self.ea_zpy(m);
                let v = m.read(a);
                self.lax(v)
            }
            0xaf => {
                let a = self.ea_abs(m);
                let v = m.read(a);
                self.lax(v)
            }
            0xbf => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a);
                self.lax(v)
            }
            0xa3 => {
                let a = self.ea_indx(m);
                let v = m.read(a);
                self.lax(v)
            }
            0xb3 => {
                let a = self.ea_indy(m, true);
                let v = m.read(a);
                self.lax(v)
            }
            // ---- STA
            0x85 => {
                let a = self.ea_zp(m);
                m.write(a, self.a)
            }
            0x95 => {
                let a = self.ea_zpx(m);
                m.write(a, self.a)
            }
            0x8d => {
                let a = self.ea_abs(m);
                m.write(a, self.a)
            }
            0x9d => {
                let a = self.ea_abs_idx(m, x, false);
                m.write(a, self.a)
            }
            0x99 => {
                let a = self.ea_abs_idx(m, y, false);
                m.write(a, self.a)
            }
            0x81 => {
                let a = self.ea_indx(m);
                m.write(a, self.a)
            }
            0x91 => {
                let a = self.ea_indy(m, false);
                m.write(a, self.a)
            }
            // ---- STX / STY
            0x86 => {
                let a = self.ea_zp(m);
                m.write(a, x)
            }
            0x96 => {
                let a = self.ea_zpy(m);
                m.write(a, x)
            }
            0x8e => {
                let a = self.ea_abs(m);
                m.write(a, x)
            }
            0x84 => {
                let a = self.ea_zp(m);
                m.write(a, y)
            }
            0x94 => {
                let a = self.ea_zpx(m);
                m.write(a, y)
            }
            0x8c => {
                let a = self.ea_abs(m);
                m.write(a, y)
            }
            // ---- SAX (undocumented)
            0x87 => {
                let a = self.ea_zp(m);
                m.write(a, self.a & x)
            }
            0x97 => {
                let a = self.ea_zpy(m);
                m.write(a, self.a & x)
            }
            0x8f => {
                let a = self.ea_abs(m);
                m.write(a, self.a & x)
            }
            0x83 => {
                let a = self.ea_indx(m);
                m.write(a, self.a & x)
            }
            // ---- SHA / SHS / SHX / SHY (undocumented)
            0x9f => {
                let a = self.ea_abs_idx(m, y, false);
                m.write(a, Self::sh_value(self.a & x, a))
            }
            0x93 => {
                let a = self.ea_indy(m, false);
                m.write(a, Self::sh_value(self.a & x, a))
            }
            0x9b => {
                let a = self.ea_abs_idx(m, y, false);
                self.sp = self.a & x;
                m.write(a, Self::sh_value(self.a & x, a))
            }
            0x9e => {
                let a = self.ea_abs_idx(m, y, false);
                m.write(a, Self::sh_value(x, a))
            }
            0x9c => {
                let a = self.ea_abs_idx(m, x, false);
                m.write(a, Self::sh_value(y, a))
            }
            // ---- shifts on A
            0x0a => self.a = self.asl_v(self.a),
            0x4a => self.a = self.lsr_v(self.a),
            0x2a => self.a = self.rol_v(self.a),
            0x6a => self.a = self.ror_v(self.a),
            // ---- ASL
            0x06 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::asl_v)
            }
            0x16 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::asl_v)
            }
            0x0e => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::asl_v)
            }
            0x1e => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::asl_v)
            }
            // ---- LSR
            0x46 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::lsr_v)
            }
            0x56 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::lsr_v)
            }
            0x4e => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::lsr_v)
            }
            0x5e => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::lsr_v)
            }
            // ---- ROL
            0x26 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::rol_v)
            }
            0x36 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::rol_v)
            }
            0x2e => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::rol_v)
            }
            0x3e => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::rol_v)
            }
            // ---- ROR
            0x66 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::ror_v)
            }
            0x76 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::ror_v)
            }
            0x6e => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::ror_v)
            }
            0x7e => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::ror_v)
            }
            // ---- INC / DEC
            0xe6 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::inc_v)
            }
            0xf6 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::inc_v)
            }
            0xee => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::inc_v)
            }
            0xfe => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::inc_v)
            }
            0xc6 => {
                let a = self.ea_zp(m);
                self.rmw(m, a, Self::dec_v)
            }
            0xd6 => {
                let a = self.ea_zpx(m);
                self.rmw(m, a, Self::dec_v)
            }
            0xce => {
                let a = self.ea_abs(m);
                self.rmw(m, a, Self::dec_v)
            }
            0xde => {
                let a = self.ea_abs_idx(m, x, false);
                self.rmw(m, a, Self::dec_v)
            }
            // ---- SLO / RLA / SRE / RRA / DCP / ISB (undocumented RMW), all 7 modes each
            0x07 | 0x17 | 0x0f | 0x1f | 0x1b | 0x03 | 0x13 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::slo_v)
            }
            0x27 | 0x37 | 0x2f | 0x3f | 0x3b | 0x23 | 0x33 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::rla_v)
            }
            0x47 | 0x57 | 0x4f | 0x5f | 0x5b | 0x43 | 0x53 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::sre_v)
            }
            0x67 | 0x77 | 0x6f | 0x7f | 0x7b | 0x63 | 0x73 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::rra_v)
            }
            0xc7 | 0xd7 | 0xcf | 0xdf | 0xdb | 0xc3 | 0xd3 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::dcp_v)
            }
            0xe7 | 0xf7 | 0xef | 0xff | 0xfb | 0xe3 | 0xf3 => {
                let a = self.rmw_addr(m, op);
                self.rmw(m, a, Self::isb_v)
            }
            // ---- immediate undocumented
            0x0b | 0x2b => {
                let v = self.fetch(m);
                self.and(v);
                self.c = self.n();
            }
            0x4b => {
                let v = self.fetch(m);
                self.a &= v;
                self.a = self.lsr_v(self.a);
            }
            0x6b => {
                let v = self.fetch(m);
                self.arr(v)
            }
            0x8b => {
                let v = self.fetch(m);
                self.a = (self.a | 0xee) & x & v;
                self.set_nz(self.a);
            }
            0xab => {
                let v = self.fetch(m);
                self.a = (self.a | 0xee) & v;
                self.x = self.a;
                self.set_nz(self.a);
            }
            0xcb => {
                let v = self.fetch(m);
                let ax = self.a & x;
                self.c = ax >= v;
                self.x = ax.wrapping_sub(v);
                self.set_nz(self.x);
            }
            0xbb => {
                let a = self.ea_abs_idx(m, y, true);
                let v = m.read(a) & self.sp;
                self.a = v;
                self.x = v;
                self.sp = v;
                self.set_nz(v);
            }
            // ---- NOPs: implied, and those that read an operand
            0xea | 0x1a | 0x3a | 0x5a | 0x7a | 0xda | 0xfa => {}
            0x80 | 0x82 | 0x89 | 0xc2 | 0xe2 => {
                self.fetch(m);
            }
            0x04 | 0x44 | 0x64 => {
                let a = self.ea_zp(m);
                m.read(a);
            }
            0x14 | 0x34 | 0x54 | 0x74 | 0xd4 | 0xf4 => {
                let a = self.ea_zpx(m);
                m.read(a);
            }
            0x0c => {
                let a = self.ea_abs(m);
                m.read(a);
            }
            0x1c | 0x3c | 0x5c | 0x7c | 0xdc | 0xfc => {
                let a = self.ea_abs_idx(m, x, true);
                m.read(a);
            }
            // ---- register ops
            0xaa => self.ldx(self.a),
            0xa8 => self.ldy(self.a),
            0x8a => self.lda(x),
            0x98 => self.lda(y),
            0xba => self.ldx(self.sp),
            0x9a => self.sp = x,
            0xe8 => self.ldx(x.wrapping_add(1)),
            0xca => self.ldx(x.wrapping_sub(1)),
            0xc8 => self.ldy(y.wrapping_add(1)),
            0x88 => self.ldy(y.wrapping_sub(1)),
            // ---- flags
            0x18 => self.c = false,
            0x38 => self.c = true,
            0x58 => self.di &= !0x04,
            0x78 => self.di |= 0x04,
            0xb8 => self.v = false,
            0xd8 => self.di &= !0x08,
            0xf8 => self.di |= 0x08,
            // ---- branches
            0x10 => self.branch(m, !self.n()),
            0x30 => self.branch(m, self.n()),
            0x50 => self.branch(m, !self.v),
            0x70 => self.branch(m, self.v),
            0x90 => self.branch(m, !self.c),
            0xb0 => self.branch(m, self.c),
            0xd0 => self.branch(m, !self.z()),
            0xf0 => self.branch(m, self.z()),
            // ---- stack
            0x48 => self.push(m, self.a),
            0x08 => {
                let p = self.status();
                self.push(m, p)
            }
            0x68 => {
                self.stack_dummy_then_inc(m);
                let v = self.read_stack(m);
                self.lda(v)
            }
            0x28 => {
                self.stack_dummy_then_inc(m);
                let p = self.read_stack(m);
                self.set_status(p)
            }
            // ---- jumps and subroutines
            0x4c => self.pc = self.ea_abs(m),
            0x6c => {
                let ptr = self.fetch_word(m);
                let ptr_hi = if crosses(ptr, ptr.wrapping_add(1)) {
                    ptr & 0xff00
                } else {
                    ptr + 1
                };
                let lo = m.read(ptr) as u16;
                let hi = m.read(ptr_hi) as u16;
                self.pc = lo | (hi << 8);
            }
            0x20 => {
                let lo = self.fetch(m) as u16;
                m.read(0x0100 | self.sp as u16);
                self.push(m, (self.pc >> 8) as u8);
                self.push_after_write(m, self.pc as u8);
                let hi = m.read_code(self.pc) as u16;
                self.pc = lo | (hi << 8);
            }
            0x60 => {
                self.stack_dummy_then_inc(m);
                let lo = self.read_stack(m) as u16;
                self.sp = self.sp.wrapping_add(1);
                let hi = self.read_stack(m) as u16;
                self.pc = lo | (hi << 8);
                // The byte at the return address (not one of this instruction's own bytes).
                m.read(self.pc);
                self.pc = self.pc.wrapping_add(1);
            }
            0x40 => {
                self.stack_dummy_then_inc(m);
                let p = self.read_stack(m);
                self.set_status(p);
                self.sp = self.sp.wrapping_add(1);
                let lo = self.read_stack(m) as u16;
                self.sp = self.sp.wrapping_add(1);
                let hi = self.read_stack(m) as u16;
                self.pc = lo | (hi << 8);
            }
            0x00 => {
                self.fetch(m);
                self.push(m, (self.pc >> 8) as u8);
                self.push_after_write(m, self.pc as u8);
                let p = self.status();
                self.push_after_write(m, p);
                self.di |= 0x04;
                let lo = m.read(0xfffe) as u16;
                let hi = m.read(0xffff) as u16;
                self.pc = lo | (hi << 8);
            }
            // ---- KIL/JAM: 0x02 0x12 0x22 0x32 0x42 0x52 0x62 0x72 0x92 0xB2 0xD2 0xF2
            _ => {
                self.jammed = true;
                m.jam();
            }
        }
    }

    /// Effective address for the undocumented RMW groups, whose low 5 opcode bits select
    /// the mode: 03 (zp,X), 07 zp, 0F abs, 13 (zp),Y, 17 zp,X, 1B abs,Y, 1F abs,X.
    /// No page-cross penalty for any of them.
    #[inline(always)]
    fn rmw_addr<M: Memory>(&mut self, m: &mut M, op: u8) -> u16 {
        match op & 0x1f {
            0x03 => self.ea_indx(m),
            0x07 => self.ea_zp(m),
            0x0f => self.ea_abs(m),
            0x13 => self.ea_indy(m, false),
            0x17 => self.ea_zpx(m),
            0x1b => self.ea_abs_idx(m, self.y, false),
            _ => self.ea_abs_idx(m, self.x, false),
        }
    }

    #[inline(always)]
    fn inc_v(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn dec_v(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn slo_v(&mut self, v: u8) -> u8 {
        self.c = v & 0x80 != 0;
        let r = v << 1;
        self.ora(r);
        r
    }

    #[inline(always)]
    fn rla_v(&mut self, v: u8) -> u8 {
        let r = (v << 1) | self.c as u8;
        self.c = v & 0x80 != 0;
        self.and(r);
        r
    }

    #[inline(always)]
    fn sre_v(&mut self, v: u8) -> u8 {
        self.c = v & 0x01 != 0;
        let r = v >> 1;
        self.eor(r);
        r
    }

    #[inline(always)]
    fn rra_v(&mut self, v: u8) -> u8 {
        let r = (v >> 1) | ((self.c as u8) << 7);
        self.c = v & 0x01 != 0;
        self.adc(r);
        r
    }

    #[inline(always)]
    fn dcp_v(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.compare(self.a, r);
        r
    }

    #[inline(always)]
    fn isb_v(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.sbc(r);
        r
    }
}

#[cfg(test)]
mod tests;
