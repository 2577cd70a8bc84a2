#!/usr/bin/env python3
"""Reference side of the preprocessing parity test (tests/tests/preprocessing_parity.rs).

Needs ale-py 0.12.1, numpy, gymnasium and opencv-python-headless. Two modes, both writing
plain binary files that the Rust test reads:

  resize    Images and what `cv2.resize(img, (84, 84), interpolation=cv2.INTER_AREA)` makes
            of them: ALE grayscale screens from seeded random play (each single frame and
            the max of each consecutive pair, as the frame-skip max-pool makes them), then
            seeded uniform noise (a much harsher test of rounding).
            Record: u8 kind (0 = screen, 1 = noise), 210*160 input bytes, 84*84 output bytes.

  pipeline  gymnasium's AtariPreprocessing(frame_skip=4, noop_max=0, screen_size=84,
            grayscale_obs=True, terminal_on_life_loss=False) over an ALE env with
            frameskip=1 and no sticky actions, driven by seeded random actions; the episode
            is reset when it ends. Record: u8 action index (255 = a reset), i32 LE reward,
            u8 terminated, u8 truncated, 84*84 observation bytes.
"""
import argparse
import random
import struct

import ale_py
import cv2
import gymnasium as gym
import numpy as np

SIZE = (84, 84)


def area(img):
    return cv2.resize(img, SIZE, interpolation=cv2.INTER_AREA)


def resize_cases(a):
    ale = ale_py.ALEInterface()
    ale.setLoggerMode(ale_py.LoggerMode.Error)
    ale.setInt("random_seed", 0)
    ale.setFloat("repeat_action_probability", 0.0)
    ale.loadROM(a.rom)
    actions = ale.getMinimalActionSet()
    rng = random.Random(a.seed)
    with open(a.out, "wb") as f:

        def put(kind, img):
            img = np.ascontiguousarray(img, dtype=np.uint8)
            assert img.shape == (210, 160), img.shape
            f.write(bytes([kind]) + img.tobytes() + area(img).tobytes())

        prev = ale.getScreenGrayscale()
        put(0, prev)
        for _ in range(a.frames):
            if ale.game_over():
                ale.reset_game()
            ale.act(actions[rng.randrange(len(actions))])
            cur = ale.getScreenGrayscale()
            put(0, cur)
            put(0, np.maximum(prev, cur))
            prev = cur
        noise = np.random.default_rng(a.seed)
        for _ in range(a.noise):
            put(1, noise.integers(0, 256, size=(210, 160), dtype=np.uint8))


def pipeline(a):
    gym.register_envs(ale_py)
    env = gym.make(
        a.env,
        frameskip=1,
        repeat_action_probability=0.0,
        full_action_space=False,
    )
    env = gym.wrappers.AtariPreprocessing(
        env,
        noop_max=0,
        frame_skip=4,
        screen_size=84,
        terminal_on_life_loss=False,
        grayscale_obs=True,
    )
    n = env.action_space.n
    rng = random.Random(a.seed)
    with open(a.out, "wb") as f:

        def put(action, reward, terminated, truncated, obs):
            assert obs.shape == SIZE and obs.dtype == np.uint8, (obs.shape, obs.dtype)
            f.write(struct.pack("<BiBB", action, int(reward), terminated, truncated))
            f.write(np.ascontiguousarray(obs).tobytes())

        obs, _ = env.reset(seed=a.seed)
        put(255, 0, 0, 0, obs)
        for _ in range(a.steps):
            action = rng.randrange(n)
            obs, reward, terminated, truncated, _ = env.step(action)
            put(action, reward, terminated, truncated, obs)
            if terminated or truncated:
                obs, _ = env.reset()
                put(255, 0, 0, 0, obs)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("resize")
    r.add_argument("--rom", required=True)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--frames", type=int, default=500)
    r.add_argument("--noise", type=int, default=200)
    r.add_argument("--out", required=True)
    q = sub.add_parser("pipeline")
    q.add_argument("--env", required=True, help="e.g. ALE/Pong-v5")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--steps", type=int, default=1000)
    q.add_argument("--out", required=True)
    a = p.parse_args()
    {"resize": resize_cases, "pipeline": pipeline}[a.mode](a)


if __name__ == "__main__":
    main()
