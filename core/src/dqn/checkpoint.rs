//! Save and restore a whole DQN run: weights, target weights, Adam state, counters, RNG state,
//! config, and optionally the replay buffer.
//!
//! File layout (little-endian):
//!
//! ```text
//! "QARCDQN\0"  format version: u32  header length: u64  header (JSON)
//! body: online params, target params, Adam m, Adam v (f32), the envs' acting state (each
//!       env's frame stack, running episode and own state), then the replay buffer if any
//! checksum: u64 FNV-1a of every byte before it
//! ```
//!
//! The header names the architecture (`NetConfig::describe`), action count and game, so loading
//! weights into the wrong network fails with one line, before any tensor is touched. Saving
//! writes a temporary file in the same directory, syncs it, and renames it over the target, so
//! a crash never leaves a half-written checkpoint and loading never writes anything.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::adam::Adam;
use super::config::Config;
use super::learner::{Learner, LearnerState};
use super::params::ParamData;
use super::rng::Rng;
use super::trainer::{Counters, Env, Trainer};
use super::vec_replay::VecReplay;

const MAGIC: &[u8; 8] = b"QARCDQN\0";
/// The format this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;

/// Why a checkpoint could not be saved or loaded. Every variant prints as one line.
#[derive(Debug, Error)]
pub enum CheckpointError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        // Not `source`: the message already says it, and `{e:#}` would print it twice.
        error: std::io::Error,
    },
    #[error("{path}: not a qarcade DQN checkpoint")]
    Foreign { path: PathBuf },
    #[error(
        "{path}: checkpoint format version {found}; this build reads version {FORMAT_VERSION}"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("{path}: truncated checkpoint ({actual} bytes, expected {expected})")]
    Truncated {
        path: PathBuf,
        actual: u64,
        expected: u64,
    },
    #[error("{path}: checkpoint checksum mismatch (file corrupted)")]
    Checksum { path: PathBuf },
    #[error("{path}: corrupt checkpoint: {what}")]
    Corrupt { path: PathBuf, what: String },
    #[error("{path}: checkpoint is for network {found:?}, expected {expected:?}")]
    Architecture {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{path}: checkpoint is for game {found:?}, expected {expected:?}")]
    Game {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Header {
    game: String,
    architecture: String,
    n_actions: usize,
    config: Config,
    counters: Counters,
    rng: [u64; 4],
    updates: u64,
    adam_step: u64,
    param_shapes: Vec<Vec<usize>>,
    has_target: bool,
    has_adam_moments: bool,
    /// Bytes of the envs' acting state.
    lanes_bytes: u64,
    /// Bytes of the replay section (0 = none).
    replay_bytes: u64,
}

impl Header {
    fn param_floats(&self) -> u64 {
        self.param_shapes
            .iter()
            .map(|s| s.iter().product::<usize>() as u64)
            .sum()
    }

    fn body_len(&self) -> u64 {
        let sets = 1 + self.has_target as u64 + 2 * self.has_adam_moments as u64;
        (sets * self.param_floats() * 4)
            .saturating_add(self.lanes_bytes)
            .saturating_add(self.replay_bytes)
    }
}

/// 64-bit FNV-1a over a stream, as a `Write` adapter.
struct Hashing<W> {
    inner: W,
    hash: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ b as u64).wrapping_mul(FNV_PRIME);
    }
    hash
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash = fnv(self.hash, &buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash = fnv(self.hash, &buf[..n]);
        Ok(n)
    }
}

fn read_f32s(r: &mut impl Read, n: usize) -> std::io::Result<Vec<f32>> {
    let mut bytes = vec![0u8; n * 4];
    r.read_exact(&mut bytes)?;
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect())
}

fn write_f32s(w: &mut impl Write, xs: &[f32]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(xs.len() * 4);
    for x in xs {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    w.write_all(&bytes)
}

/// Saves `trainer`'s run for `game` to `path` atomically. With `include_replay` the replay
/// buffer goes in too (up to 7 GB for 1M transitions, streamed: no second copy in memory), so
/// a resumed run continues exactly.
pub fn save<E: Env>(
    path: &Path,
    game: &str,
    trainer: &Trainer<E>,
    include_replay: bool,
) -> Result<(), CheckpointError> {
    let io = |source| CheckpointError::Io {
        path: path.to_path_buf(),
        error: source,
    };
    let state = trainer.learner.state();
    let mut lanes = Vec::new();
    trainer.write_lanes(&mut lanes).map_err(io)?;
    let header = Header {
        game: game.to_string(),
        architecture: trainer.cfg.net.describe(trainer.learner.n_actions()),
        n_actions: trainer.learner.n_actions(),
        config: trainer.cfg.clone(),
        counters: trainer.counters,
        rng: trainer.rng.state(),
        updates: state.updates,
        adam_step: state.adam.step,
        param_shapes: state.online.iter().map(|p| p.shape.clone()).collect(),
        has_target: state.target.is_some(),
        has_adam_moments: !state.adam.m.is_empty(),
        lanes_bytes: lanes.len() as u64,
        replay_bytes: if include_replay {
            trainer.replay.serialized_len()
        } else {
            0
        },
    };
    let header_json = serde_json::to_vec(&header).expect("header serializes");

    crate::atomic::write_atomic_with(path, |file| {
        let mut w = Hashing {
            inner: file,
            hash: FNV_OFFSET,
        };
        w.write_all(MAGIC)?;
        w.write_all(&FORMAT_VERSION.to_le_bytes())?;
        w.write_all(&(header_json.len() as u64).to_le_bytes())?;
        w.write_all(&header_json)?;
        for p in &state.online {
            write_f32s(&mut w, &p.values)?;
        }
        for p in state.target.iter().flatten() {
            write_f32s(&mut w, &p.values)?;
        }
        for m in state.adam.m.iter().chain(&state.adam.v) {
            write_f32s(&mut w, m)?;
        }
        w.write_all(&lanes)?;
        if include_replay {
            trainer.replay.write_to(&mut w)?;
        }
        let hash = w.hash;
        w.inner.write_all(&hash.to_le_bytes())
    })
    .map_err(io)
}

/// A loaded checkpoint: everything needed to rebuild a [`Trainer`] or just a [`Learner`].
pub struct Checkpoint {
    pub game: String,
    pub architecture: String,
    pub n_actions: usize,
    pub config: Config,
    pub counters: Counters,
    pub rng: Rng,
    pub learner: LearnerState,
    /// The envs' acting state ([`Trainer::write_lanes`]).
    pub lanes: Vec<u8>,
    pub replay: Option<VecReplay>,
    path: PathBuf,
}

/// Reads and verifies `path` (magic, version, length, header, checksum), streaming (a 7 GB
/// replay section is read once, into the buffer). Never panics on a bad file and never writes.
pub fn load(path: &Path) -> Result<Checkpoint, CheckpointError> {
    let p = || path.to_path_buf();
    let io = |source| CheckpointError::Io {
        path: p(),
        error: source,
    };
    let file = File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let mut r = Hashing {
        inner: BufReader::new(file),
        hash: FNV_OFFSET,
    };
    let truncated = |expected: u64| CheckpointError::Truncated {
        path: p(),
        actual: file_len,
        expected,
    };
    let corrupt = |what: String| CheckpointError::Corrupt { path: p(), what };

    let mut magic = [0u8; 8];
    let have = (file_len as usize).min(8);
    r.read_exact(&mut magic[..have]).map_err(io)?;
    if magic[..have] != MAGIC[..have] {
        return Err(CheckpointError::Foreign { path: p() });
    }
    if file_len < 20 {
        return Err(truncated(20));
    }
    let mut word = [0u8; 8];
    r.read_exact(&mut word[..4]).map_err(io)?;
    let version = u32::from_le_bytes(word[..4].try_into().unwrap());
    if version != FORMAT_VERSION {
        return Err(CheckpointError::Version {
            path: p(),
            found: version,
        });
    }
    r.read_exact(&mut word).map_err(io)?;
    let header_end = 20u64.saturating_add(u64::from_le_bytes(word));
    if file_len < header_end.saturating_add(8) {
        return Err(truncated(header_end.saturating_add(8)));
    }
    let mut header_json = vec![0u8; (header_end - 20) as usize];
    r.read_exact(&mut header_json).map_err(io)?;
    let header: Header =
        serde_json::from_slice(&header_json).map_err(|e| corrupt(format!("header: {e}")))?;
    header
        .config
        .validate()
        .map_err(|e| corrupt(format!("config: {e}")))?;
    let expected = header_end
        .saturating_add(header.body_len())
        .saturating_add(8);
    if file_len < expected {
        return Err(truncated(expected));
    }
    if file_len > expected {
        return Err(corrupt(format!("{} trailing bytes", file_len - expected)));
    }
    if header.architecture != header.config.net.describe(header.n_actions) {
        return Err(corrupt(
            "header architecture disagrees with its config".into(),
        ));
    }

    let lens: Vec<usize> = header
        .param_shapes
        .iter()
        .map(|s| s.iter().product())
        .collect();
    let params = |r: &mut Hashing<_>| -> std::io::Result<Vec<ParamData>> {
        header
            .param_shapes
            .iter()
            .zip(&lens)
            .map(|(s, &n)| {
                Ok(ParamData {
                    shape: s.clone(),
                    values: read_f32s(r, n)?,
                })
            })
            .collect()
    };
    let online = params(&mut r).map_err(io)?;
    let target = if header.has_target {
        Some(params(&mut r).map_err(io)?)
    } else {
        None
    };
    let mut adam = Adam::new(header.config.adam, header.config.max_grad_norm);
    adam.step = header.adam_step;
    if header.has_adam_moments {
        for moments in [&mut adam.m, &mut adam.v] {
            *moments = lens
                .iter()
                .map(|&n| read_f32s(&mut r, n))
                .collect::<std::io::Result<_>>()
                .map_err(io)?;
        }
    }
    if header.lanes_bytes > 1 << 32 {
        return Err(corrupt("env state section too large".into()));
    }
    let mut lanes = vec![0u8; header.lanes_bytes as usize];
    r.read_exact(&mut lanes).map_err(io)?;
    let replay = if header.replay_bytes > 0 {
        Some(
            VecReplay::read_from(&mut r, header.replay_bytes)
                .map_err(|e| corrupt(format!("replay: {e}")))?,
        )
    } else {
        None
    };
    let computed = r.hash;
    let mut stored = [0u8; 8];
    r.inner.read_exact(&mut stored).map_err(io)?;
    if u64::from_le_bytes(stored) != computed {
        return Err(CheckpointError::Checksum { path: p() });
    }
    Ok(Checkpoint {
        game: header.game,
        architecture: header.architecture,
        n_actions: header.n_actions,
        config: header.config,
        counters: header.counters,
        rng: Rng::from_state(header.rng),
        learner: LearnerState {
            online,
            target,
            adam,
            updates: header.updates,
        },
        lanes,
        replay,
        path: path.to_path_buf(),
    })
}

impl Checkpoint {
    /// Fails unless this checkpoint is for `game` and a network described as `architecture`
    /// (see [`NetConfig::describe`](super::model::NetConfig::describe)).
    pub fn expect(&self, game: &str, architecture: &str) -> Result<(), CheckpointError> {
        if self.architecture != architecture {
            return Err(CheckpointError::Architecture {
                path: self.path.clone(),
                found: self.architecture.clone(),
                expected: architecture.to_string(),
            });
        }
        if self.game != game {
            return Err(CheckpointError::Game {
                path: self.path.clone(),
                found: self.game.clone(),
                expected: game.to_string(),
            });
        }
        Ok(())
    }

    /// The learner alone (for evaluation / play), on `device`.
    pub fn into_learner(self, device: &Device) -> Result<Learner, CheckpointError> {
        let mut learner = Learner::new(&self.config, self.n_actions, device);
        let path = self.path;
        learner
            .set_state(self.learner)
            .map_err(|what| CheckpointError::Corrupt { path, what })?;
        Ok(learner)
    }

    /// The whole trainer over `envs`, resuming at the saved step with the saved RNG state,
    /// each env's saved state and running episode, and (if saved) the replay buffer. Without
    /// the replay the episodes go on and learning waits for the buffer to refill.
    pub fn into_trainer<E: Env>(
        mut self,
        device: &Device,
        envs: Vec<E>,
    ) -> Result<Trainer<E>, CheckpointError> {
        let path = self.path.clone();
        let corrupt = |what: String| CheckpointError::Corrupt {
            path: path.clone(),
            what,
        };
        self.config.validate().map_err(&corrupt)?;
        if envs.len() != self.config.num_envs {
            return Err(corrupt(format!(
                "{} envs given for a run of {}",
                envs.len(),
                self.config.num_envs
            )));
        }
        let (cfg, counters, rng) = (self.config.clone(), self.counters, self.rng.clone());
        let replay = self.replay.take();
        let lanes = std::mem::take(&mut self.lanes);
        let learner = self.into_learner(device)?;
        let mut t = Trainer::with_learner(cfg, learner, envs);
        t.counters = counters;
        t.rng = rng;
        let limit = lanes.len() as u64;
        t.read_lanes(&mut lanes.as_slice(), limit)
            .map_err(&corrupt)?;
        match replay {
            Some(r) if r.lanes() == t.cfg.num_envs && r.capacity() == t.replay.capacity() => {
                t.replay = r
            }
            Some(_) => return Err(corrupt("replay does not fit the config".into())),
            None => t.restart_replay_episodes(),
        }
        Ok(t)
    }
}
