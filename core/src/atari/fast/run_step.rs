//! The CPU's side of straight-line runs: which opcodes a run may hold and how long each is,
//! and [`Cpu::run_step`], one instruction of a run. The cartridge's side is
//! [`super::cart_runs`], the bus's [`super::code_window`].

use super::code_window::CodeWindow;
use crate::atari::cpu::{Cpu, Memory, BASE_CYCLES};

/// How an opcode figures in a straight-line run of instructions (see [`Cpu::run_step`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunKind {
    /// Runs on to the instruction right after its own bytes.
    Straight,
    /// May go anywhere else (branches, jumps, calls, returns, BRK): ends a run.
    Control,
    /// Jams the CPU: never part of a run.
    Jam,
}

/// The length in bytes of each opcode's instruction (what a run advances by).
pub(crate) static OP_LEN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let op = i as u8;
        let (row, col) = (op >> 4, op & 0x0f);
        t[i] = match col {
            0x0 => match row {
                0x2 => 3,
                0x4 | 0x6 => 1,
                _ => 2,
            },
            0x2 => {
                if matches!(op, 0x82 | 0xa2 | 0xc2 | 0xe2) {
                    2
                } else {
                    1
                }
            }
            0x8 | 0xa => 1,
            0x9 | 0xb => {
                if row & 1 == 0 {
                    2
                } else {
                    3
                }
            }
            0xc..=0xf => 3,
            _ => 2,
        };
        i += 1;
    }
    t
};

/// Each opcode's [`RunKind`].
pub(crate) static RUN_KIND: [RunKind; 256] = {
    let mut t = [RunKind::Straight; 256];
    let mut i = 0;
    while i < 256 {
        let op = i as u8;
        let (row, col) = (op >> 4, op & 0x0f);
        t[i] = if (col == 0x0 && (row & 1 == 1 || matches!(row, 0x0 | 0x2 | 0x4 | 0x6)))
            || op == 0x4c
            || op == 0x6c
        {
            RunKind::Control
        } else if col == 0x2 && !matches!(op, 0x82 | 0xa2 | 0xc2 | 0xe2) {
            RunKind::Jam
        } else {
            RunKind::Straight
        };
        i += 1;
    }
    t
};

impl Cpu {
    /// One instruction of a straight-line run (see [`super::run_cpu`]): `op` is the byte
    /// at the PC, already read by the caller. Returns true when the run is over: after an
    /// instruction that ends it ([`RunKind::Control`]) unless [`CodeWindow::run_chain`] starts
    /// the next one, or, without running anything, for a jamming opcode (the run's marker
    /// for "stop here": real ones are never part of a run) and where
    /// [`CodeWindow::run_stops_at_lda_abs`] says so. Otherwise the same as
    /// [`Cpu::step_unjammed_specialised`] without its `after_op`, plus a
    /// [`CodeWindow::run_advance`] right after the opcode fetch.
    ///
    /// The PC is taken from [`CodeWindow::run_pc`] where it is needed: before an instruction
    /// that ends the run, and where the run stops (so it is right whenever this returns
    /// true); in between it may be stale. Branches end with [`CodeWindow::run_branch`].
    #[inline(always)]
    pub(crate) fn run_step(&mut self, m: &mut CodeWindow, op: u8) -> bool {
        macro_rules! dispatch {
            ($op:expr; $($k:literal)*) => {
                match $op {
                    $($k => {
                        let kind = RUN_KIND[$k];
                        if $k & 0x1f == 0x10 {
                            // A branch: the memory knows where it goes on from. (Debug
                            // builds keep the PC right everywhere, for the checks.)
                            if cfg!(debug_assertions) {
                                self.pc = m.run_pc(self.pc);
                            }
                            self.fetch(m);
                            m.add_cycles(BASE_CYCLES[$k] as u32);
                            let off = self.fetch(m);
                            let taken = self.branch_taken($k);
                            return match m.run_branch(self.pc, taken, off) {
                                Some(pc) => {
                                    self.pc = pc;
                                    true
                                }
                                None => false,
                            };
                        }
                        // Debug builds keep the PC right everywhere, for the checks.
                        if kind != RunKind::Straight || cfg!(debug_assertions) {
                            self.pc = m.run_pc(self.pc);
                        }
                        if kind == RunKind::Jam {
                            return true;
                        }
                        if $k == 0xad && m.run_stops_at_lda_abs() {
                            self.pc = m.run_pc(self.pc);
                            return true;
                        }
                        self.fetch(m);
                        m.run_advance(OP_LEN[$k] as usize, kind == RunKind::Control);
                        m.add_cycles(BASE_CYCLES[$k] as u32);
                        self.execute(m, $k);
                        kind == RunKind::Control && !m.run_chain(self.pc)
                    })*
                }
            };
        }
        dispatch!(op; 0x00 0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08 0x09 0x0a 0x0b 0x0c 0x0d 0x0e 0x0f 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18 0x19 0x1a 0x1b 0x1c 0x1d 0x1e 0x1f 0x20 0x21 0x22 0x23 0x24 0x25 0x26 0x27 0x28 0x29 0x2a 0x2b 0x2c 0x2d 0x2e 0x2f 0x30 0x31 0x32 0x33 0x34 0x35 0x36 0x37 0x38 0x39 0x3a 0x3b 0x3c 0x3d 0x3e 0x3f 0x40 0x41 0x42 0x43 0x44 0x45 0x46 0x47 0x48 0x49 0x4a 0x4b 0x4c 0x4d 0x4e 0x4f 0x50 0x51 0x52 0x53 0x54 0x55 0x56 0x57 0x58 0x59 0x5a 0x5b 0x5c 0x5d 0x5e 0x5f 0x60 0x61 0x62 0x63 0x64 0x65 0x66 0x67 0x68 0x69 0x6a 0x6b 0x6c 0x6d 0x6e 0x6f 0x70 0x71 0x72 0x73 0x74 0x75 0x76 0x77 0x78 0x79 0x7a 0x7b 0x7c 0x7d 0x7e 0x7f 0x80 0x81 0x82 0x83 0x84 0x85 0x86 0x87 0x88 0x89 0x8a 0x8b 0x8c 0x8d 0x8e 0x8f 0x90 0x91 0x92 0x93 0x94 0x95 0x96 0x97 0x98 0x99 0x9a 0x9b 0x9c 0x9d 0x9e 0x9f 0xa0 0xa1 0xa2 0xa3 0xa4 0xa5 0xa6 0xa7 0xa8 0xa9 0xaa 0xab 0xac 0xad 0xae 0xaf 0xb0 0xb1 0xb2 0xb3 0xb4 0xb5 0xb6 0xb7 0xb8 0xb9 0xba 0xbb 0xbc 0xbd 0xbe 0xbf 0xc0 0xc1 0xc2 0xc3 0xc4 0xc5 0xc6 0xc7 0xc8 0xc9 0xca 0xcb 0xcc 0xcd 0xce 0xcf 0xd0 0xd1 0xd2 0xd3 0xd4 0xd5 0xd6 0xd7 0xd8 0xd9 0xda 0xdb 0xdc 0xdd 0xde 0xdf 0xe0 0xe1 0xe2 0xe3 0xe4 0xe5 0xe6 0xe7 0xe8 0xe9 0xea 0xeb 0xec 0xed 0xee 0xef 0xf0 0xf1 0xf2 0xf3 0xf4 0xf5 0xf6 0xf7 0xf8 0xf9 0xfa 0xfb 0xfc 0xfd 0xfe 0xff)
    }
}
