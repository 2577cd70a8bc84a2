//! The vendored burn-flex (vendor/burn-flex/QARCADE-PATCH.md) computes matrix products itself in
//! two cases: outputs are not zeroed before the GEMM writes them, and deep, narrow products are
//! split in two along the depth. Both must give the textbook product, for contiguous and
//! transposed (strided) operands: the DQN's weight gradients are exactly such products.

use burn::tensor::{Device, Tensor, TensorData};
use qarcade_core::dqn::Rng;

fn random(rng: &mut Rng, rows: usize, cols: usize) -> (Vec<f32>, Tensor<2>) {
    let v: Vec<f32> = (0..rows * cols)
        .map(|_| rng.unit_f64() as f32 * 2.0 - 1.0)
        .collect();
    let t = Tensor::from_data(TensorData::new(v.clone(), [rows, cols]), &Device::flex());
    (v, t)
}

/// `a [m, k] @ b [k, n]` in f64, row-major inputs.
fn reference(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut out = vec![0f64; m * n];
    for i in 0..m {
        for p in 0..k {
            let x = a[i * k + p] as f64;
            for j in 0..n {
                out[i * n + j] += x * b[p * n + j] as f64;
            }
        }
    }
    out
}

fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0f32; v.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = v[r * cols + c];
        }
    }
    t
}

fn check(m: usize, k: usize, n: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let (a, at) = random(&mut rng, m, k);
    let (b, bt) = random(&mut rng, k, n);
    let want = reference(&a, &b, m, k, n);
    // The same product with each operand given as the transposed view of its transpose.
    let a_view: Tensor<2> = Tensor::from_data(
        TensorData::new(transpose(&a, m, k), [k, m]),
        &Device::flex(),
    )
    .transpose();
    let b_view: Tensor<2> = Tensor::from_data(
        TensorData::new(transpose(&b, k, n), [n, k]),
        &Device::flex(),
    )
    .transpose();
    let cases = [
        ("contiguous", at.clone().matmul(bt.clone())),
        ("lhs view", a_view.clone().matmul(bt)),
        ("rhs view", at.matmul(b_view.clone())),
        ("both views", a_view.matmul(b_view)),
    ];
    for (name, got) in cases {
        assert_eq!(got.dims(), [m, n]);
        let got = got.into_data().try_into_vec::<f32>().unwrap();
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            let tol = 1e-4 * (k as f64).sqrt();
            assert!(
                (*g as f64 - w).abs() < tol,
                "[{m}x{k}]@[{k}x{n}] {name}: element {i} is {g}, expected {w}"
            );
        }
    }
}

#[test]
fn deep_narrow_products_split_along_the_depth_are_exact() {
    // Deep enough to be split (depth >= 2x the larger side, >= 192^3 multiply-adds): the shapes
    // of the DQN's first-layer weight gradient and first fully connected layer, scaled down.
    check(64, 4096, 32, 1);
    check(256, 12_801, 32, 2); // odd depth: unequal halves
    check(96, 3136, 40, 3);
}

#[test]
fn ordinary_products_are_exact() {
    check(300, 256, 64, 4); // wide: one gemm call, output not zeroed first
    check(7, 5, 3, 5); // small: single-threaded path
    check(33, 1, 17, 6); // depth 1
}
