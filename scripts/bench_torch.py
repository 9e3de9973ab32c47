#!/usr/bin/env python3
"""Time a torchvision CNN body's forward pass on CPU: the PyTorch baseline for LearnerLens.

    python scripts/bench_torch.py --arch resnet34 --batch 8 --size 224 --iterations 10 \
        --threads 2 [--warmup 2] [--format text|json]

Body = the model's children without the classifier: for resnets every child except avgpool
and fc (fastai's cut -2); for other torchvision models with a `features` child, `features`.
Random weights (weights=None): timings don't depend on the values.

Runs in eval mode under torch.no_grad(), after --warmup untimed runs. FLOPs are counted with
forward hooks as 2 x MACs of Conv2d and Linear layers only (BN, ReLU, pooling, adds not counted):
conv MACs = output elements x (in_channels / groups) x kh x kw; linear MACs = out elements x in.
GFLOP/s uses the median time. Peak RSS is resource.getrusage(RUSAGE_SELF).ru_maxrss (whole
process, including torch's own libraries); baseline_rss_mb is the same figure right after import.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision
import torchvision.models as tvm


def rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux, bytes on macOS
    return kb / 1024.0 if sys.platform.startswith("linux") else kb / (1024.0 * 1024.0)


def make_body(arch: str) -> nn.Module:
    model = getattr(tvm, arch)(weights=None)
    if arch.startswith("resnet") or arch.startswith("resnext") or arch.startswith("wide_resnet"):
        return nn.Sequential(*list(model.children())[:-2])
    if hasattr(model, "features"):
        return model.features
    raise SystemExit(f"don't know how to take the body of {arch}")


def count_flops(body: nn.Module, x: torch.Tensor) -> int:
    macs = [0]

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        macs[0] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def lin_hook(m, inp, out):
        macs[0] += out.numel() * m.in_features

    handles = []
    for m in body.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(lin_hook))
    with torch.no_grad():
        body(x)
    for h in handles:
        h.remove()
    return 2 * macs[0]


def timed(fn, x, warmup: int, iterations: int):
    """Runs fn(x) `warmup` times untimed, then `iterations` times; returns (ms per run, last output)."""
    with torch.no_grad():
        for _ in range(warmup):
            y = fn(x)
        times = []
        for _ in range(iterations):
            t0 = time.perf_counter()
            y = fn(x)
            times.append((time.perf_counter() - t0) * 1000.0)
    return times, y


def time_conv(args) -> int:
    """One nn.Conv2d (no bias, padding kernel//2), the counterpart of `learnerlens bench --op conv`."""
    oc = args.out_channels or args.channels
    conv = nn.Conv2d(args.channels, oc, args.kernel, args.stride, args.kernel // 2, bias=False).eval()
    x = torch.randn(args.batch, args.channels, args.size, args.size)
    times, y = timed(conv, x, max(args.warmup, 3), args.iterations)
    median_ms = statistics.median(times)
    flops = 2 * y.numel() * args.channels * args.kernel * args.kernel
    res = {"batch": args.batch, "channels": args.channels, "out_channels": oc, "size": args.size,
           "kernel": args.kernel, "stride": args.stride, "threads": torch.get_num_threads(),
           "median_ms": round(median_ms, 4), "min_ms": round(min(times), 4),
           "gflops": round(flops / (median_ms / 1000.0) / 1e9, 3)}
    if args.format == "json":
        print(json.dumps(res))
    else:
        print(f"conv {args.channels}->{oc} {args.kernel}x{args.kernel} stride {args.stride} on "
              f"{args.batch}x{args.channels}x{args.size}x{args.size}: median {median_ms:.3f} ms, {res['gflops']:.1f} GFLOP/s")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet34")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--format", choices=["text", "json"], default="text")
    ap.add_argument("--op", choices=["model", "conv"], default="model",
                    help="conv: time one nn.Conv2d (--channels, --out-channels, --kernel, --stride) instead of a body")
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--out-channels", type=int, default=None)
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--stages", action="store_true",
                    help="also time each stage on its own: resnets' stem (conv1, bn1, relu, maxpool), then layer1-4")
    args = ap.parse_args(argv)

    baseline_rss_mb = rss_mb()   # after `import torch` (the CUDA wheel maps large libraries)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.op == "conv":
        return time_conv(args)
    body = make_body(args.arch).eval()
    x = torch.randn(args.batch, 3, args.size, args.size)

    flops_batch = count_flops(body, x)
    times, y = timed(body, x, args.warmup, args.iterations)
    out_shape = list(y.shape)

    stages = []
    if args.stages:
        children = list(body.children())
        groups = [("stem", nn.Sequential(*children[:4]))] + [(f"layer{i}", c) for i, c in enumerate(children[4:], 1)]
        h = x
        for name, part in groups:
            ts, h = timed(part, h, args.warmup, args.iterations)
            stages.append({"name": name, "median_ms": round(statistics.median(ts), 3)})

    median_ms = statistics.median(times)
    min_ms = min(times)
    peak_rss_mb = rss_mb()
    res = {
        "arch": args.arch, "batch": args.batch, "size": args.size, "iterations": args.iterations,
        "warmup": args.warmup,
        "median_ms": round(median_ms, 3), "min_ms": round(min_ms, 3),
        "gflops": round(flops_batch / (median_ms / 1000.0) / 1e9, 3),
        "gflop_per_image": round(flops_batch / args.batch / 1e9, 4),
        "flops_per_batch": flops_batch,
        "output_shape": out_shape,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "baseline_rss_mb": round(baseline_rss_mb, 1),
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "times_ms": [round(t, 3) for t in times],
    }
    if stages:
        res["stages"] = stages
    if args.format == "json":
        print(json.dumps(res))
    else:
        print(f"{args.arch} body  batch {args.batch}  {args.size}x{args.size}  threads {res['threads']}  "
              f"torch {res['torch_version']}")
        print(f"  output {out_shape}")
        print(f"  median {median_ms:.2f} ms   min {min_ms:.2f} ms   ({args.iterations} runs after "
              f"{args.warmup} warm-up)")
        print(f"  {res['gflop_per_image']:.3f} GFLOP/image   {res['gflops']:.2f} GFLOP/s (median)")
        print(f"  peak RSS {res['peak_rss_mb']:.1f} MB  (after import torch: {res['baseline_rss_mb']:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
