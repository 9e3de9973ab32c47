#!/usr/bin/env python3
"""`learnerlens fit`'s recipe in plain PyTorch, to compare error rates and times (issue 16).

create_cnn(resnet18, pretrained=False) with fastai v1's head (make_fixtures.py's re-implementation),
fit_one_cycle(epochs, slice(3e-3)) with fastai's AdamW (true_wd, wd 1e-2, per layer group wd/nowd
groups), batch 64, drop_last, Fashion-MNIST from Debian's dataset-fashion-mnist at 28 px, grayscale
repeated to 3 channels, ImageNet normalisation (Lesson 1's `.normalize(imagenet_stats)`, with or without
pretrained weights, as `learnerlens fit` does: fastai v1's create_cnn never normalises by itself).
Prints fastai's table.

    /work/venv-torch/bin/python scripts/fashion_mnist_recipe.py [--epochs 3] [--train-subset N] [--valid-subset N] [--threads 2]
"""
import argparse
import gzip
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402

DATA = Path("/usr/share/datasets/fashion-mnist")


def idx(name):
    with gzip.open(DATA / name) as fh:
        data = fh.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def batches(images, labels, bs, shuffle, drop_last, gen):
    order = torch.randperm(len(labels), generator=gen) if shuffle else torch.arange(len(labels))
    n = len(labels) // bs * bs if drop_last else len(labels)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    for s in range(0, n, bs):
        i = order[s:s + bs]
        x = torch.from_numpy(images[i.numpy()]).float().div(255).unsqueeze(1).expand(-1, 3, -1, -1)
        yield (x - mean) / std, torch.from_numpy(labels[i.numpy()]).long()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--train-subset", type=int)
    ap.add_argument("--valid-subset", type=int)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xt, yt = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
    xv, yv = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
    if a.train_subset: xt, yt = xt[:a.train_subset], yt[:a.train_subset]
    if a.valid_subset: xv, yv = xv[:a.valid_subset], yv[:a.valid_subset]
    body, _ = mf.create_body(mf.tv_model("resnet18"), -2)
    nf = mf.num_features_model_detailed(nn.Sequential(*body.children()))[0] * 2
    head, _, _ = mf.create_head(nf, 10)
    model = nn.Sequential(body, head)
    mf.apply_init(model[1], nn.init.kaiming_normal_)
    learn = mf.Learner(model)
    learn.split(mf._resnet_split)
    groups = []
    for g in learn.layer_groups:  # split_no_wd_params
        wd, nowd = [], []
        for c in g:
            if isinstance(c, mf.bn_types): nowd += [p for p in c.parameters() if p.requires_grad]
            elif isinstance(c, (nn.Linear, nn.Conv2d)):
                wd += [p for n, p in c.named_parameters() if n != "bias" and p.requires_grad]
                if c.bias is not None: nowd.append(c.bias)
            else: wd += [p for p in c.parameters() if p.requires_grad]
        groups += [{"params": wd, "weight_decay": 1e-2}, {"params": nowd, "weight_decay": 1e-2}]
    opt = torch.optim.AdamW(groups, betas=(0.95, 0.99), eps=1e-8, foreach=False)
    lr_max = [3e-4, 3e-4, 3e-3]
    bs = 64
    n = len(yt) // bs * a.epochs
    a1 = int(n * 0.3); a2 = n - a1
    cos = lambda s, e, p: e + (s - e) / 2 * (math.cos(math.pi * p) + 1)
    gen = torch.Generator().manual_seed(a.seed)
    print("epoch     train_loss  valid_loss  error_rate  time    ")
    it, mov, seen = 0, 0.0, 0
    for epoch in range(a.epochs):
        start = time.time()
        model.train()
        for x, y in batches(xt, yt, bs, True, True, gen):
            p1 = it <= a1
            pct = it / max(1, a1) if p1 else (it - a1) / max(1, a2)
            for gi, lr in enumerate(lr_max):
                v = cos(lr / 25, lr, pct) if p1 else cos(lr, lr / 25e4, pct)
                for pg in opt.param_groups[2 * gi: 2 * gi + 2]:
                    pg["lr"] = v
                    pg["betas"] = (cos(0.95, 0.85, pct) if p1 else cos(0.85, 0.95, pct), 0.99)
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += 1
            mov = 0.98 * mov + 0.02 * loss.item()
            it += 1
        smooth = mov / (1 - 0.98 ** seen)
        model.eval()
        tot, err, cnt = 0.0, 0.0, 0
        with torch.no_grad():
            for x, y in batches(xv, yv, bs, False, False, gen):
                out = model(x)
                tot += F.cross_entropy(out, y).item() * len(y)
                err += (out.argmax(-1) != y).float().sum().item()
                cnt += len(y)
        t = int(time.time() - start)
        print(f"{epoch:<10}{smooth:<12.6f}{tot / cnt:<12.6f}{err / cnt:<12.6f}{t // 60:02d}:{t % 60:02d}")


if __name__ == "__main__":
    main()
