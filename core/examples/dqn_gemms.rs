//! The GEMMs of one Nature-CNN train step (batch 32) on flex, as autodiff issues them.
//!
//! ```sh
//! RAYON_NUM_THREADS=2 cargo run --release -p qarcade-core --example dqn_gemms
//! ```
use std::time::Instant;

use burn::tensor::{Device, Distribution, Tensor};

fn time(name: &str, m: usize, k: usize, n: usize, lhs_t: bool, rhs_t: bool) -> f64 {
    let d = Device::flex();
    let a = if lhs_t {
        Tensor::<2>::random([k, m], Distribution::Default, &d).transpose()
    } else {
        Tensor::<2>::random([m, k], Distribution::Default, &d)
    };
    let b = if rhs_t {
        Tensor::<2>::random([n, k], Distribution::Default, &d).transpose()
    } else {
        Tensor::<2>::random([k, n], Distribution::Default, &d)
    };
    let _ = a.clone().matmul(b.clone()).into_data();
    let mut best = f64::MAX;
    for _ in 0..15 {
        let t = Instant::now();
        let _ = a.clone().matmul(b.clone()).into_data();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let gflops = 2.0 * (m * k * n) as f64 / best / 1e9;
    println!(
        "{name:28} [{m}x{k}]@[{k}x{n}] {:6.2} ms {gflops:6.1} GFLOP/s",
        best * 1e3
    );
    best
}

fn main() {
    let mut total = 0.0;
    total += time("stem fwd", 12800, 256, 32, false, false);
    total += time("conv2 fwd", 2592, 512, 64, false, false);
    total += time("conv3 fwd", 1568, 576, 64, false, false);
    total += time("fc1 fwd", 32, 3136, 512, false, false);
    let fwd = total;
    total += time("stem wgrad P^T G", 256, 12800, 32, true, false);
    total += time("conv2 wgrad", 512, 2592, 64, true, false);
    total += time("conv2 xgrad G W^T", 2592, 64, 512, false, true);
    total += time("conv3 wgrad", 576, 1568, 64, true, false);
    total += time("conv3 xgrad", 1568, 64, 576, false, true);
    total += time("fc1 wgrad x^T g", 3136, 32, 512, true, false);
    total += time("fc1 xgrad g W^T", 32, 512, 3136, false, true);
    println!("-- alternatives");
    time("stem fwd, P given as P^T view", 12800, 256, 32, true, false);
    time(
        "stem wgrad with P^T contiguous",
        256,
        12800,
        32,
        false,
        false,
    );
    time("fc1 fwd, W stored [out,in]", 32, 3136, 512, false, true);
    time("fc1 xgrad, W stored [out,in]", 32, 512, 3136, false, false);
    time("fc1 wgrad^T g^T x", 512, 32, 3136, true, false);
    time("fc1 fwd as W x^T", 512, 3136, 32, false, true);
    time("fc1 xgrad^T as W^T g^T", 3136, 512, 32, true, true);
    time("fc1 fwd batch 1, x W^T", 1, 3136, 512, false, true);
    time("fc1 fwd batch 1, W x^T", 512, 3136, 1, false, true);
    time("stem fwd as W^T P^T", 32, 256, 12800, false, false);
    time("stem wgrad G P, P as view", 32, 12800, 256, false, true);
    time("stem wgrad G P, P contiguous", 32, 12800, 256, false, false);
    println!(
        "forward GEMMs {:.2} ms, backward GEMMs {:.2} ms; a step (2 forwards + backward) {:.2} ms",
        fwd * 1e3,
        (total - fwd) * 1e3,
        (total + fwd) * 1e3
    );
}
