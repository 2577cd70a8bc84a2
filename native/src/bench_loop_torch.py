#!/usr/bin/env python3
"""PyTorch + EnvPool peer of `qarcade bench train`: the default preset's training loop written
the way CleanRL writes it (dqn_atari_envpool-style), timed the same way.

Same work per agent step as qarcade's loop: N EnvPool Pong envs (DeepMind preprocessing, 4
stacked 84x84 frames), one batched epsilon-greedy forward for all envs, n-step transitions into
a replay of stacked uint8 observations, one batch update (Double DQN, the config's loss,
global-norm clipping when it asks for it, Adam) per 1/updates_per_step agent steps, target sync
every target_update steps; pixels scaled to [0, 1] unless the network takes them raw.
The network and sizes come from qarcade's config (JSON on the command line). Prints one JSON
line: agent steps/s and updates/s over the timed window.
"""
import argparse
import collections
import json
import time

import envpool
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def network(net, n_actions):
    layers, c, h, w = [], net["frame_stack"], net["height"], net["width"]
    for conv in net["convs"]:
        layers += [nn.Conv2d(c, conv["channels"], conv["kernel"], stride=conv["stride"]), nn.ReLU()]
        c = conv["channels"]
        h = (h - conv["kernel"]) // conv["stride"] + 1
        w = (w - conv["kernel"]) // conv["stride"] + 1
    layers.append(nn.Flatten())
    width = c * h * w
    for hidden in net["hidden"]:
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    layers.append(nn.Linear(width, n_actions))
    return nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True, help="qarcade Config as JSON")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    cfg = json.loads(args.config)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)

    n = cfg["num_envs"]
    envs = envpool.make(
        "Pong-v5", env_type="gymnasium", num_envs=n, num_threads=args.threads,
        episodic_life=False, reward_clip=True, noop_max=30, repeat_action_probability=0.0,
        frame_skip=4, stack_num=4, img_height=84, img_width=84, max_episode_steps=27000,
        seed=0,
    )
    n_actions = envs.action_space.n
    scale = 1.0 if cfg["net"].get("raw_pixels") else 255.0
    loss_cfg = cfg["loss"]
    if loss_cfg["kind"] == "huber":
        def td_loss(q, y):
            return F.huber_loss(q, y, delta=loss_cfg["delta"])
    else:
        td_loss = F.mse_loss
    online, target = network(cfg["net"], n_actions), network(cfg["net"], n_actions)
    target.load_state_dict(online.state_dict())
    adam = cfg["adam"]
    opt = torch.optim.Adam(online.parameters(), lr=adam["lr"], betas=(adam["beta1"], adam["beta2"]), eps=adam["eps"])
    gamma, n_step, batch = cfg["gamma"], cfg["n_step"], cfg["batch_size"]
    capacity = min(cfg["replay_capacity"], 50_000)  # speed does not depend on it; memory does
    obs_buf = np.zeros((capacity, 4, 84, 84), np.uint8)
    next_buf = np.zeros((capacity, 4, 84, 84), np.uint8)
    act_buf = np.zeros(capacity, np.int64)
    ret_buf = np.zeros(capacity, np.float32)
    done_buf = np.zeros(capacity, np.float32)
    pos, size = 0, 0
    pending = [collections.deque() for _ in range(n)]

    obs, _ = envs.reset()
    steps, updates, credit = 0, 0, 0.0
    t_start, timed_from, timed = time.perf_counter(), None, None
    while True:
        now = time.perf_counter()
        if timed_from is None and now - t_start >= args.warmup:
            timed_from, timed = now, (steps, updates)
        if timed_from is not None and now - timed_from >= args.seconds:
            break
        eps = 0.1
        with torch.no_grad():
            q = online(torch.from_numpy(obs).float() / scale)
        actions = q.argmax(1).numpy()
        explore = rng.random(n) < eps
        actions[explore] = rng.integers(0, n_actions, explore.sum())
        next_obs, reward, term, trunc, _ = envs.step(actions)
        for i in range(n):
            pending[i].append((obs[i], actions[i], reward[i]))
            end = term[i] or trunc[i]
            while pending[i] and (len(pending[i]) == n_step or end):
                o, a, _ = pending[i][0]
                r = sum(gamma ** k * t[2] for k, t in enumerate(pending[i]))
                obs_buf[pos], act_buf[pos], ret_buf[pos] = o, a, r
                next_buf[pos], done_buf[pos] = next_obs[i], float(term[i])
                pos, size = (pos + 1) % capacity, min(size + 1, capacity)
                pending[i].popleft()
                if not end:
                    break
        obs = next_obs
        steps += n
        if steps > cfg["learning_starts"] or size > 1000:
            credit += n * cfg["updates_per_step"]
            while credit >= 1.0:
                credit -= 1.0
                idx = rng.integers(0, size, batch)
                o = torch.from_numpy(obs_buf[idx]).float() / scale
                no = torch.from_numpy(next_buf[idx]).float() / scale
                with torch.no_grad():
                    best = online(no).argmax(1, keepdim=True)
                    v = target(no).gather(1, best).squeeze(1)
                    y = torch.from_numpy(ret_buf[idx]) + gamma ** n_step * (1 - torch.from_numpy(done_buf[idx])) * v
                qsa = online(o).gather(1, torch.from_numpy(act_buf[idx]).unsqueeze(1)).squeeze(1)
                loss = td_loss(qsa, y)
                opt.zero_grad()
                loss.backward()
                if cfg.get("max_grad_norm"):
                    nn.utils.clip_grad_norm_(online.parameters(), cfg["max_grad_norm"])
                opt.step()
                updates += 1
                if updates % max(1, int(cfg["target_update"] * cfg["updates_per_step"])) == 0:
                    target.load_state_dict(online.state_dict())
    dt = time.perf_counter() - timed_from
    print(json.dumps({
        "backend": f"pytorch {torch.__version__} + envpool {envpool.__version__}",
        "steps_per_s": (steps - timed[0]) / dt,
        "updates_per_s": (updates - timed[1]) / dt,
    }))


if __name__ == "__main__":
    main()
