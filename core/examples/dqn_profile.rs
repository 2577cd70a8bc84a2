//! Where a flex DQN train step spends its time, phase by phase (Nature CNN, batch 32).
//!
//! ```sh
//! RAYON_NUM_THREADS=2 cargo run --release -p qarcade-core --example dqn_profile
//! ```

use std::time::Instant;

use burn::module::Module;
use burn::tensor::{Device, Int, Tensor, TensorData};
use qarcade_core::dqn::adam::Adam;
use qarcade_core::dqn::bench::{bench_config, random_batch};
use qarcade_core::dqn::model::{frames_to_input, QNetwork};
use qarcade_core::dqn::params::{read_grads, read_params, write_params};
use qarcade_core::dqn::Rng;

fn main() {
    let cfg = bench_config();
    let device = Device::flex().autodiff();
    let plain = Device::flex();
    let net = QNetwork::new(&cfg.net, 6, &device, 0);
    let target = net.valid();
    let mut rng = Rng::new(0);
    let batch = random_batch(&cfg, 6, &mut rng);
    let reps = 10;
    let mut t = [0.0f64; 9];
    let names = [
        "u8->f32 input x2",
        "target forward (no grad)",
        "online forward (taped)",
        "loss",
        "backward",
        "read grads",
        "read params",
        "write params",
        "Adam step (all of the above)",
    ];
    let mut adam = Adam::new(cfg.adam, cfg.max_grad_norm);
    let mut online = net;
    for rep in 0..reps + 2 {
        let mut lap = Instant::now();
        let mut mark = |i: usize, lap: &mut Instant| {
            if rep >= 2 {
                t[i] += lap.elapsed().as_secs_f64();
            }
            *lap = Instant::now();
        };
        let next = frames_to_input(&batch.next_obs, 32, &cfg.net, &plain);
        let obs = frames_to_input(&batch.obs, 32, &cfg.net, &device);
        mark(0, &mut lap);
        let v = target.forward(next).max_dim(1).into_data();
        mark(1, &mut lap);
        let a: Vec<i64> = batch.actions.iter().map(|&a| a as i64).collect();
        let a = Tensor::<2, Int>::from_data(TensorData::new(a, [32, 1]), &device);
        let q = online.forward(obs).gather(1, a);
        let _ = q.clone().into_data();
        mark(2, &mut lap);
        let y = Tensor::<2>::from_data(TensorData::new(vec![0.5f32; 32], [32, 1]), &device);
        let _ = v;
        let loss = (q - y).square().mean();
        mark(3, &mut lap);
        let grads = loss.backward();
        mark(4, &mut lap);
        let g = read_grads(&online, &grads);
        mark(5, &mut lap);
        let p = read_params(&online);
        mark(6, &mut lap);
        online = write_params(online, p, &device);
        mark(7, &mut lap);
        online = adam.step(online, &grads, &device).0;
        mark(8, &mut lap);
        drop(g);
    }
    let total: f64 = t[..8].iter().sum();
    for (n, x) in names.iter().zip(t) {
        println!("{n:28} {:7.2} ms", x / reps as f64 * 1e3);
    }
    println!("{:28} {:7.2} ms", "total", total / reps as f64 * 1e3);
}
