//! The summary of a set of whole-game scores, as `qarcade eval`, the evaluations inside
//! training and the committed `eval.json` files all report it.

use serde::{Deserialize, Serialize};

use super::trainer::Played;

/// Scores of whole games and what a reader wants from them at a glance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    /// Every game's score, in the order the games were started.
    pub scores: Vec<i64>,
    pub mean: f64,
    /// Population standard deviation (over these games, not an estimate for others).
    pub std: f64,
    pub min: i64,
    pub max: i64,
    /// Fraction of games with a positive score (in Pong: games won).
    pub win_rate: f64,
    /// Mean times per game the agent returned the ball (Pong), when the games report it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ball_returns: Option<f64>,
    /// Of the points won, the fraction won with at most one touch of the ball (see
    /// [`Played::one_touch_wins`]), when the games report returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_touch_wins: Option<f64>,
}

impl ScoreSummary {
    /// The summary of `scores`; all zeros for no games.
    pub fn of(scores: Vec<i64>) -> Self {
        let n = scores.len().max(1) as f64;
        let mean = scores.iter().sum::<i64>() as f64 / n;
        let var = scores
            .iter()
            .map(|&s| (s as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        ScoreSummary {
            mean,
            std: var.sqrt(),
            min: scores.iter().copied().min().unwrap_or(0),
            max: scores.iter().copied().max().unwrap_or(0),
            win_rate: scores.iter().filter(|&&s| s > 0).count() as f64 / n,
            scores,
            ball_returns: None,
            one_touch_wins: None,
        }
    }

    /// The summary of played games, with their mean ball returns where any were seen (games
    /// without a ball report none, and the field stays out of their JSON).
    pub fn of_games(games: &[Played]) -> Self {
        let mut s = Self::of(games.iter().map(|g| g.score as i64).collect());
        let returns: u64 = games.iter().map(|g| g.returns).sum();
        if returns > 0 {
            s.ball_returns = Some(returns as f64 / games.len() as f64);
            let won: u64 = games.iter().map(|g| g.points_won).sum();
            let one_touch: u64 = games.iter().map(|g| g.one_touch_wins).sum();
            s.one_touch_wins = Some(one_touch as f64 / won.max(1) as f64);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_and_one_touch_wins_only_where_games_report_returns() {
        let game = |score: f64, returns, points_won, one_touch_wins| Played {
            score,
            length: 100,
            returns,
            points_won,
            one_touch_wins,
        };
        let s = ScoreSummary::of_games(&[game(3.0, 10, 6, 2), game(-1.0, 4, 2, 2)]);
        assert_eq!(
            (s.mean, s.ball_returns, s.one_touch_wins),
            (1.0, Some(7.0), Some(0.5))
        );
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"ball_returns\":7.0"), "{json}");
        // A game without a ball reports neither, and its JSON does not mention them.
        let s = ScoreSummary::of_games(&[game(5.0, 0, 5, 0)]);
        assert_eq!((s.ball_returns, s.one_touch_wins), (None, None));
        assert!(!serde_json::to_string(&s).unwrap().contains("returns"));
    }

    #[test]
    fn summarises_wins_losses_and_spread() {
        let s = ScoreSummary::of(vec![21, -3, 5, -21]);
        assert_eq!((s.mean, s.min, s.max, s.win_rate), (0.5, -21, 21, 0.5));
        assert!((s.std - 15.1245).abs() < 1e-3, "{}", s.std);
        assert_eq!(s.scores, vec![21, -3, 5, -21]);
        let none = ScoreSummary::of(vec![]);
        assert_eq!((none.mean, none.std, none.win_rate), (0.0, 0.0, 0.0));
    }
}
