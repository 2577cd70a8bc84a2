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
# QARCADE_WEB_PROFILE=web: fat LTO and opt-level "s" (gzipped wasm 9.8 -> 6.9 MB, but a
# 17-minute build on 2 cores); the default `release` builds in a few minutes.
profile=${QARCADE_WEB_PROFILE:-release}
cargo build --profile "$profile" -p qarcade-web --target wasm32-unknown-unknown
rm -rf web/dist
mkdir -p web/dist/pkg web/dist/shaders
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir web/dist/pkg "target/wasm32-unknown-unknown/$profile/qarcade_web.wasm"
cp -r web/www/. web/dist/
cp shaders/*.wgsl web/dist/shaders/
echo "web/dist: $(du -sh web/dist | cut -f1) ($(gzip -9c web/dist/pkg/qarcade_web_bg.wasm | wc -c) bytes of gzipped wasm)"
