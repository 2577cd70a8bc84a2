//! Exploration schedules: epsilon as a function of the agent step.
//!
//! "Step" here is one agent decision (one `env.step` of a frame-skipping environment, i.e. what
//! Gym's `NoFrameskip-v4` + `MaxAndSkipEnv(4)` notebooks call a "frame"). The training loop owns
//! the counter; a schedule is a pure function of it so that resuming from a checkpoint resumes
//! the schedule exactly.

use serde::{Deserialize, Serialize};

/// Epsilon for epsilon-greedy action selection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EpsilonSchedule {
    /// `end + (start - end) * exp(-step / decay)`: the seed notebook's schedule
    /// (RL-Adventure style, `epsilon_by_frame`). `decay` is the e-folding time in steps.
    Exponential { start: f64, end: f64, decay: f64 },
    /// Straight line from `start` at step 0 to `end` at `steps`, then flat (DeepMind, Dopamine,
    /// CleanRL).
    Linear { start: f64, end: f64, steps: u64 },
    /// A fixed epsilon (evaluation, tests).
    Constant { value: f64 },
}

impl EpsilonSchedule {
    /// Checks that every epsilon lies in [0, 1] and the decay is positive.
    pub fn validate(&self) -> Result<(), String> {
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let ok = match *self {
            Self::Exponential { start, end, decay } => {
                unit(start) && unit(end) && decay.is_finite() && decay > 0.0
            }
            Self::Linear { start, end, .. } => unit(start) && unit(end),
            Self::Constant { value } => unit(value),
        };
        if ok {
            Ok(())
        } else {
            Err("epsilon: start, end and value must be between 0 and 1, decay positive".into())
        }
    }

    /// Epsilon at agent step `step` (0-based).
    pub fn value(&self, step: u64) -> f64 {
        match *self {
            Self::Exponential { start, end, decay } => {
                end + (start - end) * (-(step as f64) / decay).exp()
            }
            Self::Linear { start, end, steps } => {
                if steps == 0 || step >= steps {
                    end
                } else {
                    start + (end - start) * (step as f64 / steps as f64)
                }
            }
            Self::Constant { value } => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_matches_the_notebook_formula() {
        let s = EpsilonSchedule::Exponential {
            start: 1.0,
            end: 0.02,
            decay: 30_000.0,
        };
        assert_eq!(s.value(0), 1.0);
        let at = |f: f64| 0.02 + 0.98 * (-f / 30_000.0).exp();
        assert!((s.value(30_000) - at(30_000.0)).abs() < 1e-12);
        assert!((s.value(30_000) - 0.3805).abs() < 1e-3);
        assert!(s.value(300_000) < 0.0201);
    }

    #[test]
    fn linear_reaches_end_and_stays() {
        let s = EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.1,
            steps: 1_000_000,
        };
        assert_eq!(s.value(0), 1.0);
        assert!((s.value(500_000) - 0.55).abs() < 1e-12);
        assert_eq!(s.value(1_000_000), 0.1);
        assert_eq!(s.value(5_000_000), 0.1);
    }
}
