//! Player B's actions drive the second paddle in Pong's two-player modes, and do nothing in
//! the single-player modes (where the computer plays the other side).

use qarcade_core::ale::games::PONG_CLASSIC_TWO_PLAYER;
use qarcade_core::ale::{action, Ale, AleConfig};

fn pong_image() -> Option<Vec<u8>> {
    qarcade_core::ale::roms::cached_or_skip("pong")
}

/// The screen after 120 frames of player A doing nothing and player B holding `b`.
fn screen_after(image: &[u8], mode: u8, b: u8) -> Vec<u8> {
    let config = AleConfig {
        mode: Some(mode),
        ..AleConfig::default()
    };
    let mut ale = Ale::new(image, &config, false).unwrap();
    assert_eq!(
        ale.ram()[0x16],
        mode,
        "mode byte after selecting mode {mode}"
    );
    for _ in 0..120 {
        ale.act(action::NOOP, b);
    }
    ale.screen().to_vec()
}

#[test]
fn player_b_moves_the_second_paddle_only_in_two_player_modes() {
    let Some(image) = pong_image() else { return };
    let left = action::PLAYER_B_OFFSET + action::LEFT;
    let right = action::PLAYER_B_OFFSET + action::RIGHT;
    for mode in [2, PONG_CLASSIC_TWO_PLAYER, 8, 9] {
        assert_ne!(
            screen_after(&image, mode, left),
            screen_after(&image, mode, right),
            "player B's paddle should move in two-player mode {mode}"
        );
    }
    for mode in [0, 1] {
        assert_eq!(
            screen_after(&image, mode, left),
            screen_after(&image, mode, right),
            "player B must not change the picture in single-player mode {mode} (the computer plays)"
        );
    }
}
