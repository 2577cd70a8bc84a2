//! The TIA: video, collisions and input ports, behaving as Stella 2.4.2's TIA (not as the
//! real chip where the two differ), so that frames match ALE 0.12.1 pixel for pixel.
//!
//! The model is Stella's: the frame is drawn lazily. Register writes and reads first draw
//! the frame up to the current colour clock (plus a per-register delay), then change state.
//! Clocks are counted relative to the bus cycle counter, which restarts at every frame; the
//! clock stamps use Stella's wrapping `i32`/`u32` arithmetic, since ALE's behaviour in odd
//! cases (paddles, frames without VSYNC) depends on it.

#[cfg(test)]
mod reference;
mod render;
mod tables;
#[cfg(test)]
mod tests;

use tables::*;

/// Colour clocks in a scanline.
const CLOCKS_PER_LINE: i32 = 228;
/// Colour clocks of horizontal blank at the start of a line.
const HBLANK: i32 = 68;
/// Frame buffer size (Stella's: 300 lines of 160 pixels).
const BUFFER_LEN: usize = 160 * 300;

/// Copies one 160-pixel line into `dst`'s first 160 bytes in 32-byte pieces: the compiler
/// moves those with a few vector loads and stores, where a single 160-byte copy is past
/// its inline limit and calls `memcpy` (a whole-line copy is made ~300 times a frame).
#[inline(always)]
fn copy_line(dst: &mut [u8], src: &[u8; 160]) {
    // Written out (not a loop, which the compiler turns back into one `memcpy`).
    dst[..32].copy_from_slice(&src[..32]);
    dst[32..64].copy_from_slice(&src[32..64]);
    dst[64..96].copy_from_slice(&src[64..96]);
    dst[96..128].copy_from_slice(&src[96..128]);
    dst[128..160].copy_from_slice(&src[128..160]);
}
/// NTSC: a frame ends by itself after this many scanlines without VSYNC.
const MAX_SCANLINES: i32 = 290;

/// Whether a write to this TIA register leaves everything that is drawn unchanged: WSYNC,
/// RSYNC, audio, motion registers (they act at HMOVE), HMCLR, unused addresses.
#[inline]
fn draws_nothing(addr: u16) -> bool {
    const fn set() -> u64 {
        let mut m = 0u64;
        let mut a = 0;
        while a < 64 {
            if matches!(a, 0x02 | 0x03 | 0x15..=0x1a | 0x20..=0x24 | 0x2b | 0x2d..=0x3f) {
                m |= 1 << a;
            }
            a += 1;
        }
        m
    }
    const SET: u64 = set();
    (SET >> (addr & 0x3f)) & 1 != 0
}

/// [`Tia::deferred_clock`] when nothing is deferred.
const NOT_DEFERRED: i32 = i32::MIN;

/// A [`Tia::fast_write`] entry no written value matches.
const NO_FAST_MATCH: u32 = 0x0001;

/// A [`Tia::fast_write`] entry: the values with `value & mask == expect`, which draw up to
/// `delay` clocks after the write.
#[inline(always)]
const fn fast_match(mask: u8, expect: u8, delay: i32) -> u32 {
    (delay as u32) << 16 | (mask as u32) << 8 | expect as u32
}

/// Stella's `Controller::maximumResistance` (an unconnected pot).
pub const MAX_RESISTANCE: i32 = i32::MAX;
/// Stella's `Controller::minimumResistance`.
pub const MIN_RESISTANCE: i32 = 0;

#[derive(Clone)]
pub struct Tia {
    /// Paddle resistances on INPT0..3 (Stella's `Controller::read(analog pin)` values);
    /// set through [`Tia::set_pot_resistance`], which keeps `pot_charged_after` in step.
    pot_resistance: [i32; 4],
    /// Per INPT0..3 pin, the last bus cycle at which the port still reads low (-1: always
    /// high, `i64::MAX`: never), kept up to date whenever a resistance, the dump state or
    /// the counter changes, so that a read (a paddle game reads them ~180 times a frame)
    /// is one compare instead of Stella's floating-point charge time.
    pot_charged_after: [i64; 4],
    /// Levels on INPT4/INPT5 (true = high = button not pressed).
    pub inpt45: [bool; 2],

    // Display window (Stella's Display.YStart / Display.Height properties).
    ystart: u32,
    height: u32,

    // Frame buffers: the one being drawn and the previous one (swapped at frame start).
    cur: Vec<u8>,
    prev: Vec<u8>,
    /// Where the next drawn pixel goes in `cur`.
    fp: usize,

    // Frame timing, in colour clocks relative to the bus cycle counter * 3.
    clock_when_frame_started: i32,
    clock_start_display: i32,
    clock_stop_display: i32,
    clock_at_last_update: i32,
    clocks_to_end_of_scanline: i32,
    vsync_finish_clock: i32,
    start_display_offset: i32,
    stop_display_offset: i32,
    scanline_count_for_last_frame: i32,
    current_scanline: i32,

    /// A frame has been started and not yet ended by VSYNC (Stella's `myPartialFrameFlag`).
    pub(crate) partial_frame: bool,
    frame_greyed: bool,
    /// The TIA asked the CPU to stop (Stella's `m6502().stop()`): the frame is over.
    pub(crate) stop_cpu: bool,
    frame_counter: u32,

    // Registers and derived drawing state.
    enabled: u8,
    vsync: u8,
    vblank: u8,
    nusiz: [u8; 2],
    prio_score: u8,
    /// Colour registers, low bit cleared: background, playfield, player 0, player 1.
    colors: [u8; 4],
    ctrlpf: u8,
    refp: [bool; 2],
    pf: u32,
    grp: [u8; 2],
    dgrp: [u8; 2],
    enam: [bool; 2],
    enabl: bool,
    denabl: bool,
    hmp: [u8; 2],
    hmm: [u8; 2],
    hmbl: u8,
    vdelp: [bool; 2],
    vdelbl: bool,
    resmp: [bool; 2],
    collision: u16,
    posp: [i16; 2],
    posm: [i16; 2],
    posbl: i16,
    cur_grp: [u8; 2],

    // Current object masks: offsets into `tables::MASKS`.
    mask_p: [usize; 2],
    /// Some `mask_p` may differ from the one its player's NUSIZ and position give (a RESPx
    /// hid the first copy for the rest of the line, or a reset left Stella's initial
    /// masks): the end of the line must recompute them.
    mask_p_stale: bool,
    mask_m: [usize; 2],
    mask_bl: usize,
    /// Which playfield mask table is used (CTRLPF reflect bit, latched per line).
    pf_reflect: usize,

    last_hmove_clock: i32,
    hmove_blank: bool,
    allow_hmove_blanks: bool,
    cosmic_ark: bool,
    cosmic_ark_counter: u32,

    dump_enabled: bool,
    dump_disabled_cycle: i32,

    /// The line as drawn where no movable object shows (background and playfield), and
    /// what it was drawn for (see the renderer); `u64::MAX`: not drawn yet.
    bg_line: [u8; 160],
    bg_key: u64,

    /// [`Tia::write`]'s fast paths apply to writes at bus cycles below this (0 while an HMOVE
    /// blank is pending; see [`Tia::refresh_fast_until`]).
    fast_until: u32,
    /// `clock_when_frame_started / 3` (C's division), as a cycle count (for WSYNC).
    line_start_cycle: u32,
    /// For each register `r` (`addr & 0x3f`) and bus cycle `c`, at `4 * r + (c & 3)`: which
    /// values written at `c` leave every register as it is, those with
    /// `value & mask == expect`, and their drawing delay (the register's, at `c`: fixed
    /// for the frame wherever the fast paths apply), packed as
    /// `delay << 16 | mask << 8 | expect` (an expect bit outside the mask: no value). One
    /// load tells the fast path all it needs. See [`Tia::refresh_fast_match`].
    fast_write: [u32; 256],
    /// The playfield registers' delay (`pf_delay` of where a write lands in its line) for
    /// a write at a bus cycle with `cycles & 3 == k`, at `k`: fixed for the frame wherever
    /// the fast paths apply (set by [`Tia::refresh_frame_timing`]).
    pf_delay_by_cycle: [i32; 4],
    /// Drawing deferred by accesses that change nothing drawn (Stella draws up to every
    /// access, but drawing later in one go gives the same pixels: see `defer_update`): where
    /// the deferred drawing goes up to; [`NOT_DEFERRED`] when nothing is deferred
    /// (a clock so early that drawing up to it would draw nothing anyway).
    deferred_clock: i32,

    /// Tests: draw with the reference renderer.
    #[cfg(test)]
    use_reference: bool,
    /// Tests: draw at every access, as Stella does.
    #[cfg(test)]
    never_defer: bool,
}

impl std::fmt::Debug for Tia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tia")
            .field("ystart", &self.ystart)
            .field("height", &self.height)
            .field("partial_frame", &self.partial_frame)
            .field("frame_counter", &self.frame_counter)
            .field("posp", &self.posp)
            .field("posm", &self.posm)
            .field("posbl", &self.posbl)
            .field("collision", &self.collision)
            .finish_non_exhaustive()
    }
}

impl Default for Tia {
    fn default() -> Self {
        Tia::new()
    }
}

impl Tia {
    /// A TIA for the default display window (Stella's defaults: YStart 34, Height 210).
    pub fn new() -> Self {
        Tia::with_display(34, 210)
    }

    /// A TIA drawing `height` lines starting at scanline `ystart`.
    pub fn with_display(ystart: u32, height: u32) -> Self {
        let mut t = Tia {
            pot_resistance: [MAX_RESISTANCE; 4],
            pot_charged_after: [i64::MAX; 4],
            inpt45: [true; 2],
            ystart,
            height,
            cur: vec![0; BUFFER_LEN],
            prev: vec![0; BUFFER_LEN],
            fp: 0,
            clock_when_frame_started: 0,
            clock_start_display: 0,
            clock_stop_display: 0,
            clock_at_last_update: 0,
            clocks_to_end_of_scanline: CLOCKS_PER_LINE,
            vsync_finish_clock: 0x7fff_ffff,
            start_display_offset: 0,
            stop_display_offset: 0,
            scanline_count_for_last_frame: 0,
            current_scanline: 0,
            partial_frame: false,
            frame_greyed: false,
            stop_cpu: false,
            frame_counter: 0,
            enabled: 0,
            vsync: 0,
            vblank: 0,
            nusiz: [0; 2],
            prio_score: 0,
            colors: [0; 4],
            ctrlpf: 0,
            refp: [false; 2],
            pf: 0,
            grp: [0; 2],
            dgrp: [0; 2],
            enam: [false; 2],
            enabl: false,
            denabl: false,
            hmp: [0; 2],
            hmm: [0; 2],
            hmbl: 0,
            vdelp: [false; 2],
            vdelbl: false,
            resmp: [false; 2],
            collision: 0,
            posp: [0; 2],
            posm: [0; 2],
            posbl: 0,
            cur_grp: [0; 2],
            mask_p: [mask_at(player_pattern(false, 0), 0); 2],
            mask_p_stale: true,
            mask_m: [mask_at(missile_pattern(0, 0), 0); 2],
            mask_bl: mask_at(ball_pattern(0), 0),
            pf_reflect: 0,
            last_hmove_clock: 0,
            hmove_blank: false,
            allow_hmove_blanks: true,
            cosmic_ark: false,
            cosmic_ark_counter: 0,
            dump_enabled: false,
            dump_disabled_cycle: 0,
            bg_line: [0; 160],
            bg_key: u64::MAX,
            fast_until: 0,
            line_start_cycle: 0,
            fast_write: [NO_FAST_MATCH; 256],
            pf_delay_by_cycle: [0; 4],
            deferred_clock: NOT_DEFERRED,
            #[cfg(test)]
            use_reference: false,
            #[cfg(test)]
            never_defer: false,
        };
        t.refresh_fast_match();
        t.frame_reset(0);
        t
    }

    /// Changes the display window (takes effect at the next reset, as Stella's properties).
    pub fn set_display(&mut self, ystart: u32, height: u32) {
        self.ystart = ystart;
        self.height = height;
    }

    pub fn ystart(&self) -> u32 {
        self.ystart
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The frame being drawn (after a completed frame: that frame), `160 * height` bytes of
    /// TIA colour values with the low bit clear (Stella's `currentFrameBuffer`).
    pub fn frame(&self) -> &[u8] {
        &self.cur[..160 * self.height as usize]
    }

    /// Frames completed with VSYNC since power-on.
    pub fn frame_count(&self) -> u32 {
        self.frame_counter
    }

    /// Scanlines in the last completed frame.
    pub fn scanlines_last_frame(&self) -> i32 {
        self.scanline_count_for_last_frame
    }

    /// Whether HMOVE blanks are drawn (Stella's Emulation.HmoveBlanks property; YES).
    pub fn set_hmove_blanks(&mut self, allow: bool) {
        self.allow_hmove_blanks = allow;
    }

    /// Stella's `TIA::reset` (the bus counter has just been restarted at 0).
    pub fn reset(&mut self) {
        self.enabled = 0;
        self.vsync = 0;
        self.vblank = 0;
        self.nusiz = [0; 2];
        self.colors = [0; 4];
        self.prio_score = 0;
        self.ctrlpf = 0;
        self.refp = [false; 2];
        self.pf = 0;
        self.grp = [0; 2];
        self.dgrp = [0; 2];
        self.enam = [false; 2];
        self.enabl = false;
        self.denabl = false;
        self.hmp = [0; 2];
        self.hmm = [0; 2];
        self.hmbl = 0;
        self.vdelp = [false; 2];
        self.vdelbl = false;
        self.resmp = [false; 2];
        self.collision = 0;
        self.posp = [0; 2];
        self.posm = [0; 2];
        self.posbl = 0;
        self.cur_grp = [0; 2];
        // Stella points every mask at position 0's first entry, i.e. pattern offset 0,
        // which is the pattern for position 160 == 0.
        self.mask_bl = ball_pattern(0);
        self.mask_m = [missile_pattern(0, 0); 2];
        self.mask_p = [player_pattern(false, 0); 2];
        self.mask_p_stale = true;
        self.pf_reflect = 0;
        self.last_hmove_clock = 0;
        self.hmove_blank = false;
        self.cosmic_ark = false;
        self.cosmic_ark_counter = 0;
        self.dump_enabled = false;
        self.dump_disabled_cycle = 0;
        self.update_pot_thresholds();
        self.deferred_clock = NOT_DEFERRED;
        self.refresh_fast_match();
        self.frame_reset(0);
    }

    /// Stella's `frameReset`: clear the buffers and restart the frame timing at `cycles`.
    fn frame_reset(&mut self, cycles: u32) {
        self.cur.fill(0);
        self.prev.fill(0);
        self.fp = 0;
        self.start_display_offset = 228 * self.ystart as i32;
        self.stop_display_offset = self.start_display_offset + 228 * self.height as i32;
        self.clock_when_frame_started = cycles.wrapping_mul(3) as i32;
        self.clock_start_display = self
            .clock_when_frame_started
            .wrapping_add(self.start_display_offset);
        self.clock_stop_display = self
            .clock_when_frame_started
            .wrapping_add(self.stop_display_offset);
        self.clock_at_last_update = self.clock_when_frame_started;
        self.clocks_to_end_of_scanline = CLOCKS_PER_LINE;
        self.vsync_finish_clock = 0x7fff_ffff;
        self.scanline_count_for_last_frame = 0;
        self.current_scanline = 0;
        self.refresh_frame_timing();
    }

    /// After the frame's start moved: [`Tia::pf_delay_by_cycle`] (and the playfield's
    /// [`Tia::fast_write`] entries), then [`Tia::refresh_fast_until`].
    fn refresh_frame_timing(&mut self) {
        // The playfield delay depends on `(since_start / 3) & 3`, where
        // `since_start = 3 * cycles - started`, with `started <= 0` wherever the fast paths
        // apply: that is `(cycles + (-started) / 3) & 3`.
        let base = (self.clock_when_frame_started.wrapping_neg() / 3) as u32;
        for (k, d) in self.pf_delay_by_cycle.iter_mut().enumerate() {
            *d = PF_DELAY_BY_PHASE[((k as u32).wrapping_add(base) & 3) as usize];
        }
        self.refresh_fast_pf();
        self.refresh_fast_until();
    }

    /// Recomputes [`Tia::fast_until`]: the fast paths need the frame not too long (fewer than
    /// 291 whole scanlines since it started, a count that is never negative there) and no
    /// HMOVE blank pending. With the frame started at most a line before cycle 0, that is
    /// every cycle below a bound; otherwise none.
    fn refresh_fast_until(&mut self) {
        self.line_start_cycle = (self.clock_when_frame_started / 3) as u32;
        let limit = (MAX_SCANLINES + 1) * CLOCKS_PER_LINE;
        let started = self.clock_when_frame_started;
        self.fast_until = if self.hmove_blank || started > 0 || started <= -limit {
            0
        } else {
            // cycles * 3 - started < limit.
            ((limit + started + 2) / 3) as u32
        };
    }

    /// Recomputes [`Tia::fast_write`] from the registers.
    fn refresh_fast_match(&mut self) {
        self.refresh_fast_pf();
        self.refresh_fast_grp();
        self.refresh_fast_enables();
    }

    /// Sets register `r`'s [`Tia::fast_write`] entries: values `v` with
    /// `v & mask == expect` (none where `matches` is false), drawing `delay[c & 3]` clocks
    /// after a write at cycle `c`.
    #[inline(always)]
    fn set_fast_write(&mut self, r: usize, matches: bool, mask: u8, expect: u8, delay: [i32; 4]) {
        // A no-match entry with a delay still matches no value.
        let m = if matches {
            fast_match(mask, expect, 0)
        } else {
            NO_FAST_MATCH
        };
        let entries: [u32; 4] = std::array::from_fn(|k| m | (delay[k] as u32) << 16);
        self.fast_write[4 * r..4 * r + 4].copy_from_slice(&entries);
    }

    /// [`Tia::fast_write`]'s playfield entries.
    #[inline(always)]
    fn refresh_fast_pf(&mut self) {
        for r in 0x0d..=0x0f {
            self.refresh_fast_pf_reg(r);
        }
    }

    /// [`Tia::fast_write`]'s entries for playfield register `r` (PF0, PF1 or PF2).
    #[inline(always)]
    fn refresh_fast_pf_reg(&mut self, r: usize) {
        let pf = self.pf;
        let (mask, expect) = match r {
            0x0d => (0xf0, ((pf & 0x0f) as u8) << 4),
            0x0e => (0xff, (pf >> 4) as u8),
            _ => (0xff, (pf >> 12) as u8),
        };
        self.set_fast_write(r, true, mask, expect, self.pf_delay_by_cycle);
    }

    /// [`Tia::fast_write`]'s graphics entries (they depend on ENABL's delayed copy too).
    #[inline(always)]
    fn refresh_fast_grp(&mut self) {
        // Their delay: 1 clock. GRP0 := value, GRP1's delayed copy := GRP1.
        let keeps = self.dgrp[1] == self.grp[1];
        self.set_fast_write(0x1b, keeps, 0xff, self.grp[0], [1; 4]);
        // GRP1 := value, GRP0's and ENABL's delayed copies := GRP0, ENABL.
        let keeps = self.dgrp[0] == self.grp[0] && self.denabl == self.enabl;
        self.set_fast_write(0x1c, keeps, 0xff, self.grp[1], [1; 4]);
    }

    /// [`Tia::fast_write`]'s enable entries (no delay).
    #[inline(always)]
    fn refresh_fast_enables(&mut self) {
        self.set_fast_write(0x1d, true, 0x02, u8::from(self.enam[0]) << 1, [0; 4]);
        self.set_fast_write(0x1e, true, 0x02, u8::from(self.enam[1]) << 1, [0; 4]);
        self.set_fast_write(0x1f, true, 0x02, u8::from(self.enabl) << 1, [0; 4]);
    }

    /// Stella's `systemCyclesReset`: the bus counter is about to restart from 0 after `cycles`.
    pub fn cycles_reset(&mut self, cycles: u32) {
        self.dump_disabled_cycle = self.dump_disabled_cycle.wrapping_sub(cycles as i32);
        self.update_pot_thresholds();
        let clocks = cycles.wrapping_mul(3) as i32;
        self.clock_when_frame_started = self.clock_when_frame_started.wrapping_sub(clocks);
        self.clock_start_display = self.clock_start_display.wrapping_sub(clocks);
        self.clock_stop_display = self.clock_stop_display.wrapping_sub(clocks);
        self.clock_at_last_update = self.clock_at_last_update.wrapping_sub(clocks);
        self.vsync_finish_clock = self.vsync_finish_clock.wrapping_sub(clocks);
        self.last_hmove_clock = self.last_hmove_clock.wrapping_sub(clocks);
        if self.deferred_clock != NOT_DEFERRED {
            self.deferred_clock = self.deferred_clock.wrapping_sub(clocks);
        }
        self.refresh_frame_timing();
    }

    /// First half of Stella's `startFrame`, before the bus counter restarts: swaps the
    /// buffers and returns the colour clocks already elapsed in the current scanline.
    pub(crate) fn start_frame_before_reset(&mut self, cycles: u32) -> u32 {
        std::mem::swap(&mut self.cur, &mut self.prev);
        self.clocks_since_frame_start(cycles) % 228
    }

    /// Second half of Stella's `startFrame`, after the bus counter restarted at 0.
    pub(crate) fn start_frame_after_reset(&mut self, clocks: u32) {
        self.clock_when_frame_started = (clocks as i32).wrapping_neg();
        self.clock_start_display = self
            .clock_when_frame_started
            .wrapping_add(self.start_display_offset);
        self.clock_stop_display = self
            .clock_when_frame_started
            .wrapping_add(self.stop_display_offset);
        self.clock_at_last_update = self.clock_start_display;
        self.clocks_to_end_of_scanline = CLOCKS_PER_LINE;
        self.fp = 0;
        self.frame_greyed = false;
        self.refresh_frame_timing();
    }

    /// The end of Stella's `TIA::update`, once the CPU has stopped: end the frame, or grey
    /// out the rest of a frame that did not finish.
    pub(crate) fn finish_update(&mut self, cycles: u32) {
        self.flush_deferred();
        self.current_scanline = (self.clocks_since_frame_start(cycles) / 228) as i32;
        if self.partial_frame {
            if !self.frame_greyed {
                self.grey_out_frame(cycles);
            }
            self.frame_greyed = true;
        } else {
            self.scanline_count_for_last_frame = self.current_scanline;
            self.frame_counter = self.frame_counter.wrapping_add(1);
            self.frame_greyed = false;
        }
    }

    /// Colour clocks since the frame started, as Stella's unsigned arithmetic gives it.
    #[inline]
    fn clocks_since_frame_start(&self, cycles: u32) -> u32 {
        cycles
            .wrapping_mul(3)
            .wrapping_sub(self.clock_when_frame_started as u32)
    }

    /// Stella's `greyOutFrame`: the undrawn rest of an unfinished frame is dimmed.
    fn grey_out_frame(&mut self, cycles: u32) {
        let c = (self.clocks_since_frame_start(cycles) / 228).max(self.ystart);
        for s in c..self.height + self.ystart {
            let row = ((s - self.ystart) * 160) as usize;
            for px in &mut self.cur[row..row + 160] {
                *px = (*px & 0x0f) >> 1;
            }
        }
    }

    /// Colour clock within the current scanline (C's truncating `%`).
    #[inline]
    fn hpos_of(&self, clock: i32) -> i32 {
        clock.wrapping_sub(self.clock_when_frame_started) % CLOCKS_PER_LINE
    }

    /// For an access that changes nothing drawn, Stella still draws up to it. Drawing
    /// lazily instead gives the same frame: the pixels drawn only depend on the drawing
    /// state, which such an access leaves alone, and the scratch writes Stella makes past
    /// the end of a partial update (4-pixel groups) do not depend on where updates split.
    /// The one exception, the HMOVE blank clearing (it depends on where each update of the
    /// line starts), is avoided by drawing right away while an HMOVE blank is pending.
    /// The deferred point is drawn at the latest when the frame is handed over, or before
    /// anything drawn changes: every update draws at least up to it (a deferred write's
    /// delay may take it past a later access's clock, and Stella has drawn that far).
    #[inline]
    fn defer_update(&mut self, clock: i32) {
        #[cfg(test)]
        if self.never_defer {
            self.update_frame(clock);
            return;
        }
        if self.hmove_blank {
            self.update_frame(clock);
        } else {
            self.defer_update_lazily(clock);
        }
    }

    /// [`Tia::defer_update`] with no HMOVE blank pending (so no drawing now).
    #[inline(always)]
    fn defer_update_lazily(&mut self, clock: i32) {
        debug_assert!(!self.hmove_blank);
        self.deferred_clock = self.deferred_clock.max(clock);
    }

    fn flush_deferred(&mut self) {
        if self.deferred_clock != NOT_DEFERRED {
            self.update_frame(self.deferred_clock);
        }
    }

    /// Stella's `updateFrame`: draw the frame up to colour clock `clock` (or up to the
    /// deferred point, if that is later).
    #[inline]
    fn update_frame(&mut self, clock: i32) {
        let clock = clock.max(std::mem::replace(&mut self.deferred_clock, NOT_DEFERRED));
        if clock < self.clock_start_display
            || self.clock_at_last_update >= self.clock_stop_display
            || self.clock_at_last_update >= clock
        {
            return;
        }
        self.update_frame_to(clock);
    }

    #[inline(never)]
    fn update_frame_to(&mut self, clock: i32) {
        let clock = clock.min(self.clock_stop_display);

        // Fast path: an advance that stays within this line's horizontal blank draws
        // nothing (what the general loop below does for it, minus the work).
        let from_line_start = CLOCKS_PER_LINE - self.clocks_to_end_of_scanline;
        let n = clock.wrapping_sub(self.clock_at_last_update);
        if !self.hmove_blank && from_line_start + n <= HBLANK {
            self.clocks_to_end_of_scanline -= n;
            self.clock_at_last_update = clock;
            return;
        }

        loop {
            // Fast path: a whole line to draw, from its start, where only the playfield and
            // the background can show (what the general steps below do for it, minus the
            // work: no HMOVE blank to clear, no partial group to spill).
            if self.clocks_to_end_of_scanline == CLOCKS_PER_LINE
                && clock > self.clock_at_last_update.wrapping_add(CLOCKS_PER_LINE)
                && !self.hmove_blank
                && self.draw_plain_line()
            {
                self.clock_at_last_update = self.clock_at_last_update.wrapping_add(CLOCKS_PER_LINE);
                self.end_of_scanline();
                // The whole lines after it are the same line again: the end of a line
                // changes nothing drawn (unless Cosmic Ark's missile moves), so they are
                // copies of it.
                if !self.cosmic_ark {
                    while clock > self.clock_at_last_update.wrapping_add(CLOCKS_PER_LINE) {
                        let fp = self.fp;
                        let (done, rest) = self.cur.split_at_mut(fp);
                        let line: &[u8; 160] = done[fp - 160..].try_into().unwrap();
                        copy_line(rest, line);
                        self.fp = fp + 160;
                        self.clock_at_last_update =
                            self.clock_at_last_update.wrapping_add(CLOCKS_PER_LINE);
                        self.end_of_scanline();
                    }
                }
                continue;
            }
            let mut from_line_start = CLOCKS_PER_LINE - self.clocks_to_end_of_scanline;
            let mut to_update;
            if clock
                > self
                    .clock_at_last_update
                    .wrapping_add(self.clocks_to_end_of_scanline)
            {
                // Finish the current line.
                to_update = self.clocks_to_end_of_scanline;
                self.clocks_to_end_of_scanline = CLOCKS_PER_LINE;
                self.clock_at_last_update = self.clock_at_last_update.wrapping_add(to_update);
            } else {
                to_update = clock.wrapping_sub(self.clock_at_last_update);
                self.clocks_to_end_of_scanline -= to_update;
                self.clock_at_last_update = clock;
            }

            // Nothing is drawn during horizontal blank.
            if from_line_start < HBLANK {
                let skip = (HBLANK - from_line_start).min(to_update);
                from_line_start += skip;
                to_update -= skip;
            }

            let line_fp = self.fp;
            if to_update != 0 {
                #[cfg(test)]
                if self.use_reference {
                    reference::reference_render(
                        self,
                        to_update as usize,
                        (from_line_start - HBLANK) as usize,
                    );
                } else {
                    self.render_scanline(to_update as usize, (from_line_start - HBLANK) as usize);
                }
                #[cfg(not(test))]
                self.render_scanline(to_update as usize, (from_line_start - HBLANK) as usize);
            }

            // HMOVE blanks: the first 8 pixels after an early HMOVE are black. Stella
            // clears from where this update started, possibly past what it drew; later
            // updates of the line overwrite the excess.
            if self.hmove_blank && from_line_start < HBLANK + 8 {
                let blanks = (HBLANK + 8 - from_line_start) as usize;
                self.cur[line_fp..line_fp + blanks].fill(0);
                if to_update + from_line_start >= HBLANK + 8 {
                    self.hmove_blank = false;
                    self.refresh_fast_until();
                }
            }

            if self.clocks_to_end_of_scanline == CLOCKS_PER_LINE {
                self.end_of_scanline();
            }

            if self.clock_at_last_update >= clock {
                break;
            }
        }
    }

    /// What Stella does at the end of each drawn scanline (the rare parts apart).
    #[inline(always)]
    fn end_of_scanline(&mut self) {
        self.pf_reflect = (self.ctrlpf & 0x01) as usize;
        if self.mask_p_stale || self.cosmic_ark {
            self.end_of_scanline_rare();
        }
        debug_assert!(
            (0..2)
                .all(|i| self.mask_p[i]
                    == mask_at(player_pattern(false, self.nusiz[i]), self.posp[i]))
        );
    }

    #[cold]
    #[inline(never)]
    fn end_of_scanline_rare(&mut self) {
        // A RESPx during the line hid the player's first copy for the rest of that line.
        if self.mask_p_stale {
            self.mask_p_stale = false;
            for i in 0..2 {
                self.mask_p[i] = mask_at(player_pattern(false, self.nusiz[i]), self.posp[i]);
            }
        }
        if self.cosmic_ark {
            // Stella's emulation of the "Cosmic Ark" starfield: missile 0 keeps moving
            // by a 4-line cycle of amounts, and changes shape on two of those lines.
            const STEP: [i16; 4] = [18, 33, 0, 17];
            self.cosmic_ark_counter = (self.cosmic_ark_counter + 1) & 3;
            let mut pos = self.posm[0] - STEP[self.cosmic_ark_counter as usize];
            if pos >= 160 {
                pos -= 160;
            } else if pos < 0 {
                pos += 160;
            }
            self.posm[0] = pos;
            let size = (self.nusiz[0] & 0x30) >> 4;
            self.mask_m[0] = match self.cosmic_ark_counter {
                1 => mask_at(missile_pattern(self.nusiz[0], size | 1), pos),
                2 => DISABLED_BASE,
                _ => mask_at(missile_pattern(self.nusiz[0], size), pos),
            };
        }
    }

    #[inline]
    fn update_missile_mask(&mut self, i: usize) {
        self.mask_m[i] = mask_at(
            missile_pattern(self.nusiz[i], (self.nusiz[i] & 0x30) >> 4),
            self.posm[i],
        );
    }

    #[inline]
    fn update_ball_mask(&mut self) {
        self.mask_bl = mask_at(ball_pattern((self.ctrlpf & 0x30) >> 4), self.posbl);
    }

    #[inline]
    fn set_enabled(&mut self, bit: u8, on: bool) {
        if on {
            self.enabled |= bit;
        } else {
            self.enabled &= !bit;
        }
    }

    /// Recomputes what the players draw (vertical delay and reflection applied).
    fn update_players(&mut self) {
        for i in 0..2 {
            let g = if self.vdelp[i] {
                self.dgrp[i]
            } else {
                self.grp[i]
            };
            self.cur_grp[i] = if self.refp[i] { REFLECT[g as usize] } else { g };
        }
        self.set_enabled(P0_BIT, self.cur_grp[0] != 0);
        self.set_enabled(P1_BIT, self.cur_grp[1] != 0);
    }

    fn update_ball_enabled(&mut self) {
        let on = if self.vdelbl { self.denabl } else { self.enabl };
        self.set_enabled(BL_BIT, on);
    }

    fn update_pf_enabled(&mut self) {
        self.set_enabled(PF_BIT, self.pf != 0);
    }

    /// A TIA read (collision latches and input ports). Input ports (the frequent reads:
    /// paddles, fire buttons) with no HMOVE blank pending draw nothing now, so that path
    /// calls nothing (the host function needs no register saves).
    #[inline]
    pub fn read(&mut self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
        let clock = cycles.wrapping_mul(3) as i32;
        if addr & 0x08 == 0 || self.hmove_blank {
            return self.read_general(addr, cycles, data_bus);
        }
        self.defer_update_lazily(clock);
        if addr & 0x0c == 0x08 {
            // INPT0..3, the paddle games' many reads: straight to the pot, no table jump.
            return self.read_pot(usize::from(addr & 3), cycles) | (data_bus & 0x3f);
        }
        self.read_value(addr, cycles, data_bus)
    }

    /// [`Tia::read`] with the drawing brought up to date as Stella does it.
    #[inline(never)]
    fn read_general(&mut self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
        let clock = cycles.wrapping_mul(3) as i32;
        if addr & 0x08 == 0 {
            // Collision latches: bring the drawing (which sets them) up to date.
            self.update_frame(clock);
        } else {
            self.defer_update(clock);
        }
        self.read_value(addr, cycles, data_bus)
    }

    /// What a read returns, the drawing being up to date as far as it needs to be.
    #[inline(always)]
    fn read_value(&self, addr: u16, cycles: u32, data_bus: u8) -> u8 {
        let noise = data_bus & 0x3f;
        let c = self.collision;
        let bit = |mask: u16, v: u8| if c & mask != 0 { v } else { 0 };
        match addr & 0x0f {
            0x00 => bit(0x0001, 0x80) | bit(0x0002, 0x40) | noise,
            0x01 => bit(0x0004, 0x80) | bit(0x0008, 0x40) | noise,
            0x02 => bit(0x0010, 0x80) | bit(0x0020, 0x40) | noise,
            0x03 => bit(0x0040, 0x80) | bit(0x0080, 0x40) | noise,
            0x04 => bit(0x0100, 0x80) | bit(0x0200, 0x40) | noise,
            0x05 => bit(0x0400, 0x80) | bit(0x0800, 0x40) | noise,
            0x06 => bit(0x1000, 0x80) | noise,
            0x07 => bit(0x2000, 0x80) | bit(0x4000, 0x40) | noise,
            a @ 0x08..=0x0b => self.read_pot((a - 8) as usize, cycles) | noise,
            0x0c => (if self.inpt45[0] { 0x80 } else { 0 }) | noise,
            0x0d => (if self.inpt45[1] { 0x80 } else { 0 }) | noise,
            _ => noise,
        }
    }

    /// INPT0..3: a paddle's capacitor charges through its pot once VBLANK stops dumping it
    /// to ground; the port reads high once charged (see [`Tia::update_pot_thresholds`]).
    #[inline(always)]
    fn read_pot(&self, pin: usize, cycles: u32) -> u8 {
        u8::from(i64::from(cycles) > self.pot_charged_after[pin]) << 7
    }

    /// Sets the paddle resistances on INPT0..3 (Stella's `Controller::read(analog pin)`).
    pub fn set_pot_resistance(&mut self, pots: [i32; 4]) {
        if pots != self.pot_resistance {
            self.pot_resistance = pots;
            self.update_pot_thresholds();
        }
    }

    /// The paddle resistances on INPT0..3.
    pub fn pot_resistance(&self) -> [i32; 4] {
        self.pot_resistance
    }

    /// Recomputes each pot's last low cycle with Stella's arithmetic, wraps included: the
    /// charge time in cycles (floating point, truncated) added to the release cycle as
    /// `u32`s. Minimum resistance reads high at once; an unconnected pot, or any pot while
    /// VBLANK dumps it, reads low.
    fn update_pot_thresholds(&mut self) {
        for (after, &r) in self.pot_charged_after.iter_mut().zip(&self.pot_resistance) {
            *after = if r == MIN_RESISTANCE {
                -1
            } else if r == MAX_RESISTANCE || self.dump_enabled {
                i64::MAX
            } else {
                let t = 1.6 * r as f64 * 0.01e-6;
                let needed = (t * 1.19e6) as u32;
                i64::from((self.dump_disabled_cycle as u32).wrapping_add(needed))
            };
        }
    }

    /// A TIA write. Returns the CPU cycles to stall (WSYNC).
    #[inline]
    pub fn write(&mut self, addr: u16, value: u8, cycles: u32, last_access_was_read: bool) -> u32 {
        match self.write_fast(addr, value, cycles, last_access_was_read) {
            Some(stall) => stall,
            None => self.write_general(addr, value, cycles, last_access_was_read),
        }
    }

    /// The part of [`Tia::write`] that the CPU's hot loop runs inline: the frequent writes
    /// that only defer drawing (and WSYNC), calling nothing. `None`: not one of those, the
    /// write is still to be made ([`Tia::write_general`]).
    #[inline(always)]
    pub(crate) fn write_fast(
        &mut self,
        addr: u16,
        value: u8,
        cycles: u32,
        last_access_was_read: bool,
    ) -> Option<u32> {
        // Kernels rewrite the playfield, graphics and enable registers on every line, most
        // often with what they already hold: such a write leaves every register as it is
        // (checked below), so all it does is draw, lazily, up to where it lands. Those
        // writes and WSYNC are handled here without calling anything; all else, and any
        // write while an HMOVE blank is pending (drawing is eager then, see
        // `defer_update`), takes the general path.
        // Tests: the eager TIA (the deferred drawing's fuzz reference) takes the general
        // path for every write, so that the fuzz checks the fast paths too.
        #[cfg(test)]
        if self.never_defer {
            return None;
        }
        // The frame not too long (it ends at a write that comes too late), no negative
        // count of clocks since it started (C's negative remainders), no HMOVE blank pending
        // (drawing is eager then): the general path does all of those.
        if cycles >= self.fast_until {
            return None;
        }
        let clock = cycles.wrapping_mul(3) as i32;
        let since_start = clock.wrapping_sub(self.clock_when_frame_started);
        debug_assert!(
            (0..(MAX_SCANLINES + 1) * CLOCKS_PER_LINE).contains(&since_start) && !self.hmove_blank
        );
        let r = usize::from(addr & 0x3f);
        debug_assert!(self.derived_state_consistent());
        // The derived state (what the players draw, the enable bits) always agrees with the
        // registers (every write that changes one recomputes it), so a register rewritten
        // with what it holds changes nothing: comparing the registers is enough.
        let m = self.fast_write[r << 2 | (cycles & 3) as usize];
        if value & (m >> 8) as u8 != m as u8 {
            if r == 0x02 {
                return Some(self.write_wsync(clock, cycles, last_access_was_read));
            }
            return None;
        }
        debug_assert!(matches!(r, 0x0d..=0x0f | 0x1b..=0x1f));
        debug_assert!(self.write_keeps_registers(r as u16, value));
        // The register's delay. The playfield registers' one, `pf_delay(hpos)`, depends on
        // `(hpos / 3) & 3`, and as a line is 76 * 3 clocks (76 a multiple of 4), that is
        // `(since_start / 3) & 3`, fixed by `cycles & 3` for the frame.
        let delay = (m >> 16) as i32;
        debug_assert!(match POKE_DELAY[r] {
            d if d >= 0 => i32::from(d) == delay,
            _ => delay == pf_delay(self.hpos_of(clock)),
        });
        self.defer_update_lazily(clock.wrapping_add(delay));
        Some(0)
    }

    /// Whether writing `value` to register `r` leaves every register as it is (what
    /// [`fast_match`] tells).
    fn write_keeps_registers(&self, r: u16, value: u8) -> bool {
        let on = value & 0x02 != 0;
        match r {
            0x0d => self.pf & 0x0f == ((value >> 4) & 0x0f) as u32,
            0x0e => (self.pf >> 4) & 0xff == value as u32,
            0x0f => self.pf >> 12 == value as u32,
            0x1b => self.grp[0] == value && self.dgrp[1] == self.grp[1],
            0x1c => {
                self.grp[1] == value && self.dgrp[0] == self.grp[0] && self.denabl == self.enabl
            }
            0x1d => self.enam[0] == on,
            0x1e => self.enam[1] == on,
            0x1f => self.enabl == on,
            _ => false,
        }
    }

    /// What the players draw and the enable bits agree with the registers (as
    /// [`Tia::update_players`] and the enable updates compute them).
    fn derived_state_consistent(&self) -> bool {
        let bit_is = |bit: u8, on: bool| (self.enabled & bit != 0) == on;
        let shown = |i: usize| {
            let g = if self.vdelp[i] {
                self.dgrp[i]
            } else {
                self.grp[i]
            };
            if self.refp[i] {
                REFLECT[g as usize]
            } else {
                g
            }
        };
        let ball = if self.vdelbl { self.denabl } else { self.enabl };
        self.cur_grp == [shown(0), shown(1)]
            && bit_is(P0_BIT, self.cur_grp[0] != 0)
            && bit_is(P1_BIT, self.cur_grp[1] != 0)
            && bit_is(M0_BIT, self.enam[0] && !self.resmp[0])
            && bit_is(M1_BIT, self.enam[1] && !self.resmp[1])
            && bit_is(BL_BIT, ball)
            && bit_is(PF_BIT, self.pf != 0)
    }

    /// [`Tia::write_general`] for WSYNC, the most frequent write, in a frame that is not
    /// too long: it draws nothing (delay 0), so it only defers the update to its clock, and
    /// halts the CPU to the end of the line when it follows a read.
    #[inline(always)]
    fn write_wsync(&mut self, clock: i32, cycles: u32, last_access_was_read: bool) -> u32 {
        debug_assert_eq!(POKE_DELAY[0x02], 0);
        self.defer_update_lazily(clock);
        if last_access_was_read {
            debug_assert_eq!(
                self.line_start_cycle,
                (self.clock_when_frame_started / 3) as u32
            );
            let to_end = 76 - cycles.wrapping_sub(self.line_start_cycle) % 76;
            if to_end < 76 {
                return to_end;
            }
        }
        0
    }

    #[inline(never)]
    pub(crate) fn write_general(
        &mut self,
        addr: u16,
        value: u8,
        cycles: u32,
        last_access_was_read: bool,
    ) -> u32 {
        let addr = addr & 0x3f;
        let clock = cycles.wrapping_mul(3) as i32;
        let delay = match POKE_DELAY[addr as usize] {
            d if d >= 0 => d as i32,
            _ => pf_delay(self.hpos_of(clock)),
        };
        // A frame that runs too long without VSYNC is ended anyway: more than 290 whole
        // scanlines since the frame started (C's truncating division: a negative count of
        // clocks is never too long).
        let too_long = clock.wrapping_sub(self.clock_when_frame_started)
            >= (MAX_SCANLINES + 1) * CLOCKS_PER_LINE;
        if !too_long && (draws_nothing(addr) || self.write_changes_nothing(addr, value)) {
            self.defer_update(clock.wrapping_add(delay));
        } else {
            self.update_frame(clock.wrapping_add(delay));
        }
        if too_long {
            self.stop_cpu = true;
            self.partial_frame = false;
        }

        let mut stall = 0;
        match addr {
            0x00 => {
                // VSYNC
                self.vsync = value;
                if value & 0x02 != 0 {
                    self.vsync_finish_clock = clock.wrapping_add(228);
                } else if clock >= self.vsync_finish_clock {
                    // VSYNC turned off at least a line after it was turned on: frame done.
                    self.vsync_finish_clock = 0x7fff_ffff;
                    self.stop_cpu = true;
                    self.partial_frame = false;
                }
            }
            0x01 => {
                // VBLANK; D7 dumps the paddle capacitors to ground.
                if self.vblank & 0x80 == 0 && value & 0x80 != 0 {
                    self.dump_enabled = true;
                    self.update_pot_thresholds();
                }
                if self.vblank & 0x80 != 0 && value & 0x80 == 0 {
                    self.dump_enabled = false;
                    self.dump_disabled_cycle = cycles as i32;
                    self.update_pot_thresholds();
                }
                self.vblank = value;
            }
            // WSYNC: the CPU only halts on a write following a read (a read-modify-write's
            // second write does not halt it again).
            0x02 if last_access_was_read => {
                let line_start_cycle = (self.clock_when_frame_started / 3) as u32;
                let to_end = 76 - cycles.wrapping_sub(line_start_cycle) % 76;
                if to_end < 76 {
                    stall = to_end;
                }
            }
            0x03 => {} // RSYNC: not emulated
            0x04 | 0x05 => {
                let i = (addr - 0x04) as usize;
                self.nusiz[i] = value;
                self.mask_p[i] = mask_at(player_pattern(false, value), self.posp[i]);
                self.update_missile_mask(i);
            }
            0x06..=0x09 => {
                let c = value & 0xfe;
                match addr {
                    0x06 => self.colors[2] = c,
                    0x07 => self.colors[3] = c,
                    0x08 => self.colors[1] = c,
                    _ => self.colors[0] = c,
                }
            }
            0x0a => {
                self.ctrlpf = value;
                self.prio_score = (value & 0x06) << 5;
                // The reflection takes effect now only on the left part of the line.
                if self.hpos_of(clock) < HBLANK + 79 {
                    self.pf_reflect = (value & 0x01) as usize;
                }
                self.update_ball_mask();
            }
            0x0b | 0x0c => {
                let i = (addr - 0x0b) as usize;
                let r = value & 0x08 != 0;
                if r != self.refp[i] {
                    self.refp[i] = r;
                    self.cur_grp[i] = REFLECT[self.cur_grp[i] as usize];
                }
            }
            0x0d => {
                self.pf = (self.pf & 0x000f_fff0) | ((value >> 4) & 0x0f) as u32;
                self.update_pf_enabled();
                self.refresh_fast_pf_reg(0x0d);
            }
            0x0e => {
                self.pf = (self.pf & 0x000f_f00f) | ((value as u32) << 4);
                self.update_pf_enabled();
                self.refresh_fast_pf_reg(0x0e);
            }
            0x0f => {
                self.pf = (self.pf & 0x0000_0fff) | ((value as u32) << 12);
                self.update_pf_enabled();
                self.refresh_fast_pf_reg(0x0f);
            }
            0x10 | 0x11 => self.reset_player((addr - 0x10) as usize, clock),
            0x12 | 0x13 => {
                let i = (addr - 0x12) as usize;
                let hpos = self.hpos_of(clock);
                let mut pos = if hpos < HBLANK {
                    2
                } else {
                    ((hpos - HBLANK) + 4) % 160
                };
                // Stella's special cases for RESMx shortly after an HMOVE (Dolphin,
                // Pitfall II).
                let since_hmove = clock.wrapping_sub(self.last_hmove_clock);
                if i == 0 && since_hmove == 20 * 3 && hpos == 69 {
                    pos = 8;
                } else if i == 1 && since_hmove == 3 * 3 && hpos == 18 {
                    pos = 3;
                }
                self.posm[i] = pos as i16;
                self.update_missile_mask(i);
            }
            0x14 => {
                let hpos = self.hpos_of(clock);
                let mut pos = if hpos < HBLANK {
                    2
                } else {
                    ((hpos - HBLANK) + 4) % 160
                };
                // Stella's special cases for RESBL shortly after an HMOVE (Escape from
                // the Mindmaster, Decathlon, Robot Tank, Hole Hunter).
                let since_hmove = clock.wrapping_sub(self.last_hmove_clock);
                if since_hmove == 18 * 3 && (hpos == 60 || hpos == 69) {
                    pos = 10;
                } else if since_hmove == 3 * 3 && hpos == 18 {
                    pos = 3;
                } else if since_hmove == 7 * 3 && hpos == 30 {
                    pos = 6;
                } else if since_hmove == 6 * 3 && hpos == 27 {
                    pos = 5;
                }
                self.posbl = pos as i16;
                self.update_ball_mask();
            }
            0x15..=0x1a => {} // audio: no effect on frames or RAM
            0x1b => {
                self.grp[0] = value;
                self.dgrp[1] = self.grp[1];
                self.update_players();
                self.refresh_fast_grp();
            }
            0x1c => {
                self.grp[1] = value;
                self.dgrp[0] = self.grp[0];
                self.denabl = self.enabl;
                self.update_players();
                self.update_ball_enabled();
                self.refresh_fast_grp();
            }
            0x1d | 0x1e => {
                let i = (addr - 0x1d) as usize;
                self.enam[i] = value & 0x02 != 0;
                self.refresh_fast_enables();
                let bit = if i == 0 { M0_BIT } else { M1_BIT };
                self.set_enabled(bit, self.enam[i] && !self.resmp[i]);
            }
            0x1f => {
                self.enabl = value & 0x02 != 0;
                self.update_ball_enabled();
                self.refresh_fast_enables();
                self.refresh_fast_grp();
            }
            0x20 => self.hmp[0] = value >> 4,
            0x21 => self.hmp[1] = value >> 4,
            0x22 => {
                let hm = value >> 4;
                // Stella's trigger for the "Cosmic Ark" missile bug: HMM0 changed from 7
                // to 6 exactly 21 cycles after an HMOVE.
                if clock == self.last_hmove_clock.wrapping_add(21 * 3)
                    && self.hmm[0] == 7
                    && hm == 6
                {
                    self.cosmic_ark = true;
                    self.cosmic_ark_counter = 0;
                }
                self.hmm[0] = hm;
            }
            0x23 => self.hmm[1] = value >> 4,
            0x24 => self.hmbl = value >> 4,
            0x25 | 0x26 => {
                self.vdelp[(addr - 0x25) as usize] = value & 0x01 != 0;
                self.update_players();
            }
            0x27 => {
                self.vdelbl = value & 0x01 != 0;
                self.update_ball_enabled();
            }
            0x28 | 0x29 => {
                let i = (addr - 0x28) as usize;
                if self.resmp[i] && value & 0x02 == 0 {
                    // Releasing the missile: it appears centred on its player.
                    let middle = match self.nusiz[i] & 0x07 {
                        0x05 => 8,
                        0x07 => 16,
                        _ => 4,
                    };
                    self.posm[i] = (self.posp[i] + middle) % 160;
                    self.update_missile_mask(i);
                }
                self.resmp[i] = value & 0x02 != 0;
                let bit = if i == 0 { M0_BIT } else { M1_BIT };
                self.set_enabled(bit, self.enam[i] && !self.resmp[i]);
            }
            0x2a => self.hmove(clock),
            0x2b => {
                self.hmp = [0; 2];
                self.hmm = [0; 2];
                self.hmbl = 0;
            }
            0x2c => self.collision = 0,
            _ => {}
        }
        debug_assert!((0..256usize).all(|i| {
            let (r, m) = ((i / 4) as u16, self.fast_write[i]);
            [value, m as u8, m as u8 ^ 0x02, m as u8 ^ 0x81]
                .iter()
                .all(|&v| (v & (m >> 8) as u8 == m as u8) == self.write_keeps_registers(r, v))
        }));
        stall
    }

    /// Whether writing `value` to `addr` would leave everything drawn as it is: the colour,
    /// playfield, graphics and enable registers, written with what they already show.
    /// (Registers that only feed later drawing, such as the vertically delayed copies, may
    /// still change.)
    #[inline]
    fn write_changes_nothing(&self, addr: u16, value: u8) -> bool {
        let refl = |i: usize, g: u8| if self.refp[i] { REFLECT[g as usize] } else { g };
        match addr {
            0x06 => self.colors[2] == value & 0xfe,
            0x07 => self.colors[3] == value & 0xfe,
            0x08 => self.colors[1] == value & 0xfe,
            0x09 => self.colors[0] == value & 0xfe,
            0x0d => self.pf & 0x0f == ((value >> 4) & 0x0f) as u32,
            0x0e => (self.pf >> 4) & 0xff == value as u32,
            0x0f => self.pf >> 12 == value as u32,
            0x1b => {
                // GRP0 := value, GRP1's delayed copy := GRP1.
                let g0 = if self.vdelp[0] {
                    self.cur_grp[0]
                } else {
                    refl(0, value)
                };
                let g1 = if self.vdelp[1] {
                    refl(1, self.grp[1])
                } else {
                    self.cur_grp[1]
                };
                [g0, g1] == self.cur_grp
            }
            0x1c => {
                // GRP1 := value, GRP0's and ENABL's delayed copies := GRP0, ENABL.
                let g0 = if self.vdelp[0] {
                    refl(0, self.grp[0])
                } else {
                    self.cur_grp[0]
                };
                let g1 = if self.vdelp[1] {
                    self.cur_grp[1]
                } else {
                    refl(1, value)
                };
                let ball = if self.vdelbl {
                    self.enabl
                } else {
                    self.enabled & BL_BIT != 0
                };
                [g0, g1] == self.cur_grp && ball == (self.enabled & BL_BIT != 0)
            }
            0x1d | 0x1e => {
                let i = (addr - 0x1d) as usize;
                let bit = if i == 0 { M0_BIT } else { M1_BIT };
                (value & 0x02 != 0 && !self.resmp[i]) == (self.enabled & bit != 0)
            }
            0x1f => self.vdelbl || (value & 0x02 != 0) == (self.enabled & BL_BIT != 0),
            _ => false,
        }
    }

    /// RESP0/RESP1.
    fn reset_player(&mut self, i: usize, clock: i32) {
        let hpos = self.hpos_of(clock);
        let newx = if hpos < HBLANK {
            3
        } else {
            ((hpos - HBLANK) + 5) % 160
        } as i16;
        match reset_when(self.nusiz[i], self.posp[i], newx) {
            1 => {
                // Reset while a copy is being drawn: Stella lets the copy finish (draws
                // 11 more clocks with the old position) and hides the new first copy.
                self.update_frame(clock.wrapping_add(11));
                self.posp[i] = newx;
                self.mask_p[i] = mask_at(player_pattern(true, self.nusiz[i]), newx);
                self.mask_p_stale = true;
            }
            0 => {
                self.posp[i] = newx;
                self.mask_p[i] = mask_at(player_pattern(true, self.nusiz[i]), newx);
                self.mask_p_stale = true;
            }
            _ => {
                // Reset during a copy's start delay: all copies are drawn.
                self.posp[i] = newx;
                self.mask_p[i] = mask_at(player_pattern(false, self.nusiz[i]), newx);
            }
        }
    }

    /// HMOVE.
    fn hmove(&mut self, clock: i32) {
        let x = (self.hpos_of(clock) / 3).clamp(0, 75) as usize;
        if self.allow_hmove_blanks && hmove_blanks(x) {
            self.hmove_blank = true;
            self.refresh_fast_until();
        }
        fn wrap(p: i16) -> i16 {
            if p >= 160 {
                p - 160
            } else if p < 0 {
                p + 160
            } else {
                p
            }
        }
        for i in 0..2 {
            self.posp[i] = wrap(self.posp[i] + hmove_motion(x, self.hmp[i]) as i16);
            self.posm[i] = wrap(self.posm[i] + hmove_motion(x, self.hmm[i]) as i16);
        }
        self.posbl = wrap(self.posbl + hmove_motion(x, self.hmbl) as i16);
        self.update_ball_mask();
        for i in 0..2 {
            self.mask_p[i] = mask_at(player_pattern(false, self.nusiz[i]), self.posp[i]);
            self.update_missile_mask(i);
        }
        self.last_hmove_clock = clock;
        self.cosmic_ark = false;
    }
}
