//! Forward+backward of the Nature Q-network in a loop (for `perf record`).
use burn::tensor::Device;
use qarcade_core::dqn::model::{frames_to_input, NetConfig, QNetwork};

fn main() {
    let da = Device::flex().autodiff();
    let cfg = NetConfig::nature();
    let frames: Vec<u8> = (0..32 * cfg.obs_len())
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let net = QNetwork::new(&cfg, 6, &da, 0);
    let input = frames_to_input(&frames, 32, &cfg, &da);
    let t = std::time::Instant::now();
    for _ in 0..30 {
        let _ = net.forward(input.clone()).sum().backward();
    }
    println!("{:.2} ms", t.elapsed().as_secs_f64() / 30.0 * 1e3);
}
