//! The emulator's speed tricks, kept beside the chips rather than inside them (as Stella keeps
//! its chips plain). The chips behave the same with or without them; `ale_parity` checks it.
//!
//! - [`run_cpu`]: the CPU's part of a frame, as `Machine::run_frame` runs it.
//! - [`fast_bus`]: the bus with its cycle counter and data bus held in host registers.
//! - [`code_window`]: the bus during one instruction in plain cartridge ROM (its code
//!   fetches from a copy; RIOT timer waits skipped).
//! - [`cart_runs`]: the cartridge's straight-line run tables, through which the frame loop
//!   reads ROM code a run at a time; [`run_step`]: the CPU's side of a run.

pub(crate) mod cart_runs;
pub(crate) mod code_window;
pub(crate) mod fast_bus;
pub(crate) mod run_step;

use code_window::CodeWindow;
use fast_bus::FastBus;

use super::cart::Cart;
use super::cpu::Cpu;

/// Runs the CPU until the frame's instruction cap is spent or the TIA stops it (see
/// [`FastBus::left`]): straight-line runs where the cartridge has them, otherwise one
/// instruction at a time, each in a [`CodeWindow`] where its bytes allow.
#[inline(always)]
pub(crate) fn run_cpu(cpu: &mut Cpu, bus: &mut FastBus) {
    loop {
        let pc = cpu.pc;
        if bus.start_run(pc) {
            // Straight-line runs (see `Cart::run_len`), one after another while the
            // next one can start: each one's instructions are read where the one
            // before it said (no address checks). A run ends after its last
            // instruction, or sooner where the CPU must stop or a bank switch took its
            // bytes away (the rest is given back to the count).
            loop {
                debug_assert!(bus.bus.cart.in_run(bus.run_next));
                // SAFETY: the run's instructions advance the pointer by their lengths
                // until the one that ends the run (`Cpu::run_step` stops there, or
                // starts the next run), or set it to the cartridge's stop marker.
                let bytes = unsafe { Cart::run_bytes(bus.run_next) };
                // `cpu.pc` may be stale here (see `Cpu::run_step`): the window only
                // takes code bytes at offsets from it.
                let mut w = CodeWindow {
                    pc: cpu.pc,
                    bytes,
                    fast: &mut *bus,
                    db: 0,
                };
                if cpu.run_step(&mut w, bytes as u8) {
                    break;
                }
            }
            continue;
        }
        // One instruction at a time: the countdown goes below 0 once the cap is spent
        // (or the CPU must stop).
        bus.left -= 1;
        if bus.left < 0 {
            break;
        }
        match CodeWindow::at(&mut *bus, pc) {
            Some(mut w) => {
                cpu.step_unjammed_specialised(&mut w);
                w.end();
            }
            None => cpu.step_unjammed(&mut *bus),
        }
    }
}
