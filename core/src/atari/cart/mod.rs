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
//!
//! Here: the cartridge as the bus sees it (mapping, bank switching, reset). Beside it:
//! `scheme` (the schemes' sizes and hotspots; the five differ only in those, so one
//! parameterised mapper serves them all, where Stella has a class each), `detect` (Stella's
//! auto-detection), and, in `atari::fast::cart_runs`, the run tables the frame loop's fast
//! path reads instructions through.

mod detect;
mod scheme;
#[cfg(test)]
mod tests;

pub use scheme::Scheme;

use super::fast::cart_runs::RunTables;
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

/// A cartridge: its ROM, its scheme and the bank mapped in now.
#[derive(Clone, Debug)]
pub struct Cart {
    /// The ROM: the image (a 2K image twice, as the 4 KiB cartridge space mirrors it), then
    /// zeros up to 32 KiB (and 3 more), so that any bank offset plus a 12-bit address indexes
    /// it, and so do the 3 bytes after it; then, at [`Cart::RUN_STOP`], a jamming opcode
    /// (and 3 zeros). Never written after it is built, and shared by clones, so that the
    /// frame loop may read runs of instructions from it through a pointer.
    pub(in crate::atari) rom: Arc<[u8]>,
    scheme: Scheme,
    pub(in crate::atari) bank: usize,
    /// The address of the mapped bank's first byte in [`Cart::rom`] (which clones share, so
    /// it holds for them too): where [`Cart::run_start`] counts from.
    pub(in crate::atari) mapped_at: usize,
    reset_bank: usize,
    /// A copy of the mapped bank (and 3 more bytes, so that a 4-byte read at any 12-bit
    /// address stays inside): code fetches and reads index it with the 12-bit address
    /// alone, no bank offset to add or mask. Bank switches are rare next to fetches (a
    /// few per frame at most), so copying 4 KiB on each one is cheap.
    pub(in crate::atari) mapped: [u8; 4096 + 3],
    /// The straight-line runs of every bank, for the frame loop's fast path
    /// (`atari::fast::cart_runs`).
    pub(in crate::atari) runs: RunTables,
    /// The first hotspot (low 12 bits) and the number of hotspots (0: none).
    hot_first: u16,
    hot_count: u16,
}

impl Cart {
    /// A cartridge for this image, its scheme auto-detected as Stella does. The bank is the one
    /// Stella's `install` selects; [`Cart::reset`] (which Stella's system reset calls right
    /// after) selects the scheme's reset bank.
    pub fn from_image(image: &[u8]) -> Result<Cart, CartError> {
        let scheme = detect::detect(image)?;
        let reset_bank = detect::reset_bank(scheme, image);
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
        let runs = RunTables::new(&rom, scheme.hotspots().map_or(1, |(_, n)| n));
        let mut cart = Cart {
            rom: rom.into(),
            scheme,
            bank: 0,
            mapped_at: 0,
            reset_bank,
            mapped: [0; 4096 + 3],
            runs,
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
        self.runs.map(from);
    }

    /// Switches bank if `a` (low 12 bits of an address) is a hotspot.
    #[inline(always)]
    pub(crate) fn touch(&mut self, a: u16) {
        let i = a.wrapping_sub(self.hot_first);
        if i < self.hot_count {
            self.select(usize::from(i));
        }
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
