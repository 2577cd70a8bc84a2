//! The ROM cache behind `qarcade rom ...` and `--rom NAME`.
//!
//! ROM images are never shipped with qarcade. `fetch` takes the seven supported ones from the
//! ale-py 0.12.1 wheel (downloaded with pip for a fixed platform, so any local Python works),
//! checks their MD5s and stores them in the cache directory; `import` adds a file the user
//! already has; `resolve` turns a `--rom` argument (a path or a name) into an image.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use qarcade_core::ale::roms::{self, RomInfo, ROMS};

/// The ale-py release whose wheel the ROMs come from (ALE 0.12.1).
pub const ALE_PY_VERSION: &str = "0.12.1";

/// Where the ROMs live inside the wheel.
const WHEEL_ROM_DIR: &str = "ale_py/roms";

/// The cache directory (see [`roms::cache_dir`]).
pub fn cache_dir() -> PathBuf {
    roms::cache_dir()
}

/// The Python interpreter that runs pip: `$QARCADE_PYTHON`, default `python3`.
pub fn python() -> String {
    std::env::var("QARCADE_PYTHON")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_string())
}

/// Downloads the ale-py wheel, extracts and verifies the seven ROMs into `dir`, and returns
/// their paths (in [`ROMS`] order).
pub fn fetch(dir: &Path) -> Result<Vec<PathBuf>> {
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let wheel = download_wheel(tmp.path())?;
    extract_from_wheel(&wheel, dir)
}

/// Runs `pip download` for the ale-py wheel into `into`; returns the wheel's path.
pub fn download_wheel(into: &Path) -> Result<PathBuf> {
    let py = python();
    eprintln!("qarcade: downloading the ale-py {ALE_PY_VERSION} wheel with {py} -m pip ...");
    let out = Command::new(&py)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--platform", "manylinux_2_28_x86_64"])
        .args([
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
            "--abi",
            "cp311",
        ])
        .args(["--disable-pip-version-check", "--no-input"])
        .arg(format!("ale-py=={ALE_PY_VERSION}"))
        .arg("-d")
        .arg(into)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "cannot fetch ROMs: Python interpreter '{py}' not found (install Python 3 with pip, \
             or set QARCADE_PYTHON)"
        ),
        Err(e) => bail!("cannot fetch ROMs: failed to run '{py} -m pip': {e}"),
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!("{}", pip_failure(&py, &stderr));
    }
    find_wheel(into)
}

/// One line explaining why `pip download` failed, from its stderr.
fn pip_failure(py: &str, stderr: &str) -> String {
    let last = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("(no output)");
    let has = |s: &str| stderr.contains(s);
    if has("No module named pip") {
        format!(
            "cannot fetch ROMs: pip is not installed for '{py}' (install pip, or set \
             QARCADE_PYTHON to a Python that has it)"
        )
    } else if has("NewConnectionError")
        || has("Failed to establish a new connection")
        || has("Temporary failure in name resolution")
        || has("Name or service not known")
        || has("Network is unreachable")
        || has("ConnectTimeout")
        || has("ReadTimeout")
        || has("ProxyError")
        || has("SSLError")
        || (has("No matching distribution") && has("Retrying"))
    {
        format!(
            "cannot fetch ROMs: no network (pip could not reach the package index to download \
             ale-py {ALE_PY_VERSION}): {last}"
        )
    } else if has("(from versions: none)") {
        // The wheel exists for the fixed platform we ask for: seeing no version at all means
        // the index was not reached (pip retries silently with PIP_RETRIES=0).
        format!(
            "cannot fetch ROMs: no network or package index unreachable (pip found no version \
             of ale-py {ALE_PY_VERSION}): {last}"
        )
    } else {
        format!("cannot fetch ROMs: pip download of ale-py {ALE_PY_VERSION} failed: {last}")
    }
}

fn find_wheel(dir: &Path) -> Result<PathBuf> {
    let prefix = format!("ale_py-{ALE_PY_VERSION}-");
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(&prefix) && name.ends_with(".whl") {
            return Ok(path);
        }
    }
    bail!(
        "cannot fetch ROMs: pip reported success but no ale_py-{ALE_PY_VERSION} wheel is in {}",
        dir.display()
    )
}

/// Extracts the seven supported ROMs from an ale-py wheel into `dir`, checking every MD5
/// before writing anything; returns their paths (in [`ROMS`] order).
pub fn extract_from_wheel(wheel: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    extract_roms(wheel, dir, ROMS)
}

fn extract_roms(wheel: &Path, dir: &Path, table: &[RomInfo]) -> Result<Vec<PathBuf>> {
    let file =
        fs::File::open(wheel).with_context(|| format!("cannot open wheel {}", wheel.display()))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| anyhow!("{} is not a readable wheel (zip): {e}", wheel.display()))?;
    let mut images = Vec::with_capacity(table.len());
    for rom in table {
        let member = format!("{WHEEL_ROM_DIR}/{}", rom.file);
        let mut f = zip
            .by_name(&member)
            .map_err(|_| anyhow!("the wheel {} has no {member}", wheel.display()))?;
        let mut bytes = Vec::with_capacity(rom.size);
        f.read_to_end(&mut bytes)
            .map_err(|e| anyhow!("cannot read {member} from {}: {e}", wheel.display()))?;
        let md5 = roms::md5_hex(&bytes);
        if md5 != rom.md5 {
            bail!(
                "MD5 mismatch for {member} in {}: expected {}, got {md5}",
                wheel.display(),
                rom.md5
            );
        }
        images.push((rom, bytes));
    }
    images
        .into_iter()
        .map(|(rom, bytes)| write_atomic(dir, rom.file, &bytes))
        .collect()
}

/// Writes `bytes` to `dir/name` atomically ([`qarcade_core::atomic`]), creating `dir`.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create ROM cache directory {}", dir.display()))?;
    let dest = dir.join(name);
    qarcade_core::atomic::write_atomic(&dest, bytes)
        .with_context(|| format!("cannot write {}", dest.display()))?;
    Ok(dest)
}

/// Copies a ROM file into the cache under its canonical name, identified by MD5. An unknown
/// image is refused unless `force`, in which case it keeps its own file name.
pub fn import(file: &Path, dir: &Path, force: bool) -> Result<PathBuf> {
    import_with(file, dir, force, ROMS)
}

fn import_with(file: &Path, dir: &Path, force: bool, table: &[RomInfo]) -> Result<PathBuf> {
    let bytes = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let md5 = roms::md5_hex(&bytes);
    match table.iter().find(|r| r.md5 == md5) {
        Some(rom) => write_atomic(dir, rom.file, &bytes),
        None if force => {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| anyhow!("{} has no usable file name", file.display()))?;
            write_atomic(dir, name, &bytes)
        }
        None => bail!(
            "{} (MD5 {md5}) is not one of the supported ROMs; use --force to import it anyway",
            file.display()
        ),
    }
}

/// The state of one supported ROM in the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheEntry {
    pub info: &'static RomInfo,
    /// The cached file, if there is one.
    pub path: Option<PathBuf>,
    /// Whether the cached file's MD5 is the expected one (false when missing).
    pub md5_ok: bool,
}

/// Every supported ROM with its cached file, if any, and whether that file is intact.
pub fn list(dir: &Path) -> Vec<CacheEntry> {
    ROMS.iter()
        .map(|info| {
            let path = dir.join(info.file);
            if path.is_file() {
                let md5_ok = fs::read(&path)
                    .map(|b| roms::md5_hex(&b) == info.md5)
                    .unwrap_or(false);
                CacheEntry {
                    info,
                    path: Some(path),
                    md5_ok,
                }
            } else {
                CacheEntry {
                    info,
                    path: None,
                    md5_ok: false,
                }
            }
        })
        .collect()
}

/// Resolves a `--rom` argument against the default cache ([`cache_dir`]): an existing file is
/// read and identified (an unknown image gives `None`); a name (`pong`) is read from the cache,
/// fetched first if missing or corrupt when `auto_fetch`.
pub fn resolve(
    name_or_path: &str,
    auto_fetch: bool,
) -> Result<(Vec<u8>, Option<&'static RomInfo>)> {
    resolve_in(name_or_path, &cache_dir(), auto_fetch, fetch)
}

fn resolve_in(
    name_or_path: &str,
    dir: &Path,
    auto_fetch: bool,
    fetcher: impl FnOnce(&Path) -> Result<Vec<PathBuf>>,
) -> Result<(Vec<u8>, Option<&'static RomInfo>)> {
    let as_path = Path::new(name_or_path);
    if as_path.is_file() {
        let bytes =
            fs::read(as_path).with_context(|| format!("cannot read {}", as_path.display()))?;
        let info = roms::identify(&bytes);
        return Ok((bytes, info));
    }
    let Some(info) = roms::by_name(name_or_path) else {
        let known: Vec<&str> = ROMS.iter().map(|r| r.name).collect();
        bail!(
            "'{name_or_path}' is neither a file nor a known ROM name (known: {})",
            known.join(", ")
        );
    };
    let path = dir.join(info.file);
    let cached = fs::read(&path).ok();
    let problem = match &cached {
        Some(b) if roms::md5_hex(b) == info.md5 => return Ok((cached.unwrap(), Some(info))),
        Some(b) => format!(
            "the cached {} is corrupt (MD5 {}, expected {})",
            path.display(),
            roms::md5_hex(b),
            info.md5
        ),
        None => format!("ROM '{}' is not in the cache {}", info.name, dir.display()),
    };
    if !auto_fetch {
        bail!("{problem}: run `qarcade rom fetch` or `qarcade rom import FILE`");
    }
    eprintln!("qarcade: {problem}; fetching the ROMs");
    fetcher(dir).map_err(|e| {
        anyhow!("{problem}, and {e:#}; fix that and run `qarcade rom fetch`, or add the file with `qarcade rom import FILE`")
    })?;
    let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    if roms::md5_hex(&bytes) != info.md5 {
        bail!("{} is still corrupt after fetching", path.display());
    }
    Ok((bytes, Some(info)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    /// A fake ROM table entry whose MD5 matches `bytes`.
    fn fake_info(name: &str, bytes: &[u8]) -> RomInfo {
        RomInfo {
            name: leak(name.to_string()),
            file: leak(format!("{name}.bin")),
            md5: leak(roms::md5_hex(bytes)),
            size: bytes.len(),
        }
    }

    fn fake_rom(seed: u8, len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31) ^ seed)
            .collect()
    }

    /// Writes a zip at `path` holding `members` (deflated), plus an unrelated member.
    fn make_wheel(path: &Path, members: &[(String, Vec<u8>)]) {
        let mut zw = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zw.start_file("ale_py/__init__.py", opts).unwrap();
        zw.write_all(b"# fake\n").unwrap();
        for (name, bytes) in members {
            zw.start_file(name.as_str(), opts).unwrap();
            zw.write_all(bytes).unwrap();
        }
        let buf = zw.finish().unwrap().into_inner();
        fs::write(path, buf).unwrap();
    }

    #[test]
    fn extract_verifies_and_writes() {
        let t = tempfile::tempdir().unwrap();
        let a = fake_rom(1, 2048);
        let b = fake_rom(2, 4096);
        let table = [fake_info("alpha", &a), fake_info("beta", &b)];
        let wheel = t
            .path()
            .join("ale_py-0.12.1-cp311-cp311-manylinux_2_28_x86_64.whl");
        make_wheel(
            &wheel,
            &[
                ("ale_py/roms/alpha.bin".into(), a.clone()),
                ("ale_py/roms/beta.bin".into(), b.clone()),
                ("ale_py/roms/other.bin".into(), vec![0; 10]),
            ],
        );
        let dir = t.path().join("cache/roms");
        let paths = extract_roms(&wheel, &dir, &table).unwrap();
        assert_eq!(paths, vec![dir.join("alpha.bin"), dir.join("beta.bin")]);
        assert_eq!(fs::read(&paths[0]).unwrap(), a);
        assert_eq!(fs::read(&paths[1]).unwrap(), b);
        assert!(!dir.join("other.bin").exists());
        // No temporary files left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        assert_eq!(find_wheel(t.path()).unwrap(), wheel);
    }

    #[test]
    fn extract_refuses_md5_mismatch_and_writes_nothing() {
        let t = tempfile::tempdir().unwrap();
        let wheel = t.path().join("w.whl");
        // The real table, fake bytes: every MD5 check fails.
        let members: Vec<(String, Vec<u8>)> = ROMS
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("ale_py/roms/{}", r.file), fake_rom(i as u8, r.size)))
            .collect();
        make_wheel(&wheel, &members);
        let dir = t.path().join("roms");
        let err = extract_from_wheel(&wheel, &dir).unwrap_err().to_string();
        assert!(err.contains("MD5 mismatch"), "{err}");
        assert!(
            err.contains("pong.bin") && err.contains(ROMS[0].md5),
            "{err}"
        );
        assert!(!err.contains('\n'));
        assert!(!dir.exists() || fs::read_dir(&dir).unwrap().count() == 0);
    }

    #[test]
    fn extract_reports_missing_member_and_bad_zip() {
        let t = tempfile::tempdir().unwrap();
        let a = fake_rom(1, 2048);
        let table = [fake_info("alpha", &a), fake_info("gamma", &[1, 2, 3])];
        let wheel = t.path().join("w.whl");
        make_wheel(&wheel, &[("ale_py/roms/alpha.bin".into(), a)]);
        let err = extract_roms(&wheel, t.path(), &table)
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no ale_py/roms/gamma.bin"), "{err}");
        let junk = t.path().join("junk.whl");
        fs::write(&junk, b"not a zip").unwrap();
        let err = extract_roms(&junk, t.path(), &table)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a readable wheel"), "{err}");
    }

    #[test]
    fn import_known_unknown_forced() {
        let t = tempfile::tempdir().unwrap();
        let a = fake_rom(7, 4096);
        let table = [fake_info("alpha", &a)];
        let src = t.path().join("My Alpha (1983).a26");
        fs::write(&src, &a).unwrap();
        let dir = t.path().join("roms");
        let p = import_with(&src, &dir, false, &table).unwrap();
        assert_eq!(p, dir.join("alpha.bin"));
        assert_eq!(fs::read(&p).unwrap(), a);

        let other = t.path().join("mystery.bin");
        fs::write(&other, b"1234").unwrap();
        let err = import_with(&other, &dir, false, &table)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not one of the supported ROMs"), "{err}");
        assert!(err.contains("--force"));
        assert!(!dir.join("mystery.bin").exists());
        let p = import_with(&other, &dir, true, &table).unwrap();
        assert_eq!(p, dir.join("mystery.bin"));
        // The real table knows neither.
        assert!(import(&src, &dir, false).is_err());
    }

    #[test]
    fn list_reports_missing_and_corrupt() {
        let t = tempfile::tempdir().unwrap();
        let entries = list(t.path());
        assert_eq!(entries.len(), ROMS.len());
        assert!(entries.iter().all(|e| e.path.is_none() && !e.md5_ok));
        fs::write(t.path().join("pong.bin"), b"bad").unwrap();
        let entries = list(t.path());
        let pong = entries.iter().find(|e| e.info.name == "pong").unwrap();
        assert_eq!(
            pong.path.as_deref(),
            Some(t.path().join("pong.bin").as_path())
        );
        assert!(!pong.md5_ok);
    }

    fn no_fetch(_: &Path) -> Result<Vec<PathBuf>> {
        panic!("must not fetch")
    }

    #[test]
    fn resolve_paths_and_names() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("some.bin");
        fs::write(&f, b"abc").unwrap();
        let (bytes, info) = resolve_in(f.to_str().unwrap(), t.path(), false, no_fetch).unwrap();
        assert_eq!(bytes, b"abc");
        assert!(info.is_none());

        let err = resolve_in("pong", t.path(), false, no_fetch)
            .unwrap_err()
            .to_string();
        assert!(err.contains("qarcade rom fetch") && err.contains("qarcade rom import"));
        assert!(!err.contains('\n'));

        let err = resolve_in("nonesuch", t.path(), true, no_fetch)
            .unwrap_err()
            .to_string();
        assert!(err.contains("neither a file nor a known ROM name"), "{err}");

        fs::write(t.path().join("breakout.bin"), b"corrupt").unwrap();
        let err = resolve_in("breakout", t.path(), false, no_fetch)
            .unwrap_err()
            .to_string();
        assert!(err.contains("corrupt"), "{err}");
    }

    #[test]
    fn resolve_fetches_when_missing_or_corrupt() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("pong.bin"), b"corrupt").unwrap();
        let mut called = false;
        // A fetcher that leaves the file corrupt: reported.
        let err = resolve_in("pong", t.path(), true, |_| {
            called = true;
            Ok(vec![])
        })
        .unwrap_err()
        .to_string();
        assert!(called);
        assert!(err.contains("still corrupt"), "{err}");
        // A failing fetcher: its error, with the reason it was needed.
        let err = resolve_in("space-invaders", t.path(), true, |_| {
            bail!("cannot fetch ROMs: no network")
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("no network"));
    }

    #[test]
    fn pip_failures_are_classified() {
        let e = pip_failure("python3", "/usr/bin/python3: No module named pip\n");
        assert!(e.contains("pip is not installed"), "{e}");
        let e = pip_failure(
            "python3",
            "WARNING: Retrying (Retry(total=4)) after connection broken by \
             'NewConnectionError(...)'\nERROR: Could not find a version that satisfies\n\
             ERROR: No matching distribution found for ale-py==0.12.1\n",
        );
        assert!(e.contains("no network"), "{e}");
        assert!(e.ends_with("No matching distribution found for ale-py==0.12.1"));
        let e = pip_failure(
            "python3",
            "ERROR: Could not find a version that satisfies the requirement ale-py==0.12.1 \
             (from versions: none)\nERROR: No matching distribution found for ale-py==0.12.1\n",
        );
        assert!(e.contains("no network or package index unreachable"), "{e}");
        let e = pip_failure("python3", "ERROR: something else\n\n");
        assert!(e.contains("failed: ERROR: something else"), "{e}");
        assert!(!e.contains('\n'));
    }
}
