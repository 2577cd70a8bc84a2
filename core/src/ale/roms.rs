//! The ROMs qarcade knows, identified by MD5 as ALE identifies them. ROM images are never
//! shipped with qarcade: they come from the `ale-py` wheel (see the `qarcade rom` command).

use md5::{Digest, Md5};

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
