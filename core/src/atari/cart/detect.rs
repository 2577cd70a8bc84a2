//! Which scheme an image uses, as Stella 2.4.2's `Cartridge::autodetectType` decides (the
//! properties database gives no type for the supported ROMs, so ALE auto-detects them),
//! refusing the schemes qarcade does not implement; and the bank a scheme resets into.

use super::{CartError, Scheme};
use md5::{Digest, Md5};

/// The two 8 KiB images Stella hard-wires as "F8 swapped" (reset into bank 0).
const F8_SWAPPED_MD5: [&str; 2] = [
    "bc24440b59092559a1ec26055fd1270e",
    "75ee371ccfc4f43e7d9b8f24e1266b55",
];

/// The bank Stella's cartridge reset selects: F8 bank 1 (bank 0 for the two "swapped"
/// images), everything else bank 0.
pub(super) fn reset_bank(scheme: Scheme, image: &[u8]) -> usize {
    match scheme {
        Scheme::F8 if F8_SWAPPED_MD5.contains(&hex::encode(Md5::digest(image)).as_str()) => 0,
        Scheme::F8 => 1,
        _ => 0,
    }
}

/// Stella's `Cartridge::autodetectType`, limited to what qarcade implements.
pub(super) fn detect(image: &[u8]) -> Result<Scheme, CartError> {
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
pub(super) fn search_for_bytes(image: &[u8], sig: &[u8], min_hits: usize) -> bool {
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
