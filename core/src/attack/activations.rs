//! The victim's activations against an opponent (Gleave et al., section 5.2): what its last
//! hidden layer computes, step by step, in whole games. An adversary that wins by putting the
//! victim's input off the distribution it trained on shows up as activations unlike those a
//! normal opponent causes; `qarcade attack activations` fits the density model.

use super::arena::GameStats;
use super::player::{NetPlayer, Player, View};
use super::report::{play_game, Games};
use crate::ale::AleError;

/// One game's tallies and the victim's activations kept in it, in order.
pub type GameActivations = (GameStats, Vec<Vec<f32>>);

/// The victim playing greedily while keeping its activations of every `stride`-th decision.
struct Recording<'a> {
    victim: &'a NetPlayer,
    stride: usize,
    decisions: usize,
    kept: Vec<Vec<f32>>,
}

impl Player for Recording<'_> {
    fn act(&mut self, view: &View) -> usize {
        let (features, q) = self.victim.features_and_q(view.obs);
        if self.decisions.is_multiple_of(self.stride) {
            self.kept.push(features);
        }
        self.decisions += 1;
        crate::dqn::learner::argmax(&q)
    }
}

/// The victim's last-hidden-layer activations at every `stride`-th decision of whole games
/// against `opponent(game seed)`, with each game's tallies, in game order.
pub fn record(
    games: &Games,
    stride: usize,
    victim: &NetPlayer,
    opponent: &(dyn Fn(u64) -> Box<dyn Player> + Sync),
) -> Result<Vec<GameActivations>, AleError> {
    games.play(|seed, mut arena| {
        let mut recording = Recording {
            victim,
            stride: stride.max(1),
            decisions: 0,
            kept: Vec::new(),
        };
        let (stats, _) = play_game(&mut arena, &mut recording, &mut *opponent(seed));
        (stats, recording.kept)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::roms;
    use crate::attack::player::Zero;
    use crate::dqn::params::read_params;
    use crate::dqn::web_weights::{Dtype, WebWeights, WeightsHeader};
    use crate::dqn::{Device, NetConfig, QNetwork};
    use crate::env::AtariConfig;
    use std::sync::Arc;

    /// An untrained Pong-shaped victim (the 2013 network: a 256-wide hidden layer).
    fn victim() -> WebWeights {
        let net = NetConfig::dqn2013();
        let params = read_params(&QNetwork::new(&net, 6, &Device::flex(), 5));
        WebWeights {
            header: WeightsHeader {
                game: "pong".into(),
                architecture: net.describe(6),
                shapes: params.iter().map(|p| p.shape.clone()).collect(),
                net,
                action_set: vec![0, 1, 3, 4, 11, 12],
                dtype: Dtype::F32,
                trained_steps: 0,
                trained_minutes: None,
                eval_score: None,
            },
            params,
        }
    }

    #[test]
    fn recording_keeps_every_strided_decision_and_plays_as_the_victim() {
        let Some(rom) = roms::cached_or_skip("pong") else {
            return;
        };
        let rom = Arc::new(rom);
        let config = AtariConfig {
            max_episode_frames: 2_000,
            ..AtariConfig::default().evaluation()
        };
        let weights = victim();
        let player = NetPlayer::new(&weights);
        let zero = |_| Box::new(Zero) as Box<dyn Player>;
        let mut games = Games {
            rom: &rom,
            config: &config,
            seed: 3,
            count: 2,
            threads: 2,
            masked_victim: false,
        };
        let every = record(&games, 1, &player, &zero).unwrap();
        games.threads = 1;
        let fifth = record(&games, 5, &player, &zero).unwrap();
        assert_eq!(every.len(), 2);
        for ((stats, all), (stats5, kept)) in every.iter().zip(&fifth) {
            assert_eq!(
                stats, stats5,
                "the same games whatever the stride and threads"
            );
            assert!(all.len() > 400, "{} decisions in 2,000 frames", all.len());
            let strided: Vec<_> = all.iter().step_by(5).cloned().collect();
            assert_eq!(kept, &strided);
            assert!(
                all.iter().all(|h| h.len() == 256),
                "the hidden layer's width"
            );
            assert!(
                all.iter().flatten().all(|&x| x >= 0.0),
                "taken after the ReLU"
            );
        }
        // Recording does not change the victim's play.
        let (_, mut arena) = games.arena(0).unwrap();
        let (plain, _) = play_game(&mut arena, &mut NetPlayer::new(&weights), &mut Zero);
        assert_eq!(plain, every[0].0);
    }
}
