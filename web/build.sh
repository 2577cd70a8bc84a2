#!/usr/bin/env bash
# Builds the page into web/dist: the wasm bundle (cargo, then wasm-bindgen), the page's files
# and the WGSL shaders. Needs: `rustup target add wasm32-unknown-unknown` and
# `cargo install wasm-bindgen-cli --version <the wasm-bindgen version in Cargo.lock>`.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}') || true
if [ "$want" != "$have" ]; then
  echo "web/build.sh: needs wasm-bindgen-cli $want (found: ${have:-none}); run: cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi
# Two builds of the same crate: `qarcade_web` (emulator + CPU network, what every page loads)
# and `qarcade_web_gpu` (the same plus Burn's wgpu backend, ~7x larger: loaded only to run the
# network on WebGPU). The `web` profile (Cargo.toml: opt-level "z", fat LTO) keeps the WebGPU
# build under 3 MB gzipped (release: 4.8 MB) and builds about as fast from scratch;
# QARCADE_WEB_PROFILE=release gives a faster CPU network (~1.2 vs ~1.9 ms per decision).
profile=${QARCADE_WEB_PROFILE:-web}
out="target/wasm32-unknown-unknown/$profile/qarcade_web.wasm"
rm -rf web/dist
mkdir -p web/dist/pkg web/dist/shaders
bindgen() {
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir web/dist/pkg --out-name "$1" "$out"
}
cargo build --profile "$profile" -p qarcade-web --target wasm32-unknown-unknown
bindgen qarcade_web
cargo build --profile "$profile" -p qarcade-web --target wasm32-unknown-unknown --features webgpu
bindgen qarcade_web_gpu
cp -r web/www/. web/dist/
cp shaders/*.wgsl web/dist/shaders/
# Default weights, so that a static host needs nothing but the visitor's ROM: the best Pong
# agent the project ships (docs/pong-solved), announced in the build's own config.json
# (`qarcade serve` answers /config.json itself, with the run it serves).
mkdir -p web/dist/weights
cp docs/pong-solved/pong.qnet web/dist/weights/pong.qnet
printf '{"weights": "weights/pong.qnet", "rom": null, "adversary": null}\n' > web/dist/config.json
for name in qarcade_web qarcade_web_gpu; do
  echo "web/dist/pkg/${name}_bg.wasm: $(wc -c < "web/dist/pkg/${name}_bg.wasm") bytes, $(gzip -9c "web/dist/pkg/${name}_bg.wasm" | wc -c) gzipped"
done
