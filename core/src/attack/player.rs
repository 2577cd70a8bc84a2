//! The players of two-player Pong: anything that, shown the game, picks an action.
//!
//! Every player picks among Pong's six minimal actions (indices: NOOP, FIRE, RIGHT (up),
//! LEFT (down), RIGHTFIRE, LEFTFIRE) once per agent step (4 frames), for either paddle.

use crate::ale::pong_versus::{ball, Side};
use crate::dqn::model::frames_to_input;
use crate::dqn::params::host_vec;
use crate::dqn::web_weights::WebWeights;
use crate::dqn::{learner::argmax, Device, NetConfig, QNetwork, Rng};

/// Pong's minimal action indices.
pub const NOOP: usize = 0;
pub const FIRE: usize = 1;
/// Raises the paddle (ALE's RIGHT on Pong's paddle controller).
pub const UP: usize = 2;
/// Lowers the paddle.
pub const DOWN: usize = 3;
/// Actions a player chooses from.
pub const N_ACTIONS: usize = 6;

/// What a player is shown before each of its decisions.
pub struct View<'a> {
    /// The observation the DQN preprocessing gives: 4 stacked 84×84 frames, oldest first.
    /// Both players see the same screen (it is not mirrored).
    pub obs: &'a [u8],
    /// The console's RAM: for scripted players only (a learned player sees pixels alone).
    pub ram: &'a [u8; 128],
    /// The paddle this player holds.
    pub side: Side,
    /// Whether the game waits for this player to serve (press FIRE).
    pub must_serve: bool,
}

/// A player: picks an action for the next agent step.
pub trait Player: Send {
    fn act(&mut self, view: &View) -> usize;
}

/// No control (Gleave et al.'s "Zero"): the paddle never moves and serves only when the serve
/// rule forces it.
#[derive(Clone, Debug, Default)]
pub struct Zero;

impl Player for Zero {
    fn act(&mut self, _view: &View) -> usize {
        NOOP
    }
}

/// Uniformly random actions (Gleave et al.'s "Rand"), from its own seeded stream.
#[derive(Clone, Debug)]
pub struct Rand {
    rng: Rng,
}

impl Rand {
    pub fn new(seed: u64) -> Rand {
        Rand {
            rng: Rng::new(seed),
        }
    }
}

impl Player for Rand {
    fn act(&mut self, _view: &View) -> usize {
        self.rng.below(N_ACTIONS as u64) as usize
    }
}

/// A scripted "normal" player: moves its paddle towards the ball's height (read from RAM) as it
/// was `reaction` agent steps ago, back to the middle when there is no ball, and serves as soon
/// as it may.
///
/// With no delay it is superhuman: it reaches every ball, and rallies against the victim run
/// for thousands of frames. A person reacts to what they see in about 200 ms (12 frames, 3
/// agent steps), so [`Tracker::human`] sees the ball that late: a "normal" opponent.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    reaction: usize,
    /// The ball's height over the last `reaction + 1` decisions, oldest first.
    seen: std::collections::VecDeque<Option<u8>>,
}

impl Tracker {
    /// Paddle rows the tracker tolerates before it moves (a paddle spans ~16 rows).
    const DEAD_ZONE: i32 = 4;
    /// Where the paddle waits between points (the RAM y of a centred paddle).
    const MIDDLE: i32 = 120;
    /// A person's visual reaction time, ~200 ms, in agent steps (4 frames at 60 Hz each).
    pub const HUMAN_REACTION: usize = 3;

    /// A tracker that sees the ball `reaction` agent steps late (0: as it is now).
    pub fn new(reaction: usize) -> Tracker {
        Tracker {
            reaction,
            seen: Default::default(),
        }
    }

    /// The "normal" opponent: a tracker with a person's reaction time.
    pub fn human() -> Tracker {
        Tracker::new(Self::HUMAN_REACTION)
    }
}

impl Player for Tracker {
    fn act(&mut self, view: &View) -> usize {
        self.seen.push_back(ball(view.ram).map(|(_, y)| y));
        while self.seen.len() > self.reaction + 1 {
            self.seen.pop_front();
        }
        if view.must_serve {
            return FIRE;
        }
        // Until it has seen `reaction` steps, it acts on the oldest sight it has.
        let target = self.seen[0].map_or(Self::MIDDLE, |y| y as i32);
        let gap = target - view.side.paddle_y(view.ram) as i32;
        if gap > Self::DEAD_ZONE {
            DOWN
        } else if gap < -Self::DEAD_ZONE {
            UP
        } else {
            NOOP
        }
    }
}

/// A frozen Q-network playing greedily: the victim. It is given the observation only (never
/// the RAM) and gives back only its action: black-box access, as in the paper.
#[derive(Clone, Debug)]
pub struct NetPlayer {
    net: QNetwork,
    cfg: NetConfig,
    device: Device,
}

impl NetPlayer {
    /// The network of exported weights (`qarcade export`), on the CPU. Weights for another
    /// game or action set are the caller's to refuse ([`WebWeights::expect`]).
    pub fn new(weights: &WebWeights) -> NetPlayer {
        let device = Device::flex();
        NetPlayer {
            net: weights.network(&device),
            cfg: weights.header.net.clone(),
            device,
        }
    }

    /// The network's Q-values for one observation.
    pub fn q_values(&self, obs: &[u8]) -> Vec<f32> {
        host_vec(
            self.net
                .forward(frames_to_input(obs, 1, &self.cfg, &self.device)),
        )
    }

    /// The last hidden layer's activations (what the output layer reads) and the Q-values for
    /// one observation, from one pass.
    pub fn features_and_q(&self, obs: &[u8]) -> (Vec<f32>, Vec<f32>) {
        let (h, q) =
            self.net
                .forward_with_features(frames_to_input(obs, 1, &self.cfg, &self.device));
        (host_vec(h), host_vec(q))
    }
}

impl Player for NetPlayer {
    fn act(&mut self, view: &View) -> usize {
        argmax(&self.q_values(view.obs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ale::pong_versus::ram;

    fn view(ram: &[u8; 128], side: Side, must_serve: bool) -> View<'_> {
        View {
            obs: &[],
            ram,
            side,
            must_serve,
        }
    }

    #[test]
    fn the_tracker_follows_the_ball_and_serves() {
        let mut r = [0u8; 128];
        r[ram::LEFT_Y] = 100;
        r[ram::RIGHT_Y] = 60;
        r[ram::BALL_X] = 80;
        r[ram::BALL_Y] = 150;
        let mut t = Tracker::default();
        assert_eq!(
            t.act(&view(&r, Side::B, false)),
            DOWN,
            "ball below B's paddle"
        );
        r[ram::BALL_Y] = 40;
        assert_eq!(
            t.act(&view(&r, Side::B, false)),
            UP,
            "ball above B's paddle"
        );
        assert_eq!(t.act(&view(&r, Side::A, false)), UP, "A's paddle is at 60");
        r[ram::BALL_Y] = 62;
        assert_eq!(
            t.act(&view(&r, Side::A, false)),
            NOOP,
            "level with A's paddle"
        );
        assert_eq!(t.act(&view(&r, Side::A, true)), FIRE);
    }

    #[test]
    fn a_slow_tracker_acts_on_where_the_ball_was() {
        let mut r = [0u8; 128];
        r[ram::LEFT_Y] = 100;
        r[ram::BALL_X] = 80;
        let mut t = Tracker::new(2);
        let mut moves = Vec::new();
        for y in [150, 40, 40, 40] {
            r[ram::BALL_Y] = y;
            moves.push(t.act(&view(&r, Side::B, false)));
        }
        // The ball jumps above the paddle at step 2; the tracker sees it two steps later.
        assert_eq!(moves, [DOWN, DOWN, DOWN, UP]);
        assert_eq!(Tracker::human().reaction, Tracker::HUMAN_REACTION);
    }

    #[test]
    fn rand_is_seeded_and_uses_every_action() {
        let r = [0u8; 128];
        let draw = |seed| {
            let mut p = Rand::new(seed);
            (0..300)
                .map(|_| p.act(&view(&r, Side::B, false)))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
        for a in 0..N_ACTIONS {
            assert!(draw(3).contains(&a));
        }
    }
}
