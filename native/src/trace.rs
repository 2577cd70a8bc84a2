//! `qarcade trace`: the parity contract with ALE. Plays a file of actions frame by frame
//! (frameskip 1, no sticky actions) and prints each frame's RAM and the SHA-1 of its RGB
//! screen as JSON Lines, in the same form `tests/ale_trace.py` prints them from ale-py.

use anyhow::{bail, Context, Result};
use qarcade_core::ale::{action, Ale};
use sha1::{Digest, Sha1};
use std::io::{BufWriter, Write};
use std::path::Path;

/// One line of an actions file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Player A's action id (0–17), and player B's (18–35; 18 = no-op).
    Act(u8, u8),
    /// `reset`: ALE's reset_game before the next frame.
    Reset,
}

/// Parses an actions file: one action id per line (`3`), optionally followed by player B's
/// id (`3 21` or `3,21`), or the word `reset`. Blank lines and `#` comments are skipped.
pub fn parse_actions(text: &str) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.eq_ignore_ascii_case("reset") {
            steps.push(Step::Reset);
            continue;
        }
        let mut parts = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty());
        let parse = |p: Option<&str>, lo: u8, hi: u8| -> Result<Option<u8>> {
            match p {
                None => Ok(None),
                Some(p) => match p.parse::<u8>() {
                    Ok(v) if (lo..=hi).contains(&v) => Ok(Some(v)),
                    _ => bail!(
                        "line {}: {p:?} is not an action id ({lo}–{hi}) or `reset`",
                        i + 1
                    ),
                },
            }
        };
        let a = parse(parts.next(), 0, 17)?.expect("non-empty line has a first field");
        let b = parse(
            parts.next(),
            action::PLAYER_B_OFFSET,
            action::PLAYER_B_OFFSET + 17,
        )?
        .unwrap_or(action::PLAYER_B_OFFSET);
        if parts.next().is_some() {
            bail!("line {}: expected at most two action ids", i + 1);
        }
        steps.push(Step::Act(a, b));
    }
    Ok(steps)
}

pub fn read_actions(path: &Path) -> Result<Vec<Step>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read actions file {}", path.display()))?;
    parse_actions(&text).with_context(|| format!("bad actions file {}", path.display()))
}

/// Writes the trace of `steps` played on `ale` to `out`.
pub fn trace(ale: &mut Ale, steps: &[Step], out: impl Write) -> Result<()> {
    let mut out = BufWriter::new(out);
    let mut rgb = Vec::new();
    let mut frame = 0u64;
    let state = |ale: &Ale, rgb: &mut Vec<u8>| {
        ale.screen_rgb(rgb);
        (hex::encode(ale.ram()), hex::encode(Sha1::digest(&rgb[..])))
    };
    let (ram, sha) = state(ale, &mut rgb);
    writeln!(
        out,
        r#"{{"frame":0,"reset":true,"ram":"{ram}","rgb_sha1":"{sha}"}}"#
    )?;
    for step in steps {
        match *step {
            Step::Reset => {
                ale.reset();
                let (ram, sha) = state(ale, &mut rgb);
                writeln!(
                    out,
                    r#"{{"frame":{frame},"reset":true,"ram":"{ram}","rgb_sha1":"{sha}"}}"#
                )?;
            }
            Step::Act(a, b) => {
                let reward = ale.act(a, b);
                frame += 1;
                let (ram, sha) = state(ale, &mut rgb);
                writeln!(
                    out,
                    r#"{{"frame":{frame},"action":{a},"reward":{reward},"game_over":{},"lives":{},"ram":"{ram}","rgb_sha1":"{sha}"}}"#,
                    ale.is_terminal(),
                    ale.lives()
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_actions_resets_and_player_b() {
        let steps = parse_actions("0\n3\n\n# comment\nreset\n11 21\n4,18\n").unwrap();
        assert_eq!(
            steps,
            vec![
                Step::Act(0, 18),
                Step::Act(3, 18),
                Step::Reset,
                Step::Act(11, 21),
                Step::Act(4, 18)
            ]
        );
    }

    #[test]
    fn rejects_bad_ids_with_the_line_number() {
        let err = parse_actions("0\n18\n").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(parse_actions("up\n").is_err());
        assert!(parse_actions("1 2\n").is_err(), "player B ids are 18–35");
    }
}
