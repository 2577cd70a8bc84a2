//! The console: CPU + bus, and the frame loop (Stella's `TIA::update`).

use super::bus::Bus;
use super::cart::Cart;
use super::cpu::Cpu;
use super::rng::SystemRng;

/// Most instructions one frame may run (Stella's `m6502().execute(25000)`).
const INSTRUCTIONS_PER_FRAME: u32 = 25_000;

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
        for _ in 0..INSTRUCTIONS_PER_FRAME {
            // A jammed CPU runs nothing (Stella's fatal error): the frame stays unfinished.
            if !self.cpu.step(&mut self.bus) || self.bus.tia.stop_cpu {
                break;
            }
        }
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
