//! Random cartridges never crash or hang the machine: whatever the program does (jam, never
//! write VSYNC, hammer bank-switching hotspots), each frame ends after a bounded amount of
//! CPU work.

use qarcade_core::atari::cart::Cart;
use qarcade_core::atari::Machine;

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

#[test]
fn thousands_of_random_roms_run_without_panic_or_hang() {
    // A hang would otherwise stall the test run forever: a watchdog turns it into a failure.
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        run_random_roms();
        tx.send(()).ok();
    });
    match rx.recv_timeout(std::time::Duration::from_secs(600)) {
        Ok(()) => worker.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            // The worker panicked: surface its panic.
            worker.join().unwrap();
        }
        Err(e) => panic!("random ROMs did not finish in 10 minutes (hang?): {e}"),
    }
}

fn run_random_roms() {
    let mut refused = 0;
    let sizes = [2048, 4096, 8192, 16384, 32768];
    for seed in 0..2000u64 {
        let size = sizes[(seed % sizes.len() as u64) as usize];
        let mut img = image(size, seed);
        if seed % 2 == 0 {
            // Half of them start executing inside the ROM (a plausible reset vector).
            let n = img.len();
            img[n - 4] = 0x00;
            img[n - 3] = 0xF0;
        }
        // Stella's autodetection may see a scheme we don't emulate in random bytes: that is
        // a clean refusal (an error value), which is fine; everything else must run.
        let Ok(cart) = Cart::from_image(&img) else {
            refused += 1;
            continue;
        };
        let mut m = Machine::new(cart, 34, 210);
        for _ in 0..200 {
            m.run_frame();
        }
        assert_eq!(m.frame().len(), 160 * 210);
    }
    assert!(refused < 200, "{refused} of 2000 random images refused");
}
