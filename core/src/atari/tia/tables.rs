//! The TIA's derived tables, all built at compile time from the rules they encode.
//!
//! Object masks: each movable object (player, missile, ball) is drawn from a 320-entry
//! pattern: entry `160 - pos + hpos` says what the object shows at visible column `hpos`
//! when its position register is `pos` (0..160). The pattern repeats every 160 columns,
//! so that window never needs a modulo. All patterns live in one byte array, [`MASKS`];
//! an object's current mask is an offset into it (the offset already includes `160 - pos`).

/// Object bits, as the scanline renderer combines them.
pub const P0_BIT: u8 = 0x01;
pub const M0_BIT: u8 = 0x02;
pub const P1_BIT: u8 = 0x04;
pub const M1_BIT: u8 = 0x08;
pub const BL_BIT: u8 = 0x10;
pub const PF_BIT: u8 = 0x20;
/// CTRLPF's score bit (D1), moved up next to the object bits.
pub const SCORE_BIT: u8 = 0x40;
/// CTRLPF's priority bit (D2), moved up next to the object bits.
pub const PRIORITY_BIT: u8 = 0x80;

const W: usize = 320;
/// Players: [skip first copy 0/1][NUSIZ mode 0..8].
pub const PLAYER_BASE: usize = 0;
/// Missiles: [NUSIZ mode 0..8][size 0..4].
pub const MISSILE_BASE: usize = 16 * W;
/// Ball: [size 0..4].
pub const BALL_BASE: usize = 48 * W;
/// A pattern that never shows anything.
pub const DISABLED_BASE: usize = 52 * W;
/// 8 spare entries past the last pattern let 8-column windows be read anywhere.
const MASKS_LEN: usize = 53 * W + 8;
/// The tables are padded to a power of two (and the 8 spare entries), so that an index
/// masked with [`MASK_INDEX`] is provably in range: the renderer's hot loop then needs no
/// bounds checks (indices below `MASKS_LEN` are left as they are by the mask).
pub const MASK_INDEX: usize = 0x7fff;
const PADDED_LEN: usize = MASK_INDEX + 1 + 8;
const _: () = assert!(MASKS_LEN <= MASK_INDEX + 1);

/// Start of a player's pattern.
#[inline]
pub const fn player_pattern(skip_first: bool, mode: u8) -> usize {
    PLAYER_BASE + ((skip_first as usize) * 8 + (mode as usize & 7)) * W
}

/// Start of a missile's pattern.
#[inline]
pub const fn missile_pattern(mode: u8, size: u8) -> usize {
    MISSILE_BASE + ((mode as usize & 7) * 4 + (size as usize & 3)) * W
}

/// Start of the ball's pattern.
#[inline]
pub const fn ball_pattern(size: u8) -> usize {
    BALL_BASE + (size as usize & 3) * W
}

/// The offset of an object's mask for position `pos` (0..160) given its pattern start.
#[inline]
pub fn mask_at(pattern: usize, pos: i16) -> usize {
    // Positions are kept in 0..160 by every path that sets them.
    pattern + 160 - (pos as usize)
}

/// Copy offsets (in pixels from the object's position) for NUSIZ modes; modes 5 and 7
/// (double and quad width players) have a single copy.
const fn copies(mode: usize) -> (usize, [usize; 3]) {
    match mode {
        1 => (2, [0, 16, 0]),
        2 => (2, [0, 32, 0]),
        3 => (3, [0, 16, 32]),
        4 => (2, [0, 64, 0]),
        6 => (3, [0, 32, 64]),
        _ => (1, [0, 0, 0]),
    }
}

/// What a player shows at `x` pixels right of its position: the GRP bit mask it reads.
/// With `skip_first`, the first copy (the one a RESPx just restarted) is not drawn this line.
/// Double and quad width players start one pixel late.
const fn player_bit(skip_first: bool, mode: usize, x: usize) -> u8 {
    match mode {
        5 => {
            if !skip_first && x >= 1 && x <= 16 {
                0x80 >> ((x - 1) / 2)
            } else {
                0
            }
        }
        7 => {
            if !skip_first && x >= 1 && x <= 32 {
                0x80 >> ((x - 1) / 4)
            } else {
                0
            }
        }
        _ => {
            let (n, offs) = copies(mode);
            let mut i = 0;
            while i < n {
                let o = offs[i];
                if (o != 0 || !skip_first) && x >= o && x < o + 8 {
                    return 0x80 >> (x - o);
                }
                i += 1;
            }
            0
        }
    }
}

const fn missile_bit(mode: usize, size: usize, x: usize) -> u8 {
    let (n, offs) = copies(mode);
    let mut i = 0;
    while i < n {
        let o = offs[i];
        if x >= o && x < o + (1 << size) {
            return 1;
        }
        i += 1;
    }
    0
}

const fn build_masks() -> [u8; PADDED_LEN] {
    let mut t = [0u8; PADDED_LEN];
    let mut x = 0;
    while x < 160 {
        let mut mode = 0;
        while mode < 8 {
            let mut skip = 0;
            while skip < 2 {
                let v = player_bit(skip == 1, mode, x);
                let base = PLAYER_BASE + (skip * 8 + mode) * W;
                t[base + x] = v;
                t[base + x + 160] = v;
                skip += 1;
            }
            let mut size = 0;
            while size < 4 {
                let v = missile_bit(mode, size, x);
                let base = MISSILE_BASE + (mode * 4 + size) * W;
                t[base + x] = v;
                t[base + x + 160] = v;
                size += 1;
            }
            mode += 1;
        }
        let mut size = 0;
        while size < 4 {
            let v = (x < (1 << size)) as u8;
            let base = BALL_BASE + size * W;
            t[base + x] = v;
            t[base + x + 160] = v;
            size += 1;
        }
        x += 1;
    }
    t
}

pub static MASKS: [u8; PADDED_LEN] = build_masks();

const fn build_clear_run() -> [u8; PADDED_LEN] {
    let m = build_masks();
    let mut t = [0u8; PADDED_LEN];
    // Backwards within each 320-entry pattern: distance to the next set entry, or to the
    // pattern's end, capped at 255.
    let mut i = MASKS_LEN;
    while i > 0 {
        i -= 1;
        let run = if m[i] != 0 {
            0
        } else if (i + 1).is_multiple_of(W) || i + 1 == MASKS_LEN {
            1
        } else {
            t[i + 1] as usize + 1
        };
        t[i] = if run > 255 { 255 } else { run as u8 };
    }
    t
}

/// `CLEAR_RUN[i]`: how many entries from `MASKS[i]` on are clear before one is set (or
/// the pattern ends). An update can fill that many columns without looking at the object.
pub static CLEAR_RUN: [u8; PADDED_LEN] = build_clear_run();

/// Which bit of the 20-bit playfield register (PF0 in bits 0..4, PF1 in 4..12, PF2 in
/// 12..20) drives playfield column `c` (0..20, left to right) of the left half.
const fn pf_bit_for_column(c: usize) -> u32 {
    if c < 4 {
        c as u32 // PF0 bits 4..7, drawn low to high
    } else if c < 12 {
        11 - (c as u32 - 4) // PF1, drawn high to low
    } else {
        12 + (c as u32 - 12) // PF2, drawn low to high
    }
}

const fn build_pf() -> [[u32; 160]; 2] {
    let mut t = [[0u32; 160]; 2];
    let mut x = 0;
    while x < 160 {
        let col = x / 4;
        let normal = if col < 20 { col } else { col - 20 };
        let reflected = if col < 20 { col } else { 39 - col };
        t[0][x] = 1 << pf_bit_for_column(normal);
        t[1][x] = 1 << pf_bit_for_column(reflected);
        x += 1;
    }
    t
}

/// Playfield masks: [reflected][column] → the bit of the PF register shown there.
pub static PF_MASKS: [[u32; 160]; 2] = build_pf();

/// The colour register (0 BK, 1 PF, 2 P0, 3 P1) that wins for a set of object bits
/// (plus score/priority bits), for the left (0) or right (1) half of the screen.
const fn priority(half: usize, bits: u8) -> u8 {
    let pm0 = bits & (P0_BIT | M0_BIT) != 0;
    let pm1 = bits & (P1_BIT | M1_BIT) != 0;
    let bl = bits & BL_BIT != 0;
    let pf = bits & PF_BIT != 0;
    let score = bits & SCORE_BIT != 0;
    if bits & PRIORITY_BIT != 0 {
        // Playfield and ball in front; score mode has no effect.
        if pf || bl {
            1
        } else if pm0 {
            2
        } else if pm1 {
            3
        } else {
            0
        }
    } else {
        // In score mode the playfield takes the colour of the player of its half; a
        // player 1 in front of a left-half score playfield keeps that (player 0) colour.
        let score_colour = if half == 0 { 2 } else { 3 };
        if pm0 {
            2
        } else if pm1 {
            if pf && score && half == 0 {
                2
            } else {
                3
            }
        } else if pf {
            if score {
                score_colour
            } else {
                1
            }
        } else if bl {
            1
        } else {
            0
        }
    }
}

const fn build_priority() -> [[u8; 256]; 2] {
    let mut t = [[0u8; 256]; 2];
    let mut i = 0;
    while i < 256 {
        t[0][i] = priority(0, i as u8);
        t[1][i] = priority(1, i as u8);
        i += 1;
    }
    t
}

pub static PRIORITY: [[u8; 256]; 2] = build_priority();

/// Collision latch bits, in the order of Stella's collision word: each entry is the pair
/// of objects whose overlap sets that bit.
const COLLISION_PAIRS: [(u8, u8); 15] = [
    (M0_BIT, P1_BIT), // CXM0P D7
    (M0_BIT, P0_BIT), // CXM0P D6
    (M1_BIT, P0_BIT), // CXM1P D7
    (M1_BIT, P1_BIT), // CXM1P D6
    (P0_BIT, PF_BIT), // CXP0FB D7
    (P0_BIT, BL_BIT), // CXP0FB D6
    (P1_BIT, PF_BIT), // CXP1FB D7
    (P1_BIT, BL_BIT), // CXP1FB D6
    (M0_BIT, PF_BIT), // CXM0FB D7
    (M0_BIT, BL_BIT), // CXM0FB D6
    (M1_BIT, PF_BIT), // CXM1FB D7
    (M1_BIT, BL_BIT), // CXM1FB D6
    (BL_BIT, PF_BIT), // CXBLPF D7
    (P0_BIT, P1_BIT), // CXPPMM D7
    (M0_BIT, M1_BIT), // CXPPMM D6
];

const fn build_collisions() -> [u16; 64] {
    let mut t = [0u16; 64];
    let mut i = 0;
    while i < 64 {
        let mut k = 0;
        while k < COLLISION_PAIRS.len() {
            let (a, b) = COLLISION_PAIRS[k];
            if (i as u8) & a != 0 && (i as u8) & b != 0 {
                t[i] |= 1 << k;
            }
            k += 1;
        }
        i += 1;
    }
    t
}

pub static COLLISIONS: [u16; 64] = build_collisions();

/// Stella's rule for a player reset: where does the new position `newx` fall relative to
/// the copies of a player at `oldx`? -1: in the 4-pixel start delay of a copy; 1: while a
/// copy is being drawn; 0: neither.
pub fn reset_when(mode: u8, oldx: i16, newx: i16) -> i8 {
    let mode = (mode & 7) as i32;
    let d = (newx as i32 - oldx as i32).rem_euclid(160);
    let (n, offs) = copies(mode as usize);
    let width = match mode {
        5 => 16,
        7 => 32,
        _ => 8,
    };
    let mut result = 0;
    for &o in &offs[..n] {
        let o = o as i32;
        if d >= o + 4 && d < o + 4 + width {
            return 1;
        }
        if d >= o && d < o + 4 {
            result = -1;
        }
    }
    result
}

/// Extra position change (pixels, + is right) an HMOVE strobed at CPU cycle `x` (0..76)
/// of the line gives an object whose motion register holds `hm` (0..16).
///
/// The motion value asks for `p = hm ^ 8` extra clock pulses (0..15), each moving the
/// object one pixel left, while the HMOVE-extended HBLANK moves it 8 right. Strobed late in
/// HBLANK, fewer pulses fit before the line starts: a pulse comes every 4 colour clocks,
/// so the cap drops by 3 every 4 CPU cycles. Strobed in the visible part there is no
/// motion, until near the end of the line, where the pulses that spill into the next
/// line's HBLANK (without its extension) move objects left.
pub const fn hmove_motion(x: usize, hm: u8) -> i32 {
    let p = (hm ^ 8) as i32 & 15;
    let x = x as i32;
    if x <= 20 || x == 75 {
        let cap = if x == 75 {
            15
        } else {
            let late = 3 * x - 7;
            15 - (if late > 0 { late } else { 0 }) / 4
        };
        8 - if p < cap { p } else { cap }
    } else if x <= 54 {
        0
    } else {
        let t = 14 - (3 * x - 163) / 4;
        -((if p > t { p } else { t }) - t)
    }
}

/// Whether an HMOVE strobed at CPU cycle `x` of the line blanks the first 8 pixels.
pub const fn hmove_blanks(x: usize) -> bool {
    x <= 20 || x == 75
}

/// Colour clocks by which a register write's effect is delayed (what the frame is drawn
/// up to before the write takes effect); `None` for the playfield registers, whose delay
/// depends on where in the line the write lands.
pub const fn poke_delay(addr: u16) -> Option<i32> {
    match addr & 0x3f {
        0x0d..=0x0f => None,                         // PF0, PF1, PF2
        0x04 | 0x05 | 0x12 | 0x13 => Some(8),        // NUSIZx, RESMx
        0x01 | 0x0b | 0x0c | 0x1b | 0x1c => Some(1), // VBLANK, REFPx, GRPx
        _ => Some(0),
    }
}

const fn build_poke_delay() -> [i8; 64] {
    let mut t = [0i8; 64];
    let mut a = 0;
    while a < 64 {
        t[a] = match poke_delay(a as u16) {
            Some(d) => d as i8,
            None => -1,
        };
        a += 1;
    }
    t
}

/// [`poke_delay`] as a table; -1 for the playfield registers.
pub static POKE_DELAY: [i8; 64] = build_poke_delay();

const fn build_reflect() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).reverse_bits();
        i += 1;
    }
    t
}

/// Player graphics mirrored (REFPx).
pub static REFLECT: [u8; 256] = build_reflect();

/// [`pf_delay`] by `(clock_in_line / 3) & 3`.
pub static PF_DELAY_BY_PHASE: [i32; 4] = [4, 5, 2, 3];

/// The playfield registers' delay, by CPU cycle within the line modulo 4.
pub const fn pf_delay(clock_in_line: i32) -> i32 {
    match (clock_in_line / 3) & 3 {
        0 => 4,
        1 => 5,
        2 => 2,
        _ => 3,
    }
}
