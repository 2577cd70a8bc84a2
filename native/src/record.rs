//! `qarcade record RUN --out pong.gif`: a video of the agent playing one whole game, as the
//! seed notebook's `test.mp4`. Each agent step (4 emulator frames, ~15 per second) becomes
//! one GIF frame; the screen is ALE's, in the NTSC palette, shown at 2× size.

use crate::backend::Backend;
use crate::eval::load_agent;
use crate::rom;
use anyhow::{bail, Context, Result};
use qarcade_core::atari::palette;
use qarcade_core::dqn::Rng;
use qarcade_core::env::{for_dqn::DqnAtariEnv, AtariEnv};
use std::path::Path;

const WIDTH: usize = 160;
const HEIGHT: usize = 210;
const SCALE: usize = 2;

pub struct RecordArgs<'a> {
    pub run: &'a Path,
    pub out: &'a Path,
    pub epsilon: f64,
    pub seed: u64,
    /// Stop after this many agent steps even if the game goes on.
    pub max_steps: u32,
    pub backend: Backend,
}

/// Records one game; returns (score, agent steps).
pub fn record(args: RecordArgs) -> Result<(i64, u32)> {
    let (learner, game, cfg, _) = load_agent(args.run, args.backend)?;
    let (image, _) = rom::resolve(&game, true)?;
    let config = DqnAtariEnv::atari_config(&cfg.env, cfg.net.frame_stack).evaluation();
    let mut env = AtariEnv::new(&image, &config, args.seed).context("loading the game")?;
    env.reset();

    let mut gif = Gif::new()?;
    let mut rng = Rng::new(args.seed);
    let (mut score, mut steps) = (0i64, 0u32);
    loop {
        gif.push(env.screen().context("the env has no screen")?)?;
        if steps >= args.max_steps {
            break;
        }
        let a = learner.act(env.obs(), args.epsilon, &mut rng);
        let t = env.step(a);
        score += t.reward as i64;
        steps += 1;
        if t.done() {
            break;
        }
    }
    if steps == 0 {
        bail!("the game ended before the agent moved");
    }
    gif.save(args.out)?;
    Ok((score, steps))
}

/// A GIF of ALE screens, one per agent step (4 frames at 60 Hz: 7/100 s), at 2× size. The
/// 128 NTSC colours are its global palette: screen byte v is colour v / 2.
pub struct Gif {
    encoder: Option<gif::Encoder<Vec<u8>>>,
    pixels: Vec<u8>,
}

impl Gif {
    pub fn new() -> Result<Gif> {
        let mut pal = Vec::with_capacity(128 * 3);
        for i in 0..128u8 {
            pal.extend_from_slice(&palette::rgb(i << 1));
        }
        let (w, h) = ((WIDTH * SCALE) as u16, (HEIGHT * SCALE) as u16);
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &pal)?;
        encoder.set_repeat(gif::Repeat::Infinite)?;
        Ok(Gif {
            encoder: Some(encoder),
            pixels: vec![0u8; WIDTH * SCALE * HEIGHT * SCALE],
        })
    }

    /// Appends one 160×210 screen of TIA colours.
    pub fn push(&mut self, screen: &[u8]) -> Result<()> {
        for y in 0..HEIGHT * SCALE {
            for x in 0..WIDTH * SCALE {
                self.pixels[y * WIDTH * SCALE + x] = screen[(y / SCALE) * WIDTH + x / SCALE] >> 1;
            }
        }
        let (w, h) = ((WIDTH * SCALE) as u16, (HEIGHT * SCALE) as u16);
        let mut f = gif::Frame::from_indexed_pixels(w, h, self.pixels.clone(), None);
        f.delay = 7;
        self.encoder
            .as_mut()
            .expect("not saved yet")
            .write_frame(&f)?;
        Ok(())
    }

    /// Finishes the file and writes it atomically.
    pub fn save(mut self, path: &Path) -> Result<()> {
        let encoder = self.encoder.take().expect("saved once");
        crate::run_dir::write_atomic(path, &encoder.into_inner()?)
    }
}
