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
    let config = DqnAtariEnv::atari_config(&cfg.env).evaluation();
    let mut env = AtariEnv::new(&image, &config, args.seed).context("loading the game")?;
    env.reset();

    // The 128 NTSC colours are the GIF's global palette: pixel byte v is colour v / 2.
    let mut pal = Vec::with_capacity(128 * 3);
    for i in 0..128u8 {
        pal.extend_from_slice(&palette::rgb(i << 1));
    }
    let mut bytes = Vec::new();
    {
        let (w, h) = ((WIDTH * SCALE) as u16, (HEIGHT * SCALE) as u16);
        let mut enc = gif::Encoder::new(&mut bytes, w, h, &pal)?;
        enc.set_repeat(gif::Repeat::Infinite)?;
        let mut rng = Rng::new(args.seed);
        let mut frame_px = vec![0u8; WIDTH * SCALE * HEIGHT * SCALE];
        let (mut score, mut steps) = (0i64, 0u32);
        loop {
            let screen = env.screen().context("the env has no screen")?;
            for y in 0..HEIGHT * SCALE {
                for x in 0..WIDTH * SCALE {
                    frame_px[y * WIDTH * SCALE + x] = screen[(y / SCALE) * WIDTH + x / SCALE] >> 1;
                }
            }
            let mut f = gif::Frame::from_indexed_pixels(w, h, frame_px.clone(), None);
            f.delay = 7; // hundredths of a second: 4 frames at 60 Hz
            enc.write_frame(&f)?;
            if steps >= args.max_steps {
                break;
            }
            let a = learner.act(env.obs(), args.epsilon, &mut rng);
            let t = env.step(a);
            score += t.raw_reward as i64;
            steps += 1;
            if t.done() {
                break;
            }
        }
        if steps == 0 {
            bail!("the game ended before the agent moved");
        }
        drop(enc);
        crate::run_dir::write_atomic(args.out, &bytes)?;
        Ok((score, steps))
    }
}
