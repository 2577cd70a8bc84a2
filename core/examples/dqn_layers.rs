//! Micro-benchmarks of a flex DQN step's pieces: the Q-network's forward and forward+backward
//! against Burn's `conv2d` layers, and the host-side patch cutting.
//!
//! ```sh
//! RAYON_NUM_THREADS=2 cargo run --release -p qarcade-core --example dqn_layers
//! ```
use std::time::Instant;

use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Distribution, Tensor};
use qarcade_core::dqn::model::{frames_to_input, NetConfig, QNetwork};

/// Best of 15 runs (the machine is shared; the minimum is the least disturbed).
fn time<F: FnMut()>(name: &str, mut f: F) {
    f();
    let mut best = f64::MAX;
    for _ in 0..15 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{name:48} {:7.2} ms", best * 1e3);
}

fn main() {
    let d = Device::flex();
    let da = d.clone().autodiff();
    let cfg = NetConfig::nature();
    let frames: Vec<u8> = (0..32 * cfg.obs_len())
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    time("frames_to_input (stem patches, batch 32)", || {
        let _ = frames_to_input(&frames, 32, &cfg, &d);
    });
    let t = Instant::now();
    for _ in 0..20 {
        let _ = frames_to_input(&frames, 32, &cfg, &d);
    }
    println!(
        "{:48} {:7.2} ms",
        "frames_to_input mean of 20",
        t.elapsed().as_secs_f64() / 20.0 * 1e3
    );
    let net = QNetwork::new(&cfg, 6, &d, 0);
    let input = frames_to_input(&frames, 32, &cfg, &d);
    time("QNetwork forward, batch 32", || {
        let _ = net.forward(input.clone()).into_data();
    });
    let net_ad = QNetwork::new(&cfg, 6, &da, 0);
    let input_ad = frames_to_input(&frames, 32, &cfg, &da);
    time("QNetwork forward+backward, batch 32", || {
        let _ = net_ad.forward(input_ad.clone()).sum().backward();
    });

    // Batch 1: one greedy decision (the web page's case, single-threaded in wasm).
    let one = &frames[..cfg.obs_len()];
    time("frames_to_input, batch 1", || {
        let _ = frames_to_input(one, 1, &cfg, &d);
    });
    time("QNetwork forward incl. input, batch 1", || {
        let _ = net.forward(frames_to_input(one, 1, &cfg, &d)).into_data();
    });
    let gemms: [(&str, [usize; 2], [usize; 2]); 4] = [
        ("conv1 gemm 400x256 @ 256x32", [400, 256], [256, 32]),
        ("conv2 gemm 81x512 @ 512x64", [81, 512], [512, 64]),
        ("conv3 gemm 49x576 @ 576x64", [49, 576], [576, 64]),
        ("fc1 1x3136 @ 3136x512", [1, 3136], [3136, 512]),
    ];
    for (name, a, b) in gemms {
        let a = Tensor::<2>::random(a, Distribution::Default, &d);
        let b = Tensor::<2>::random(b, Distribution::Default, &d);
        time(name, || {
            let _ = a.clone().matmul(b.clone()).into_data();
        });
    }
    let x = Tensor::<2>::random([1, 3136], Distribution::Default, &d);
    let wt = Tensor::<2>::random([512, 3136], Distribution::Default, &d);
    time("fc1 1x3136 @ (512x3136)^T (the net's layout)", || {
        let _ = x.clone().matmul(wt.clone().transpose()).into_data();
    });

    // Burn's conv2d for the same layers (NCHW), for comparison.
    let layers = [
        ([32, 4, 84, 84], [32, 4, 8, 8], 4),
        ([32, 32, 20, 20], [64, 32, 4, 4], 2),
        ([32, 64, 9, 9], [64, 64, 3, 3], 1),
    ];
    for (i, (xs, ws, s)) in layers.iter().enumerate() {
        let x = Tensor::<4>::random(*xs, Distribution::Default, &d);
        let w = Tensor::<4>::random(*ws, Distribution::Default, &d);
        let opts = ConvOptions::new([*s, *s], [0, 0], [1, 1], 1);
        time(&format!("conv2d layer {} fwd", i + 1), || {
            let _ = conv2d(x.clone(), w.clone(), None, opts.clone()).into_data();
        });
        let xa = Tensor::<4>::random(*xs, Distribution::Default, &da).require_grad();
        let wa = Tensor::<4>::random(*ws, Distribution::Default, &da).require_grad();
        time(
            &format!("conv2d layer {} fwd+bwd (x and w grads)", i + 1),
            || {
                let _ = conv2d(xa.clone(), wa.clone(), None, opts.clone())
                    .sum()
                    .backward();
            },
        );
    }
}
