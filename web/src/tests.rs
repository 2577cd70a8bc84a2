//! Native tests of the page's building blocks (the browser tests drive them in wasm).

use super::*;
use qarcade_core::ale::roms;
use qarcade_core::env::{AtariConfig, AtariEnv, FireMode};

fn pong() -> Option<Vec<u8>> {
    roms::cached_or_skip("pong")
}

/// The page's frame-by-frame observation is exactly what the training pipeline (skip 4,
/// max-pool, 84×84 area resize, stack 4) gives for the same actions.
#[test]
fn observation_matches_the_training_pipeline() {
    let Some(rom) = pong() else { return };
    let config = AtariConfig {
        noop_max: 0,
        episodic_life: false,
        fire_reset: FireMode::Never,
        ..AtariConfig::default()
    };
    let mut env = AtariEnv::new(&rom, &config, 1).unwrap();
    env.reset();
    let mut game = Game::new(&rom, false).unwrap();
    assert_eq!(game.observation(), env.obs());
    let set = env.action_set().to_vec();
    for step in 0..600usize {
        let a = (step * 7 + step / 13) % set.len();
        assert!(game.decision_due());
        game.set_agent_action(set[a]);
        let mut reward = 0;
        for _ in 0..4 {
            reward += game.advance(0);
        }
        let t = env.step(a);
        assert_eq!(reward, t.reward as i32, "step {step}");
        assert_eq!(game.observation(), env.obs(), "step {step}");
    }
}

/// In versus mode the person's controls move the left paddle; in the normal mode they don't.
#[test]
fn versus_mode_gives_the_person_the_left_paddle() {
    let Some(rom) = pong() else { return };
    let opponent_y_after = |versus: bool, up: bool| {
        let mut game = Game::new(&rom, versus).unwrap();
        let b = Game::human_action(up, !up, false);
        for _ in 0..120 {
            game.advance(b);
        }
        game.positions()[3]
    };
    assert_ne!(opponent_y_after(true, true), opponent_y_after(true, false));
    assert_eq!(
        opponent_y_after(false, true),
        opponent_y_after(false, false)
    );
}

/// Versus mode plays the two-player game with the one-player game's ball, and never freezes:
/// when nobody presses FIRE, the scorer's serves are forced and the game still ends.
#[test]
fn versus_never_waits_forever_for_a_serve() {
    let Some(rom) = pong() else { return };
    let mut game = Game::new(&rom, true).unwrap();
    game.set_agent_action(0); // the agent never moves or fires
    let idle = Game::human_action(false, false, false);
    let mut saw_server = String::new();
    for frame in 0..60_000 {
        game.advance(idle);
        if saw_server.is_empty() {
            saw_server = game.server();
        }
        if game.game_over() {
            break;
        }
        assert!(frame < 59_999, "the game froze at {:?}", game.score());
    }
    assert_eq!(
        game.score(),
        vec![21, 0],
        "the still person misses every ball"
    );
    assert_eq!(saw_server, "agent");
    assert_eq!(game.forced_serves(), vec![20, 0]);
    // Bytes that are no player-B action play as no input, without a panic.
    game.advance(7);
    game.advance(255);
}

#[test]
fn refuses_a_rom_that_is_not_a_supported_game() {
    // JsError can only be built on wasm; the MD5 check is what decides, so check it here.
    assert!(roms::identify(&[0u8; 2048]).is_none());
    assert_eq!(pong_md5(), "60e0ea3cbe0913d39803477945e9e5ec");
}

#[test]
fn argmax_takes_the_first_of_ties() {
    assert_eq!(argmax(&[0.5, 2.0, 2.0, -1.0]), 1);
    assert_eq!(argmax(&[3.0]), 0);
}
