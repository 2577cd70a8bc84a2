//! The replay buffer against a naive reference: a log of whole episodes. Random episodes
//! (terminated, truncated by a new `start_episode`, running), a small ring that wraps many times,
//! stack 4, 3-step returns; every sampled row is checked against what the log says the
//! transition is: its stacked observation (first frame repeated before the episode start), action,
//! n-step return, `steps`, `done`, and the stacked observation `steps` later. Also checks that
//! every transition the reference calls sampleable is sampled (nothing valid is left out).

use qarcade_core::dqn::{ReplayBuffer, Rng};

const STACK: usize = 4;
const N: usize = 3;
const GAMMA: f32 = 0.9;

/// 4-byte frames carrying a unique id.
fn frame(id: u32) -> [u8; 4] {
    id.to_le_bytes()
}

fn id_of(plane: &[u8]) -> u32 {
    u32::from_le_bytes(plane.try_into().unwrap())
}

struct Episode {
    frames: Vec<u32>,
    actions: Vec<usize>,
    rewards: Vec<f32>,
    terminated: bool,
    /// Still running (the newest episode, not ended).
    running: bool,
}

#[test]
fn sampled_rows_match_a_log_of_episodes() {
    for (seed, cap) in [(1u64, 37usize), (2, 64), (3, 23), (4, 200)] {
        let mut rng = Rng::new(seed);
        let mut rb = ReplayBuffer::new(cap, 4, STACK, N, GAMMA);
        let mut eps: Vec<Episode> = Vec::new();
        let mut next_id = 1u32;
        let mut checked = 0usize;
        for round in 0..400 {
            // Act: continue the running episode, or start one (which truncates the old one).
            let start = eps.last().is_none_or(|e| !e.running) || rng.below(100) < 4;
            if start {
                if let Some(e) = eps.last_mut() {
                    e.running = false;
                }
                rb.start_episode(&frame(next_id));
                eps.push(Episode {
                    frames: vec![next_id],
                    actions: vec![],
                    rewards: vec![],
                    terminated: false,
                    running: true,
                });
                next_id += 1;
            }
            let e = eps.last_mut().unwrap();
            let a = rng.below(6) as usize;
            let r = rng.below(3) as f32 - 1.0;
            let term = rng.below(100) < 8;
            rb.push(a, r, &frame(next_id), term);
            e.frames.push(next_id);
            e.actions.push(a);
            e.rewards.push(r);
            if term {
                e.terminated = true;
                e.running = false;
            }
            next_id += 1;
            if round < 20 {
                continue;
            }

            // Oldest frame id still stored: the last `min(len, cap)` frames written.
            let oldest = next_id - rb.len() as u32;
            // Reference set of sampleable transitions (first frame id of each).
            let mut valid = std::collections::BTreeSet::new();
            for e in &eps {
                let t_count = e.actions.len();
                for t in 0..t_count {
                    let first_needed = e.frames[t.saturating_sub(STACK - 1)];
                    if first_needed < oldest {
                        continue;
                    }
                    if e.running && t + N > t_count {
                        continue;
                    }
                    valid.insert(e.frames[t]);
                }
            }
            let Some(b) = rb.try_sample(64, &mut rng) else {
                assert!(valid.is_empty());
                continue;
            };
            let ol = STACK * 4;
            let mut seen = std::collections::BTreeSet::new();
            for s in 0..b.size {
                let obs: Vec<u32> = b.obs[s * ol..(s + 1) * ol].chunks(4).map(id_of).collect();
                let nxt: Vec<u32> = b.next_obs[s * ol..(s + 1) * ol]
                    .chunks(4)
                    .map(id_of)
                    .collect();
                let id = obs[STACK - 1];
                assert!(
                    valid.contains(&id),
                    "seed {seed}: sampled invalid transition {id}"
                );
                seen.insert(id);
                let e = eps.iter().find(|e| e.frames.contains(&id)).unwrap();
                let t = e.frames.iter().position(|&f| f == id).unwrap();
                let stack_at = |t: usize| -> Vec<u32> {
                    (0..STACK)
                        .map(|m| e.frames[(t + m).saturating_sub(STACK - 1)])
                        .collect()
                };
                let t_count = e.actions.len();
                let steps = N.min(t_count - t);
                let done = e.terminated && t + steps == t_count;
                let ret: f32 = (0..steps)
                    .map(|i| GAMMA.powi(i as i32) * e.rewards[t + i])
                    .sum();
                assert_eq!(obs, stack_at(t), "seed {seed}: obs of {id}");
                assert_eq!(b.actions[s] as usize, e.actions[t]);
                assert_eq!(b.steps[s] as usize, steps, "seed {seed}: steps of {id}");
                assert_eq!(b.dones[s], done, "seed {seed}: done of {id}");
                assert!(
                    (b.returns[s] - ret).abs() < 1e-6,
                    "seed {seed}: return of {id}"
                );
                assert_eq!(nxt, stack_at(t + steps), "seed {seed}: next_obs of {id}");
                checked += 1;
            }
            // Every valid transition turns up over a few batches (uniform sampling).
            if round % 50 == 0 && valid.len() <= 200 {
                for _ in 0..200 {
                    let b = rb.try_sample(64, &mut rng).unwrap();
                    for s in 0..b.size {
                        seen.insert(id_of(&b.obs[s * ol + (STACK - 1) * 4..(s + 1) * ol]));
                    }
                }
                assert_eq!(
                    seen, valid,
                    "seed {seed}: some valid transitions never sampled"
                );
            }
        }
        assert!(checked > 10_000);
    }
}
