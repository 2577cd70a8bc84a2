//! Each preprocessing wrapper on its own, over a scripted game (no emulator, no ROM).

use qarcade_core::ale::action::{FIRE, NOOP, RIGHT};
use qarcade_core::env::{
    AreaResize, AtariConfig, AtariEnv, Env, EpisodicLife, FireMode, FireReset, FrameStack,
    MaxAndSkip, NoopReset, ScriptedGame, TimeLimit, VecEnv,
};

fn max_of(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(&x, &y)| x.max(y)).collect()
}

fn resized(img: &[u8]) -> Vec<u8> {
    let mut out = vec![0; 84 * 84];
    AreaResize::atari().apply(img, &mut out);
    out
}

/// The frame an env over a plain scripted game shows after agent step `k` (skip 4).
fn agent_frame(k: u32) -> Vec<u8> {
    resized(&max_of(
        &ScriptedGame::screen_at(4 * k - 1),
        &ScriptedGame::screen_at(4 * k),
    ))
}

fn plain() -> AtariConfig {
    AtariConfig {
        noop_max: 0,
        episodic_life: false,
        fire_reset: FireMode::Never,
        ..AtariConfig::default()
    }
}

#[test]
fn noop_reset_plays_1_to_30_seeded_noops() {
    let mut counts = Vec::new();
    let mut env = NoopReset::new(ScriptedGame::new(), 30, 7);
    for _ in 0..3000 {
        let before = env.inner.log.len();
        env.reset();
        let played = &env.inner.log[before..];
        assert!(played.iter().all(|&a| a == NOOP));
        assert_eq!(played.len() as u32, env.last_noops());
        counts.push(env.last_noops());
    }
    assert_eq!(*counts.iter().min().unwrap(), 1);
    assert_eq!(*counts.iter().max().unwrap(), 30);
    // Same seed, same draws; another seed, other draws.
    let mut again = NoopReset::new(ScriptedGame::new(), 30, 7);
    let mut other = NoopReset::new(ScriptedGame::new(), 30, 8);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        again.reset();
        other.reset();
        a.push(again.last_noops());
        b.push(other.last_noops());
    }
    assert_eq!(a, counts[..20]);
    assert_ne!(a, b);
    // noop_max 0: none.
    let mut none = NoopReset::new(ScriptedGame::new(), 0, 7);
    none.reset();
    assert!(none.inner.log.is_empty());
}

#[test]
fn noop_reset_resets_again_if_the_game_ends_during_the_noops() {
    let mut g = ScriptedGame::new();
    g.game_over_at = Some(1);
    let mut env = NoopReset::new(g, 30, 3);
    env.reset();
    // Every no-op ends the game, so every one is followed by a reset.
    assert_eq!(env.inner.resets, 1 + env.last_noops());
}

#[test]
fn max_and_skip_repeats_sums_and_pools_the_last_two_frames() {
    let mut g = ScriptedGame::new();
    g.rewards = vec![(1, 1), (3, 2), (4, 5), (5, 100)];
    let mut env = MaxAndSkip::new(g, 4);
    env.reset();
    assert_eq!(env.observe(), &ScriptedGame::screen_at(0)[..]);
    let s = env.step(RIGHT);
    assert_eq!(s.reward, 8);
    assert_eq!(env.inner.log, vec![RIGHT; 4]);
    let expected = max_of(&ScriptedGame::screen_at(3), &ScriptedGame::screen_at(4));
    assert_ne!(expected, ScriptedGame::screen_at(3));
    assert_ne!(expected, ScriptedGame::screen_at(4));
    assert_eq!(env.observe(), &expected[..]);
}

#[test]
fn max_and_skip_without_pooling_observes_the_last_frame() {
    let mut env = MaxAndSkip::new(ScriptedGame::new(), 4).without_pooling();
    env.reset();
    env.step(RIGHT);
    assert_eq!(env.observe(), &ScriptedGame::screen_at(4)[..]);
    env.step(RIGHT);
    assert_eq!(env.observe(), &ScriptedGame::screen_at(8)[..]);
}

#[test]
fn max_and_skip_stops_at_the_end_of_the_episode() {
    let mut g = ScriptedGame::new();
    g.game_over_at = Some(6);
    g.rewards = vec![(6, 3)];
    let mut env = MaxAndSkip::new(g, 4);
    env.reset();
    env.step(NOOP);
    let before = env.observe().to_vec();
    let s = env.step(NOOP);
    assert!(s.terminated && !s.truncated);
    assert_eq!(s.reward, 3);
    assert_eq!(env.inner.log.len(), 6, "stopped after the terminal frame");
    // As gymnasium: the buffers are not refreshed on an early stop.
    assert_eq!(env.observe(), &before[..]);
}

#[test]
fn time_limit_counts_every_frame() {
    let mut env = MaxAndSkip::new(TimeLimit::new(ScriptedGame::new(), 10), 4);
    env.reset();
    assert!(!env.step(NOOP).done());
    assert!(!env.step(NOOP).done());
    let s = env.step(NOOP);
    assert!(s.truncated && !s.terminated);
    assert_eq!(env.inner.inner.log.len(), 10);
    env.reset();
    assert_eq!(env.inner.elapsed(), 0);
}

#[test]
fn episodic_life_ends_the_episode_on_a_lost_life_but_not_the_game() {
    let mut g = ScriptedGame::new();
    g.start_lives = 2;
    g.life_losses = vec![6, 14];
    let mut env = EpisodicLife::new(MaxAndSkip::new(g, 4));
    env.reset();
    assert_eq!(env.inner.inner.resets, 1);
    assert!(!env.step(NOOP).terminated); // frames 1-4
    let s = env.step(NOOP); // frames 5-8: life lost on 6
    assert!(s.terminated && !env.real_done());
    assert_eq!(env.lives(), 1);
    env.reset();
    // Not a real reset: one NOOP step (4 frames) moves past the death.
    assert_eq!(env.inner.inner.resets, 1);
    assert_eq!(env.inner.inner.clock, 12);
    let s = env.step(NOOP); // frames 13-16: the last life goes on 14, game over
    assert!(s.terminated && env.real_done());
    env.reset();
    assert_eq!(env.inner.inner.resets, 2);
    assert_eq!(env.lives(), 2);
}

#[test]
fn fire_reset_presses_fire_then_the_third_action() {
    let mut g = ScriptedGame::new();
    g.needs_fire = true;
    let mut env = FireReset::new(g);
    env.reset();
    assert_eq!(env.inner.log, vec![FIRE, RIGHT]);
    assert_eq!(env.inner.clock, 1, "FIRE started the game");
    assert!(!FireReset::<ScriptedGame>::applies(&[NOOP, RIGHT, 4]));
    assert!(!FireReset::<ScriptedGame>::applies(&[NOOP, FIRE]));
}

#[test]
fn fire_is_pressed_after_every_lost_life_and_only_where_it_applies() {
    let mut g = ScriptedGame::new();
    g.needs_fire = true;
    g.start_lives = 3;
    g.life_losses = vec![10];
    let mut env = FireReset::new(EpisodicLife::new(MaxAndSkip::new(g.clone(), 4)));
    env.reset(); // FIRE x4 (serve, then clock 1-3), RIGHT x4 (clock 4-7)
    let game = |e: &FireReset<EpisodicLife<MaxAndSkip<ScriptedGame>>>| e.inner.inner.inner.clone();
    assert_eq!(game(&env).log, [[FIRE; 4], [RIGHT; 4]].concat());
    assert!(env.step(NOOP).terminated); // clock 8-11: life lost on 10
    env.reset();
    // Past the death with a NOOP step, then FIRE again; the same game goes on.
    assert_eq!(
        game(&env).log[12..],
        [[NOOP; 4], [FIRE; 4], [RIGHT; 4]].concat()
    );
    assert_eq!((game(&env).resets, env.lives()), (1, 2));

    let config = AtariConfig {
        noop_max: 0,
        ..AtariConfig::default()
    };
    // Without FIRE in the action set, Auto adds nothing: the game never starts.
    g.action_set = vec![NOOP, RIGHT, 4];
    let mut env = AtariEnv::from_game(g, &config, 0);
    let first = env.reset().to_vec();
    env.step(0);
    assert_eq!(env.frame(), &first[3 * 84 * 84..]);
}

#[test]
fn rewards_are_reported_unclipped() {
    let mut g = ScriptedGame::new();
    g.rewards = vec![(2, 5), (3, 2), (7, -3), (9, 0)];
    let mut env = AtariEnv::from_game(g, &plain(), 0);
    env.reset();
    let t = env.step(0);
    assert_eq!(t.reward, 7);
    let t = env.step(0);
    assert_eq!(t.reward, -3);
    let t = env.step(0);
    assert_eq!(t.reward, 0);
}

#[test]
fn stack_is_oldest_first_and_starts_with_the_reset_frame() {
    let mut env = AtariEnv::from_game(ScriptedGame::new(), &plain(), 0);
    let f0 = resized(&ScriptedGame::screen_at(0));
    let obs = env.reset().to_vec();
    assert_eq!(obs.len(), 4 * 84 * 84);
    for slot in obs.chunks(84 * 84) {
        assert_eq!(slot, &f0[..]);
    }
    let mut frames = vec![f0];
    for k in 1..=6u32 {
        env.step(0);
        frames.push(agent_frame(k));
        assert_eq!(env.frame(), &frames[k as usize][..]);
        for (slot, got) in env.obs().chunks(84 * 84).enumerate() {
            let src = FrameStack::source(4, 0, k as usize, slot);
            assert_eq!(got, &frames[src][..], "step {k} slot {slot}");
        }
    }
    assert_eq!(FrameStack::source(4, 10, 11, 0), 10);
    assert_eq!(FrameStack::source(4, 10, 15, 0), 12);
}

#[test]
fn episode_info_covers_the_whole_game_across_lives() {
    let mut g = ScriptedGame::new();
    g.start_lives = 2;
    g.life_losses = vec![6, 30];
    g.rewards = vec![(1, 10), (20, 3)];
    let config = AtariConfig {
        noop_max: 0,
        fire_reset: FireMode::Never,
        ..AtariConfig::default()
    };
    let mut env = AtariEnv::from_game(g, &config, 0);
    env.reset();
    let mut steps = 0;
    let info = loop {
        let t = env.step(0);
        steps += 1;
        if let Some(info) = env.finished_game() {
            break info;
        }
        if t.done() {
            env.reset();
        }
    };
    assert_eq!(info.score, 13);
    assert_eq!(info.length, steps);
    // Frames 1-8 (2 steps), NOOP 9-12, then steps up to frame 32: 2 + 5 = 7.
    assert_eq!(steps, 7);
    env.reset();
    let t = env.step(0);
    assert_eq!(t.reward, 10, "a real reset restarted the game");
}

#[test]
fn truncation_is_reported_with_episode_info() {
    let config = AtariConfig {
        max_episode_frames: 10,
        ..plain()
    };
    let mut env = AtariEnv::from_game(ScriptedGame::new(), &config, 0);
    env.reset();
    env.step(0);
    env.step(0);
    let t = env.step(0);
    assert!(t.truncated && !t.terminated);
    assert_eq!(env.finished_game().unwrap().length, 3);
}

#[test]
#[should_panic(expected = "reset first")]
fn stepping_a_finished_episode_panics() {
    let mut g = ScriptedGame::new();
    g.game_over_at = Some(1);
    let mut env = AtariEnv::from_game(g, &plain(), 0);
    env.reset();
    env.step(0);
    env.step(0);
}

fn scripted_vec(n: usize, seed: u64, threads: usize) -> VecEnv {
    let envs = (0..n)
        .map(|i| {
            let mut g = ScriptedGame::new();
            g.start_lives = 3;
            g.life_losses = vec![40 + i as u32 * 7, 90, 150];
            g.rewards = (1..200).map(|f| (f, (f % 5) as i32 - 1)).collect();
            AtariEnv::from_game(g, &AtariConfig::default(), seed + i as u64)
        })
        .collect();
    VecEnv::from_envs(envs).with_threads(threads)
}

#[test]
fn vector_env_is_deterministic_and_auto_resets() {
    let mut one = scripted_vec(5, 11, 1);
    let mut many = scripted_vec(5, 11, 3);
    let mut ended = 0;
    for step in 0..120 {
        let actions: Vec<usize> = (0..5).map(|i| (step * 7 + i) % 4).collect();
        let a = one.step(&actions).to_vec();
        let b = many.step(&actions).to_vec();
        assert_eq!(a, b, "step {step}");
        for (i, t) in a.iter().enumerate() {
            assert_eq!(one.obs(i), many.obs(i));
            if t.done() {
                assert_eq!(one.final_frame(i), many.final_frame(i));
                // Auto-reset: the observation is a fresh stack.
                let obs = one.obs(i);
                assert!(obs.chunks(84 * 84).all(|s| s == one.frame(i)));
            }
            assert_eq!(one.finished_game(i), many.finished_game(i));
            ended += one.finished_game(i).is_some() as usize;
        }
    }
    assert!(ended >= 5, "every env finished a game ({ended})");
    let mut batch = vec![0; 5 * 4 * 84 * 84];
    one.write_obs(&mut batch);
    assert_eq!(&batch[4 * 84 * 84..8 * 84 * 84], one.obs(1));
}
