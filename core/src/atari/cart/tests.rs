//! The cartridge schemes, their detection and their refusals.

use super::detect::search_for_bytes;
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
