//! The console: CPU + bus, and the frame loop (Stella's `TIA::update`).

use super::bus::Bus;
use super::cart::Cart;
use super::cpu::Cpu;
use super::fast;
use super::rng::SystemRng;

/// Most instructions one frame may run (Stella's `m6502().execute(25000)`).
const INSTRUCTIONS_PER_FRAME: i32 = 25_000;

#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu: Cpu,
    pub bus: Bus,
}

impl Machine {
    /// Builds the console as Stella's `Console` does (the RIOT draws its RAM from the
    /// seeded random source), then resets it (`System::reset`). Runs no frames.
    /// `ystart`/`height`: the display window (Stella's Display.YStart/Display.Height).
    pub fn new(cart: Cart, ystart: u32, height: u32) -> Machine {
        let mut bus = Bus::new(cart, SystemRng::default());
        bus.tia.set_display(ystart, height);
        let mut m = Machine {
            cpu: Cpu::new(),
            bus,
        };
        m.reset();
        m
    }

    /// Stella's `System::reset`: cycle counter, devices, then the CPU.
    pub fn reset(&mut self) {
        self.bus.reset();
        self.cpu.reset(&mut self.bus);
    }

    /// One frame: Stella's `TIA::update`. Starts a new frame unless the last one was left
    /// unfinished, runs the CPU until the TIA ends the frame (VSYNC, or too many
    /// scanlines) or 25,000 instructions have run, then ends the frame, or greys out the
    /// undrawn part of an unfinished one.
    pub fn run_frame(&mut self) {
        if !self.bus.tia.partial_frame {
            let clocks = self.bus.tia.start_frame_before_reset(self.bus.cycles);
            self.bus.reset_cycles();
            self.bus.tia.start_frame_after_reset(clocks);
        }
        self.bus.tia.partial_frame = true;
        self.bus.tia.stop_cpu = false;
        // The registers live in a local copy while the CPU runs, so they can stay in host
        // registers across the bus's out-of-line calls.
        let mut cpu = self.cpu.clone();
        // A jammed CPU runs nothing (Stella's fatal error): the frame stays unfinished.
        let cap = if cpu.jammed {
            0
        } else {
            INSTRUCTIONS_PER_FRAME
        };
        let mut bus = self.bus.fast(cap);
        fast::run_cpu(&mut cpu, &mut bus);
        bus.finish();
        self.cpu = cpu;
        self.bus.tia.finish_update(self.bus.cycles);
    }

    /// The current frame: `160 * height` TIA colour values (low bit clear), what ALE's
    /// `getScreen` returns after a frame.
    pub fn frame(&self) -> &[u8] {
        self.bus.tia.frame()
    }

    /// The RIOT's 128 bytes of RAM.
    pub fn ram(&self) -> &[u8; 128] {
        &self.bus.riot.ram
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Machine {
        /// [`Machine::run_frame`] the plain way: every access through [`Bus`]'s own
        /// `Memory` implementation, one [`Cpu::step`] at a time.
        fn run_frame_reference(&mut self) {
            if !self.bus.tia.partial_frame {
                let clocks = self.bus.tia.start_frame_before_reset(self.bus.cycles);
                self.bus.reset_cycles();
                self.bus.tia.start_frame_after_reset(clocks);
            }
            self.bus.tia.partial_frame = true;
            self.bus.tia.stop_cpu = false;
            for _ in 0..INSTRUCTIONS_PER_FRAME {
                if !self.cpu.step(&mut self.bus) || self.bus.tia.stop_cpu {
                    break;
                }
            }
            self.bus.tia.finish_update(self.bus.cycles);
        }
    }

    /// The state both frame loops must agree on after every frame: CPU registers, the
    /// cycle counter and the data bus.
    fn assert_same_core_state(fast: &Machine, plain: &Machine, what: &str) {
        assert_eq!(fast.cpu, plain.cpu, "{what}");
        assert_eq!(fast.bus.cycles, plain.bus.cycles, "{what}");
        assert_eq!(fast.bus.data_bus, plain.bus.data_bus, "{what}");
    }

    fn image(size: usize, seed: u64) -> Vec<u8> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..size)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 32) as u8
            })
            .collect()
    }

    /// Timer waits (`LDA INTIM` / `BNE` back to it, which the fast loop runs many polls at a
    /// time) behave exactly as plain stepping: every prescaler, short timers that expire
    /// between two polls, waits longer than the frame's instruction cap, INTIM's mirrors and
    /// TIMINT (not skipped), loops across a page boundary and up to the hotspots.
    #[test]
    fn timer_waits_match_plain_stepping() {
        for seed in 0..200u64 {
            let r = image(256, seed ^ 0x7131);
            let mut img = vec![0xeau8; 4096];
            // Where the program starts and where its loops land varies with the seed.
            let mut pc = match seed % 4 {
                0 => 0x0000,
                1 => 0x00f0 + (r[0] as usize & 15),
                2 => 0x0fc0 + (r[0] as usize & 31),
                _ => r[0] as usize,
            };
            if pc > 0x0fe0 {
                pc = 0x0fa0;
            }
            let start = pc;
            let emit = |img: &mut Vec<u8>, pc: &mut usize, bytes: &[u8]| {
                for &b in bytes {
                    img[*pc & 0x0fff] = b;
                    *pc += 1;
                }
            };
            for k in 0..4 {
                let pick = r[1 + k];
                let value = match pick & 3 {
                    0 => r[10 + k] & 3,
                    1 => r[10 + k] & 15,
                    _ => r[10 + k],
                };
                let timer_reg = 0x94 + (r[20 + k] & 3);
                let intim: u16 = [0x284, 0x286, 0x28c, 0x2a4, 0x384, 0x285][r[30 + k] as usize % 6];
                // Pad with NOPs so that some loops straddle a page boundary.
                for _ in 0..(r[40 + k] & 7) {
                    emit(&mut img, &mut pc, &[0xea]);
                }
                emit(&mut img, &mut pc, &[0xa9, value, 0x8d, timer_reg, 0x02]);
                emit(
                    &mut img,
                    &mut pc,
                    &[0xad, intim as u8, (intim >> 8) as u8, 0xd0, 0xfb],
                );
                emit(&mut img, &mut pc, &[0x85, 0x02]);
            }
            // VSYNC on for three lines, off: the frame ends; then start again.
            emit(
                &mut img,
                &mut pc,
                &[0xa9, 0x02, 0x85, 0x00, 0x85, 0x02, 0x85, 0x02],
            );
            emit(&mut img, &mut pc, &[0x85, 0x02, 0xa9, 0x00, 0x85, 0x00]);
            let s = 0xf000 | start as u16;
            emit(&mut img, &mut pc, &[0x4c, s as u8, (s >> 8) as u8]);
            if pc & 0x0fff >= 0x0ffa || (pc & 0x0fff) < (start & 0x0fff) && pc > 0x1000 {
                continue;
            }
            img[0xffc] = s as u8;
            img[0xffd] = (s >> 8) as u8;
            let cart = Cart::from_image(&img).unwrap();
            let mut fast = Machine::new(cart, 34, 210);
            let mut plain = fast.clone();
            for f in 0..12 {
                fast.run_frame();
                plain.run_frame_reference();
                assert_same_core_state(&fast, &plain, &format!("seed {seed} frame {f}"));
                assert_eq!(
                    fast.bus.riot.read(0x285, fast.bus.cycles),
                    plain.bus.riot.read(0x285, plain.bus.cycles)
                );
                assert_eq!(
                    fast.bus.riot.read(0x284, fast.bus.cycles),
                    plain.bus.riot.read(0x284, plain.bus.cycles)
                );
                assert!(fast.frame() == plain.frame(), "seed {seed} frame {f}");
            }
        }
    }

    /// The frame loop's fast paths (the bus view, the code window) behave exactly as
    /// plain stepping through the bus, on random programs (bank switching, code running
    /// from RAM, the TIA and hotspots, jams and all).
    #[test]
    fn fast_frame_loop_matches_plain_stepping() {
        let sizes = [2048, 4096, 8192, 16384, 32768];
        let mut compared = 0;
        for seed in 0..400u64 {
            let size = sizes[(seed % sizes.len() as u64) as usize];
            let mut img = image(size, seed);
            let n = img.len();
            img[n - 4] = 0x00;
            img[n - 3] = 0xF0;
            if seed % 2 == 0 && n >= 4096 {
                // Code running through the hotspots at the top of every bank: instructions
                // whose own bytes (opcode or operands) lie on hotspots, and data accesses
                // to hotspots, then back to the start of the run. Or (every other such
                // seed) the same accesses from the middle of each bank, so that bank
                // switches happen inside straight-line runs.
                let mut r = image(64, seed ^ 0x5a5a);
                let (from, to) = if seed % 4 == 0 {
                    (0xfd0, 0xff9)
                } else {
                    (0x7d0, 0x7f9)
                };
                for b in (0..n).step_by(4096) {
                    let mut i = b + from + (r[0] as usize & 7);
                    let mut k = 1;
                    while i < b + to {
                        let pick = r[k % r.len()];
                        k += 1;
                        let ins: &[u8] = match pick % 6 {
                            0 => &[0xea],
                            1 => &[0xa9, 0x11],
                            2 => &[0xad, 0xf4 + (pick >> 5), 0x1f],
                            3 => &[0x8d, 0xf4 + (pick >> 5), 0xff],
                            4 => &[0x2c, 0x80, 0x00],
                            _ => &[0xb9, 0xf0, 0x1f],
                        };
                        for &x in ins {
                            if i < b + 0xffc {
                                img[i] = x;
                            }
                            i += 1;
                        }
                    }
                    r.rotate_left(3);
                    // Jump back from the vectors' neighbourhood (or from the middle); start
                    // there.
                    img[b + 0xff9..b + 0xffe].copy_from_slice(&[0x4c, 0xd0, 0xff, 0xd0, 0xff]);
                    if seed % 4 == 2 {
                        img[b + 0x7f9..b + 0x7fc].copy_from_slice(&[0x4c, 0xd0, 0xf7]);
                        img[b + 0xffc..b + 0xffe].copy_from_slice(&[0xd0, 0xf7]);
                    }
                }
            }
            let Ok(cart) = Cart::from_image(&img) else {
                continue;
            };
            let mut fast = Machine::new(cart, 34, 210);
            let mut plain = fast.clone();
            for f in 0..40 {
                fast.run_frame();
                plain.run_frame_reference();
                assert_same_core_state(&fast, &plain, &format!("seed {seed} frame {f}"));
                assert_eq!(fast.ram(), plain.ram(), "seed {seed} frame {f}");
                assert_eq!(fast.bus.cart.bank(), plain.bus.cart.bank());
                assert!(fast.frame() == plain.frame(), "seed {seed} frame {f}");
            }
            compared += 1;
        }
        assert!(compared > 200, "{compared}");
    }
}
