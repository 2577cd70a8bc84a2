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
    let mut game = Game::new(&rom, false, None).unwrap();
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
        assert_eq!(reward, t.reward, "step {step}");
        assert_eq!(game.observation(), env.obs(), "step {step}");
    }
}

/// A network that reads 2 frames gets, from the page, the 2-frame observations training
/// gave it (the stack follows the weights: `Game::set_frame_stack`); a depth out of range is
/// refused with a message.
#[test]
fn the_stack_depth_follows_the_network() {
    let Some(rom) = pong() else { return };
    let config = AtariConfig {
        noop_max: 0,
        episodic_life: false,
        fire_reset: FireMode::Never,
        frame_stack: 2,
        ..AtariConfig::default()
    };
    let mut env = AtariEnv::new(&rom, &config, 1).unwrap();
    env.reset();
    let mut game = Game::new(&rom, false, None).unwrap();
    game.stack_depth(2).unwrap();
    assert_eq!(game.frame_stack(), 2);
    assert_eq!(game.observation(), env.obs());
    let set = env.action_set().to_vec();
    for step in 0..200usize {
        let a = (step * 5 + step / 7) % set.len();
        game.set_agent_action(set[a]);
        for _ in 0..4 {
            game.advance(0);
        }
        env.step(a);
        assert_eq!(game.observation(), env.obs(), "step {step}");
    }
    assert!(game.stack_depth(0).is_err());
    assert!(game.stack_depth(17).is_err());
}

/// In versus mode the person's controls move the left paddle; in the normal mode they don't.
#[test]
fn versus_mode_gives_the_person_the_left_paddle() {
    let Some(rom) = pong() else { return };
    let opponent_y_after = |versus: bool, up: bool| {
        let mut game = Game::new(&rom, versus, None).unwrap();
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
    let mut game = Game::new(&rom, true, None).unwrap();
    game.set_agent_action(0); // the agent never moves or fires
    let idle = Game::human_action(false, false, false);
    let mut saw_server = String::new();
    let mut agent_serving = 0; // frames in which the page can say "the agent serves"
    for frame in 0..60_000 {
        game.advance(idle);
        if saw_server.is_empty() {
            saw_server = game.server();
        }
        if game.server() == "agent" {
            assert!(game.serve_in() >= 0);
            agent_serving += 1;
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
    // The server is known through the whole pause after each of the 20 points (~1 s each,
    // the one-player game's timing), not only in the frame the serve becomes possible.
    assert!(
        (20 * 50..=20 * 70).contains(&agent_serving),
        "{agent_serving} frames"
    );
    assert_eq!(game.forced_serves(), vec![20, 0]);
    assert_eq!(
        game.tally(),
        vec![1, 0],
        "the finished game is counted once"
    );
    game.advance(idle);
    assert_eq!((game.tally(), game.score()), (vec![1, 0], vec![0, 0]));
    // Bytes that are no player-B action play as no input, without a panic.
    game.advance(7);
    game.advance(255);
}

/// Between points the page can show when the next serve comes: a countdown that falls by
/// one a frame to the serve, and -1 while the ball is in play.
#[test]
fn versus_counts_down_to_the_next_serve() {
    let Some(rom) = pong() else { return };
    let mut game = Game::new(&rom, true, None).unwrap();
    let idle = Game::human_action(false, false, false);
    let mut counts = Vec::new();
    for _ in 0..3_000 {
        game.advance(idle);
        counts.push(game.serve_in());
    }
    assert!(counts.contains(&-1), "the ball is in play at times");
    let waits: Vec<&[i32]> = counts.split(|&c| c < 0).filter(|w| !w.is_empty()).collect();
    assert!(waits.len() >= 2, "{} waits for a serve", waits.len());
    for w in waits {
        assert!(w.windows(2).all(|p| p[1] == p[0] - 1), "{w:?}");
        assert!(*w.last().unwrap() <= 1 && w[0] <= 70, "{w:?}");
    }
}

/// The person's difficulty switch (bit 0: the left player) at A halves their paddle.
#[test]
fn the_left_difficulty_switch_shrinks_the_persons_paddle() {
    let Some(rom) = pong() else { return };
    let paddle_rows = |difficulty: Option<u8>| {
        let mut game = Game::new(&rom, true, difficulty).unwrap();
        for _ in 0..10 {
            game.advance(Game::human_action(false, false, false));
        }
        let screen = game.screen();
        // Column 17 crosses the left paddle; column 40 is background on the same rows.
        (34..194)
            .filter(|&r| screen[r * 160 + 17] != screen[r * 160 + 40])
            .count()
    };
    let (easy, hard) = (paddle_rows(None), paddle_rows(Some(1)));
    assert!(
        easy >= 8 && hard >= 2 && hard < easy,
        "easy {easy} rows, hard {hard}"
    );
}

/// The saliency map: one value per cell, exactly 0 where a cell holds only background in
/// every stacked frame (occluding it changes nothing), and not 0 everywhere.
#[test]
fn occlusion_saliency_marks_what_the_agent_looks_at() {
    let Some(rom) = pong() else { return };
    let weights = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/pong-solved/pong.qnet"
    ))
    .unwrap();
    let agent = Agent::cpu(&weights).unwrap_or_else(|_| panic!("the shipped agent loads"));
    let mut game = Game::new(&rom, false, None).unwrap();
    for _ in 0..400 {
        game.advance(0);
    }
    let obs = game.observation();
    let q = agent.occlusion_q(&obs, 2, 12).unwrap();
    let q = q.into_data().try_into_vec::<f32>().unwrap();
    let map = crate::agent::occlusion_map(&q, 6, 2);
    assert_eq!(map.len(), 49);
    assert!(map.contains(&0.0), "{map:?}");
    assert!(map.iter().any(|&v| v.abs() > 1e-4), "{map:?}");
    // Bad requests are refused, not panicked on.
    assert!(agent.occlusion_q(&obs, 6, 12).is_err());
    assert!(agent.occlusion_q(&obs, 0, 5).is_err());
    assert!(agent.occlusion_q(&obs[1..], 0, 12).is_err());
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
