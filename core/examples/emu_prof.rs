//! Profiling driver: `cargo run --release --example emu_prof -- GAME FRAMES` runs the
//! `qarcade bench emulator` loop (random minimal actions held 4 frames) on a cached ROM,
//! for callgrind/perf (prints µs/frame of wall-clock time).
use qarcade_core::ale::{Ale, AleConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let game = args.next().unwrap_or_else(|| "pong".into());
    let frames: u32 = args.next().map_or(2000, |s| s.parse().unwrap());
    let path = qarcade_core::ale::roms::cache_dir().join(format!("{game}.bin"));
    let image = std::fs::read(&path).expect("ROM in the cache");
    let mut ale = Ale::new(&image, &AleConfig::default(), false).unwrap();
    let actions = ale.minimal_actions();
    let mut state: u64 = 0;
    for _ in 0..200 {
        ale.act(0, 18);
    }
    let t0 = std::time::Instant::now();
    let mut done = 0;
    let mut sum = 0u64;
    while done < frames {
        state = (state * 1_103_515_245 + 12_345) % (1 << 31);
        let a = actions[(state % actions.len() as u64) as usize];
        for _ in 0..4 {
            ale.act(a, 18);
        }
        sum = sum.wrapping_add(ale.ram().iter().map(|&b| b as u64).sum::<u64>());
        done += 4;
        if ale.is_terminal() {
            ale.reset();
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "{game}: {:.2} µs/frame (wall), checksum {sum}",
        dt * 1e6 / done as f64
    );
}
