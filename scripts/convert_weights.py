#!/usr/bin/env python3
"""Convert torchvision weights to a safetensors file LearnerLens can load.

    python scripts/convert_weights.py resnet34 [--out DIR]
        torchvision.models.resnet34(weights="DEFAULT") -- downloads from the internet
        (torchvision's hub cache is used if the file is already there).
    python scripts/convert_weights.py resnet34 --from-pth FILE [--out DIR]
        uses a local state_dict saved with torch.save (e.g. resnet34-b627a593.pth).

Writes DIR/<arch>.safetensors (default DIR: ~/.cache/learnerlens/weights) with the state_dict
keys unchanged: float tensors as F32, num_batches_tracked as I64. The state_dict is first
loaded into torchvision's <arch>() (strict) so that a wrong or truncated file is rejected.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import torch
import torchvision.models as tvm
from safetensors.torch import save_file

DEFAULT_OUT = Path.home() / ".cache" / "learnerlens" / "weights"


def load_state_dict(arch: str, from_pth: str | None) -> dict[str, torch.Tensor]:
    if not hasattr(tvm, arch):
        raise SystemExit(f"unknown torchvision arch: {arch}")
    if from_pth is None:
        try:
            model = getattr(tvm, arch)(weights="DEFAULT")   # needs network (or a filled hub cache)
        except OSError as e:   # URLError is an OSError
            raise SystemExit(f"could not download {arch} weights ({e}); "
                             f"download the .pth elsewhere and pass --from-pth FILE")
        return model.state_dict()
    obj = torch.load(from_pth, map_location="cpu", weights_only=True)
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):  # fastai Learner.save
        obj = obj["model"]
    if not isinstance(obj, dict):
        raise SystemExit(f"{from_pth}: not a state_dict (got {type(obj).__name__})")
    model = getattr(tvm, arch)(weights=None)
    try:
        model.load_state_dict(obj, strict=True)         # validates keys and shapes
    except RuntimeError as e:
        first = str(e).splitlines()[0]
        raise SystemExit(f"{from_pth} does not match torchvision {arch}: {first} "
                         f"({len(obj)} tensors in file, {len(model.state_dict())} expected)")
    return obj


def to_safetensors_dict(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for k, v in sd.items():
        v = v.detach().cpu()
        if v.is_floating_point():
            v = v.to(torch.float32)
        elif k.endswith("num_batches_tracked"):
            v = v.to(torch.int64)
        out[k] = v.contiguous().clone()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", help="torchvision model function name, e.g. resnet34")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help=f"output directory (default {DEFAULT_OUT})")
    ap.add_argument("--from-pth", default=None, metavar="FILE", help="local .pth state_dict instead of downloading")
    args = ap.parse_args(argv)

    sd = to_safetensors_dict(load_state_dict(args.arch, args.from_pth))
    out_dir = Path(os.path.expanduser(args.out))
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / f"{args.arch}.safetensors"
    tmp = dest.with_suffix(".safetensors.tmp")
    save_file(sd, str(tmp), metadata={"format": "pt"})
    os.replace(tmp, dest)
    os.chmod(dest, 0o644)
    n = sum(v.numel() for k, v in sd.items() if v.is_floating_point() and "running_" not in k)
    print(f"wrote {dest}: {len(sd)} tensors, {n:,} parameters, {dest.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
