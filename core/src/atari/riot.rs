//! The 6532 RIOT: 128 bytes of RAM, the interval timer, ports A (joysticks/paddle buttons)
//! and B (console switches), behaving as Stella 2.4.2's `M6532` does — quirks included:
//!
//! * Port A (SWCHA) reads the controllers' pin levels only: neither DDRA nor anything the
//!   program wrote to SWCHA shows up (the joystick and paddles ignore writes).
//! * Port B (SWCHB) reads the console switches only; writes to SWCHB and to DDRB are ignored,
//!   so DDRB always reads 0.
//! * The timer is not a down-counter ticked every cycle: its value is derived on each read from
//!   the cycle counter and the cycle stamp of the last timer write, including Stella's peculiar
//!   arithmetic after expiry (see [`Riot::read`]). The stamps are Stella's signed 32-bit ints,
//!   shifted with wrapping arithmetic when the bus counter restarts every frame.
//! * The interrupt flag (TIMINT) reads 0x80 from the moment the timer passes zero until INTIM is
//!   read at least two cycles after expiry; reading TIMINT itself clears nothing.
//! * All of the I/O and timer registers are mirrored through the whole RIOT I/O space by the low
//!   three address bits for reads; writes decode as Stella does (timer writes need A4 and A2,
//!   A4 clear with A2 set is the edge-detect control, which Stella ignores).

use super::rng::SystemRng;

#[derive(Clone, Debug)]
pub struct Riot {
    pub ram: [u8; 128],
    /// Levels on port A's pins from the controllers (bit set = not pressed / floating high).
    /// Bits 7..4 are the left jack's pins Four..One, bits 3..0 the right jack's.
    pub swcha_in: u8,
    /// Levels on port B's pins from the console switches.
    pub swchb_in: u8,
    /// The value last written to a timer register (Stella's `myTimer`).
    timer: u32,
    /// log2 of the prescaler: 0, 3, 6 or 10.
    interval_shift: u32,
    /// Bus cycle stamp of the last timer write (Stella keeps it as a signed int).
    cycles_when_timer_set: i32,
    /// Bus cycle stamp of the first INTIM read after expiry.
    cycles_when_interrupt_reset: i32,
    /// Whether INTIM has been read (at least two cycles) after the timer expired.
    timer_read_after_interrupt: bool,
    ddra: u8,
    ddrb: u8,
}

impl Riot {
    /// Power on: 128 random RAM bytes (the low byte of one draw each), then [`Riot::reset`]
    /// (one more draw for the timer), as Stella's `M6532` constructor does.
    pub fn new(rng: &mut SystemRng) -> Self {
        let mut ram = [0u8; 128];
        for b in ram.iter_mut() {
            *b = rng.next_u32() as u8;
        }
        let mut riot = Riot {
            ram,
            swcha_in: 0xff,
            swchb_in: 0xff,
            timer: 0,
            interval_shift: 6,
            cycles_when_timer_set: 0,
            cycles_when_interrupt_reset: 0,
            timer_read_after_interrupt: false,
            ddra: 0,
            ddrb: 0,
        };
        riot.reset(rng);
        riot
    }

    /// Stella's `M6532::reset`: a random timer start value `25 + draw % 75` with the 64-cycle
    /// prescaler, stamped at cycle 0; DDRA and DDRB cleared. RAM and pin levels are kept.
    pub fn reset(&mut self, rng: &mut SystemRng) {
        self.timer = 25 + rng.next_u32() % 75;
        self.interval_shift = 6;
        self.cycles_when_timer_set = 0;
        self.cycles_when_interrupt_reset = 0;
        self.timer_read_after_interrupt = false;
        self.ddra = 0;
        self.ddrb = 0;
    }

    /// The prescaler of the last timer write (1, 8, 64 or 1024).
    pub fn prescaler(&self) -> u32 {
        1 << self.interval_shift
    }

    /// Data direction register A, as last written.
    pub fn ddra(&self) -> u8 {
        self.ddra
    }

    /// Stella's first-stage timer value: `timer - (cycles - 1 - set) / prescaler - 1`
    /// (wrapping 32-bit arithmetic), and the unsigned delta it used.
    #[inline]
    fn timer_stage1(&self, cycles: u32) -> (i32, u32) {
        let now = cycles.wrapping_sub(1);
        let delta = now.wrapping_sub(self.cycles_when_timer_set as u32);
        let t = (self.timer as i32)
            .wrapping_sub((delta >> self.interval_shift) as i32)
            .wrapping_sub(1);
        (t, delta)
    }

    /// For a program polling INTIM every `period` cycles (the first poll at `cycles` read a
    /// value of at least 1), how many more polls in a row still read at least 1 without
    /// the timer having expired (reads without side effects), and the value the last of them
    /// reads (the first poll's value when there are none); at most `max` polls.
    #[inline]
    pub(crate) fn polls_before_low(&self, cycles: u32, period: u32, max: u32) -> (u32, u8) {
        let (t, delta) = self.timer_stage1(cycles);
        if t < 1 || self.timer < 2 {
            return (0, t as u8);
        }
        // t >= 1 while (delta >> shift) <= timer - 2, that is delta <= limit.
        let limit = (u64::from(self.timer - 1) << self.interval_shift) - 1;
        let delta = u64::from(delta);
        if delta > limit {
            return (0, t as u8);
        }
        let k = ((limit - delta) / u64::from(period)).min(u64::from(max)) as u32;
        let (t, _) = self.timer_stage1(cycles.wrapping_add(k * period));
        debug_assert!(t >= 1);
        (k, t as u8)
    }

    /// A read from the RIOT's part of the bus (A12 clear, A7 set). `cycles` is the bus counter
    /// at the access (Stella's `System::cycles`, which the CPU has already advanced).
    pub fn read(&mut self, addr: u16, cycles: u32) -> u8 {
        if addr & 0x0200 == 0 {
            return self.ram[(addr & 0x7f) as usize];
        }
        match addr & 0x07 {
            0x00 => self.swcha_in,
            0x01 => self.ddra,
            0x02 => self.swchb_in,
            0x03 => self.ddrb,
            0x04 | 0x06 => self.read_intim(cycles),
            _ => {
                // 0x05 / 0x07: interrupt flag
                let (t, _) = self.timer_stage1(cycles);
                if t >= 0 || self.timer_read_after_interrupt {
                    0x00
                } else {
                    0x80
                }
            }
        }
    }

    fn read_intim(&mut self, cycles: u32) -> u8 {
        let (t, delta) = self.timer_stage1(cycles);
        if t >= 0 {
            return t as u8;
        }
        // Expired: cycles past the end, as Stella counts them (-1 on the expiry cycle itself).
        let full = self.timer << self.interval_shift;
        let past = (full as i32).wrapping_sub(delta as i32).wrapping_sub(1);
        if past <= -2 && !self.timer_read_after_interrupt {
            self.timer_read_after_interrupt = true;
            // Note: the stamp is the current counter, not counter - 1.
            self.cycles_when_interrupt_reset = cycles as i32;
        }
        if self.timer_read_after_interrupt {
            // Stella keeps counting at the programmed prescaler (not 1 per cycle), offset by
            // how late the first read after expiry came.
            let offset = (self.cycles_when_interrupt_reset as u32)
                .wrapping_sub((self.cycles_when_timer_set as u32).wrapping_add(full))
                as i32;
            let t = (self.timer as i32)
                .wrapping_sub((delta >> self.interval_shift) as i32)
                .wrapping_sub(offset);
            t as u8
        } else {
            past as u8
        }
    }

    /// A write to the RIOT's part of the bus (A12 clear, A7 set).
    pub fn write(&mut self, addr: u16, value: u8, cycles: u32) {
        if addr & 0x0200 == 0 {
            self.ram[(addr & 0x7f) as usize] = value;
            return;
        }
        match addr & 0x07 {
            // SWCHA: goes to the controllers (masked by DDRA), which ignore it.
            0x00 => {}
            0x01 => self.ddra = value,
            // SWCHB and DDRB: ignored by Stella.
            0x02 | 0x03 => {}
            _ => {
                if addr & 0x14 == 0x14 {
                    self.timer = value as u32;
                    self.interval_shift = match addr & 0x03 {
                        0 => 0,
                        1 => 3,
                        2 => 6,
                        _ => 10,
                    };
                    self.cycles_when_timer_set = cycles as i32;
                    self.timer_read_after_interrupt = false;
                }
                // A4 clear, A2 set: edge-detect control, which Stella ignores.
            }
        }
    }

    /// Stella's `systemCyclesReset`: the bus counter is about to restart from 0 after `cycles`.
    /// The stamps move back by `cycles`, with Stella's wrapping 32-bit arithmetic.
    pub fn cycles_reset(&mut self, cycles: u32) {
        self.cycles_when_timer_set =
            (self.cycles_when_timer_set as u32).wrapping_sub(cycles) as i32;
        self.cycles_when_interrupt_reset =
            (self.cycles_when_interrupt_reset as u32).wrapping_sub(cycles) as i32;
    }
}

/// Whether an absolute `LDA` of `addr` reads the RIOT timer (INTIM, any mirror): the usual
/// wait for it, which the frame loop may run many polls at a time.
#[inline(always)]
pub(crate) fn is_timer_poll(addr: u16) -> bool {
    let addr = addr & 0x1fff;
    addr & 0x1280 == 0x0280 && addr & 0x05 == 0x04
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWCHA: u16 = 0x280;
    const SWACNT: u16 = 0x281;
    const SWCHB: u16 = 0x282;
    const SWBCNT: u16 = 0x283;
    const INTIM: u16 = 0x284;
    const TIMINT: u16 = 0x285;
    const TIM1T: u16 = 0x294;
    const TIM8T: u16 = 0x295;
    const TIM64T: u16 = 0x296;
    const T1024T: u16 = 0x297;

    fn riot() -> Riot {
        Riot::new(&mut SystemRng::default())
    }

    /// A plain down-counter model of Stella's formula, valid before expiry:
    /// the read at cycle `c` after a write at `w` gives `v - (c - 1 - w) / p - 1`.
    fn expected_before_expiry(v: u32, p: u32, w: u32, c: u32) -> u8 {
        (v - (c - 1 - w) / p - 1) as u8
    }

    #[test]
    fn power_on_draws_ram_then_timer() {
        let mut rng = SystemRng::default();
        let r = Riot::new(&mut rng);
        let mut rng2 = SystemRng::default();
        for i in 0..128 {
            assert_eq!(r.ram[i], rng2.next_u32() as u8);
        }
        let t = 25 + rng2.next_u32() % 75;
        assert_eq!(r.timer, t);
        assert_eq!(r.interval_shift, 6);
        // Both rngs are now in step.
        assert_eq!(rng.next_u32(), rng2.next_u32());
    }

    #[test]
    fn reset_timer_value_and_intim_at_start() {
        let mut r = riot();
        let t = r.timer;
        assert!((25..100).contains(&t));
        // Read at cycle 1: (0 >> 6) -> timer - 1.
        assert_eq!(r.read(INTIM, 1), (t - 1) as u8);
        assert_eq!(r.read(INTIM, 64), (t - 1) as u8);
        assert_eq!(r.read(INTIM, 65), (t - 2) as u8);
    }

    #[test]
    fn countdown_at_each_prescaler() {
        for (reg, p) in [(TIM1T, 1u32), (TIM8T, 8), (TIM64T, 64), (T1024T, 1024)] {
            let mut r = riot();
            let w = 1000;
            r.write(reg, 10, w);
            assert_eq!(r.prescaler(), p);
            for c in (w + 1)..(w + 1 + 10 * p) {
                assert_eq!(
                    r.read(INTIM, c),
                    expected_before_expiry(10, p, w, c),
                    "prescaler {p} cycle {c}"
                );
                assert_eq!(r.read(TIMINT, c), 0);
            }
            // The first read is value - 1, as in Stella (the write cycle counts).
            assert_eq!(r.read(INTIM, w + 1), 9);
            // Last cycle before expiry reads 0.
            assert_eq!(r.read(INTIM, w + 10 * p), 0);
        }
    }

    #[test]
    fn intim_after_expiry_and_interrupt_flag() {
        let mut r = riot();
        let w = 500;
        r.write(TIM64T, 2, w); // expires after 128 cycles
        assert_eq!(r.read(INTIM, w + 128), 0);
        assert_eq!(r.read(TIMINT, w + 128), 0);
        // Expiry cycle: flag set, INTIM reads 0xff without clearing the flag.
        assert_eq!(r.read(TIMINT, w + 129), 0x80);
        assert_eq!(r.read(INTIM, w + 129), 0xff);
        assert_eq!(r.read(TIMINT, w + 129), 0x80);
        assert_eq!(r.read(TIMINT, w + 140), 0x80, "TIMINT reads don't clear it");
        // Two cycles later a read clears the flag; the stamp is that read's cycle.
        // offset = (w+131) - (w+128) = 3; delta = 130 -> 130 >> 6 = 2 -> 2 - 2 - 3 = -3.
        assert_eq!(r.read(INTIM, w + 131), 0xfd);
        assert_eq!(r.read(TIMINT, w + 131), 0);
        // Afterwards it keeps counting at the 64-cycle prescaler.
        // delta = 190 -> 2; 2 - 2 - 3 = -3
        assert_eq!(r.read(INTIM, w + 191), 0xfd);
        // delta = 192 -> 3 -> -4
        assert_eq!(r.read(INTIM, w + 193), 0xfc);
        assert_eq!(r.read(TIMINT, w + 1000), 0);
        // A new write re-arms the flag.
        r.write(TIM1T, 1, w + 2000);
        assert_eq!(r.read(TIMINT, w + 2001), 0);
        assert_eq!(r.read(TIMINT, w + 2002), 0x80);
    }

    #[test]
    fn intim_after_expiry_prescaler_1() {
        let mut r = riot();
        r.write(TIM1T, 3, 100);
        assert_eq!(r.read(INTIM, 101), 2);
        assert_eq!(r.read(INTIM, 103), 0);
        assert_eq!(r.read(INTIM, 104), 0xff);
        // first clearing read at 110: past = 3 - 109 + 100 - 1 = -7; offset = 110 - 103 = 7
        // t = 3 - 9 - 7 = -13
        assert_eq!(r.read(INTIM, 110), (-13i32) as u8);
        assert_eq!(r.read(INTIM, 111), (-14i32) as u8);
    }

    #[test]
    fn cycles_reset_invariance() {
        for stamp in [0u32, 37, 29_000] {
            for reg in [TIM1T, TIM8T, TIM64T, T1024T] {
                let mut a = riot();
                let mut b = riot();
                a.write(reg, 200, stamp);
                b.write(reg, 200, stamp);
                // b's counter restarts at 30_000 (a frame's worth of cycles).
                let frame = 30_000u32;
                b.cycles_reset(frame);
                for k in [
                    1u32, 5, 64, 1000, 60_000, 204_800, 204_801, 204_803, 300_000,
                ] {
                    let ca = frame.wrapping_add(k);
                    let cb = k;
                    assert_eq!(a.read(INTIM, ca), b.read(INTIM, cb), "reg {reg:x} k {k}");
                    assert_eq!(a.read(TIMINT, ca), b.read(TIMINT, cb));
                }
                // And again, after the flag was cleared.
                b.cycles_reset(300_000);
                let ca = 30_000u32 + 300_000 + 77;
                assert_eq!(a.read(INTIM, ca), b.read(INTIM, 77));
            }
        }
    }

    #[test]
    fn cycles_reset_wraps_like_stella() {
        let mut r = riot();
        r.write(TIM64T, 5, 10);
        r.cycles_reset(100);
        assert_eq!(r.cycles_when_timer_set, -90);
        r.cycles_reset(u32::MAX);
        assert_eq!(r.cycles_when_timer_set, -89);
    }

    #[test]
    fn ram_and_mirrors() {
        let mut r = riot();
        r.write(0x80, 0x12, 0);
        assert_eq!(r.ram[0], 0x12);
        r.write(0xc0, 0x56, 0);
        assert_eq!(r.ram[0x40], 0x56);
        r.write(0x80, 0x12, 0);
        for base in [0x080u16, 0x180, 0x480, 0x580, 0x880, 0xd80] {
            assert_eq!(r.read(base, 0), 0x12, "mirror {base:x}");
        }
        r.write(0x1ff, 0x34, 0);
        assert_eq!(r.ram[0x7f], 0x34);
        assert_eq!(r.read(0xff, 0), 0x34);
        assert_eq!(r.read(0x17f, 0), 0x34);
        // A9 set is I/O, not RAM.
        r.swcha_in = 0x5a;
        assert_eq!(r.read(0x280, 0), 0x5a);
        assert_eq!(r.ram[0], 0x12);
    }

    #[test]
    fn io_register_mirrors() {
        let mut r = riot();
        r.swcha_in = 0xa5;
        r.swchb_in = 0x0b;
        for base in [0x280u16, 0x288, 0x298, 0x2f0, 0x380, 0x3f8, 0xa80] {
            assert_eq!(r.read(base, 0), 0xa5);
            assert_eq!(r.read(base + 2, 0), 0x0b);
            assert_eq!(r.read(base + 3, 0), 0);
        }
        // Timer writes decode on A4|A2 and A1..A0, anywhere in the I/O space.
        r.write(0x2d6, 10, 0); // mirror of TIM64T
        assert_eq!(r.prescaler(), 64);
        assert_eq!(r.read(0x28e, 1), 9); // mirror of INTIM (A2 set, A0 clear)
        r.write(0x39f, 10, 0); // mirror of T1024T
        assert_eq!(r.prescaler(), 1024);
        // A4 clear with A2 set: edge detect, which changes nothing.
        r.write(0x284, 99, 0);
        r.write(0x287, 99, 0);
        assert_eq!(r.prescaler(), 1024);
        assert_eq!(r.read(INTIM, 1), 9);
    }

    #[test]
    fn ddr_behaviour() {
        let mut r = riot();
        r.swcha_in = 0xf0;
        assert_eq!(r.read(SWACNT, 0), 0);
        r.write(SWACNT, 0xff, 0);
        assert_eq!(r.read(SWACNT, 0), 0xff);
        // Writing SWCHA with DDRA all outputs does not change what SWCHA reads.
        r.write(SWCHA, 0x00, 0);
        assert_eq!(r.read(SWCHA, 0), 0xf0);
        r.write(SWACNT, 0x00, 0);
        r.write(SWCHA, 0x0f, 0);
        assert_eq!(r.read(SWCHA, 0), 0xf0);
        // Port B: writes to SWCHB and DDRB are ignored.
        r.swchb_in = 0x3b;
        r.write(SWBCNT, 0xff, 0);
        r.write(SWCHB, 0x00, 0);
        assert_eq!(r.read(SWBCNT, 0), 0);
        assert_eq!(r.read(SWCHB, 0), 0x3b);
        // Reset clears DDRA.
        r.write(SWACNT, 0x55, 0);
        r.reset(&mut SystemRng::default());
        assert_eq!(r.read(SWACNT, 0), 0);
    }
}
