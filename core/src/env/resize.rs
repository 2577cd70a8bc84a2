//! Area ("box filter") downscaling that reproduces OpenCV's
//! `cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA)` on 8-bit single-channel images,
//! bit for bit, for non-integer scales such as 210×160 → 84×84.
//!
//! Why bit for bit: gymnasium's `AtariPreprocessing` (and SB3's `WarpFrame`) resize with
//! that call, so agents, published scores and our parity test all assume its output.
//!
//! What OpenCV does (facts from `modules/imgproc/src/resize.cpp`, `computeResizeAreaTab`
//! and `ResizeArea_Invoker`, re-derived here rather than copied):
//!
//! - Scales are `scale = 1 / (dst / src)` in `f64`.
//! - Per axis, destination cell `d` covers source interval `[d·scale, d·scale + scale)`.
//!   Each source pixel it touches gets a weight = covered length / cell width, stored as
//!   `f32`. Partial pixels at the ends count only if they cover more than 1e-3.
//! - For each destination row, OpenCV walks its source rows in order; each row is first
//!   reduced horizontally into `buf[dx] += src * alpha` (in `f32`, table order), then
//!   accumulated vertically into `sum[dx] += beta * buf[dx]` (also `f32`, in order).
//! - The `f32` sum is rounded to nearest, ties to even (`cvRound`), then saturated to 0..255.
//!
//! The order of the `f32` operations matters for the rare sums that land near .5, so it
//! is kept exactly. Integer scales take a different path in OpenCV (`resizeAreaFast`);
//! [`AreaResize::new`] refuses those rather than pretending to match it.

use super::{Env, Step};

/// One weight of the area table: destination index, source index, weight.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tap {
    dst: usize,
    src: usize,
    weight: f32,
}

/// OpenCV's `computeResizeAreaTab` for one axis: the taps, grouped by destination in order.
fn area_taps(src_len: usize, dst_len: usize) -> Vec<Tap> {
    let scale = 1.0 / (dst_len as f64 / src_len as f64);
    let mut taps = Vec::with_capacity(src_len * 2);
    for d in 0..dst_len {
        let f1 = d as f64 * scale;
        let f2 = f1 + scale;
        let cell = scale.min(src_len as f64 - f1);
        let s2 = (f2.floor() as usize).min(src_len - 1);
        let s1 = (f1.ceil() as usize).min(s2);
        if s1 as f64 - f1 > 1e-3 {
            taps.push(Tap {
                dst: d,
                src: s1 - 1,
                weight: ((s1 as f64 - f1) / cell) as f32,
            });
        }
        for s in s1..s2 {
            taps.push(Tap {
                dst: d,
                src: s,
                weight: (1.0 / cell) as f32,
            });
        }
        if f2 - s2 as f64 > 1e-3 {
            taps.push(Tap {
                dst: d,
                src: s2,
                weight: ((f2 - s2 as f64).min(1.0).min(cell) / cell) as f32,
            });
        }
    }
    taps
}

/// One axis of the table in a fixed-width form for speed: destination `d` reads the `k`
/// consecutive source pixels from `first[d]` with `weights[d * k..][..k]`. Cells with
/// fewer taps are padded with zero weights at the end; adding `x * 0.0 = +0.0` to a
/// finite `f32` sum leaves it unchanged, so the padded sum equals OpenCV's. (Padding may
/// reach past the image's edge: [`AreaResize::apply`] reads zeros / the last row there.)
#[derive(Clone, Debug)]
struct Axis {
    k: usize,
    first: Vec<usize>,
    weights: Vec<f32>,
}

impl Axis {
    fn new(src_len: usize, dst_len: usize) -> Axis {
        let taps = area_taps(src_len, dst_len);
        let k = (0..dst_len)
            .map(|d| taps.iter().filter(|t| t.dst == d).count())
            .max()
            .unwrap_or(1);
        let mut first = vec![0; dst_len];
        let mut weights = vec![0.0; dst_len * k];
        for d in 0..dst_len {
            let cell: Vec<&Tap> = taps.iter().filter(|t| t.dst == d).collect();
            first[d] = cell[0].src;
            for (j, t) in cell.iter().enumerate() {
                assert_eq!(t.src, first[d] + j, "area taps are consecutive");
                weights[d * k + j] = t.weight;
            }
        }
        Axis { k, first, weights }
    }
}

/// A precomputed INTER_AREA resize from `src_h × src_w` to `dst_h × dst_w` (u8, one
/// channel, row-major). Building it computes the weight tables; [`AreaResize::apply`]
/// then allocates nothing.
#[derive(Clone, Debug)]
pub struct AreaResize {
    src_h: usize,
    src_w: usize,
    dst_h: usize,
    dst_w: usize,
    x: Axis,
    y: Axis,
    /// Scratch: one source row as `f32` (zero-padded past its end for the padded taps),
    /// every source row reduced horizontally (`src_h + k_y` rows, the extra ones zero),
    /// and one destination row's running vertical sum.
    row: Vec<f32>,
    rows: Vec<f32>,
    sum: Vec<f32>,
}

impl AreaResize {
    /// Tables for a downscale along both axes. Panics on an upscale or when both factors
    /// are integers, which OpenCV computes differently (`resizeAreaFast`; not needed here).
    pub fn new(src_h: usize, src_w: usize, dst_h: usize, dst_w: usize) -> AreaResize {
        assert!(
            dst_h > 0 && dst_w > 0 && dst_h <= src_h && dst_w <= src_w,
            "AreaResize only downscales ({src_h}x{src_w} -> {dst_h}x{dst_w})"
        );
        assert!(
            src_h != src_h / dst_h * dst_h || src_w != src_w / dst_w * dst_w,
            "integer scale factors take OpenCV's resizeAreaFast path, not reproduced here"
        );
        let x = Axis::new(src_w, dst_w);
        let y = Axis::new(src_h, dst_h);
        AreaResize {
            src_h,
            src_w,
            dst_h,
            dst_w,
            row: vec![0.0; src_w + x.k],
            rows: vec![0.0; (src_h + y.k) * dst_w],
            sum: vec![0.0; dst_w],
            x,
            y,
        }
    }

    /// The DeepMind resize: ALE's 210×160 screen to 84×84.
    pub fn atari() -> AreaResize {
        AreaResize::new(210, 160, 84, 84)
    }

    pub fn src_shape(&self) -> (usize, usize) {
        (self.src_h, self.src_w)
    }

    pub fn dst_shape(&self) -> (usize, usize) {
        (self.dst_h, self.dst_w)
    }

    /// Resizes `src` (`src_h × src_w`) into `dst` (`dst_h × dst_w`).
    ///
    /// OpenCV reduces each source row horizontally when a destination row needs it; we
    /// reduce every source row once up front (same operations, same order per value, so
    /// the same `f32` results), then sum rows vertically, which vectorises.
    pub fn apply(&mut self, src: &[u8], dst: &mut [u8]) {
        assert_eq!(src.len(), self.src_h * self.src_w, "source size");
        assert_eq!(dst.len(), self.dst_h * self.dst_w, "destination size");
        let w = self.dst_w;
        for (src_row, h_row) in src
            .chunks_exact(self.src_w)
            .zip(self.rows.chunks_exact_mut(w))
        {
            for (r, &s) in self.row.iter_mut().zip(src_row) {
                *r = s as f32;
            }
            match self.x.k {
                2 => reduce_row::<2>(&self.row, &self.x, h_row),
                3 => reduce_row::<3>(&self.row, &self.x, h_row),
                4 => reduce_row::<4>(&self.row, &self.x, h_row),
                _ => reduce_row_any(&self.row, &self.x, h_row),
            }
        }
        let ky = self.y.k;
        for (dy, out) in dst.chunks_exact_mut(w).enumerate() {
            let y0 = self.y.first[dy];
            let betas = &self.y.weights[dy * ky..(dy + 1) * ky];
            let first = &self.rows[y0 * w..(y0 + 1) * w];
            for (s, &b) in self.sum.iter_mut().zip(first) {
                *s = betas[0] * b;
            }
            for (j, &beta) in betas.iter().enumerate().skip(1) {
                // Rows past the image's end are zero (and carry zero weight).
                let h = &self.rows[(y0 + j) * w..(y0 + j + 1) * w];
                for (s, &b) in self.sum.iter_mut().zip(h) {
                    *s += beta * b;
                }
            }
            for (o, &s) in out.iter_mut().zip(&self.sum) {
                *o = round_u8(s);
            }
        }
    }
}

/// `out[dx] = Σ_i row[first[dx] + i] * alpha_i`, summed in order from `i = 0`, for a
/// table of `K` taps per destination pixel (`K` known at compile time, for speed).
fn reduce_row<const K: usize>(row: &[f32], x: &Axis, out: &mut [f32]) {
    for ((o, &x0), alphas) in out.iter_mut().zip(&x.first).zip(x.weights.chunks_exact(K)) {
        let px: &[f32; K] = row[x0..x0 + K].try_into().unwrap();
        let mut acc = px[0] * alphas[0];
        for i in 1..K {
            acc += px[i] * alphas[i];
        }
        *o = acc;
    }
}

/// [`reduce_row`] for any number of taps.
fn reduce_row_any(row: &[f32], x: &Axis, out: &mut [f32]) {
    for ((o, &x0), alphas) in out
        .iter_mut()
        .zip(&x.first)
        .zip(x.weights.chunks_exact(x.k))
    {
        let mut acc = row[x0] * alphas[0];
        for i in 1..x.k {
            acc += row[x0 + i] * alphas[i];
        }
        *o = acc;
    }
}

/// OpenCV's `saturate_cast<uchar>(float)`: round half to even, then clamp.
fn round_u8(v: f32) -> u8 {
    v.round_ties_even().clamp(0.0, 255.0) as u8
}

/// Resizes the inner env's observation with [`AreaResize`] (gymnasium's / SB3's
/// `cv2.resize(..., interpolation=cv2.INTER_AREA)` step). The result is cached until the
/// next step or reset, so observing twice costs one resize.
#[derive(Clone, Debug)]
pub struct Resize<E> {
    pub inner: E,
    resize: AreaResize,
    out: Vec<u8>,
    fresh: bool,
}

impl<E: Env> Resize<E> {
    pub fn new(inner: E, height: usize, width: usize) -> Self {
        let (h, w) = inner.obs_shape();
        Resize {
            inner,
            resize: AreaResize::new(h, w, height, width),
            out: vec![0; height * width],
            fresh: false,
        }
    }
}

impl<E: Env> Env for Resize<E> {
    fn reset(&mut self) {
        self.fresh = false;
        self.inner.reset();
    }

    fn step(&mut self, action: u8) -> Step {
        self.fresh = false;
        self.inner.step(action)
    }

    fn observe(&mut self) -> &[u8] {
        if !self.fresh {
            self.resize.apply(self.inner.observe(), &mut self.out);
            self.fresh = true;
        }
        &self.out
    }
    fn obs_shape(&self) -> (usize, usize) {
        self.resize.dst_shape()
    }
    pass_through!(lives, action_set, game_over, screen);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_each_cell_sum_to_one() {
        for (src, dst) in [(210, 84), (160, 84)] {
            let taps = area_taps(src, dst);
            for d in 0..dst {
                let s: f64 = taps
                    .iter()
                    .filter(|t| t.dst == d)
                    .map(|t| t.weight as f64)
                    .sum();
                assert!((s - 1.0).abs() < 1e-5, "{src}->{dst} cell {d}: {s}");
            }
        }
    }

    #[test]
    fn vertical_scale_two_and_a_half_takes_halves_at_the_seams() {
        // Row 0 covers [0, 2.5): rows 0, 1 whole and half of row 2.
        let taps = area_taps(210, 84);
        let first: Vec<_> = taps.iter().filter(|t| t.dst == 0).collect();
        assert_eq!(first.len(), 3);
        assert_eq!((first[0].src, first[1].src, first[2].src), (0, 1, 2));
        assert_eq!(first[0].weight, 0.4);
        assert_eq!(first[2].weight, 0.2);
    }

    #[test]
    fn flat_images_stay_flat() {
        let mut r = AreaResize::atari();
        let mut dst = vec![0; 84 * 84];
        for v in [0u8, 1, 87, 128, 254, 255] {
            r.apply(&vec![v; 210 * 160], &mut dst);
            assert!(dst.iter().all(|&d| d == v), "value {v}");
        }
    }
}
