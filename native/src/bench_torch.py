#!/usr/bin/env python3
"""PyTorch peer of qarcade's DQN train-step benchmark (`core::dqn::bench`).

The same step as the Rust side: u8 frames -> float/255, target-net forward on the next
observations (no grad), online forward, Q(s, a) gather, Huber loss against
r + gamma^n (1 - done) max_a Q_target, backward, clip_grad_norm_(10), Adam(1e-4, eps 1.5e-4);
batch 32 of 4x84x84, Nature CNN. Prints one JSON line with the same fields as `BenchResult`.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def nature_cnn(n_actions):
    return nn.Sequential(
        nn.Conv2d(4, 32, 8, stride=4), nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
        nn.Conv2d(64, 64, 3, stride=1), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3136, 512), nn.ReLU(),
        nn.Linear(512, n_actions),
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--actions", type=int, default=6)
    ap.add_argument("--steps", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    b, gamma = 32, 0.99
    online = nature_cnn(args.actions)
    target = nature_cnn(args.actions)
    target.load_state_dict(online.state_dict())
    opt = torch.optim.Adam(online.parameters(), lr=1e-4, eps=1.5e-4)

    g = torch.Generator().manual_seed(1)
    batches = []
    for _ in range(4):
        batches.append((
            torch.randint(0, 256, (b, 4, 84, 84), dtype=torch.uint8, generator=g),
            torch.randint(0, args.actions, (b,), generator=g),
            torch.tensor([(i % 3) - 1.0 for i in range(b)]),
            torch.randint(0, 256, (b, 4, 84, 84), dtype=torch.uint8, generator=g),
            torch.tensor([1.0 if i % 7 == 0 else 0.0 for i in range(b)]),
        ))

    def step(batch):
        obs, act, ret, nxt, done = batch
        with torch.no_grad():
            next_v = target(nxt.float() / 255.0).max(1).values
            y = ret + gamma * (1.0 - done) * next_v
        q = online(obs.float() / 255.0).gather(1, act.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(online.parameters(), 10.0)
        opt.step()
        return loss.item()

    for bt in batches[:3]:
        step(bt)
    t0 = time.perf_counter()
    for i in range(args.steps):
        step(batches[i % len(batches)])
    train = (time.perf_counter() - t0) / args.steps

    def infer(x, reps=10):
        with torch.no_grad():
            online(x.float() / 255.0).argmax(1)
            t0 = time.perf_counter()
            for _ in range(reps):
                online(x.float() / 255.0).argmax(1)
            return (time.perf_counter() - t0) / reps

    obs = batches[0][0]
    print(json.dumps({
        "backend": f"torch {torch.__version__} cpu",
        "threads": args.threads,
        "steps": args.steps,
        "train_steps_per_s": 1.0 / train,
        "train_ms_per_step": train * 1e3,
        "infer_ms_b32": infer(obs) * 1e3,
        "infer_ms_b1": infer(obs[:1]) * 1e3,
    }))


if __name__ == "__main__":
    main()
