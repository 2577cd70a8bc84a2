//! ALE's action ids. Player A uses 0–17; player B's ids are the same joystick moves offset
//! by 18 (18–35), so that two-player games can be driven; 40 is ALE's RESET.

/// Player A's 18 joystick actions, in ALE's order (`ale.getLegalActionSet()`).
pub const ACTION_NAMES: [&str; 18] = [
    "NOOP",
    "FIRE",
    "UP",
    "RIGHT",
    "LEFT",
    "DOWN",
    "UPRIGHT",
    "UPLEFT",
    "DOWNRIGHT",
    "DOWNLEFT",
    "UPFIRE",
    "RIGHTFIRE",
    "LEFTFIRE",
    "DOWNFIRE",
    "UPRIGHTFIRE",
    "UPLEFTFIRE",
    "DOWNRIGHTFIRE",
    "DOWNLEFTFIRE",
];

pub const NOOP: u8 = 0;
pub const FIRE: u8 = 1;
pub const UP: u8 = 2;
pub const RIGHT: u8 = 3;
pub const LEFT: u8 = 4;
pub const DOWN: u8 = 5;
pub const UPRIGHT: u8 = 6;
pub const UPLEFT: u8 = 7;
pub const DOWNRIGHT: u8 = 8;
pub const DOWNLEFT: u8 = 9;
pub const UPFIRE: u8 = 10;
pub const RIGHTFIRE: u8 = 11;
pub const LEFTFIRE: u8 = 12;
pub const DOWNFIRE: u8 = 13;
pub const UPRIGHTFIRE: u8 = 14;
pub const UPLEFTFIRE: u8 = 15;
pub const DOWNRIGHTFIRE: u8 = 16;
pub const DOWNLEFTFIRE: u8 = 17;
/// First of player B's ids (`PLAYER_B_NOOP`).
pub const PLAYER_B_OFFSET: u8 = 18;
/// ALE's `RESET` action: holds the console's RESET switch for a frame.
pub const RESET: u8 = 40;

/// What one joystick action presses. Player B's ids are accepted too (offset removed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stick {
    pub up: bool,
    pub down: bool,
    pub left: bool,
    pub right: bool,
    pub fire: bool,
}

impl Stick {
    pub fn of(action: u8) -> Stick {
        let a = if (PLAYER_B_OFFSET..PLAYER_B_OFFSET + 18).contains(&action) {
            action - PLAYER_B_OFFSET
        } else {
            action
        };
        let mut s = Stick::default();
        match a {
            UP | UPRIGHT | UPLEFT | UPFIRE | UPRIGHTFIRE | UPLEFTFIRE => s.up = true,
            DOWN | DOWNRIGHT | DOWNLEFT | DOWNFIRE | DOWNRIGHTFIRE | DOWNLEFTFIRE => s.down = true,
            _ => {}
        }
        match a {
            RIGHT | UPRIGHT | DOWNRIGHT | RIGHTFIRE | UPRIGHTFIRE | DOWNRIGHTFIRE => s.right = true,
            LEFT | UPLEFT | DOWNLEFT | LEFTFIRE | UPLEFTFIRE | DOWNLEFTFIRE => s.left = true,
            _ => {}
        }
        s.fire = matches!(
            a,
            FIRE | UPFIRE
                | RIGHTFIRE
                | LEFTFIRE
                | DOWNFIRE
                | UPRIGHTFIRE
                | UPLEFTFIRE
                | DOWNRIGHTFIRE
                | DOWNLEFTFIRE
        );
        s
    }
}

/// The action's name (`"RIGHTFIRE"`), for player A or B ids.
pub fn name(action: u8) -> &'static str {
    match action {
        0..=17 => ACTION_NAMES[action as usize],
        18..=35 => ACTION_NAMES[(action - 18) as usize],
        RESET => "RESET",
        _ => "UNDEFINED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_presses_what_its_name_says() {
        for a in 0..18u8 {
            let s = Stick::of(a);
            let n = name(a);
            assert_eq!(s.up, n.starts_with("UP"), "{n}");
            assert_eq!(s.down, n.starts_with("DOWN"), "{n}");
            assert_eq!(s.left, n.contains("LEFT"), "{n}");
            assert_eq!(s.right, n.contains("RIGHT"), "{n}");
            assert_eq!(s.fire, n.contains("FIRE"), "{n}");
            assert_eq!(Stick::of(a + PLAYER_B_OFFSET), s);
        }
    }
}
