//! Reward clipping.

/// The sign of the reward: -1, 0 or +1. Mnih et al. clip rewards so that one learning
/// rate and one network suit every game, whatever its score scale. The raw reward is
/// still reported next to it (for episode returns).
pub fn clip_reward(reward: i32) -> f32 {
    reward.signum() as f32
}

#[cfg(test)]
mod tests {
    #[test]
    fn sign() {
        assert_eq!(super::clip_reward(0), 0.0);
        assert_eq!(super::clip_reward(7), 1.0);
        assert_eq!(super::clip_reward(-200), -1.0);
    }
}
