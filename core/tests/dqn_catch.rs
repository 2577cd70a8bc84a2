//! The DQN must *learn*: solve the catch game from pixels with the same trainer, replay and
//! learner that train Pong. Random play scores about -0.5; the test demands a greedy mean of at
//! least 0.9 over 100 episodes after 4,000 agent steps, for each of three seeds.

use burn::tensor::Device;
use qarcade_core::dqn::catch::Catch;
use qarcade_core::dqn::{evaluate, Config, EpsilonSchedule, Loss, NetConfig, Rng, Trainer};

/// The `fast` recipe scaled down to catch's 9-step episodes.
fn catch_config(seed: u64) -> Config {
    let mut c = Config::fast();
    c.preset = "catch".into();
    c.seed = seed;
    c.net = NetConfig::catch();
    c.env.max_episode_steps = None;
    c.total_steps = 4_000;
    c.replay_capacity = 10_000;
    c.learning_starts = 500;
    c.num_envs = 4;
    c.updates_per_step = 1.0;
    c.target_update = Some(200);
    c.n_step = 3;
    c.double_dqn = true;
    c.loss = Loss::Huber { delta: 1.0 };
    c.adam.lr = 1e-3;
    c.epsilon = EpsilonSchedule::Linear {
        start: 1.0,
        end: 0.05,
        steps: 2_000,
    };
    c
}

/// Mean return of 100 episodes (one on each of 100 fresh games) at `epsilon`.
fn score(trainer: &Trainer<Catch>, seed: u64, epsilon: f64) -> f64 {
    let mut games: Vec<Catch> = (0..100).map(|i| Catch::new(seed * 1000 + i)).collect();
    let mut rng = Rng::new(seed + 200);
    let results = evaluate(&trainer.learner, &mut games, epsilon, &mut rng);
    results.iter().map(|r| r.0).sum::<f64>() / 100.0
}

/// (random-play mean, untrained greedy mean, trained greedy mean) over 100 episodes each.
fn train_and_evaluate(seed: u64) -> (f64, f64, f64) {
    let cfg = catch_config(seed);
    let envs = (0..cfg.num_envs as u64)
        .map(|i| Catch::new(seed + 100 + i))
        .collect();
    let mut trainer = Trainer::new(cfg.clone(), envs, &Device::flex());
    let random_mean = score(&trainer, seed, 1.0);
    let untrained_mean = score(&trainer, seed + 1, 0.0);
    while trainer.counters.steps < cfg.total_steps {
        trainer.step();
    }
    (random_mean, untrained_mean, score(&trainer, seed + 2, 0.0))
}

#[test]
fn dqn_learns_catch_from_pixels() {
    for seed in [1, 2, 3] {
        let t0 = std::time::Instant::now();
        let (random, untrained, greedy) = train_and_evaluate(seed);
        eprintln!(
            "seed {seed}: random play {random:.2}, untrained greedy {untrained:.2}, \
             greedy after 4000 steps {greedy:.2} ({:.1} s)",
            t0.elapsed().as_secs_f64()
        );
        assert!(random < 0.0, "seed {seed}: random play scored {random}");
        assert!(
            untrained < 0.5,
            "seed {seed}: untrained net scored {untrained}"
        );
        assert!(greedy >= 0.9, "seed {seed}: greedy mean {greedy} < 0.9");
    }
}
