#!/usr/bin/env python3
"""Reference side of the ALE parity test: plays seeded random actions through the real ALE
(ale-py 0.12.1; frameskip 1, no sticky actions), resetting on game over, and writes

  - the actions file that `qarcade trace --actions` reads (one id per line, or `reset`), and
  - ALE's trace in `qarcade trace`'s JSON Lines format (RAM hex, SHA-1 of getScreenRGB()).

Each random action is held for 1-8 frames, drawn from all 18 ALE actions.
"""
import argparse
import hashlib
import json
import random

import ale_py
import numpy as np


def state(ale):
    ram = ale.getRAM().tobytes().hex()
    rgb = np.ascontiguousarray(ale.getScreenRGB())
    assert rgb.shape == (210, 160, 3), rgb.shape
    return ram, hashlib.sha1(rgb.tobytes()).hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rom", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--frames", type=int, required=True)
    p.add_argument("--mode", type=int)
    p.add_argument("--difficulty", type=int)
    p.add_argument("--actions-out", required=True)
    p.add_argument("--trace-out", required=True)
    a = p.parse_args()

    ale = ale_py.ALEInterface()
    ale.setLoggerMode(ale_py.LoggerMode.Error)
    ale.setInt("random_seed", 0)
    ale.setFloat("repeat_action_probability", 0.0)
    ale.setInt("frame_skip", 1)
    ale.loadROM(a.rom)
    if a.mode is not None or a.difficulty is not None:
        if a.mode is not None:
            ale.setMode(a.mode)
        if a.difficulty is not None:
            ale.setDifficulty(a.difficulty)
        ale.reset_game()

    rng = random.Random(a.seed)
    actions, lines = [], []
    ram, sha = state(ale)
    lines.append({"frame": 0, "reset": True, "ram": ram, "rgb_sha1": sha})
    frame, held, action = 0, 0, 0
    while frame < a.frames:
        if ale.game_over():
            ale.reset_game()
            actions.append("reset")
            ram, sha = state(ale)
            lines.append({"frame": frame, "reset": True, "ram": ram, "rgb_sha1": sha})
            continue
        if held == 0:
            action, held = rng.randrange(18), rng.randint(1, 8)
        held -= 1
        reward = ale.act(action)
        frame += 1
        actions.append(str(action))
        ram, sha = state(ale)
        lines.append({"frame": frame, "action": action, "reward": int(reward),
                      "game_over": bool(ale.game_over()), "lives": int(ale.lives()),
                      "ram": ram, "rgb_sha1": sha})

    with open(a.actions_out, "w") as f:
        f.write("\n".join(actions) + "\n")
    with open(a.trace_out, "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
