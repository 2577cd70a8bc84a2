//! The bank-switching schemes qarcade runs: their sizes and hotspots.

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
    pub(super) fn len(self) -> usize {
        match self {
            Scheme::TwoK => 2048,
            Scheme::FourK => 4096,
            Scheme::F8 => 8192,
            Scheme::F6 => 16384,
            Scheme::F4 => 32768,
        }
    }

    /// The first hotspot and the number of banks.
    pub(super) fn hotspots(self) -> Option<(u16, usize)> {
        match self {
            Scheme::TwoK | Scheme::FourK => None,
            Scheme::F8 => Some((0x0ff8, 2)),
            Scheme::F6 => Some((0x0ff6, 4)),
            Scheme::F4 => Some((0x0ff4, 8)),
        }
    }
}
