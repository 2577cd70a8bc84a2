//! Tells `qarcade bench` whether this build has the LLVM flags of `.cargo/config.toml` that give
//! the emulator its threaded opcode dispatch (a build with its own RUSTFLAGS, or one run outside
//! the repository as `cargo install --git` does, lacks them and emulates Pong ~20% slower), so
//! that the benchmark can say what it measured.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let threaded = flags.contains("tail-dup-pred-size") && flags.contains("tail-dup-succ-size");
    println!(
        "cargo:rustc-env=QARCADE_THREADED_DISPATCH={}",
        u8::from(threaded)
    );
}
