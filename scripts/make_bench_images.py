#!/usr/bin/env python3
"""Writes a folder of synthetic but photo-like JPEGs for the data benchmark (docs/performance.md).

Each image is 500×375 (the Oxford-IIIT Pet photos' most common size): a smooth colour gradient with a few
soft blobs and Gaussian noise, saved by Pillow at its default quality 75 with 4:2:0 subsampling, so the
decoder and the resampling see photo-like entropy. Files are named `<class>_<n>.jpg` for two classes, so
`learnerlens data DIR --pat '/([a-z]+)_\\d+\\.jpg$'` labels them.

    /work/venv-torch/bin/python scripts/make_bench_images.py /tmp/bench-jpegs --count 2000
"""
import argparse
import os

import numpy as np
from PIL import Image


def image(rng, width=500, height=375):
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    out = np.empty((height, width, 3), np.float32)
    for c in range(3):
        a, b, d = rng.uniform(-1, 1, 3)
        out[..., c] = 128 + 80 * (a * x / width + b * y / height) + 30 * np.sin(d * 6 * x / width + c)
    for _ in range(4):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(20, 120)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        out += blob[..., None] * rng.uniform(-90, 90, 3)
    out += rng.normal(0, 12, out.shape)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for i in range(args.count):
        label = "cat" if i % 2 == 0 else "dog"
        image(rng).save(os.path.join(args.folder, f"{label}_{i}.jpg"), quality=75)
    print(f"{args.count} JPEGs of 500×375 written to {args.folder}")


if __name__ == "__main__":
    main()
