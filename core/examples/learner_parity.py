#!/usr/bin/env python3
"""Parity check of qarcade's DQN learner against PyTorch (compare side).

Reads what `cargo run --release -p qarcade-core --example learner_parity` dumped (default
/tmp/learner_parity), rebuilds the Nature CNN in PyTorch from the initial weights (PyTorch
layout), replays the same updates (Double DQN, n-step gamma^steps, smooth_l1_loss, clip_grad_norm_,
torch.optim.Adam) in float32 and float64, and compares after each update:

- forward: Q(obs), Q(next_obs) of the Rust online net before the update vs PyTorch's
  (this also checks the flatten order of `torch_layout`'s fc1 conversion);
- loss, mean_q, pre-clip grad norm;
- weights: max abs difference, and the difference of the *update* (w_k - w_{k-1}) relative to
  the update's size (the weights themselves are ~1e3x larger than one Adam step, so a weight-level
  relative difference would hide a wrong update).

Before that, a teacher-forced pass: per update, torch64 from Rust's own weights before it (no
trajectory drift) vs Rust's loss, grad norm, clipped gradient (recovered from its Adam moments)
and Adam step (torch.optim.Adam fed Rust's gradient and moments).

The float64 run is the reference: |rust - torch64| is compared with |torch32 - torch64|, the
rounding noise of a correct float32 implementation.

    .venv/bin/python core/examples/learner_parity.py [DIR]
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

D = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/learner_parity")
M = json.loads((D / "manifest.json").read_text())
A, B = M["n_actions"], M["batch"]
OBS = (B, M["stack"], M["height"], M["width"])
GAMMA = M["gamma"]
ADAM = M["adam"]
CLIP = M["max_grad_norm"]
DELTA = M["loss"].get("delta")
torch.set_num_threads(2)


def f32(name, shape=None):
    a = np.fromfile(D / name, dtype="<f4")
    return a.reshape(shape) if shape is not None else a


def weights(tag):
    return [torch.from_numpy(f32(f"{tag}_{i}.f32", s).copy()) for i, s in enumerate(M["shapes"])]


def nature_cnn():
    return nn.Sequential(
        nn.Conv2d(4, 32, 8, stride=4), nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
        nn.Conv2d(64, 64, 3, stride=1), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3136, 512), nn.ReLU(),
        nn.Linear(512, A),
    )


def load(net, ws, dtype):
    with torch.no_grad():
        for p, w in zip(net.parameters(), ws):
            assert tuple(p.shape) == tuple(w.shape), (p.shape, w.shape)
            p.copy_(w.to(dtype))
    return net


def batch(k, dtype):
    obs = torch.from_numpy(np.fromfile(D / f"batch{k}_obs.u8", dtype=np.uint8).reshape(OBS))
    nxt = torch.from_numpy(np.fromfile(D / f"batch{k}_next_obs.u8", dtype=np.uint8).reshape(OBS))
    act = torch.from_numpy(np.fromfile(D / f"batch{k}_actions.i64", dtype="<i8"))
    steps = torch.from_numpy(np.fromfile(D / f"batch{k}_steps.i64", dtype="<i8"))
    done = torch.from_numpy(np.fromfile(D / f"batch{k}_dones.u8", dtype=np.uint8)).to(dtype)
    ret = torch.from_numpy(f32(f"batch{k}_returns.f32")).to(dtype)
    # u8 -> float / 255 in float32 (as frames_to_input does), then to the run's dtype.
    x = lambda t: (t.float() / 255.0).to(dtype)
    return x(obs), act, ret, x(nxt), done, steps


class Run:
    def __init__(self, dtype):
        self.dtype = dtype
        w0 = weights("w0")
        self.online = load(nature_cnn().to(dtype), w0, dtype)
        self.target = load(nature_cnn().to(dtype), w0, dtype)
        self.opt = torch.optim.Adam(self.online.parameters(), lr=ADAM["lr"],
                                    betas=(ADAM["beta1"], ADAM["beta2"]), eps=ADAM["eps"])

    def q(self, x):
        with torch.no_grad():
            return self.online(x)

    def update(self, k):
        obs, act, ret, nxt, done, steps = batch(k, self.dtype)
        with torch.no_grad():
            tq = self.target(nxt)
            if M["double_dqn"]:
                best = self.online(nxt).argmax(1, keepdim=True)
                v = tq.gather(1, best).squeeze(1)
            else:
                v = tq.max(1).values
            disc = torch.tensor([GAMMA], dtype=torch.float32).pow(steps.float()).to(self.dtype)
            y = ret + disc * (1.0 - done) * v
        q = self.online(obs).gather(1, act.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y, beta=DELTA) * DELTA if DELTA is not None else F.mse_loss(q, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        grads = [p.grad.detach().clone() for p in self.online.parameters()]
        norm = torch.nn.utils.clip_grad_norm_(self.online.parameters(), CLIP) if CLIP else \
            torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        self.opt.step()
        return dict(loss=loss.item(), mean_q=q.mean().item(), grad_norm=float(norm)), grads

    def weights(self):
        return [p.detach().double().clone() for p in self.online.parameters()]

    def sync(self):
        self.target.load_state_dict(self.online.state_dict())


NAMES = ["conv1.w", "conv1.b", "conv2.w", "conv2.b", "conv3.w", "conv3.b",
         "fc1.w", "fc1.b", "fc2.w", "fc2.b"]


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-30)


def teacher_forced():
    """Per update k, from Rust's own weights before it (no trajectory drift): torch64's clipped
    gradient vs Rust's (recovered from its Adam first moments, g = (m_k+1 - b1 m_k) / (1 - b1)),
    and torch.optim.Adam's step, fed Rust's gradient and moments, vs Rust's new weights."""
    b1, b2 = ADAM["beta1"], ADAM["beta2"]
    worst = {}
    zeros = [torch.zeros(s, dtype=torch.float64) for s in M["shapes"]]
    m_prev, v_prev = zeros, zeros
    w_sync = "w0"
    print("teacher-forced (torch64 from Rust's weights before each update):")
    for k in range(M["updates"]):
        if k == M["sync_after"]:
            w_sync = f"w{k}"
        wk = [w.double() for w in weights(f"w{k}")]
        online = load(nature_cnn().double(), wk, torch.float64)
        target = load(nature_cnn().double(), [w.double() for w in weights(w_sync)], torch.float64)
        obs, act, ret, nxt, done, steps = batch(k, torch.float64)
        with torch.no_grad():
            best = online(nxt).argmax(1, keepdim=True)
            tq = target(nxt)
            v = tq.gather(1, best).squeeze(1) if M["double_dqn"] else tq.max(1).values
            disc = torch.tensor([GAMMA], dtype=torch.float32).pow(steps.float()).double()
            y = ret + disc * (1.0 - done) * v
        q = online(obs).gather(1, act.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y, beta=DELTA) * DELTA if DELTA is not None else F.mse_loss(q, y)
        loss.backward()
        params = list(online.parameters())
        norm = float(torch.nn.utils.clip_grad_norm_(params, CLIP)) if CLIP else None
        g_t = [p.grad.detach().clone() for p in params]
        m_r = [w.double() for w in weights(f"m{k + 1}")]
        v_r = [w.double() for w in weights(f"v{k + 1}")]
        g_r = [(m - b1 * mp) / (1 - b1) for m, mp in zip(m_r, m_prev)]
        sr = M["stats"][k]
        gerr = max((a - b).abs().max().item() / b.abs().max().item() for a, b in zip(g_r, g_t))
        # Adam: torch.optim.Adam with Rust's moments and Rust's (clipped) gradient.
        opt = torch.optim.Adam(params, lr=ADAM["lr"], betas=(b1, b2), eps=ADAM["eps"])
        for p, g, m, vv in zip(params, g_r, m_prev, v_prev):
            p.grad = g.clone()
            if k > 0:
                opt.state[p] = {"step": torch.tensor(float(k)), "exp_avg": m.clone(),
                                "exp_avg_sq": vv.clone()}
        opt.step()
        w_new = [w.double() for w in weights(f"w{k + 1}")]
        aerr = max(((p.detach() - wn).abs().max() / (wn - w0).abs().max()).item()
                   for p, wn, w0 in zip(params, w_new, wk))
        # The step from Rust's own stored moments: PyTorch's formula, float64.
        t = k + 1
        bc1, bc2 = 1 - b1 ** t, (1 - b2 ** t) ** 0.5
        merr = max((((w0 - ADAM["lr"] / bc1 * m / (vv.sqrt() / bc2 + ADAM["eps"])) - wn).abs().max()
                    / (wn - w0).abs().max()).item()
                   for w0, m, vv, wn in zip(wk, m_r, v_r, w_new))
        worst["tf_adam_from_mv"] = max(worst.get("tf_adam_from_mv", 0), merr)
        verr = max(((b2 * vp + (1 - b2) * g * g - vr).abs().max() / vr.abs().max()).item()
                   for vp, g, vr in zip(v_prev, g_r, v_r))
        print(f"  [{k}] loss rel {rel(sr['loss'], loss.item()):.1e}  grad_norm rel "
              f"{rel(sr['grad_norm'], norm):.1e} (norm {norm:.4f}, clip {CLIP})  clipped grad "
              f"max|diff|/max|g| {gerr:.1e}  adam step (torch.optim.Adam on Rust's g, m, v) "
              f"{aerr:.1e}  from Rust's m,v {merr:.1e}  v {verr:.1e}")
        for key, val in (("tf_loss", rel(sr["loss"], loss.item())),
                         ("tf_grad_norm", rel(sr["grad_norm"], norm)), ("tf_grad", gerr),
                         ("tf_adam", aerr), ("tf_v", verr)):
            worst[key] = max(worst.get(key, 0), val)
        m_prev, v_prev = m_r, v_r
    print("WORST teacher-forced:", json.dumps({k: float(f"{v:.2e}") for k, v in worst.items()}))


def main():
    teacher_forced()
    t32, t64 = Run(torch.float32), Run(torch.float64)
    rust_prev = [w.double() for w in weights("w0")]
    p32, p64 = t32.weights(), t64.weights()
    worst = {}
    print(f"dir {D}: {M['updates']} updates, target sync after update {M['sync_after'] - 1}")
    for k in range(M["updates"]):
        obs, _, _, nxt, *_ = batch(k, torch.float64)
        # Forward parity (Rust online net before update k vs torch64 with the same weights).
        ref = load(nature_cnn().double(), [w.double() for w in rust_prev], torch.float64)
        with torch.no_grad():
            for which, x in (("obs", obs), ("next_obs", nxt)):
                qr = torch.from_numpy(f32(f"q{k}_{which}.f32", (B, A))).double()
                qt = ref(x)
                d = (qr - qt).abs().max().item()
                print(f"  [{k}] forward Q({which}) rust vs torch64 (same weights): max abs {d:.2e}"
                      f"  (|Q| max {qt.abs().max().item():.3f})")
        s32, g32 = t32.update(k)
        s64, g64 = t64.update(k)
        sr = M["stats"][k]
        for key in ("loss", "mean_q", "grad_norm"):
            print(f"  [{k}] {key:9s} rust {sr[key]: .9f}  torch32 {s32[key]: .9f}  torch64 "
                  f"{s64[key]: .9f}  rel(rust,t64) {rel(sr[key], s64[key]):.1e}  "
                  f"rel(t32,t64) {rel(s32[key], s64[key]):.1e}")
            worst[key] = max(worst.get(key, 0), rel(sr[key], s64[key]))
        rust = [w.double() for w in weights(f"w{k + 1}")]
        w32, w64 = t32.weights(), t64.weights()
        line_r, line_t = [], []
        for i, n in enumerate(NAMES):
            dr, d64, d32 = rust[i] - rust_prev[i], w64[i] - p64[i], w32[i] - p32[i]
            scale = d64.abs().max().item()
            ur = (dr - d64).abs().max().item() / scale
            u32 = (d32 - d64).abs().max().item() / scale
            wa = (rust[i] - w64[i]).abs().max().item()
            line_r.append(f"{n} {ur:.1e}")
            line_t.append(f"{n} {u32:.1e}")
            worst["update_rel"] = max(worst.get("update_rel", 0), ur)
            worst["weight_abs"] = max(worst.get("weight_abs", 0), wa)
            worst["update_rel_t32"] = max(worst.get("update_rel_t32", 0), u32)
        print(f"  [{k}] update diff / max|update|, rust vs t64: " + ", ".join(line_r))
        print(f"  [{k}]                          t32 vs t64: " + ", ".join(line_t))
        print(f"  [{k}] weights max abs diff rust vs t64: "
              f"{max((rust[i] - w64[i]).abs().max().item() for i in range(10)):.2e}")
        rust_prev, p32, p64 = rust, w32, w64
        if k + 1 == M["sync_after"]:
            t32.sync(), t64.sync()
            print(f"  target synced after update {k}")
    print("WORST:", json.dumps({k: float(f"{v:.2e}") for k, v in worst.items()}))


if __name__ == "__main__":
    main()
