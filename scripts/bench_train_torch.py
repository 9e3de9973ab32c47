#!/usr/bin/env python3
"""Time one training step of fastai v1's create_cnn model in PyTorch: the counterpart of
`learnerlens bench --train`.

    python scripts/bench_train_torch.py --arch resnet34 --batch 8 --size 224 [--frozen] \
        --iterations 10 --threads 2 [--format text|json]

The model is make_fixtures.py's re-implementation of fastai v1 (create_body cut -2, create_head
for --classes classes, apply_init on the head, split on (body[6], head), freeze() = freeze_to(-1)
with train_bn), random weights. A step is what fastai's loss_batch + OptimWrapper do: train-mode
forward (dropout on), F.cross_entropy (mean), zero_grad, backward, then AdamW over the
split_no_wd_params groups (true_wd: torch.optim.AdamW's decoupled decay, betas (0.9, 0.99),
foreach=False, the per-parameter loop fastai's Adam runs), the same lr and wd as the Swift side.
Warm-up: at least 2 steps and 0.3 s. Peak RSS is ru_maxrss of the whole process (torch's own
libraries included); model_rss_mb is the current RSS after building the model and the input.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def build(arch: str, classes: int, frozen: bool):
    body, _ = mf.create_body(mf.tv_model(arch), -2)
    nf = mf.num_features_model_detailed(nn.Sequential(*body.children()))[0] * 2
    head, _, _ = mf.create_head(nf, classes)
    model = nn.Sequential(body, head)
    mf.apply_init(model[1], nn.init.kaiming_normal_)
    learn = mf.Learner(model)
    learn.split(mf._resnet_split)
    if frozen:
        learn.freeze()
    groups = []
    for g in learn.layer_groups:  # split_no_wd_params
        wd, nowd = [], []
        for c in g:
            if isinstance(c, mf.bn_types):
                nowd += [p for p in c.parameters() if p.requires_grad]
            elif isinstance(c, (nn.Linear, nn.Conv2d)):
                wd += [p for n, p in c.named_parameters() if n != "bias" and p.requires_grad]
                if c.bias is not None:
                    nowd.append(c.bias)
            else:
                wd += [p for p in c.parameters() if p.requires_grad]
        groups += [{"params": wd, "weight_decay": 1e-2}, {"params": nowd, "weight_decay": 1e-2}]
    opt = torch.optim.AdamW(groups, lr=1e-4, betas=(0.9, 0.99), eps=1e-8, foreach=False)
    return model, opt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet34")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--frozen", action="store_true")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--format", choices=["text", "json"], default="text")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, opt = build(a.arch, a.classes, a.frozen)
    model.train()
    x = torch.randn(a.batch, 3, a.size, a.size)
    y = torch.arange(a.batch) % a.classes
    model_rss = current_rss_mb()
    phases = ([], [], [])

    def step():
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        for p, (s, e) in zip(phases, ((t0, t1), (t1, t2), (t2, t3))):
            p.append((e - s) * 1000.0)
        return (t3 - t0) * 1000.0

    end, warm = time.perf_counter() + 0.3, 0
    while time.perf_counter() < end or warm < 2:
        step()
        warm += 1
    times = [step() for _ in range(a.iterations)]
    timed = [p[-a.iterations:] for p in phases]
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    res = {
        "arch": a.arch, "batch": a.batch, "size": a.size, "frozen": a.frozen, "classes": a.classes,
        "iterations": a.iterations, "threads": torch.get_num_threads(), "trainable_parameters": trainable,
        "median_ms": round(statistics.median(times), 3), "min_ms": round(min(times), 3),
        "forward_ms": round(statistics.median(timed[0]), 3), "backward_ms": round(statistics.median(timed[1]), 3),
        "optimizer_ms": round(statistics.median(timed[2]), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1), "model_rss_mb": round(model_rss, 1),
        "torch_version": torch.__version__, "times_ms": [round(t, 3) for t in times],
    }
    if a.format == "json":
        print(json.dumps(res))
    else:
        print(f"{a.arch} create_cnn training step, batch {a.batch}, {a.size}x{a.size}, "
              f"{'frozen' if a.frozen else 'unfrozen'} ({trainable} trainable parameters), {res['threads']} threads, "
              f"torch {torch.__version__}")
        print(f"median {res['median_ms']:.1f} ms · min {res['min_ms']:.1f} ms · forward {res['forward_ms']:.1f} · "
              f"backward {res['backward_ms']:.1f} · optimizer {res['optimizer_ms']:.1f} ms")
        print(f"peak RSS {res['peak_rss_mb']:.0f} MB (model and input: {model_rss:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
