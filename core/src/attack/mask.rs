//! The masked victim (Gleave et al., section 5.3): the victim sees its opponent's paddle
//! frozen at a typical place, so nothing the opponent does can reach it through its eyes. If
//! an adversary wins by what its body looks like rather than by how it plays, the masked
//! victim resists it (and loses more to a normal opponent, whose moves it no longer sees).
//!
//! The mask works on ALE's grayscale screen as the frame skip pools it (210×160), before the
//! resize: the left paddle's pixels are painted over with the background and the paddle is
//! drawn back at the middle. Pong draws its objects in flat colours on that screen (measured
//! here): background 87, paddles 148, ball and walls 236; the left paddle spans columns
//! 16-19 and 16 rows ending at the row its RAM y names. Pooling two frames before or after
//! the mask gives the same picture, since the mask only swaps background and paddle.

/// Grayscale values and geometry of two-player Pong's screen.
pub const BACKGROUND: u8 = 87;
pub const PADDLE: u8 = 148;
const WIDTH: usize = 160;
const LEFT_COLUMNS: std::ops::Range<usize> = 16..20;
/// Rows between the top and bottom walls.
const FIELD_ROWS: std::ops::Range<usize> = 34..194;
/// Rows of the frozen paddle: where it waits between points (RAM y 120 is its bottom row).
pub const FROZEN_ROWS: std::ops::Range<usize> = 105..121;

/// Paints the left paddle out of a 210×160 grayscale screen and draws it at [`FROZEN_ROWS`];
/// the ball (a different shade) is left where it is.
pub fn freeze_left_paddle(screen: &mut [u8]) {
    for y in FIELD_ROWS {
        let row = &mut screen[y * WIDTH..(y + 1) * WIDTH];
        for px in &mut row[LEFT_COLUMNS] {
            if *px == PADDLE {
                *px = BACKGROUND;
            }
            if FROZEN_ROWS.contains(&y) && *px == BACKGROUND {
                *px = PADDLE;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen_with_paddle(bottom: usize) -> Vec<u8> {
        let mut s = vec![BACKGROUND; 210 * WIDTH];
        for y in bottom - 15..=bottom {
            s[y * WIDTH + 16..y * WIDTH + 20].fill(PADDLE);
        }
        // The right paddle, which the mask must not touch.
        for y in 40..56 {
            s[y * WIDTH + 140..y * WIDTH + 144].fill(PADDLE);
        }
        s
    }

    #[test]
    fn wherever_the_left_paddle_is_the_victim_sees_it_in_the_middle() {
        let frozen = {
            let mut s = screen_with_paddle(120);
            freeze_left_paddle(&mut s);
            s
        };
        for bottom in [50, 90, 150, 190] {
            let mut s = screen_with_paddle(bottom);
            freeze_left_paddle(&mut s);
            assert_eq!(s, frozen, "paddle at {bottom}");
        }
        // Idempotent: a frozen screen stays as it is.
        let mut again = frozen.clone();
        freeze_left_paddle(&mut again);
        assert_eq!(again, frozen);
    }

    #[test]
    fn the_ball_stays_visible_over_the_paddle_columns() {
        let mut s = screen_with_paddle(60);
        s[110 * WIDTH + 17] = 236;
        s[58 * WIDTH + 18] = 236;
        freeze_left_paddle(&mut s);
        assert_eq!(s[110 * WIDTH + 17], 236, "ball over the frozen paddle");
        assert_eq!(s[58 * WIDTH + 18], 236, "ball where the real paddle was");
        assert_eq!(s[59 * WIDTH + 18], BACKGROUND);
    }
}
