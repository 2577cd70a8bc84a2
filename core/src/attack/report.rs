//! Whole games of the victim against an opponent, counted as the paper's tables count them.

use std::sync::Arc;

use super::arena::{Arena, GameStats};
use super::player::{Player, View};
use crate::ale::pong_versus::Side;
use crate::ale::AleError;
use crate::env::{split_seed, AtariConfig};

/// A proportion with its 95% Wilson score interval (sound near 0 and 1, where win rates of
/// a strong player sit, unlike the normal approximation).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Rate {
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

impl Rate {
    pub fn of(successes: u64, trials: u64) -> Rate {
        if trials == 0 {
            return Rate {
                rate: 0.0,
                low: 0.0,
                high: 1.0,
            };
        }
        let (n, p) = (trials as f64, successes as f64 / trials as f64);
        let z = 1.959_963_984_540_054_f64;
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
        Rate {
            rate: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        }
    }
}

/// The result of [`play_match`]: the victim (player A) against the opponent (player B).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MatchReport {
    pub games: usize,
    /// Games that reached 21 (the rest hit the frame cap).
    pub finished: usize,
    pub unfinished: usize,
    pub victim_wins: usize,
    pub opponent_wins: usize,
    /// Of finished games.
    pub victim_game_rate: Rate,
    pub opponent_game_rate: Rate,
    pub victim_points: u64,
    pub opponent_points: u64,
    /// Of all points played.
    pub victim_point_rate: Rate,
    pub opponent_point_rate: Rate,
    /// Mean of (victim's points - opponent's points) per game.
    pub mean_score_difference: f64,
    /// Mean frames a ball was in play before a point.
    pub mean_rally_frames: f64,
    /// Serves the serve rule forced, on the victim and on the opponent.
    pub forced_serves: [u64; 2],
    /// Each game's (victim, opponent) points, in game order.
    pub scores: Vec<(u32, u32)>,
}

impl MatchReport {
    pub fn of(games: &[(GameStats, bool)]) -> MatchReport {
        let finished = games.iter().filter(|(_, done)| *done).count();
        let won = |side: Side| {
            games
                .iter()
                .filter(|(s, done)| {
                    *done && s.points[side.index()] > s.points[side.other().index()]
                })
                .count()
        };
        let (victim_wins, opponent_wins) = (won(Side::A), won(Side::B));
        let points = |side: Side| {
            games
                .iter()
                .map(|(s, _)| s.points[side.index()] as u64)
                .sum::<u64>()
        };
        let (vp, op) = (points(Side::A), points(Side::B));
        let rallies: Vec<u32> = games
            .iter()
            .flat_map(|(s, _)| s.rallies.iter().copied())
            .collect();
        let forced = |side: Side| {
            games
                .iter()
                .map(|(s, _)| s.forced_serves[side.index()] as u64)
                .sum()
        };
        MatchReport {
            games: games.len(),
            finished,
            unfinished: games.len() - finished,
            victim_wins,
            opponent_wins,
            victim_game_rate: Rate::of(victim_wins as u64, finished as u64),
            opponent_game_rate: Rate::of(opponent_wins as u64, finished as u64),
            victim_points: vp,
            opponent_points: op,
            victim_point_rate: Rate::of(vp, vp + op),
            opponent_point_rate: Rate::of(op, vp + op),
            mean_score_difference: if games.is_empty() {
                0.0
            } else {
                (vp as f64 - op as f64) / games.len() as f64
            },
            mean_rally_frames: if rallies.is_empty() {
                0.0
            } else {
                rallies.iter().map(|&r| r as f64).sum::<f64>() / rallies.len() as f64
            },
            forced_serves: [forced(Side::A), forced(Side::B)],
            scores: games
                .iter()
                .map(|(s, _)| (s.points[0], s.points[1]))
                .collect(),
        }
    }
}

/// Which games a match plays: game `g` of `count` on an arena seeded from (`seed`, `g`),
/// `threads` games at a time (the results do not depend on `threads`).
#[derive(Clone, Debug)]
pub struct Games<'a> {
    pub rom: &'a Arc<Vec<u8>>,
    /// The preprocessing both players see (its mode is replaced by two-player Pong's).
    pub config: &'a AtariConfig,
    pub seed: u64,
    pub count: usize,
    pub threads: usize,
    /// The victim sees the opponent's paddle frozen ([`super::mask`]).
    pub masked_victim: bool,
}

impl Games<'_> {
    /// Game `g`'s seed and its arena, new; fails only for a ROM that is not Pong.
    pub fn arena(&self, g: usize) -> Result<(u64, Arena), AleError> {
        let seed = split_seed(self.seed, g as u64);
        let arena = if self.masked_victim {
            Arena::masked(self.rom, self.config, seed)?
        } else {
            Arena::new(self.rom, self.config, seed)?
        };
        Ok((seed, arena))
    }

    /// `play(game seed, arena)` for every game, in game order.
    pub fn play<T: Send>(&self, play: impl Fn(u64, Arena) -> T + Sync) -> Result<Vec<T>, AleError> {
        // Fail on a bad ROM before any thread starts.
        self.arena(0)?;
        Ok(par_games(self.count, self.threads, |g| {
            let (seed, arena) = self.arena(g).expect("loaded above");
            play(seed, arena)
        }))
    }
}

/// Plays whole games of the victim (player A, from `victim(game seed)`) against the opponent
/// (player B, from `opponent(game seed)`).
pub fn play_match(
    games: &Games,
    victim: &(dyn Fn(u64) -> Box<dyn Player> + Sync),
    opponent: &(dyn Fn(u64) -> Box<dyn Player> + Sync),
) -> Result<MatchReport, AleError> {
    let results = games
        .play(|seed, mut arena| play_game(&mut arena, &mut *victim(seed), &mut *opponent(seed)))?;
    Ok(MatchReport::of(&results))
}

/// `play(g)` for games `g` in `0..games`, `threads` at a time; the results in game order, so
/// they do not depend on `threads`.
fn par_games<T: Send>(games: usize, threads: usize, play: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<T>> = (0..games).map(|_| None).collect();
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, games.max(1)) {
            scope.spawn(|| loop {
                let g = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if g >= games {
                    break;
                }
                let result = play(g);
                slots.lock().unwrap_or_else(|e| e.into_inner())[g] = Some(result);
            });
        }
    });
    results.into_iter().flatten().collect()
}

/// One whole game; returns its tallies and whether it reached 21 (not the frame cap).
pub fn play_game(
    arena: &mut Arena,
    victim: &mut dyn Player,
    opponent: &mut dyn Player,
) -> (GameStats, bool) {
    play_game_watched(arena, victim, opponent, &mut |_| {})
}

/// [`play_game`], calling `watch` with the arena before every decision and after the last
/// step (for videos).
pub fn play_game_watched(
    arena: &mut Arena,
    victim: &mut dyn Player,
    opponent: &mut dyn Player,
    watch: &mut dyn FnMut(&Arena),
) -> (GameStats, bool) {
    arena.reset();
    loop {
        watch(arena);
        let ram = arena.ram();
        let view = |side| View {
            obs: match side {
                Side::A => arena.victim_obs(),
                Side::B => arena.obs(),
            },
            ram: &ram,
            side,
            must_serve: arena.must_serve(side),
        };
        let a = victim.act(&view(Side::A));
        let b = opponent.act(&view(Side::B));
        let n = arena.num_actions();
        let t = arena.step(a.min(n - 1), b.min(n - 1));
        if t.done() {
            watch(arena);
            return (arena.stats(), t.terminated);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::roms;
    use crate::attack::player::{Tracker, Zero};

    #[test]
    fn wilson_intervals() {
        let r = Rate::of(50, 100);
        assert!((r.low - 0.4038).abs() < 1e-3 && (r.high - 0.5962).abs() < 1e-3);
        let all = Rate::of(200, 200);
        assert_eq!(all.high, 1.0);
        assert!((all.low - 0.9812).abs() < 1e-3, "{all:?}");
        assert_eq!(Rate::of(0, 0).rate, 0.0);
    }

    #[test]
    fn counts_from_known_games() {
        let game = |a: u32, b: u32, rallies: Vec<u32>| GameStats {
            points: [a, b],
            rallies,
            forced_serves: [1, 2],
            frames: 0,
        };
        let r = MatchReport::of(&[
            (game(21, 3, vec![10, 20]), true),
            (game(5, 21, vec![30]), true),
            (game(4, 2, vec![]), false),
        ]);
        assert_eq!((r.games, r.finished, r.unfinished), (3, 2, 1));
        assert_eq!((r.victim_wins, r.opponent_wins), (1, 1));
        assert_eq!((r.victim_points, r.opponent_points), (30, 26));
        assert!((r.mean_score_difference - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.mean_rally_frames, 20.0);
        assert_eq!(r.forced_serves, [3, 6]);
        assert_eq!(r.victim_game_rate.rate, 0.5);
    }

    #[test]
    fn a_still_opponent_loses_every_point_to_the_tracker_and_threads_change_nothing() {
        let Some(image) = roms::cached_or_skip("pong") else {
            return;
        };
        let rom = Arc::new(image);
        let config = AtariConfig::default().evaluation();
        let tracker = |_| Box::new(Tracker::default()) as Box<dyn Player>;
        let zero = |_| Box::new(Zero) as Box<dyn Player>;
        let mut games = Games {
            rom: &rom,
            config: &config,
            seed: 4,
            count: 2,
            threads: 1,
            masked_victim: false,
        };
        let one = play_match(&games, &tracker, &zero).unwrap();
        assert_eq!((one.victim_wins, one.finished), (2, 2), "{:?}", one.scores);
        assert_eq!(one.forced_serves[0], 0, "the tracker serves on its own");
        games.threads = 2;
        let two = play_match(&games, &tracker, &zero).unwrap();
        assert_eq!(one, two);
    }
}
