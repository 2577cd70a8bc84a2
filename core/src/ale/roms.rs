//! The ROMs qarcade knows, identified by MD5 as ALE identifies them. ROM images are never
//! shipped with qarcade: they come from the `ale-py` wheel (see the `qarcade rom` command).

use md5::{Digest, Md5};
use std::ffi::OsString;
use std::path::PathBuf;

/// One supported ROM image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RomInfo {
    /// The game's name as the command line takes it (`--rom pong`).
    pub name: &'static str,
    /// The file name inside the ale-py wheel (`ale_py/roms/<file>`) and in the cache.
    pub file: &'static str,
    /// Lowercase hex MD5 of the image.
    pub md5: &'static str,
    /// Size in bytes.
    pub size: usize,
}

/// The seven games of the 2013 DQN paper, as ale-py 0.12.1 ships them.
pub const ROMS: &[RomInfo] = &[
    RomInfo {
        name: "pong",
        file: "pong.bin",
        md5: "60e0ea3cbe0913d39803477945e9e5ec",
        size: 2048,
    },
    RomInfo {
        name: "breakout",
        file: "breakout.bin",
        md5: "f34f08e5eb96e500e851a80be3277a56",
        size: 2048,
    },
    RomInfo {
        name: "space_invaders",
        file: "space_invaders.bin",
        md5: "72ffbef6504b75e69ee1045af9075f66",
        size: 4096,
    },
    RomInfo {
        name: "seaquest",
        file: "seaquest.bin",
        md5: "240bfbac5163af4df5ae713985386f92",
        size: 4096,
    },
    RomInfo {
        name: "beam_rider",
        file: "beam_rider.bin",
        md5: "79ab4123a83dc11d468fb2108ea09e2e",
        size: 8192,
    },
    RomInfo {
        name: "enduro",
        file: "enduro.bin",
        md5: "94b92a882f6dbaa6993a46e2dcc58402",
        size: 4096,
    },
    RomInfo {
        name: "qbert",
        file: "qbert.bin",
        md5: "484b0076816a104875e00467d431c2d2",
        size: 4096,
    },
];

/// Lowercase hex MD5 of a ROM image.
pub fn md5_hex(image: &[u8]) -> String {
    hex::encode(Md5::digest(image))
}

/// The known ROM with this image's MD5, if any.
pub fn identify(image: &[u8]) -> Option<&'static RomInfo> {
    let md5 = md5_hex(image);
    ROMS.iter().find(|r| r.md5 == md5)
}

/// The known ROM of this name (`pong`, `space_invaders`, ...; `-` and `_` are the same).
pub fn by_name(name: &str) -> Option<&'static RomInfo> {
    let norm = name.to_ascii_lowercase().replace('-', "_");
    ROMS.iter().find(|r| r.name == norm)
}

/// The ROM cache directory: `$QARCADE_ROMS` if set, else `$XDG_CACHE_HOME/qarcade/roms`, else
/// `~/.cache/qarcade/roms` (empty variables count as unset).
pub fn cache_dir() -> PathBuf {
    cache_dir_from(
        std::env::var_os("QARCADE_ROMS"),
        std::env::var_os("XDG_CACHE_HOME"),
        std::env::var_os("HOME"),
    )
}

fn cache_dir_from(
    qarcade_roms: Option<OsString>,
    xdg_cache_home: Option<OsString>,
    home: Option<OsString>,
) -> PathBuf {
    let set = |v: Option<OsString>| v.filter(|s| !s.is_empty()).map(PathBuf::from);
    if let Some(d) = set(qarcade_roms) {
        return d;
    }
    if let Some(d) = set(xdg_cache_home) {
        return d.join("qarcade").join("roms");
    }
    set(home)
        .unwrap_or_else(|| PathBuf::from("."))
        .join(".cache/qarcade/roms")
}

/// The cached image of a supported ROM (`pong`), if it is there and intact. Tests use it;
/// the command line fetches missing ROMs instead (`qarcade rom`).
pub fn read_cached(name: &str) -> Option<Vec<u8>> {
    let info = by_name(name)?;
    let image = std::fs::read(cache_dir().join(info.file)).ok()?;
    (md5_hex(&image) == info.md5).then_some(image)
}

/// For tests that need a ROM: the cached image, or `None` to skip — unless
/// `QARCADE_REQUIRE_ALE=1` (as CI sets), where a missing ROM is a failure.
pub fn cached_or_skip(name: &str) -> Option<Vec<u8>> {
    let image = read_cached(name);
    if image.is_none() {
        let required = std::env::var("QARCADE_REQUIRE_ALE").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{name} is not in the ROM cache {} and QARCADE_REQUIRE_ALE=1",
            cache_dir().display()
        );
        eprintln!(
            "skipping: {name} not in the ROM cache {} (run `qarcade rom fetch`)",
            cache_dir().display()
        );
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_dir_precedence() {
        let s = |v: &str| Some(OsString::from(v));
        assert_eq!(
            cache_dir_from(s("/r"), s("/x"), s("/h")),
            PathBuf::from("/r")
        );
        assert_eq!(
            cache_dir_from(None, s("/x"), s("/h")),
            PathBuf::from("/x/qarcade/roms")
        );
        assert_eq!(
            cache_dir_from(s(""), s(""), s("/h")),
            PathBuf::from("/h/.cache/qarcade/roms")
        );
    }

    #[test]
    fn identifies_by_md5_and_name() {
        assert!(identify(b"not a rom").is_none());
        assert_eq!(
            by_name("Space-Invaders").unwrap().file,
            "space_invaders.bin"
        );
        assert!(by_name("tetris").is_none());
    }
}
