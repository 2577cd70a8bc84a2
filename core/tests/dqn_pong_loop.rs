//! The training loop on real Pong: the stacks the agent acts on are the preprocessing
//! pipeline's own (the first frame repeated at an episode start, as evaluation, recording and
//! the page see it; `replay.rs` tests that the replay rebuilds the acting stacks), and an env
//! restored from its saved state (game number + inputs since power-on) continues bit for bit.

use burn::tensor::Device;
use qarcade_core::ale::roms;
use qarcade_core::dqn::{Config, Env, NetConfig, Trainer};
use qarcade_core::env::for_dqn::DqnAtariEnv;
use qarcade_core::env::split_seed;
use std::sync::Arc;

fn pong_envs(cfg: &Config, rom: &Arc<Vec<u8>>) -> Vec<DqnAtariEnv> {
    let atari = DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack);
    (0..cfg.num_envs)
        .map(|i| DqnAtariEnv::new(rom.clone(), atari.clone(), split_seed(3, i as u64)).unwrap())
        .collect()
}

fn small_config() -> Config {
    let mut cfg = Config::fast();
    cfg.net = NetConfig::dqn2013();
    cfg.num_envs = 3;
    cfg.replay_capacity = 3_000;
    cfg.learning_starts = 100_000; // acting only
    cfg
}

#[test]
fn the_agent_acts_on_the_pipelines_own_stacks() {
    let Some(rom) = roms::cached_or_skip("pong") else {
        return;
    };
    let rom = Arc::new(rom);
    let cfg = small_config();
    let mut trainer = Trainer::new(cfg.clone(), pong_envs(&cfg, &rom), &Device::flex());
    let mut ends = 0;
    for step in 0..1500 {
        ends += trainer.step().episodes.len();
        for i in 0..cfg.num_envs {
            // The acting stack equals the pipeline's own stack (AtariEnv::obs), which is
            // what `qarcade eval`, `record`, the export check and the page use.
            assert_eq!(
                trainer.observation(i),
                trainer.envs()[i].env().obs(),
                "env {i} at vector step {step}"
            );
        }
    }
    // Right after the first step every stack but the newest plane is the first frame.
    let mut fresh = Trainer::new(cfg.clone(), pong_envs(&cfg, &rom), &Device::flex());
    fresh.step();
    let len = cfg.net.frame_len();
    let obs = fresh.observation(0);
    assert_eq!(obs[..len], obs[len..2 * len]);
    assert_eq!(obs[len..2 * len], obs[2 * len..3 * len]);
    assert!(ends > 0, "games ended and new ones started within the test");
}

#[test]
fn an_env_restored_from_its_inputs_continues_bit_for_bit() {
    let Some(rom) = roms::cached_or_skip("pong") else {
        return;
    };
    let rom = Arc::new(rom);
    let cfg = small_config();
    let mut a = pong_envs(&cfg, &rom).remove(0);
    let set = a.action_set().to_vec();
    a.reset();
    for t in 0..400 {
        a.step(set[t * 5 % 6]);
    }
    let saved = a.save_state().unwrap();
    let mut b = pong_envs(&cfg, &rom).remove(0);
    b.restore_state(&saved).unwrap();
    assert_eq!(a.observe(), b.observe());
    for t in 0..200 {
        assert_eq!(a.step(set[t % 6]), b.step(set[t % 6]), "step {t}");
        assert_eq!(a.observe(), b.observe());
    }
    // Bytes it did not write are refused, never a panic.
    for bad in [&[][..], &[1, 0, 0, 0, 0, 0, 0, 0, 0, 4][..], &saved[..5]] {
        assert!(b.restore_state(bad).is_err());
    }
    let mut wrong = saved.clone();
    wrong.push(200); // not an action of Pong's six
    assert!(b.restore_state(&wrong).is_err());
}

/// Every field of the run's env config reaches the preprocessing pipeline (FIRE reset, mode
/// and difficulty included), and a run's config written before those fields existed still
/// reads, with the defaults it trained with.
#[test]
fn the_env_config_reaches_the_pipeline() {
    use qarcade_core::env::FireMode;
    let mut cfg = small_config();
    cfg.env.fire_reset = Some(false);
    cfg.env.mode = Some(1);
    cfg.env.difficulty = 1;
    cfg.env.max_pool = false;
    let a = DqnAtariEnv::atari_config(&cfg.env, 2);
    assert_eq!(
        (
            a.fire_reset,
            a.mode,
            a.difficulty,
            a.max_pool,
            a.frame_stack
        ),
        (FireMode::Never, Some(1), 1, false, 2)
    );
    cfg.env.fire_reset = Some(true);
    assert_eq!(
        DqnAtariEnv::atari_config(&cfg.env, 4).fire_reset,
        FireMode::Always
    );
    cfg.env.fire_reset = None;
    assert_eq!(
        DqnAtariEnv::atari_config(&cfg.env, 4).fire_reset,
        FireMode::Auto
    );

    let old = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/pong-solved/seed1/config.json"
    );
    let old: Config = serde_json::from_str(&std::fs::read_to_string(old).unwrap()).unwrap();
    assert_eq!(
        (old.env.fire_reset, old.env.mode, old.env.difficulty),
        (None, None, 0)
    );
}
