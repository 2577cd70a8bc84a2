//! Test-only: the previous scanline renderer, shaped as Stella's routines, kept as the
//! reference the current renderer is fuzzed against.

use super::tables::*;
use super::Tia;

/// Runs Stella's quick-routine loop over `buf[start..end]` (`start` at column `hpos`):
/// on 4-aligned positions where `quiet(h)` holds, a whole group gets `quiet_val(h)`;
/// elsewhere pixels come one at a time from `pixel(h)`.
#[inline(always)]
fn quick_loop(
    buf: &mut [u8],
    start: usize,
    end: usize,
    hpos: usize,
    quiet: impl Fn(usize) -> bool,
    quiet_val: impl Fn(usize) -> u8,
    mut pixel: impl FnMut(usize) -> u8,
) {
    let mut p = start;
    let mut h = hpos;
    while p < end {
        if p & 3 == 0 && quiet(h) {
            let v = quiet_val(h);
            buf[p..p + 4].fill(v);
            p += 4;
            h += 4;
        } else {
            buf[p] = pixel(h);
            p += 1;
            h += 1;
        }
    }
}

#[inline(always)]
fn zero4(m: &[u8], h: usize) -> bool {
    m[h..h + 4] == [0, 0, 0, 0]
}

/// The previous renderer, shaped as Stella's routines (verified frame-exact against ALE
/// on the seven games): the reference for the current one.
pub(super) fn reference_render(t: &mut Tia, count: usize, hpos: usize) {
    {
        let this = t;
        let start = this.fp;
        let end = start + count;
        let buf = &mut this.cur[..];
        if this.vblank & 0x02 != 0 {
            buf[start..end].fill(0);
            this.fp = end;
            return;
        }

        let [bk, cpf, cp0, cp1] = this.colors;
        let pf = this.pf;
        let pfm = &PF_MASKS[this.pf_reflect];
        let g0 = this.cur_grp[0];
        let g1 = this.cur_grp[1];
        let mp0 = &MASKS[this.mask_p[0]..this.mask_p[0] + 160];
        let mp1 = &MASKS[this.mask_p[1]..this.mask_p[1] + 160];
        let mm0 = &MASKS[this.mask_m[0]..this.mask_m[0] + 160];
        let mm1 = &MASKS[this.mask_m[1]..this.mask_m[1] + 160];
        let mbl = &MASKS[this.mask_bl..this.mask_bl + 160];
        let mut col = this.collision;
        let pf_or_bk = |h: usize| if pf & pfm[h] != 0 { cpf } else { bk };
        let bk_val = |_h: usize| bk;

        const PRI: u8 = PRIORITY_BIT;
        const SC: u8 = SCORE_BIT;
        let key = this.enabled | this.prio_score;
        match key {
            // Background only.
            0x00 | SC | PRI | 0xc0 => buf[start..end].fill(bk),

            // Playfield only.
            PF_BIT | 0xa0 => quick_loop(buf, start, end, hpos, |_| true, pf_or_bk, pf_or_bk),
            0x60 | 0xe0 => {
                let score = |h: usize| {
                    if pf & pfm[h] != 0 {
                        if h < 80 {
                            cp0
                        } else {
                            cp1
                        }
                    } else {
                        bk
                    }
                };
                quick_loop(buf, start, end, hpos, |_| true, score, score)
            }

            // One player or missile, or the ball, alone.
            P0_BIT | 0x41 | 0x81 | 0xc1 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mp0, h),
                bk_val,
                |h| if g0 & mp0[h] != 0 { cp0 } else { bk },
            ),
            P1_BIT | 0x44 | 0x84 | 0xc4 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mp1, h),
                bk_val,
                |h| if g1 & mp1[h] != 0 { cp1 } else { bk },
            ),
            M0_BIT | 0x42 | 0x82 | 0xc2 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mm0, h),
                bk_val,
                |h| if mm0[h] != 0 { cp0 } else { bk },
            ),
            M1_BIT | 0x48 | 0x88 | 0xc8 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mm1, h),
                bk_val,
                |h| if mm1[h] != 0 { cp1 } else { bk },
            ),
            BL_BIT | 0x50 | 0x90 | 0xd0 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mbl, h),
                bk_val,
                |h| if mbl[h] != 0 { cpf } else { bk },
            ),

            // Both players.
            0x05 | 0x45 | 0x85 | 0xc5 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mp0, h) && zero4(mp1, h),
                bk_val,
                |h| {
                    let a = g0 & mp0[h] != 0;
                    let b = g1 & mp1[h] != 0;
                    if a && b {
                        col |= COLLISIONS[(P0_BIT | P1_BIT) as usize];
                    }
                    if a {
                        cp0
                    } else if b {
                        cp1
                    } else {
                        bk
                    }
                },
            ),

            // Both missiles.
            0x0a | 0x4a | 0x8a | 0xca => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mm0, h) && zero4(mm1, h),
                bk_val,
                |h| {
                    let a = mm0[h] != 0;
                    let b = mm1[h] != 0;
                    if a && b {
                        col |= COLLISIONS[(M0_BIT | M1_BIT) as usize];
                    }
                    if a {
                        cp0
                    } else if b {
                        cp1
                    } else {
                        bk
                    }
                },
            ),

            // Ball with missile 0, missile 1 or player 1; the ball wins under priority.
            0x12 | 0x52 | 0x92 | 0xd2 | 0x18 | 0x58 | 0x98 | 0xd8 | 0x14 | 0x54 | 0x94 | 0xd4 => {
                let ball_first = key & PRI != 0;
                let (other, other_bit, colour, grp): (&[u8], u8, u8, u8) = match key & 0x0f {
                    0x02 => (mm0, M0_BIT, cp0, 0xff),
                    0x08 => (mm1, M1_BIT, cp1, 0xff),
                    _ => (mp1, P1_BIT, cp1, g1),
                };
                let coll = COLLISIONS[(BL_BIT | other_bit) as usize];
                quick_loop(
                    buf,
                    start,
                    end,
                    hpos,
                    |h| zero4(mbl, h) && zero4(other, h),
                    bk_val,
                    |h| {
                        let b = mbl[h] != 0;
                        let o = grp & other[h] != 0;
                        if b && o {
                            col |= coll;
                        }
                        if b && (ball_first || !o) {
                            cpf
                        } else if o {
                            colour
                        } else {
                            bk
                        }
                    },
                )
            }

            // Playfield with one player (no score mode); the playfield wins under priority.
            0x21 | 0xa1 | 0x24 | 0xa4 => {
                let pf_first = key & PRI != 0;
                let (m, g, colour, bit) = if key & P0_BIT != 0 {
                    (mp0, g0, cp0, P0_BIT)
                } else {
                    (mp1, g1, cp1, P1_BIT)
                };
                let coll = COLLISIONS[(PF_BIT | bit) as usize];
                quick_loop(
                    buf,
                    start,
                    end,
                    hpos,
                    |h| zero4(m, h),
                    pf_or_bk,
                    |h| {
                        let p = pf & pfm[h] != 0;
                        let o = g & m[h] != 0;
                        if p && o {
                            col |= coll;
                        }
                        if p && (pf_first || !o) {
                            cpf
                        } else if o {
                            colour
                        } else {
                            bk
                        }
                    },
                )
            }

            // Playfield and ball (no score mode).
            0x30 | 0xb0 => quick_loop(
                buf,
                start,
                end,
                hpos,
                |h| zero4(mbl, h),
                pf_or_bk,
                |h| {
                    let p = pf & pfm[h] != 0;
                    let b = mbl[h] != 0;
                    if p && b {
                        col |= COLLISIONS[(PF_BIT | BL_BIT) as usize];
                    }
                    if p || b {
                        cpf
                    } else {
                        bk
                    }
                },
            ),

            // Everything else: the general priority logic, pixel by pixel, except that
            // aligned groups of 4 where no movable object shows are done at once (this
            // path never writes past the end of the update).
            _ => {
                let ps = this.prio_score;
                let colors = this.colors;
                let en = this.enabled;
                let zeros = &MASKS[DISABLED_BASE..DISABLED_BASE + 160];
                // Objects that cannot show use the empty mask, so one test covers them.
                let mbl = if en & BL_BIT != 0 { mbl } else { zeros };
                let mm0 = if en & M0_BIT != 0 { mm0 } else { zeros };
                let mm1 = if en & M1_BIT != 0 { mm1 } else { zeros };
                let mp0 = if g0 != 0 { mp0 } else { zeros };
                let mp1 = if g1 != 0 { mp1 } else { zeros };
                let word =
                    |m: &[u8], h: usize| u32::from_ne_bytes([m[h], m[h + 1], m[h + 2], m[h + 3]]);
                let mut p = start;
                let mut h = hpos;
                while p < end {
                    if p & 3 == 0
                        && p + 4 <= end
                        && (word(mbl, h)
                            | word(mm0, h)
                            | word(mm1, h)
                            | word(mp0, h)
                            | word(mp1, h))
                            == 0
                    {
                        let bits = if pf & pfm[h] != 0 { PF_BIT } else { 0 };
                        let half = (h >= 80) as usize;
                        let v = colors[PRIORITY[half][(bits | ps) as usize] as usize];
                        buf[p..p + 4].fill(v);
                        p += 4;
                        h += 4;
                        continue;
                    }
                    let mut bits = if pf & pfm[h] != 0 { PF_BIT } else { 0 };
                    if mbl[h] != 0 {
                        bits |= BL_BIT;
                    }
                    if g1 & mp1[h] != 0 {
                        bits |= P1_BIT;
                    }
                    if mm1[h] != 0 {
                        bits |= M1_BIT;
                    }
                    if g0 & mp0[h] != 0 {
                        bits |= P0_BIT;
                    }
                    if mm0[h] != 0 {
                        bits |= M0_BIT;
                    }
                    col |= COLLISIONS[bits as usize];
                    let half = (h >= 80) as usize;
                    buf[p] = colors[PRIORITY[half][(bits | ps) as usize] as usize];
                    p += 1;
                    h += 1;
                }
            }
        }
        this.collision = col;
        this.fp = end;
    }
}
