//! `qarcade serve [RUN]`: the web page, the run's exported weights (or an exported `.qnet`
//! file) and the ROM from the local cache, on 127.0.0.1 — one command from a training run
//! to watching it in a browser.
//!
//! The page itself is the static bundle `web/build.sh` writes to `web/dist`; this adds two
//! things a static host cannot have: `/weights.qnet` (exported from the run at start) and
//! `/rom/<game>.bin` (ROMs are never bundled or committed), announced in `/config.json`.

use crate::eval::is_weights_file;
use crate::export::{self, DtypeChoice};
use crate::rom;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Where `web/build.sh` puts the page, in this source tree.
pub fn default_dist() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist")
}

struct Site {
    dist: PathBuf,
    config: String,
    weights: Option<Vec<u8>>,
    /// Mode attack's left paddle (`/adversary.qnet`).
    adversary: Option<Vec<u8>>,
    rom_path: String,
    rom: Vec<u8>,
}

/// The agent the project ships (`docs/pong-solved/pong.qnet` in this source tree): what
/// `qarcade serve` plays when no run is named.
pub fn shipped_agent() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/pong-solved/pong.qnet")
}

/// The adversary the project ships (`docs/attack/adversary.qnet`): trained against the shipped
/// agent, it holds the left paddle in the page's attack mode.
pub fn shipped_adversary() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/attack/adversary.qnet")
}

/// Serves until killed. Prints `serving http://127.0.0.1:PORT/` once listening (port 0: any
/// free port).
pub fn serve(run: Option<&Path>, adversary: Option<&Path>, port: u16, dist: &Path) -> Result<()> {
    if !dist.join("index.html").is_file() || !dist.join("pkg").is_dir() {
        bail!(
            "the web page is not built ({} has no index.html or pkg/): run web/build.sh",
            dist.display()
        );
    }
    let shipped = shipped_agent();
    let run = run.or_else(|| shipped.is_file().then_some(shipped.as_path()));
    let (weights, game, run_name) = match run {
        Some(run) => {
            let (bytes, game, name) = weights_of(run)?;
            (Some(bytes), game, name)
        }
        None => (None, "pong".to_string(), None),
    };
    let shipped = shipped_adversary();
    let adversary = match adversary.or_else(|| shipped.is_file().then_some(shipped.as_path())) {
        Some(path) => {
            let (bytes, game, _) = weights_of(path)?;
            if game != "pong" {
                bail!("the adversary {} plays {game}, not pong", path.display());
            }
            Some(bytes)
        }
        None => None,
    };
    let (rom, _) = rom::resolve(&game, true)?;
    let rom_path = format!("/rom/{game}.bin");
    let config = serde_json::json!({
        "weights": weights.as_ref().map(|_| "/weights.qnet"),
        "adversary": adversary.as_ref().map(|_| "/adversary.qnet"),
        "rom": rom_path,
        "run": run_name,
        "game": game,
    })
    .to_string();
    let site = Arc::new(Site {
        dist: dist.to_path_buf(),
        config,
        weights,
        adversary,
        rom_path,
        rom,
    });
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server.server_addr().to_ip().context("listening address")?;
    println!("serving http://{addr}/");
    std::io::stdout().flush()?;
    let server = Arc::new(server);
    // A few workers: a browser fetches the page's files in parallel.
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, site) = (server.clone(), site.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let _ = answer(&site, request);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// The exported weights of a `.qnet` file, a run folder or a checkpoint: bytes, game, name.
fn weights_of(path: &Path) -> Result<(Vec<u8>, String, Option<String>)> {
    if is_weights_file(path) {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let w = qarcade_core::dqn::web_weights::WebWeights::decode(&bytes)
            .with_context(|| format!("{}", path.display()))?;
        let name = path.file_stem().map(|n| n.to_string_lossy().into_owned());
        Ok((bytes, w.header.game, name))
    } else {
        let e = export::export(path, DtypeChoice::Auto, None)
            .with_context(|| format!("exporting the weights of {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok((e.bytes, e.game, name))
    }
}

fn answer(site: &Site, request: tiny_http::Request) -> std::io::Result<()> {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let (body, kind) = match url.as_str() {
        "/config.json" => (Some(site.config.clone().into_bytes()), "application/json"),
        "/weights.qnet" => (site.weights.clone(), "application/octet-stream"),
        "/adversary.qnet" => (site.adversary.clone(), "application/octet-stream"),
        path if path == site.rom_path => (Some(site.rom.clone()), "application/octet-stream"),
        path => match static_file(&site.dist, path) {
            Some(file) => (std::fs::read(&file).ok(), content_type(&file)),
            None => (None, "text/plain"),
        },
    };
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).expect("valid header");
    match body {
        Some(bytes) => request.respond(
            tiny_http::Response::from_data(bytes)
                .with_header(header("Content-Type", kind))
                .with_header(header("Cache-Control", "no-store")),
        ),
        None => request.respond(
            tiny_http::Response::from_string(format!("not found: {url}"))
                .with_status_code(404)
                .with_header(header("Content-Type", "text/plain")),
        ),
    }
}

/// The file under `dist` for a URL path, refusing anything that would leave `dist`.
fn static_file(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let rel = Path::new(&rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = dist.join(rel);
    path.is_file().then_some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wgsl" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "md" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_paths_stay_inside_dist() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/a.js"), "x").unwrap();
        let f = |p| static_file(dir.path(), p);
        assert_eq!(f("/"), Some(dir.path().join("index.html")));
        assert_eq!(f("/pkg/a.js"), Some(dir.path().join("pkg/a.js")));
        assert_eq!(f("/../Cargo.toml"), None);
        assert_eq!(f("/pkg/../../etc/passwd"), None);
        assert_eq!(f("/missing.js"), None);
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
    }
}
