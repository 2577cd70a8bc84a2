//! Drawing part of one scanline, leaving the frame buffer exactly as Stella's
//! `updateFrameScanline` does.
//!
//! Stella picks a drawing routine by the set of enabled objects. All its routines give
//! what the general priority logic gives, with two observable differences kept here:
//! - with only the playfield enabled, score mode colours it by half even when the
//!   priority bit is set (the general logic ignores score mode under priority);
//! - the quick routines (all but the general one) write whole aligned groups of 4 pixels
//!   where none of their objects shows, so an update ending inside such a group spills
//!   up to 3 pixels past its end. Later updates overwrite the spill, except when the
//!   frame ends before they come.
//!
//! Here the pixels of an update are computed directly (runs without movable objects are
//! filled at once), and the spill is applied afterwards by Stella's rule.

use super::tables::*;
use super::Tia;

/// An object's current mask: an offset into `MASKS` (and its companion tables).
#[derive(Clone, Copy)]
struct Mask(usize);

impl Mask {
    /// Columns from `h` on before the object shows (0 if it shows at `h`).
    #[inline(always)]
    fn clear_run(self, h: usize) -> usize {
        CLEAR_RUN[(self.0 + h) & MASK_INDEX] as usize
    }

    /// For the 8 columns from `h`: a byte per column, 1 if the object shows there (for a
    /// player, if its graphics `g` have the bit the mask selects), else 0.
    #[inline(always)]
    fn shows8(self, h: usize, g: u8) -> u64 {
        let i = self.0 + h;
        let i = i & MASK_INDEX;
        let w: [u8; 8] = MASKS[i..i + 8].try_into().unwrap();
        let x = u64::from_le_bytes(w) & (g as u64 * 0x0101_0101_0101_0101);
        // A byte's top bit ends up set iff the byte is nonzero (no carries across bytes).
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        ((x | ((x & LOW7) + LOW7)) >> 7) & 0x0101_0101_0101_0101
    }

    /// Whether the object shows nowhere in the 4 columns from `h`.
    #[inline(always)]
    fn quiet4(self, h: usize) -> bool {
        CLEAR_RUN[(self.0 + h) & MASK_INDEX] >= 4
    }
}

/// Whether Stella draws this combination of enabled objects and CTRLPF score/priority
/// bits with a quick routine (one that spills whole groups of 4).
const fn quick(key: u8) -> bool {
    let objs = key & 0x3f;
    let score = key & SCORE_BIT != 0;
    match objs {
        // Playfield alone, any mode.
        0x20 => true,
        // One movable object alone; both players; both missiles; the ball with missile 0,
        // missile 1 or player 1: any mode.
        0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x05 | 0x0a | 0x12 | 0x18 | 0x14 => true,
        // The playfield with one player, or with the ball: not in score mode.
        0x21 | 0x24 | 0x30 => !score,
        _ => false,
    }
}

const fn build_quick() -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < 256 {
        t[k] = quick(k as u8);
        k += 1;
    }
    t
}

static QUICK: [bool; 256] = build_quick();

impl Tia {
    /// Draws `count` pixels from visible column `hpos` at the frame pointer, and advances it.
    #[inline(never)]
    pub(super) fn render_scanline(&mut self, count: usize, hpos: usize) {
        let start = self.fp;
        let end = start + count;
        self.fp = end;
        if self.vblank & 0x02 != 0 {
            self.cur[start..end].fill(0);
            return;
        }

        let key = self.enabled | self.prio_score;
        self.refresh_bg_line(key);
        let h_end = hpos + count;
        if key & 0x1f == 0 {
            // Playfield and background only: the cached line. Of the quick routines' spill
            // (see below) only the playfield-alone one can apply: no movable object shows.
            self.cur[start..end].copy_from_slice(&self.bg_line[hpos..h_end]);
            let g = h_end & !3;
            if h_end & 3 != 0 && g >= hpos && QUICK[key as usize] {
                let v = self.bg_line[g];
                self.cur[end..end + (4 - (h_end & 3))].fill(v);
            }
            return;
        }
        let colors = self.colors;
        let pf = self.pf;
        let pfm = &PF_MASKS[self.pf_reflect];
        let line = &self.bg_line;
        let buf = &mut self.cur[..];

        // The movable objects that can show; the others get the empty mask.
        let none = Mask(DISABLED_BASE);
        let pick = |bit: u8, m: usize| if key & bit != 0 { Mask(m) } else { none };
        let p0 = pick(P0_BIT, self.mask_p[0]);
        let p1 = pick(P1_BIT, self.mask_p[1]);
        let m0 = pick(M0_BIT, self.mask_m[0]);
        let m1 = pick(M1_BIT, self.mask_m[1]);
        let bl = pick(BL_BIT, self.mask_bl);
        let [g0, g1] = self.cur_grp;
        let ps = self.prio_score;
        let mut h = hpos;
        let mut p = start;
        let mut col = self.collision;
        while h < h_end {
            let run = (h_end - h)
                .min(p0.clear_run(h))
                .min(p1.clear_run(h))
                .min(m0.clear_run(h))
                .min(m1.clear_run(h))
                .min(bl.clear_run(h));
            if run > 0 {
                buf[p..p + run].copy_from_slice(&line[h..h + run]);
                h += run;
                p += run;
                continue;
            }
            // An object shows here: the general priority logic for the next (up to)
            // 8 pixels. Each object's "shows" flags for the 8 columns are found at
            // once, as one byte per column holding the object's bit.
            let n = (h_end - h).min(8);
            let objs = (p0.shows8(h, g0) * P0_BIT as u64)
                | (p1.shows8(h, g1) * P1_BIT as u64)
                | (m0.shows8(h, 0xff) * M0_BIT as u64)
                | (m1.shows8(h, 0xff) * M1_BIT as u64)
                | (bl.shows8(h, 0xff) * BL_BIT as u64);
            // One bounds check per block rather than per pixel; the masks keep the table
            // indices provably in range (object bits are 6 bits, colour registers 4).
            let out = &mut buf[p..p + n];
            let masks = &pfm[h..h + n];
            for (i, (px, &m)) in out.iter_mut().zip(masks).enumerate() {
                let mut bits = (objs >> (8 * i)) as u8;
                if pf & m != 0 {
                    bits |= PF_BIT;
                }
                col |= COLLISIONS[usize::from(bits & 0x3f)];
                let half = usize::from(h + i >= 80);
                *px = colors[usize::from(PRIORITY[half][usize::from(bits | ps)] & 3)];
            }
            h += n;
            p += n;
        }
        self.collision = col;

        // Stella's quick routines write the last group whole if it is aligned within the
        // update and none of their objects shows in it.
        let g = h_end & !3;
        if h_end & 3 != 0
            && g >= hpos
            && QUICK[key as usize]
            && p0.quiet4(g)
            && p1.quiet4(g)
            && m0.quiet4(g)
            && m1.quiet4(g)
            && bl.quiet4(g)
        {
            let v = line[g];
            buf[end..end + (4 - (h_end & 3))].fill(v);
        }
    }

    /// Draws a whole visible line at the frame pointer, and advances it, if nothing but the
    /// playfield and the background can show on it (or VBLANK blanks it); false (nothing
    /// drawn) otherwise. The same pixels as [`Tia::render_scanline`] for the line.
    #[inline(always)]
    pub(super) fn draw_plain_line(&mut self) -> bool {
        let key = self.enabled | self.prio_score;
        let start = self.fp;
        if self.vblank & 0x02 != 0 {
            self.cur[start..start + 160].fill(0);
        } else if key & 0x1f == 0 {
            self.refresh_bg_line(key);
            super::copy_line(&mut self.cur[start..], &self.bg_line);
        } else {
            return false;
        }
        self.fp = start + 160;
        true
    }

    /// Makes sure the cached background line (the line as drawn where no movable object
    /// shows) is the one for the current registers, `key` being the enabled objects and
    /// the CTRLPF score/priority bits.
    #[inline(always)]
    fn refresh_bg_line(&mut self, key: u8) {
        // With only the playfield, Stella's routine uses score colours even under priority.
        let bg_ps = if key == 0xe0 {
            SCORE_BIT
        } else {
            self.prio_score
        };
        let bg_key = u64::from(self.pf)
            | (self.pf_reflect as u64) << 20
            | u64::from(bg_ps) << 21
            | u64::from(u32::from_le_bytes(self.colors)) << 32;
        if bg_key != self.bg_key {
            self.rebuild_bg_line(bg_key, bg_ps);
        }
    }

    /// Draws the cached background line for `bg_key` (see `render_scanline`): the
    /// playfield is constant over aligned groups of 4 columns, so each group takes one of
    /// two colours per half, picked 4 groups (16 pixels) at a time.
    #[cold]
    #[inline(never)]
    fn rebuild_bg_line(&mut self, bg_key: u64, bg_ps: u8) {
        self.bg_key = bg_key;
        let colors = self.colors;
        let pf = self.pf;
        let colour =
            |half: usize, bits: u8| colors[PRIORITY[half][(bits | bg_ps) as usize] as usize];
        // Which of the 40 groups show the playfield: the left half's 20 in PF0, PF1 (drawn
        // high bit first), PF2 order; the right half repeats them, or mirrors them.
        let left = (pf & 0x0f)
            | u32::from(REFLECT[((pf >> 4) & 0xff) as usize]) << 4
            | ((pf >> 12) & 0xff) << 12;
        let right = if self.pf_reflect != 0 {
            left.reverse_bits() >> 12
        } else {
            left
        };
        let groups = u64::from(left) | u64::from(right) << 20;
        // Each byte of a 4-group chunk's mask is 0xFF where its group shows the playfield.
        const fn expand() -> [u128; 16] {
            let mut t = [0u128; 16];
            let mut n = 0;
            while n < 16 {
                let mut g = 0;
                while g < 4 {
                    if n >> g & 1 != 0 {
                        t[n] |= 0xffff_ffff << (32 * g);
                    }
                    g += 1;
                }
                n += 1;
            }
            t
        }
        static EXPAND: [u128; 16] = expand();
        let splat = |c: u8| u128::from(c) * 0x0101_0101_0101_0101_0101_0101_0101_0101;
        for half in 0..2 {
            let off = splat(colour(half, 0));
            let on = splat(colour(half, PF_BIT));
            for k in 0..5 {
                let chunk = 5 * half + k;
                let m = EXPAND[((groups >> (4 * chunk)) & 15) as usize];
                let v = (on & m) | (off & !m);
                self.bg_line[16 * chunk..16 * chunk + 16].copy_from_slice(&v.to_le_bytes());
            }
        }
    }
}
