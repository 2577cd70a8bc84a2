//! The cartridge's side of the frame loop's fast path: for every bank, where straight-line
//! runs of instructions start and how long they are, and the pointer protocol through which
//! the CPU reads a run's instructions straight from the ROM. Nothing here changes what the
//! cartridge does; it only lets the frame loop skip per-byte bus reads where the code is ROM.

use super::run_step::{RunKind, OP_LEN, RUN_KIND};
use crate::atari::cart::Cart;
use crate::atari::riot::is_timer_poll;

/// The run tables of a cartridge's banks.
#[derive(Clone, Debug)]
pub(crate) struct RunTables {
    /// For every bank and 12-bit address, the instructions of the straight-line run from
    /// there (see [`Cart::run_len`]), timer polls included.
    all: Vec<u8>,
    /// `all`, with no run starting at a timer poll.
    starts: Vec<u8>,
    /// The mapped bank's part of `starts`.
    mapped: [u8; 4096],
}

impl RunTables {
    /// The tables of the first `banks` 4 KiB banks of `rom` (which has at least 3 bytes
    /// after them).
    pub(crate) fn new(rom: &[u8], banks: usize) -> RunTables {
        let all: Vec<u8> = (0..banks)
            .flat_map(|b| straight_runs(&rom[b * 4096..b * 4096 + 4096]))
            .collect();
        let starts = all
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let operand = u16::from_le_bytes([rom[i + 1], rom[i + 2]]);
                if rom[i] == 0xad && is_timer_poll(operand) {
                    0
                } else {
                    n
                }
            })
            .collect();
        RunTables {
            all,
            starts,
            mapped: [0; 4096],
        }
    }

    /// The bank starting at `from` in the ROM is mapped in now.
    #[inline]
    pub(crate) fn map(&mut self, from: usize) {
        self.mapped.copy_from_slice(&self.starts[from..from + 4096]);
    }
}

impl Cart {
    /// Where in `rom` a run's next instruction is read once the run must stop: its byte
    /// there is a jamming opcode (see `Cpu::run_step`).
    pub(in crate::atari) const RUN_STOP: usize = 32768 + 4;

    /// How many instructions the straight-line run from `a` (a 12-bit address) in the mapped
    /// bank holds, up to and including the jump, branch, call or return that ends it, all
    /// of whose bytes lie below [`Cart::HOT_FROM`] and none of which is a jamming opcode; 0
    /// where no such run starts (or it would be longer than 255 instructions), and at a
    /// timer poll (`LDA INTIM`, which the frame loop may skip ahead from: a run stops before
    /// one, see `CodeWindow::run_stops_at_lda_abs`).
    #[inline(always)]
    pub(crate) fn run_len(&self, a: usize) -> u8 {
        self.runs.mapped[a & 0x0fff]
    }

    /// Where the run from `a` (a 12-bit address with [`Cart::run_len`] not 0) in the mapped
    /// bank starts: a pointer into the ROM, for [`Cart::run_bytes`].
    #[inline(always)]
    pub(crate) fn run_start(&self, a: usize) -> *const u8 {
        std::ptr::with_exposed_provenance(self.mapped_at + (a & 0x0fff))
    }

    /// Where a run's next instruction is read once it must stop (a jamming opcode).
    #[inline(always)]
    pub(crate) fn run_stop(&self) -> *const u8 {
        self.rom.as_ptr().wrapping_add(Self::RUN_STOP)
    }

    /// The four bytes at `p`, little-endian: the next instruction of a run.
    ///
    /// # Safety
    /// `p` is [`Cart::run_start`] of a run in this cartridge's mapped bank, advanced by the
    /// lengths of the run's instructions before its last one at most (so at most 0xFF1 into
    /// a bank), or [`Cart::run_stop`]; and the cartridge (which keeps its ROM alive) is
    /// still there.
    #[inline(always)]
    pub(crate) unsafe fn run_bytes(p: *const u8) -> u32 {
        // SAFETY: the caller's promise: four bytes of the ROM from `p` (it has 3 bytes after
        // the last bank and 3 after the stop marker).
        unsafe { u32::from_le_bytes(p.cast::<[u8; 4]>().read()) }
    }

    /// [`Cart::run_len`] at `p` (from [`Cart::run_start`]), timer polls included.
    #[inline(never)]
    pub(crate) fn run_len_at(&self, p: *const u8) -> u8 {
        let i = (p as usize).wrapping_sub(self.rom.as_ptr() as usize);
        self.runs.all[i]
    }

    /// Whether `p` is where [`Cart::run_bytes`] may read (see there), for checks.
    pub(crate) fn in_run(&self, p: *const u8) -> bool {
        let i = (p as usize).wrapping_sub(self.rom.as_ptr() as usize);
        i == Self::RUN_STOP || (i < self.runs.all.len() && i & 0x0fff <= 0x0ff1)
    }

    /// An access (read or write) at or above [`Cart::HOT_FROM`] during a frame loop in which
    /// the next instruction of the current straight-line run is read at `run_next` (from
    /// [`Cart::run_start`], or anything else outside a run): switches bank if `a` is a
    /// hotspot. Returns the byte at `a` afterwards, and, if the mapped bank changed, the
    /// instructions of the run still to come in the bank switched away from (the run must
    /// stop: its bytes came from that bank).
    #[inline(never)]
    pub(crate) fn access_high(&mut self, a: u16, run_next: *const u8) -> (u8, Option<u8>) {
        let old = self.bank;
        self.touch(a);
        let left = (self.bank != old).then(|| {
            let i = (run_next as usize).wrapping_sub(self.rom.as_ptr() as usize);
            self.runs.all.get(i).copied().unwrap_or(0)
        });
        (self.peek(a), left)
    }

    /// The four bytes from `a` (low 12 bits of an address, at most 0xFF1 so that no byte of a
    /// 3-byte instruction there lies at [`Cart::HOT_FROM`] or above) in the mapped bank, as a
    /// little-endian word, switching nothing.
    #[inline(always)]
    pub(crate) fn peek4(&self, a: usize) -> u32 {
        let i = a & 0x0fff;
        u32::from_le_bytes(self.mapped[i..i + 4].try_into().unwrap())
    }
}

/// [`Cart::run_len`] for every 12-bit address of one 4 KiB bank.
fn straight_runs(bank: &[u8]) -> Vec<u8> {
    let mut runs = vec![0u8; 4096];
    // The last address where an instruction's three bytes all lie below the hotspots.
    let last = usize::from(Cart::HOT_FROM) - 3;
    for a in (0..=last).rev() {
        let op = bank[a];
        runs[a] = match RUN_KIND[usize::from(op)] {
            RunKind::Control => 1,
            RunKind::Jam => 0,
            RunKind::Straight => {
                let next = a + usize::from(OP_LEN[usize::from(op)]);
                match runs.get(next) {
                    Some(&n) if next <= last && n != 0 && n < u8::MAX => n + 1,
                    _ => 0,
                }
            }
        };
    }
    runs
}
