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
