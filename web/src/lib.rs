//! qarcade in the browser. The page drives two objects built from the core:
//!
//! - [`Game`]: the emulator (the same `core::ale` the trainer uses, compiled to wasm), one
//!   frame per call, with the agent's 84×84×4 observation built as training built it;
//! - [`Agent`]: the trained Q-network from `qarcade export --web`, on Burn's CPU backend or
//!   (in the build with the `webgpu` feature) on WebGPU through Burn's wgpu backend.
//!
//! `web/www/qarcade.js` wraps both into the embeddable player; see `web/README.md`.

mod agent;
mod game;

pub use agent::{argmax, has_webgpu, Agent};
pub use game::Game;
use wasm_bindgen::prelude::*;

/// Installs the panic hook, so a Rust panic shows up in the browser console as a message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// MD5 of a file, lowercase hex (the page checks a user's ROM with it before storing it).
#[wasm_bindgen]
pub fn md5_hex(bytes: &[u8]) -> String {
    qarcade_core::ale::roms::md5_hex(bytes)
}

/// The MD5 of the Pong ROM this build plays.
#[wasm_bindgen]
pub fn pong_md5() -> String {
    qarcade_core::ale::roms::by_name("pong").map_or_else(String::new, |r| r.md5.to_string())
}

#[cfg(test)]
mod tests;
