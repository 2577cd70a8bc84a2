//! Cartridges: 2K, 4K and the F8/F6/F4 bank-switching schemes, as Stella 2.4.2's
//! `Cartridge2K`, `Cartridge4K`, `CartridgeF8`, `CartridgeF6` and `CartridgeF4` behave.
//!
//! The scheme is chosen as Stella's `Cartridge::autodetectType` chooses it (the properties
//! database gives no type for the seven supported ROMs, so ALE auto-detects them), plus
//! Stella's two hard-wired "F8 swapped" MD5s. Images that Stella would run with a scheme qarcade
//! does not implement (Superchip, E0, 3E, 3F, UA, FE, E7, CV, AR, DPC, ...) are refused.
//!
//! Bank switching happens on any access, read or write, to a hotspot (`addr & 0xFFF` in
//! 0xFF8..=0xFF9 for F8, 0xFF6..=0xFF9 for F6, 0xFF4..=0xFFB for F4); a read of a hotspot
//! returns the byte of the bank switched to.

use md5::{Digest, Md5};
use std::sync::Arc;
use thiserror::Error;

/// Why an image can't be used as a cartridge.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CartError {
    #[error("empty ROM image")]
    Empty,
    #[error(
        "unsupported ROM size: {size} bytes ({kib}); qarcade runs 2 KiB, 4 KiB, 8 KiB (F8), \
         16 KiB (F6) and 32 KiB (F4) images"
    )]
    UnsupportedSize { size: usize, kib: String },
    #[error("ROM image too large: {size} bytes (at most 32768 bytes are supported)")]
    TooLarge { size: usize },
    #[error(
        "unsupported bank-switching scheme: Stella would run this {size}-byte image as {scheme}, \
         which qarcade does not implement"
    )]
    UnsupportedScheme { scheme: &'static str, size: usize },
}

/// The bank-switching scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// 2 KiB, mirrored twice in the 4 KiB cartridge space.
    TwoK,
    /// 4 KiB, no switching.
    FourK,
    /// 8 KiB, 2 banks, hotspots 0xFF8-0xFF9.
    F8,
    /// 16 KiB, 4 banks, hotspots 0xFF6-0xFF9.
    F6,
    /// 32 KiB, 8 banks, hotspots 0xFF4-0xFFB.
    F4,
}

impl Scheme {
    /// Stella's name for the scheme.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::TwoK => "2K",
            Scheme::FourK => "4K",
            Scheme::F8 => "F8",
            Scheme::F6 => "F6",
            Scheme::F4 => "F4",
        }
    }

    /// Image bytes the scheme uses.
    fn len(self) -> usize {
        match self {
            Scheme::TwoK => 2048,
            Scheme::FourK => 4096,
            Scheme::F8 => 8192,
            Scheme::F6 => 16384,
            Scheme::F4 => 32768,
        }
    }

    /// The first hotspot and the number of banks.
    fn hotspots(self) -> Option<(u16, usize)> {
        match self {
            Scheme::TwoK | Scheme::FourK => None,
            Scheme::F8 => Some((0x0ff8, 2)),
            Scheme::F6 => Some((0x0ff6, 4)),
            Scheme::F4 => Some((0x0ff4, 8)),
        }
    }
}

/// The two 8 KiB images Stella hard-wires as "F8 swapped" (reset into bank 0).
const F8_SWAPPED_MD5: [&str; 2] = [
    "bc24440b59092559a1ec26055fd1270e",
    "75ee371ccfc4f43e7d9b8f24e1266b55",
];

#[derive(Clone, Debug)]
pub struct Cart {
    /// The ROM: the image (a 2K image twice, as the 4 KiB cartridge space mirrors it), then
    /// zeros up to 32 KiB (and 3 more), so that any bank offset plus a 12-bit address indexes
    /// it, and so do the 3 bytes after it; then, at [`Cart::RUN_STOP`], a jamming opcode
    /// (and 3 zeros). Never written after it is built, and shared by clones, so that the
    /// frame loop may read runs of instructions from it through a pointer.
    rom: Arc<[u8]>,
    scheme: Scheme,
    bank: usize,
    /// The address of the mapped bank's first byte in [`Cart::rom`] (which clones share, so
    /// it holds for them too): where [`Cart::run_start`] counts from.
    mapped_at: usize,
    reset_bank: usize,
    /// A copy of the mapped bank (and 3 more bytes, so that a 4-byte read at any 12-bit
    /// address stays inside): code fetches and reads index it with the 12-bit address
    /// alone, no bank offset to add or mask. Bank switches are rare next to fetches (a
    /// few per frame at most), so copying 4 KiB on each one is cheap.
    mapped: [u8; 4096 + 3],
    /// For every bank and 12-bit address, the instructions of the straight-line run from
    /// there (see [`Cart::run_len`]), timer polls included.
    runs: Vec<u8>,
    /// `runs`, with no run starting at a timer poll.
    run_starts: Vec<u8>,
    /// The mapped bank's part of `run_starts`.
    mapped_runs: [u8; 4096],
    /// The first hotspot (low 12 bits) and the number of hotspots (0: none).
    hot_first: u16,
    hot_count: u16,
}

impl Cart {
    /// A cartridge for this image, its scheme auto-detected as Stella does. The bank is the one
    /// Stella's `install` selects; [`Cart::reset`] (which Stella's system reset calls right
    /// after) selects the scheme's reset bank.
    pub fn from_image(image: &[u8]) -> Result<Cart, CartError> {
        let scheme = detect(image)?;
        let reset_bank = match scheme {
            Scheme::F8 if F8_SWAPPED_MD5.contains(&hex::encode(Md5::digest(image)).as_str()) => 0,
            Scheme::F8 => 1,
            _ => 0,
        };
        let install_bank = match scheme {
            Scheme::F8 => 1,
            _ => 0,
        };
        let mut rom = vec![0u8; Self::RUN_STOP + 4];
        rom[..scheme.len()].copy_from_slice(&image[..scheme.len()]);
        if scheme == Scheme::TwoK {
            rom.copy_within(0..2048, 2048);
        }
        rom[Self::RUN_STOP] = 0x02;
        let (hot_first, hot_count) = scheme
            .hotspots()
            .map_or((0, 0), |(first, n)| (first, n as u16));
        let banks = scheme.hotspots().map_or(1, |(_, n)| n);
        let runs: Vec<u8> = (0..banks)
            .flat_map(|b| straight_runs(&rom[b * 4096..b * 4096 + 4096]))
            .collect();
        let run_starts = runs
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let operand = u16::from_le_bytes([rom[i + 1], rom[i + 2]]);
                if rom[i] == 0xad && super::riot::is_timer_poll(operand) {
                    0
                } else {
                    n
                }
            })
            .collect();
        let mut cart = Cart {
            rom: rom.into(),
            scheme,
            bank: 0,
            mapped_at: 0,
            reset_bank,
            mapped: [0; 4096 + 3],
            runs,
            run_starts,
            mapped_runs: [0; 4096],
            hot_first,
            hot_count,
        };
        cart.select(install_bank);
        Ok(cart)
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The bank mapped in now (0 for 2K/4K).
    pub fn bank(&self) -> usize {
        self.bank
    }

    /// Number of 4 KiB banks (1 for 2K/4K).
    pub fn bank_count(&self) -> usize {
        self.scheme.hotspots().map_or(1, |(_, n)| n)
    }

    /// The ROM bytes the cartridge uses.
    pub fn image(&self) -> &[u8] {
        &self.rom[..self.scheme.len()]
    }

    /// Stella's cartridge reset: F8 switches to bank 1 (bank 0 for the two "swapped" images),
    /// F6 and F4 to bank 0; 2K and 4K have nothing to reset.
    pub fn reset(&mut self) {
        self.select(self.reset_bank);
    }

    #[inline]
    fn select(&mut self, bank: usize) {
        self.bank = bank;
        let from = bank * 4096;
        self.mapped_at = self.rom.as_ptr().wrapping_add(from).expose_provenance();
        self.mapped[..4096 + 3].copy_from_slice(&self.rom[from..from + 4096 + 3]);
        self.mapped_runs
            .copy_from_slice(&self.run_starts[from..from + 4096]);
    }

    /// Where in `rom` a run's next instruction is read once the run must stop: its byte
    /// there is a jamming opcode (see `Cpu::run_step`).
    const RUN_STOP: usize = 32768 + 4;

    /// How many instructions the straight-line run from `a` (a 12-bit address) in the mapped
    /// bank holds, up to and including the jump, branch, call or return that ends it, all
    /// of whose bytes lie below [`Cart::HOT_FROM`] and none of which is a jamming opcode; 0
    /// where no such run starts (or it would be longer than 255 instructions), and at a
    /// timer poll (`LDA INTIM`, which the frame loop may skip ahead from: a run stops before
    /// one, see `CodeWindow::run_stops_at_lda_abs`).
    #[inline(always)]
    pub(crate) fn run_len(&self, a: usize) -> u8 {
        self.mapped_runs[a & 0x0fff]
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
        self.runs[i]
    }

    /// Whether `p` is where [`Cart::run_bytes`] may read (see there), for checks.
    pub(crate) fn in_run(&self, p: *const u8) -> bool {
        let i = (p as usize).wrapping_sub(self.rom.as_ptr() as usize);
        i == Self::RUN_STOP || (i < self.runs.len() && i & 0x0fff <= 0x0ff1)
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
            self.runs.get(i).copied().unwrap_or(0)
        });
        (self.peek(a), left)
    }

    /// Switches bank if `a` (low 12 bits of an address) is a hotspot.
    #[inline(always)]
    pub(crate) fn touch(&mut self, a: u16) {
        let i = a.wrapping_sub(self.hot_first);
        if i < self.hot_count {
            self.select(usize::from(i));
        }
    }

    /// The four bytes from `a` (low 12 bits of an address, at most 0xFF1 so that no byte of a
    /// 3-byte instruction there lies at [`Cart::HOT_FROM`] or above) in the mapped bank, as a
    /// little-endian word, switching nothing.
    #[inline(always)]
    pub(crate) fn peek4(&self, a: usize) -> u32 {
        let i = a & 0x0fff;
        u32::from_le_bytes(self.mapped[i..i + 4].try_into().unwrap())
    }

    /// Addresses (low 12 bits) from this one on may be hotspots, in every scheme.
    pub const HOT_FROM: u16 = 0x0ff4;

    /// A read in the cartridge space (only the low 12 bits of `addr` matter).
    #[inline(always)]
    pub fn read(&mut self, addr: u16) -> u8 {
        let a = addr & 0x0fff;
        if a >= Self::HOT_FROM {
            self.read_high(a)
        } else {
            self.peek(a)
        }
    }

    /// The byte at `a` (low 12 bits of an address) in the mapped bank, switching nothing.
    #[inline(always)]
    pub(crate) fn peek(&self, a: u16) -> u8 {
        self.mapped[usize::from(a & 0x0fff)]
    }

    /// A read at or above [`Cart::HOT_FROM`]: maybe a hotspot.
    #[inline(never)]
    pub(crate) fn read_high(&mut self, a: u16) -> u8 {
        self.touch(a);
        self.peek(a)
    }

    /// A write in the cartridge space: ROM ignores the value, but a hotspot still switches.
    #[inline(always)]
    pub fn write(&mut self, addr: u16, _value: u8) {
        let a = addr & 0x0fff;
        if a >= Self::HOT_FROM {
            self.touch(a);
        }
    }
}

/// [`Cart::run_len`] for every 12-bit address of one 4 KiB bank.
fn straight_runs(bank: &[u8]) -> Vec<u8> {
    use super::cpu::{RunKind, OP_LEN, RUN_KIND};
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

/// Stella's `Cartridge::autodetectType`, limited to what qarcade implements.
fn detect(image: &[u8]) -> Result<Scheme, CartError> {
    let size = image.len();
    let unsupported = |scheme| Err(CartError::UnsupportedScheme { scheme, size });
    if size == 0 {
        return Err(CartError::Empty);
    }
    if size.is_multiple_of(8448) {
        return unsupported("AR (Supercharger)");
    }
    match size {
        2048 | 4096 => {
            if is_probably_cv(image) {
                unsupported("CV")
            } else if size == 2048 || image[..2048] == image[2048..] {
                Ok(Scheme::TwoK)
            } else {
                Ok(Scheme::FourK)
            }
        }
        8192 => {
            if is_probably_sc(image) {
                unsupported("F8SC")
            } else if image[..4096] == image[4096..] {
                Ok(Scheme::FourK)
            } else if is_probably_e0(image) {
                unsupported("E0")
            } else if is_probably_3e(image) {
                unsupported("3E")
            } else if is_probably_3f(image) {
                unsupported("3F")
            } else if is_probably_ua(image) {
                unsupported("UA")
            } else if is_probably_fe(image) {
                unsupported("FE")
            } else {
                Ok(Scheme::F8)
            }
        }
        10240 | 10495 | 10496 => unsupported("DPC"),
        12288 => unsupported("FASC"),
        16384 => {
            if is_probably_sc(image) {
                unsupported("F6SC")
            } else if is_probably_e7(image) {
                unsupported("E7")
            } else if is_probably_3e(image) {
                unsupported("3E")
            } else if is_probably_3f(image) {
                unsupported("3F")
            } else {
                Ok(Scheme::F6)
            }
        }
        32768 => {
            if is_probably_sc(image) {
                unsupported("F4SC")
            } else if is_probably_3e(image) {
                unsupported("3E")
            } else if is_probably_3f(image) {
                unsupported("3F")
            } else {
                Ok(Scheme::F4)
            }
        }
        s if s > 32768 => Err(CartError::TooLarge { size }),
        _ => Err(CartError::UnsupportedSize {
            size,
            kib: format!("{:.2} KiB", size as f64 / 1024.0),
        }),
    }
}

/// Stella's signature search: counts non-overlapping occurrences of `sig` starting before
/// `len - sig.len()` (the last possible start is not looked at, and after a hit one extra
/// byte is skipped, as Stella's loop does), true once `min_hits` are found.
fn search_for_bytes(image: &[u8], sig: &[u8], min_hits: usize) -> bool {
    if sig.len() > image.len() {
        return false;
    }
    let end = image.len() - sig.len();
    let mut count = 0;
    let mut i = 0;
    while i < end {
        if image[i..i + sig.len()] == *sig {
            count += 1;
            i += sig.len();
        }
        if count >= min_hits {
            break;
        }
        i += 1;
    }
    count >= min_hits
}

/// Superchip: the first 256 bytes of every 4 KiB bank are all equal.
fn is_probably_sc(image: &[u8]) -> bool {
    image
        .chunks_exact(4096)
        .all(|bank| bank[..256].iter().all(|&b| b == bank[0]))
}

fn is_probably_3f(image: &[u8]) -> bool {
    search_for_bytes(image, &[0x85, 0x3f], 2)
}

fn is_probably_3e(image: &[u8]) -> bool {
    search_for_bytes(image, &[0x85, 0x3e, 0xa9, 0x00], 1)
}

fn is_probably_e0(image: &[u8]) -> bool {
    const SIGS: [[u8; 3]; 6] = [
        [0x8d, 0xe0, 0x1f],
        [0x8d, 0xe0, 0x5f],
        [0x8d, 0xe9, 0xff],
        [0xad, 0xe9, 0xff],
        [0xad, 0xed, 0xff],
        [0xad, 0xf3, 0xbf],
    ];
    SIGS.iter().any(|s| search_for_bytes(image, s, 1))
}

fn is_probably_e7(image: &[u8]) -> bool {
    let first = image[0x3800];
    if image[0x3800..0x3a00].iter().any(|&b| b != first) {
        return false;
    }
    image[0x3800 - 32..0x3800].iter().any(|&b| b != first)
        || image[0x3a00..0x3a00 + 32].iter().any(|&b| b != first)
}

fn is_probably_ua(image: &[u8]) -> bool {
    search_for_bytes(image, &[0x8d, 0x40, 0x02], 1)
}

fn is_probably_cv(image: &[u8]) -> bool {
    search_for_bytes(image, &[0x9d, 0xff, 0xf3], 1)
        || search_for_bytes(image, &[0x99, 0x00, 0xf4], 1)
}

fn is_probably_fe(image: &[u8]) -> bool {
    const SIGS: [[u8; 5]; 4] = [
        [0x20, 0x00, 0xd0, 0xc6, 0xc5],
        [0x20, 0xc3, 0xf8, 0xa5, 0x82],
        [0xd0, 0xfb, 0x20, 0x73, 0xfe],
        [0x20, 0x00, 0xf0, 0x84, 0xd6],
    ];
    SIGS.iter().any(|s| search_for_bytes(image, s, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An image of `banks` 4 KiB banks where every byte of bank `b` is `0x10 + b`, except that
    /// the first 256 bytes vary (so it isn't taken for a Superchip image).
    fn banked(banks: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(banks * 4096);
        for b in 0..banks {
            for i in 0..4096 {
                v.push(if i < 256 { i as u8 } else { 0x10 + b as u8 });
            }
        }
        v
    }

    #[test]
    fn two_k_mirrors() {
        let img: Vec<u8> = (0..2048).map(|i| (i * 7 % 251) as u8).collect();
        let mut c = Cart::from_image(&img).unwrap();
        assert_eq!(c.scheme(), Scheme::TwoK);
        for a in [0u16, 1, 0x7ff, 0x123] {
            assert_eq!(c.read(0x1000 | a), img[a as usize]);
            assert_eq!(c.read(0x1800 | a), img[a as usize]);
            assert_eq!(c.read(0xf800 | a), img[a as usize]);
        }
        c.write(0x1ff8, 0);
        assert_eq!(c.bank(), 0);
    }

    #[test]
    fn four_k_with_equal_halves_is_2k() {
        let half: Vec<u8> = (0..2048).map(|i| (i % 253) as u8).collect();
        let img = [half.clone(), half.clone()].concat();
        assert_eq!(Cart::from_image(&img).unwrap().scheme(), Scheme::TwoK);
        let mut img2 = img.clone();
        img2[4095] ^= 1;
        let mut c = Cart::from_image(&img2).unwrap();
        assert_eq!(c.scheme(), Scheme::FourK);
        assert_eq!(c.read(0x1fff), img2[4095]);
        assert_eq!(c.read(0x17ff), img2[2047]);
        assert_eq!(c.read(0x1ff8), img2[0xff8]);
    }

    #[test]
    fn eight_k_with_equal_halves_is_4k() {
        let mut half = banked(1);
        half[5] = 0x99;
        let img = [half.clone(), half].concat();
        assert_eq!(Cart::from_image(&img).unwrap().scheme(), Scheme::FourK);
    }

    #[test]
    fn f8_banks_and_hotspots() {
        let img = banked(2);
        let mut c = Cart::from_image(&img).unwrap();
        assert_eq!(c.scheme(), Scheme::F8);
        assert_eq!(c.bank(), 1);
        c.reset();
        assert_eq!(c.bank(), 1, "F8 resets into bank 1");
        assert_eq!(c.read(0x1400), 0x11);
        // Read of 0xFF8 switches first, then returns bank 0's byte.
        assert_eq!(c.read(0x1ff8), 0x10);
        assert_eq!(c.bank(), 0);
        assert_eq!(c.read(0x1400), 0x10);
        assert_eq!(c.read(0x3ff9), 0x11); // any mirror of the hotspot
        assert_eq!(c.bank(), 1);
        c.write(0x1ff8, 0xab);
        assert_eq!(c.bank(), 0);
        c.write(0x1ff9, 0);
        assert_eq!(c.bank(), 1);
        // Neighbours are not hotspots.
        for a in [0x1ff7u16, 0x1ffa, 0x1ff6, 0x1fff, 0x1000] {
            c.read(a);
            c.write(a, 0);
            assert_eq!(c.bank(), 1);
        }
        c.read(0x1ff8);
        c.reset();
        assert_eq!(c.bank(), 1);
    }

    #[test]
    fn f6_banks_and_hotspots() {
        let img = banked(4);
        let mut c = Cart::from_image(&img).unwrap();
        assert_eq!(c.scheme(), Scheme::F6);
        assert_eq!(c.bank(), 0);
        for (i, a) in (0x1ff6u16..=0x1ff9).enumerate() {
            assert_eq!(c.read(a), 0x10 + i as u8);
            assert_eq!(c.bank(), i);
            assert_eq!(c.read(0x1800), 0x10 + i as u8);
        }
        for (i, a) in (0x1ff6u16..=0x1ff9).enumerate().rev() {
            c.write(a, 0);
            assert_eq!(c.bank(), i);
        }
        c.read(0x1ff9);
        for a in [0x1ff5u16, 0x1ffa, 0x1ff4] {
            c.read(a);
            c.write(a, 0);
            assert_eq!(c.bank(), 3);
        }
        c.reset();
        assert_eq!(c.bank(), 0);
    }

    #[test]
    fn f4_banks_and_hotspots() {
        let img = banked(8);
        let mut c = Cart::from_image(&img).unwrap();
        assert_eq!(c.scheme(), Scheme::F4);
        assert_eq!(c.bank_count(), 8);
        assert_eq!(c.bank(), 0);
        for (i, a) in (0x1ff4u16..=0x1ffb).enumerate() {
            assert_eq!(c.read(a), 0x10 + i as u8);
            assert_eq!(c.bank(), i);
        }
        for (i, a) in (0x1ff4u16..=0x1ffb).enumerate() {
            c.write(a, 0);
            assert_eq!(c.bank(), i);
            assert_eq!(c.read(0x1234), 0x10 + i as u8);
        }
        for a in [0x1ff3u16, 0x1ffc] {
            c.read(a);
            c.write(a, 0);
            assert_eq!(c.bank(), 7);
        }
        c.reset();
        assert_eq!(c.bank(), 0);
    }

    #[test]
    fn size_errors() {
        assert_eq!(Cart::from_image(&[]).unwrap_err(), CartError::Empty);
        let e = Cart::from_image(&vec![0u8; 3072]).unwrap_err();
        assert!(matches!(e, CartError::UnsupportedSize { size: 3072, .. }));
        let msg = e.to_string();
        assert!(
            msg.contains("3072 bytes") && msg.contains("3.00 KiB"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
        let e = Cart::from_image(&vec![0u8; 65536]).unwrap_err();
        assert_eq!(e, CartError::TooLarge { size: 65536 });
        assert!(e.to_string().contains("too large"));
        assert!(matches!(
            Cart::from_image(&vec![0u8; 8448]).unwrap_err(),
            CartError::UnsupportedScheme { .. }
        ));
    }

    #[test]
    fn superchip_and_signatures_are_refused() {
        // All-equal first 256 bytes of each bank: Stella picks F8SC.
        let mut img = banked(2);
        img[..256].fill(0);
        img[4096..4096 + 256].fill(0);
        let e = Cart::from_image(&img).unwrap_err();
        assert_eq!(
            e,
            CartError::UnsupportedScheme {
                scheme: "F8SC",
                size: 8192
            }
        );
        // STA $3F twice: 3F.
        let mut img = banked(2);
        img[1000..1002].copy_from_slice(&[0x85, 0x3f]);
        img[2000..2002].copy_from_slice(&[0x85, 0x3f]);
        let e = Cart::from_image(&img).unwrap_err();
        assert_eq!(
            e,
            CartError::UnsupportedScheme {
                scheme: "3F",
                size: 8192
            }
        );
        // Once only: still F8.
        let mut img = banked(2);
        img[1000..1002].copy_from_slice(&[0x85, 0x3f]);
        assert_eq!(Cart::from_image(&img).unwrap().scheme(), Scheme::F8);
    }

    #[test]
    fn search_quirks() {
        // A signature at the very last possible position is not found (Stella's loop bound).
        assert!(!search_for_bytes(&[0, 0, 1, 2], &[1, 2], 1));
        assert!(search_for_bytes(&[0, 1, 2, 0], &[1, 2], 1));
        // After a hit, Stella skips the window plus one byte.
        assert!(!search_for_bytes(&[1, 2, 1, 2, 0, 0], &[1, 2], 2));
        assert!(!search_for_bytes(&[1, 2, 1, 2, 0, 0], &[2, 1], 2));
        assert!(search_for_bytes(&[1, 2, 0, 1, 2, 0], &[1, 2], 2));
    }

    #[test]
    fn error_messages_are_one_line() {
        for e in [
            CartError::Empty,
            CartError::TooLarge { size: 1 << 20 },
            CartError::UnsupportedScheme {
                scheme: "E0",
                size: 8192,
            },
        ] {
            assert!(!e.to_string().contains('\n'));
        }
    }
}
