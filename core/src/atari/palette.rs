//! The NTSC palette as ALE 0.12.1 renders the TIA's colour values (Stella 2.4.2's
//! "standard" NTSC palette), and ALE's grayscale conversion.
//!
//! A TIA colour value is `hue << 4 | luminance << 1`; its low bit is ignored (the frame
//! buffer never holds odd values).

/// RGB of the 128 NTSC colours, indexed by `value >> 1` (hue-major, 8 luminances each).
pub const NTSC: [[u8; 3]; 128] = [
    // hue 0
    [0, 0, 0],
    [74, 74, 74],
    [111, 111, 111],
    [142, 142, 142],
    [170, 170, 170],
    [192, 192, 192],
    [214, 214, 214],
    [236, 236, 236],
    // hue 1
    [72, 72, 0],
    [105, 105, 15],
    [134, 134, 29],
    [162, 162, 42],
    [187, 187, 53],
    [210, 210, 64],
    [232, 232, 74],
    [252, 252, 84],
    // hue 2
    [124, 44, 0],
    [144, 72, 17],
    [162, 98, 33],
    [180, 122, 48],
    [195, 144, 61],
    [210, 164, 74],
    [223, 183, 85],
    [236, 200, 96],
    // hue 3
    [144, 28, 0],
    [163, 57, 21],
    [181, 83, 40],
    [198, 108, 58],
    [213, 130, 74],
    [227, 151, 89],
    [240, 170, 103],
    [252, 188, 116],
    // hue 4
    [148, 0, 0],
    [167, 26, 26],
    [184, 50, 50],
    [200, 72, 72],
    [214, 92, 92],
    [228, 111, 111],
    [240, 128, 128],
    [252, 144, 144],
    // hue 5
    [132, 0, 100],
    [151, 25, 122],
    [168, 48, 143],
    [184, 70, 162],
    [198, 89, 179],
    [212, 108, 195],
    [224, 124, 210],
    [236, 140, 224],
    // hue 6
    [80, 0, 132],
    [104, 25, 154],
    [125, 48, 173],
    [146, 70, 192],
    [164, 89, 208],
    [181, 108, 224],
    [197, 124, 238],
    [212, 140, 252],
    // hue 7
    [20, 0, 144],
    [51, 26, 163],
    [78, 50, 181],
    [104, 72, 198],
    [127, 92, 213],
    [149, 111, 227],
    [169, 128, 240],
    [188, 144, 252],
    // hue 8
    [0, 0, 148],
    [24, 26, 167],
    [45, 50, 184],
    [66, 72, 200],
    [84, 92, 214],
    [101, 111, 228],
    [117, 128, 240],
    [132, 144, 252],
    // hue 9
    [0, 28, 136],
    [24, 59, 157],
    [45, 87, 176],
    [66, 114, 194],
    [84, 138, 210],
    [101, 160, 225],
    [117, 181, 239],
    [132, 200, 252],
    // hue A
    [0, 48, 100],
    [24, 80, 128],
    [45, 109, 152],
    [66, 136, 176],
    [84, 160, 197],
    [101, 183, 217],
    [117, 204, 235],
    [132, 224, 252],
    // hue B
    [0, 64, 48],
    [24, 98, 78],
    [45, 129, 105],
    [66, 158, 130],
    [84, 184, 153],
    [101, 209, 174],
    [117, 231, 194],
    [132, 252, 212],
    // hue C
    [0, 68, 0],
    [26, 102, 26],
    [50, 132, 50],
    [72, 160, 72],
    [92, 186, 92],
    [111, 210, 111],
    [128, 232, 128],
    [144, 252, 144],
    // hue D
    [20, 60, 0],
    [53, 95, 24],
    [82, 126, 45],
    [110, 156, 66],
    [135, 183, 84],
    [158, 208, 101],
    [180, 231, 117],
    [200, 252, 132],
    // hue E
    [48, 56, 0],
    [80, 89, 22],
    [109, 118, 43],
    [136, 146, 62],
    [160, 171, 79],
    [183, 194, 95],
    [204, 216, 110],
    [224, 236, 124],
    // hue F
    [72, 44, 0],
    [105, 77, 20],
    [134, 106, 38],
    [162, 134, 56],
    [187, 159, 71],
    [210, 182, 86],
    [232, 204, 99],
    [252, 224, 112],
];

/// RGB of a TIA colour value (as ale-py's `getScreenRGB`).
#[inline]
pub fn rgb(v: u8) -> [u8; 3] {
    NTSC[(v >> 1) as usize]
}

/// ALE's grayscale value for a TIA colour value (as ale-py's `getScreenGrayscale`):
/// the luminance `0.2989 R + 0.5870 G + 0.1140 B`, rounded half away from zero.
#[inline]
pub fn gray(v: u8) -> u8 {
    GRAY[(v >> 1) as usize]
}

const fn build_gray() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let [r, g, b] = NTSC[i];
        // Integer form of round(0.2989 r + 0.5870 g + 0.1140 b): the scaled sum is never
        // exactly on a half for 8-bit inputs (checked in the tests against the float form).
        let s = 2989 * r as u32 + 5870 * g as u32 + 1140 * b as u32;
        t[i] = ((s + 5000) / 10000) as u8;
        i += 1;
    }
    t
}

static GRAY: [u8; 128] = build_gray();

/// Packed 0xRRGGBB of a TIA colour value.
#[inline]
pub fn rgb_u32(v: u8) -> u32 {
    let [r, g, b] = rgb(v);
    (r as u32) << 16 | (g as u32) << 8 | b as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_matches_float_formula() {
        for v in (0..=255u8).step_by(2) {
            let [r, g, b] = rgb(v);
            let f = (r as f64 * 0.2989 + g as f64 * 0.5870 + b as f64 * 0.1140).round();
            assert_eq!(gray(v), f as u8, "value {v:#04x}");
        }
    }

    #[test]
    fn known_entries() {
        assert_eq!(rgb(0x00), [0, 0, 0]);
        assert_eq!(rgb(0x0e), [236, 236, 236]);
        assert_eq!(rgb(0x01), rgb(0x00));
        assert_eq!(rgb_u32(0x1e), 0xfcfc54);
        assert_eq!(gray(0x10), 64);
        // FNV-1a over all RGB bytes, pinned so an accidental edit shows.
        let mut h: u32 = 0x811c_9dc5;
        for c in NTSC.iter().flatten() {
            h ^= *c as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(h, PALETTE_FNV);
    }

    const PALETTE_FNV: u32 = 0xaf06_ebf5;
}
