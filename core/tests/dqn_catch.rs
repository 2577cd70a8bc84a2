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
    results.iter().map(|r| r.score).sum::<f64>() / 100.0
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

/// `reward.paddle_return` (the seed notebook's bonus for returning the ball) enters what the
/// agent learns from, and only that: catch reports a catch as a return, so with n-step 1 the
/// replay's rewards are the game's -1 / 0 / +1 with +0.5 added on catches, while every
/// episode's reported return (and so the metrics and evaluations) stays the game's own score.
#[test]
fn the_return_bonus_reaches_the_replay_but_not_the_scores() {
    for bonus in [0.0f32, 0.5] {
        let mut cfg = catch_config(4);
        cfg.n_step = 1;
        cfg.reward.paddle_return = bonus;
        cfg.learning_starts = 1_000_000; // act only
        cfg.validate().unwrap();
        let envs = (0..4).map(|i| Catch::new(40 + i)).collect();
        let mut trainer = Trainer::new(cfg, envs, &Device::flex());
        let mut episode_returns = Vec::new();
        while trainer.counters.steps < 2_000 {
            let report = trainer.step();
            episode_returns.extend(report.episodes.iter().map(|e| (e.ret, e.returns)));
        }
        // Evaluations count the same: in catch every point won is a one-touch win.
        let mut games: Vec<Catch> = (0..20).map(|i| Catch::new(60 + i)).collect();
        let played = evaluate(&trainer.learner, &mut games, 1.0, &mut Rng::new(6));
        assert!(played.iter().any(|p| p.score > 0.0));
        for p in &played {
            let won = (p.score > 0.0) as u64;
            assert_eq!((p.returns, p.points_won, p.one_touch_wins), (won, won, won));
        }
        // A catch scores +1 and counts one return; a miss scores -1 and none.
        assert!(episode_returns.iter().any(|&(r, _)| r == 1.0));
        assert!(episode_returns
            .iter()
            .all(|&(r, n)| (r == 1.0 && n == 1) || (r == -1.0 && n == 0)));
        let mut rng = Rng::new(5);
        let batch = trainer.replay.try_sample(512, &mut rng).unwrap();
        let mut seen: Vec<f32> = batch.returns.clone();
        seen.sort_by(f32::total_cmp);
        seen.dedup();
        assert_eq!(seen, vec![-1.0, 0.0, 1.0 + bonus], "bonus {bonus}");
    }
}

/// The bonus is validated where it enters: one line naming the field and the range.
#[test]
fn a_return_bonus_out_of_range_is_refused() {
    let mut cfg = catch_config(1);
    cfg.reward.paddle_return = 2.0;
    let err = cfg.validate().unwrap_err();
    assert!(err.contains("reward.paddle_return"), "{err}");
}
