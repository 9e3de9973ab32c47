#!/usr/bin/env python3
"""PyTorch's side of the data benchmark (docs/performance.md): one training epoch of a folder of JPEGs through a
DataLoader (batch 64, shuffle, drop_last), decoded with PIL and augmented to 224×224, with --workers 0 or 1.

Two pipelines doing fastai v1's get_transforms() operations:
  torchvision  PIL + torchvision transforms, one op after another: Resize(224) (shorter side), RandomPerspective
               (0.2, p=0.75) for symmetric_warp, RandomRotation(10) and RandomAffine(scale 1–1.1) each with
               p=0.75, RandomCrop(224), RandomHorizontalFlip, ColorJitter(brightness, contrast) with p=0.75,
               ToTensor, Normalize(imagenet_stats).
  fastai       fastai v1's own route (vision/image.py): PIL → float tensor /255, area pre-shrink, one affine
               flow (rotate·zoom) sampled with grid_sample (bilinear, reflection, align_corners), lighting in
               logit space, flip, crop — torch ops on one image at a time, as fastai's Dataset does.

    /work/venv-torch/bin/python scripts/bench_data_torch.py /tmp/bench-jpegs --workers 0 --pipeline torchvision
"""
import argparse
import glob
import math
import os
import random
import time

import torch
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms as T

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def torchvision_tfms(size):
    p = 0.75
    return T.Compose([
        T.Resize(size),
        T.RandomPerspective(distortion_scale=0.2, p=p),
        T.RandomApply([T.RandomRotation(10)], p=p),
        T.RandomApply([T.RandomAffine(0, scale=(1.0, 1.1))], p=p),
        T.RandomCrop(size),
        T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(brightness=0.2, contrast=0.2)], p=p),
        T.ToTensor(),
        T.Normalize(MEAN, STD),
    ])


def fastai_like(img, size):
    """open_image + apply_tfms(get_transforms()[0], size=size) for one PIL image, in torch ops."""
    x = T.functional.pil_to_tensor(img).float().div_(255)
    c, h, w = x.shape
    ratio = min(h / size, w / size)
    th, tw = round(h / ratio), round(w / ratio)
    d = min(h / th, w / tw) / 2
    if d > 1:  # fastai's area pre-shrink before grid_sample
        x = F.interpolate(x[None], scale_factor=1 / d, mode="area")[0]
    angle = math.radians(random.uniform(-10, 10)) if random.random() < 0.75 else 0.0
    scale = random.uniform(1, 1.1) if random.random() < 0.75 else 1.0
    m = torch.tensor([[math.cos(angle) / scale, -math.sin(angle) * th / tw / scale, 0.0],
                      [math.sin(angle) * tw / th / scale, math.cos(angle) / scale, 0.0]])
    grid = F.affine_grid(m[None], [1, c, th, tw], align_corners=True)
    x = F.grid_sample(x[None], grid, mode="bilinear", padding_mode="reflection", align_corners=True)[0]
    if random.random() < 0.75:  # brightness and contrast in logit space
        logit = torch.logit(x.clamp(1e-6, 1 - 1e-6))
        change = random.uniform(0.4, 0.6)
        contrast = math.exp(random.uniform(math.log(0.8), math.log(1.25)))
        x = torch.sigmoid((logit + math.log(change / (1 - change))) * contrast)
    if random.random() < 0.5:
        x = x.flip(2)
    row, col = int((th - size + 1) * random.random()), int((tw - size + 1) * random.random())
    x = x[:, row:row + size, col:col + size]
    return T.functional.normalize(x, MEAN, STD)


class Folder(torch.utils.data.Dataset):
    def __init__(self, files, pipeline, size):
        self.files, self.size = files, size
        self.tfms = torchvision_tfms(size) if pipeline == "torchvision" else None

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        img = Image.open(self.files[i]).convert("RGB")
        x = self.tfms(img) if self.tfms else fastai_like(img, self.size)
        return x, i % 2


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--bs", type=int, default=64)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--pipeline", choices=["torchvision", "fastai"], default="torchvision")
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads in the main process (default 1)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)
    files = sorted(glob.glob(os.path.join(args.folder, "*.jpg")))
    dl = torch.utils.data.DataLoader(
        Folder(files, args.pipeline, args.size), batch_size=args.bs, shuffle=True, drop_last=True, num_workers=args.workers)
    start = time.perf_counter()
    n = 0
    for x, y in dl:
        assert x.shape[1:] == (3, args.size, args.size)
        n += x.shape[0]
    s = time.perf_counter() - start
    print(f"{args.pipeline}: one epoch, {len(dl)} batches of {args.bs} ({n} images) at {args.size}×{args.size}, "
          f"num_workers {args.workers}: {s:.2f} s, {n / s:.1f} images/s (torch {torch.__version__}, {torch.get_num_threads()} thread)")


if __name__ == "__main__":
    main()
