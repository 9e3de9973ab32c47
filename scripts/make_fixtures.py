#!/usr/bin/env python3
"""Generate reference fixtures for LearnerLens from PyTorch / torchvision.

The Swift tests only READ what this script writes; they never need Python.

Usage
-----
    python scripts/make_fixtures.py
        Writes the small committed fixtures:
          Tests/TensorsTests/Fixtures/ops.safetensors + ops.json
          Tests/FastaiTests/Fixtures/fastai_v1_facts.json

    python scripts/make_fixtures.py --models [DIR]
        Writes the large whole-model fixtures (not committed) into DIR
        (default: .fixtures/ in the repository root):
          resnet18.weights.safetensors, resnet18.io.safetensors
          resnet34.weights.safetensors, resnet34.io.safetensors
          resnet34_cnn.weights.safetensors, resnet34_cnn.io.safetensors

    --only ops|facts   restrict the default run to one of the two fixture sets.

    python scripts/make_fixtures.py --training
        Writes Tests/FastaiTests/Fixtures/training.json: fastai v1's AdamW steps (torch.optim.AdamW,
        foreach=False, with the gradients torch computed), SmoothenValue, validation averaging,
        ClassificationInterpretation's numbers and the bilinear resize (issue 16).
    python scripts/make_fixtures.py --checkpoints
        Writes small real torch.save checkpoints (and the values they must load to, as
        safetensors) into Tests/TensorsTests/Fixtures/checkpoints/ (committed).

    python scripts/make_fixtures.py --full-checkpoints DIR
        Writes torchvision-named full-size checkpoints (not committed) into DIR:
          resnet34-<sha256[:8]>.pth + resnet34.io.safetensors (input and PyTorch's output),
          resnet50-<sha256[:8]>.pth (for timing the reader against torch.load).

    python scripts/make_fixtures.py --images
        Writes Tests/FastaiTests/Fixtures/images/ (tiny JPEGs and PNGs of every kind PIL reads) and
        Tests/FastaiTests/Fixtures/images.json: PIL's `.convert('RGB')` pixels of each (base64), fastai v1's
        resize (area pre-shrink + grid_sample) and crop_pad on random tensors, and numpy's legacy
        `np.random.seed(s); np.random.permutation(n)` (issue 17).

    python scripts/make_fixtures.py --gradients [--models DIR]
        Writes the gradient fixtures (issue 16): Tests/TensorsTests/Fixtures/gradients.safetensors +
        gradients.json (every op's input and parameter gradients from torch autograd, batch norm's
        running statistics after a train step), Tests/FastaiTests/Fixtures/head_gradients.safetensors
        (fastai's head on a [4,8,7,7] map, torch's dropout masks); with --models DIR also the head on
        [4,512,7,7] and create_cnn resnet18 (10 classes) and resnet34 (37 classes), 64 px, batch 4, frozen
        and unfrozen, computed in float64 (large; LEARNERLENS_GRADIENT_FIXTURES=DIR runs them).

Needs: torch, torchvision, safetensors (see the venv notes in the report / docs).

The fastai v1 part is a faithful re-implementation (no fastai install) of the
relevant pieces of fastai 1.0.61:
  fastai/vision/learner.py   model_meta, cnn_config, has_pool_type, create_body,
                             create_head, create_cnn_model, cnn_learner
  fastai/torch_core.py       bn_types, is_pool_type, requires_grad, children_and_parameters,
                             flatten_model, first_layer, split_model_idx, split_model,
                             in_channels, init_default, cond_init, apply_leaf, apply_init
  fastai/callbacks/hooks.py  hook_outputs, dummy_batch, dummy_eval, model_sizes,
                             num_features_model (64 -> 128 -> ... -> 2048 retry loop)
  fastai/layers.py           AdaptiveConcatPool2d, Flatten, bn_drop_lin
  fastai/basic_train.py      Learner.split, freeze_to, freeze, unfreeze (train_bn=True)
  fastai/core.py             listify
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parent.parent
OPS_DIR = REPO / "Tests" / "TensorsTests" / "Fixtures"
FACTS_DIR = REPO / "Tests" / "FastaiTests" / "Fixtures"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def f32(t: torch.Tensor) -> torch.Tensor:
    return t.detach().to(torch.float32).contiguous().clone()


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=1, sort_keys=False)
        fh.write("\n")


# ---------------------------------------------------------------------------
# 1a. op fixtures
# ---------------------------------------------------------------------------

class OpWriter:
    def __init__(self):
        self.cases: list[dict] = []
        self.tensors: dict[str, torch.Tensor] = {}

    def add(self, name: str, op: str, params: dict, **tensors: torch.Tensor) -> None:
        assert not any(c["name"] == name for c in self.cases), name
        case = {"name": name, "op": op}
        case.update(params)
        for key, t in tensors.items():
            if t is None:
                continue
            self.tensors[f"{name}.{key}"] = f32(t)
        case["input_shape"] = list(tensors["input"].shape)
        case["output_shape"] = list(tensors["output"].shape)
        self.cases.append(case)


def gen_conv(w: OpWriter) -> None:
    # (name, in_shape [N,C,H,W], out_ch, kernel (kh,kw), stride, padding, dilation, groups, bias)
    specs = [
        ("conv3x3_s1_p1", [2, 4, 8, 8], 6, (3, 3), (1, 1), (1, 1), (1, 1), 1, False),
        ("conv3x3_s1_p1_bias", [2, 4, 8, 8], 6, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
        ("conv3x3_s2_p1", [2, 4, 9, 9], 8, (3, 3), (2, 2), (1, 1), (1, 1), 1, False),
        ("conv3x3_s2_p1_even", [2, 4, 8, 8], 8, (3, 3), (2, 2), (1, 1), (1, 1), 1, True),
        ("conv1x1_s1_p0", [2, 8, 5, 5], 4, (1, 1), (1, 1), (0, 0), (1, 1), 1, False),
        ("conv1x1_s1_p0_bias", [2, 8, 5, 5], 4, (1, 1), (1, 1), (0, 0), (1, 1), 1, True),
        ("conv1x1_s2_downsample", [2, 4, 9, 9], 8, (1, 1), (2, 2), (0, 0), (1, 1), 1, False),
        ("conv7x7_s2_p3_rgb", [2, 3, 9, 9], 8, (7, 7), (2, 2), (3, 3), (1, 1), 1, False),
        ("conv3x3_dil2_p2", [2, 4, 9, 9], 4, (3, 3), (1, 1), (2, 2), (2, 2), 1, True),
        ("conv3x3_dil2_p0", [2, 3, 9, 9], 4, (3, 3), (1, 1), (0, 0), (2, 2), 1, False),
        ("conv3x3_groups2", [2, 4, 7, 7], 6, (3, 3), (1, 1), (1, 1), (1, 1), 2, True),
        ("conv3x3_depthwise", [2, 6, 7, 7], 6, (3, 3), (1, 1), (1, 1), (1, 1), 6, False),
        ("conv3x3_depthwise_s2_mult2", [2, 4, 8, 8], 8, (3, 3), (2, 2), (1, 1), (1, 1), 4, True),
        ("conv3x1_p1x0", [2, 4, 7, 7], 5, (3, 1), (1, 1), (1, 0), (1, 1), 1, True),
        ("conv1x3_p0x1_s1x2", [2, 3, 6, 9], 4, (1, 3), (1, 2), (0, 1), (1, 1), 1, False),
        ("conv3x3_nonsquare_input", [2, 3, 7, 9], 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
        ("conv3x3_nonsquare_s2x1", [2, 3, 7, 9], 4, (3, 3), (2, 1), (1, 0), (1, 1), 1, False),
        ("conv5x5_p0_bias", [2, 2, 9, 9], 3, (5, 5), (1, 1), (0, 0), (1, 1), 1, True),
        ("conv3x3_s2_p0_odd", [2, 3, 8, 8], 4, (3, 3), (2, 2), (0, 0), (1, 1), 1, False),
    ]
    for name, ish, oc, k, s, p, d, g, bias in specs:
        x = torch.randn(*ish)
        weight = torch.randn(oc, ish[1] // g, *k) * (1.0 / (ish[1] // g * k[0] * k[1])) ** 0.5
        b = torch.randn(oc) * 0.5 if bias else None
        y = F.conv2d(x, weight, b, stride=s, padding=p, dilation=d, groups=g)
        w.add(name, "conv2d",
              {"stride": list(s), "padding": list(p), "dilation": list(d), "groups": g, "bias": bias,
               "kernel": list(k), "in_channels": ish[1], "out_channels": oc},
              input=x, output=y, weight=weight, bias=b)


def gen_batchnorm(w: OpWriter) -> None:
    momentum, eps = 0.1, 1e-5
    specs = [
        ("bn2d_eval", "batch_norm2d", [2, 5, 4, 4], False),
        ("bn2d_train", "batch_norm2d", [2, 5, 4, 4], True),
        ("bn2d_eval_nonsquare", "batch_norm2d", [2, 3, 5, 7], False),
        ("bn2d_train_nonsquare", "batch_norm2d", [2, 3, 5, 7], True),
        ("bn1d_eval", "batch_norm1d", [4, 6], False),
        ("bn1d_train", "batch_norm1d", [4, 6], True),
    ]
    for name, op, shape, training in specs:
        c = shape[1]
        x = torch.randn(*shape) * 2.0 + 0.5
        weight = torch.rand(c) + 0.5          # not 1
        bias = torch.randn(c) * 0.3           # not 0
        rm = torch.randn(c) * 0.5
        rv = torch.rand(c) + 0.5              # positive
        nrm, nrv = rm.clone(), rv.clone()
        y = F.batch_norm(x, nrm, nrv, weight, bias, training=training, momentum=momentum, eps=eps)
        extra = {}
        if training:
            extra = {"new_running_mean": nrm, "new_running_var": nrv}
            # sanity: PyTorch uses the unbiased batch variance for running_var
            dims = [0] + list(range(2, x.dim()))
            n = x.numel() // c
            var_u = x.var(dim=dims, unbiased=True)
            assert torch.allclose(nrv, (1 - momentum) * rv + momentum * var_u, atol=1e-5)
            assert n > 1
        else:
            assert torch.equal(nrm, rm) and torch.equal(nrv, rv)
        w.add(name, op, {"training": training, "momentum": momentum, "eps": eps, "num_features": c},
              input=x, output=y, weight=weight, bias=bias, running_mean=rm, running_var=rv, **extra)


def gen_pool(w: OpWriter) -> None:
    # (name, op, in_shape, kernel, stride, padding, ceil_mode, count_include_pad)
    specs = [
        ("maxpool_k3s2_7x7", "max_pool2d", [2, 3, 7, 7], (3, 3), (2, 2), (0, 0), False, None),
        ("maxpool_k3s2_7x7_ceil", "max_pool2d", [2, 3, 7, 7], (3, 3), (2, 2), (0, 0), True, None),
        ("maxpool_k3s2_8x8", "max_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (0, 0), False, None),
        ("maxpool_k3s2_8x8_ceil", "max_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (0, 0), True, None),
        ("maxpool_k3s2_6x6_ceil", "max_pool2d", [2, 3, 6, 6], (3, 3), (2, 2), (0, 0), True, None),
        ("maxpool_resnet_k3s2p1_8x8", "max_pool2d", [2, 4, 8, 8], (3, 3), (2, 2), (1, 1), False, None),
        ("maxpool_resnet_k3s2p1_9x9", "max_pool2d", [2, 4, 9, 9], (3, 3), (2, 2), (1, 1), False, None),
        ("maxpool_k2s2_p1_5x5_ceil_droplast", "max_pool2d", [2, 2, 5, 5], (2, 2), (2, 2), (1, 1), True, None),
        ("maxpool_k2s2_nonsquare", "max_pool2d", [2, 3, 6, 9], (2, 2), (2, 2), (0, 0), False, None),
        ("maxpool_k3x2_s1x2_p1x0", "max_pool2d", [2, 2, 7, 8], (3, 2), (1, 2), (1, 0), False, None),
        ("avgpool_k2s2_8x8", "avg_pool2d", [2, 3, 8, 8], (2, 2), (2, 2), (0, 0), False, True),
        ("avgpool_k3s2_7x7", "avg_pool2d", [2, 3, 7, 7], (3, 3), (2, 2), (0, 0), False, True),
        ("avgpool_k3s2_8x8_ceil", "avg_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (0, 0), True, True),
        ("avgpool_k3s2p1_8x8_pad_incl", "avg_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (1, 1), False, True),
        ("avgpool_k3s2p1_8x8_pad_excl", "avg_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (1, 1), False, False),
        ("avgpool_k3s2p1_8x8_ceil_incl", "avg_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (1, 1), True, True),
        ("avgpool_k3s2p1_8x8_ceil_excl", "avg_pool2d", [2, 3, 8, 8], (3, 3), (2, 2), (1, 1), True, False),
        ("avgpool_k3s1p1_5x7", "avg_pool2d", [2, 2, 5, 7], (3, 3), (1, 1), (1, 1), False, True),
    ]
    for name, op, ish, k, s, p, ceil, cip in specs:
        x = torch.randn(*ish)
        params = {"kernel": list(k), "stride": list(s), "padding": list(p), "ceil_mode": ceil}
        if op == "max_pool2d":
            y = F.max_pool2d(x, k, s, p, ceil_mode=ceil)
        else:
            params["count_include_pad"] = cip
            y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip)
        w.add(name, op, params, input=x, output=y)

    for name, ish, osz in [
        ("adaptive_7x5_to_3x2", [2, 3, 7, 5], (3, 2)),
        ("adaptive_5x5_to_3x3", [2, 3, 5, 5], (3, 3)),
        ("adaptive_7x7_to_1x1", [2, 4, 7, 7], (1, 1)),
        ("adaptive_6x6_to_4x4", [2, 2, 6, 6], (4, 4)),
        ("adaptive_2x2_to_7x7_upsample", [2, 2, 2, 2], (7, 7)),
        ("adaptive_9x8_to_2x3", [2, 2, 9, 8], (2, 3)),
    ]:
        x = torch.randn(*ish)
        w.add("avg_" + name, "adaptive_avg_pool2d", {"output_size": list(osz)},
              input=x, output=F.adaptive_avg_pool2d(x, osz))
        w.add("max_" + name, "adaptive_max_pool2d", {"output_size": list(osz)},
              input=x, output=F.adaptive_max_pool2d(x, osz))

    for name, ish in [("concat_pool_4x4", [2, 5, 4, 4]), ("concat_pool_7x5", [2, 3, 7, 5]),
                      ("concat_pool_1x1", [2, 4, 1, 1])]:
        x = torch.randn(*ish)
        y = torch.cat([F.adaptive_max_pool2d(x, 1), F.adaptive_avg_pool2d(x, 1)], 1)
        w.add(name, "adaptive_concat_pool2d", {}, input=x, output=y)


def gen_misc(w: OpWriter) -> None:
    for name, n_in, n_out in [("linear_8_5", 8, 5), ("linear_6_3", 6, 3)]:
        x = torch.randn(2, n_in)
        weight = torch.randn(n_out, n_in) * (1.0 / n_in) ** 0.5
        b = torch.randn(n_out) * 0.5
        w.add(name, "linear", {"in_features": n_in, "out_features": n_out, "bias": True},
              input=x, output=F.linear(x, weight, b), weight=weight, bias=b)
    x = torch.randn(2, 5) * 3.0
    w.add("softmax_2x5", "softmax", {"dim": 1}, input=x, output=F.softmax(x, dim=1))
    x = torch.tensor([[1000.0, 1001.0, 999.0, -5.0], [-1000.0, -1002.0, -999.0, 0.0]])
    w.add("softmax_2x4_large", "softmax", {"dim": 1}, input=x, output=F.softmax(x, dim=1))
    x = torch.randn(2, 4, 3, 3)
    w.add("softmax_2x4x3x3", "softmax", {"dim": 1}, input=x, output=F.softmax(x, dim=1))
    x = torch.randn(2, 3, 4, 4)
    w.add("relu_2x3x4x4", "relu", {}, input=x, output=F.relu(x))


def make_ops() -> None:
    torch.manual_seed(0)
    w = OpWriter()
    gen_conv(w)
    gen_batchnorm(w)
    gen_pool(w)
    gen_misc(w)
    OPS_DIR.mkdir(parents=True, exist_ok=True)
    save_file(w.tensors, str(OPS_DIR / "ops.safetensors"),
              metadata={"generator": f"scripts/make_fixtures.py torch {torch.__version__}"})  # one key: deterministic header
    write_json(OPS_DIR / "ops.json", {
        "generator": "scripts/make_fixtures.py",
        "torch_version": torch.__version__,
        "dtype": "F32",
        "layout": "NCHW (conv/pool/bn2d), [N,C] (bn1d/linear/softmax); conv weight [out, in/groups, kh, kw]; linear weight [out, in]",
        "cases": w.cases,
    })
    os.chmod(OPS_DIR / "ops.safetensors", 0o644)
    print(f"ops: {len(w.cases)} cases, {len(w.tensors)} tensors -> {OPS_DIR}")


# ---------------------------------------------------------------------------
# 1b. fastai v1 reference (1.0.61 semantics)
# ---------------------------------------------------------------------------

# --- fastai/core.py
def listify(p=None, q=None):
    "Make `p` listy and the same length as `q`."
    if p is None:
        p = []
    elif isinstance(p, str):
        p = [p]
    elif not isinstance(p, Iterable):
        p = [p]
    else:
        try:
            len(p)
        except Exception:
            p = [p]
    n = q if type(q) == int else len(p) if q is None else len(q)
    if len(p) == 1:
        p = p * n
    assert len(p) == n, f"List len mismatch ({len(p)} vs {n})"
    return list(p)


# --- fastai/torch_core.py
bn_types = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def is_pool_type(l):
    return re.search(r"Pool[123]d$", l.__class__.__name__)


def requires_grad(m, b=None):
    ps = list(m.parameters())
    if not ps:
        return None
    if b is None:
        return ps[0].requires_grad
    for p in ps:
        p.requires_grad = b


class ParameterModule(nn.Module):
    "Register a lone parameter `p` in a module."
    def __init__(self, p):
        super().__init__()
        self.val = p

    def forward(self, x):
        return x


def children_and_parameters(m):
    children = list(m.children())
    children_p = sum([[id(p) for p in c.parameters()] for c in m.children()], [])
    for p in m.parameters():
        if id(p) not in children_p:
            children.append(ParameterModule(p))
    return children


def num_children(m):
    return len(list(m.children()))


def flatten_model(m):
    return sum(map(flatten_model, children_and_parameters(m)), []) if num_children(m) else [m]


def first_layer(m):
    return flatten_model(m)[0]


def split_model_idx(model, idxs):
    layers = flatten_model(model)
    if idxs[0] != 0:
        idxs = [0] + idxs
    if idxs[-1] != len(layers):
        idxs.append(len(layers))
    return [nn.Sequential(*layers[i:j]) for i, j in zip(idxs[:-1], idxs[1:])]


def split_model(model, splits):
    splits = listify(splits)
    if isinstance(splits[0], nn.Module):
        layers = flatten_model(model)
        idxs = [layers.index(first_layer(s)) for s in splits]
        return split_model_idx(model, idxs), idxs
    return [nn.Sequential(*s) for s in splits], None


def in_channels(m):
    for l in flatten_model(m):
        if hasattr(l, "weight"):
            return l.weight.shape[1]
    raise Exception("No weight layer")


def init_default(m, func=nn.init.kaiming_normal_):
    if func:
        if hasattr(m, "weight"):
            func(m.weight)
        if hasattr(m, "bias") and hasattr(m.bias, "data"):
            m.bias.data.fill_(0.0)
    return m


def cond_init(m, init_func):
    if (not isinstance(m, bn_types)) and requires_grad(m):
        init_default(m, init_func)


def apply_leaf(m, f):
    c = list(m.children())
    if isinstance(m, nn.Module):
        f(m)
    for l in c:
        apply_leaf(l, f)


def apply_init(m, init_func):
    apply_leaf(m, lambda mm: cond_init(mm, init_func))


# --- fastai/layers.py
class Flatten(nn.Module):
    def __init__(self, full=False):
        super().__init__()
        self.full = full

    def forward(self, x):
        return x.view(-1) if self.full else x.view(x.size(0), -1)


class AdaptiveConcatPool2d(nn.Module):
    def __init__(self, sz=None):
        super().__init__()
        self.output_size = sz or 1
        self.ap = nn.AdaptiveAvgPool2d(self.output_size)
        self.mp = nn.AdaptiveMaxPool2d(self.output_size)

    def forward(self, x):
        return torch.cat([self.mp(x), self.ap(x)], 1)


def bn_drop_lin(n_in, n_out, bn=True, p=0.0, actn=None):
    layers = [nn.BatchNorm1d(n_in)] if bn else []
    if p != 0:
        layers.append(nn.Dropout(p))
    layers.append(nn.Linear(n_in, n_out))
    if actn is not None:
        layers.append(actn)
    return layers


# --- fastai/callbacks/hooks.py
def dummy_batch(m, size=(64, 64)):
    ch_in = in_channels(m)
    return next(iter(m.parameters())).new(1, ch_in, *size).requires_grad_(False).uniform_(-1.0, 1.0)


def dummy_eval(m, size=(64, 64)):
    return m.eval()(dummy_batch(m, size))


def model_sizes_detailed(m, size=(64, 64)):
    "hooks.model_sizes, but also returns each hooked module's type."
    stored = {}
    mods = list(m)   # `Hooks(ms)` iterates the Sequential: its direct children
    handles = [mod.register_forward_hook(lambda mod_, i, o, k=k: stored.__setitem__(k, o.detach()))
               for k, mod in enumerate(mods)]
    try:
        with torch.no_grad():
            dummy_eval(m, size)
        return [(k, type(mods[k]).__name__, list(stored[k].shape)) for k in range(len(mods))]
    finally:
        for h in handles:
            h.remove()


def num_features_model_detailed(m):
    "hooks.num_features_model: 64, then 128, 256, ... up to 2048 on any exception."
    sz = 64
    tried = []
    while True:
        tried.append(sz)
        try:
            sizes = model_sizes_detailed(m, size=(sz, sz))
            return sizes[-1][2][1], sz, sizes, tried, None
        except Exception as e:  # noqa: BLE001 -- fastai catches everything here
            sz *= 2
            if sz > 2048:
                return None, None, None, tried, f"{type(e).__name__}: {e}"


# --- fastai/vision/learner.py
def _default_split(m): return (m[1],)
def _resnet_split(m): return (m[0][6], m[1])
def _squeezenet_split(m): return (m[0][0][5], m[0][0][8], m[1])
def _densenet_split(m): return (m[0][0][7], m[1])
def _vgg_split(m): return (m[0][0][22], m[1])
def _alexnet_split(m): return (m[0][0][6], m[1])


SPLIT_TEXT = {
    _default_split: "(m[1],)", _resnet_split: "(m[0][6], m[1])",
    _squeezenet_split: "(m[0][0][5], m[0][0][8], m[1])", _densenet_split: "(m[0][0][7], m[1])",
    _vgg_split: "(m[0][0][22], m[1])", _alexnet_split: "(m[0][0][6], m[1])",
}

_default_meta = {"cut": None, "split": _default_split}      # 1.0.48+: cut None (was -1 before)
_resnet_meta = {"cut": -2, "split": _resnet_split}
_squeezenet_meta = {"cut": -1, "split": _squeezenet_split}
_densenet_meta = {"cut": -1, "split": _densenet_split}
_vgg_meta = {"cut": -1, "split": _vgg_split}
_alexnet_meta = {"cut": -1, "split": _alexnet_split}

model_meta = {
    "resnet18": _resnet_meta, "resnet34": _resnet_meta, "resnet50": _resnet_meta,
    "resnet101": _resnet_meta, "resnet152": _resnet_meta,
    "squeezenet1_0": _squeezenet_meta, "squeezenet1_1": _squeezenet_meta,
    "densenet121": _densenet_meta, "densenet169": _densenet_meta,
    "densenet201": _densenet_meta, "densenet161": _densenet_meta,
    "vgg11_bn": _vgg_meta, "vgg13_bn": _vgg_meta, "vgg16_bn": _vgg_meta, "vgg19_bn": _vgg_meta,
    "alexnet": _alexnet_meta,
}


def has_pool_type(m):
    if is_pool_type(m):
        return True
    for l in m.children():
        if has_pool_type(l):
            return True
    return False


def create_body(model, cut):
    "create_body after `model = arch(pretrained)` and `cut = ifnone(cut, meta['cut'])`."
    resolved = cut
    if cut is None:
        ll = list(enumerate(model.children()))
        resolved = next(i for i, o in reversed(ll) if has_pool_type(o))
    return nn.Sequential(*list(model.children())[:resolved]), resolved


def create_head(nf, nc, lin_ftrs=None, ps=0.5, concat_pool=True, bn_final=False):
    lin_ftrs = [nf, 512, nc] if lin_ftrs is None else [nf] + list(lin_ftrs) + [nc]
    ps = listify(ps)
    if len(ps) == 1:
        ps = [ps[0] / 2] * (len(lin_ftrs) - 2) + ps
    actns = [nn.ReLU(inplace=True)] * (len(lin_ftrs) - 2) + [None]   # ONE shared ReLU instance
    pool = AdaptiveConcatPool2d() if concat_pool else nn.AdaptiveAvgPool2d(1)
    layers = [pool, Flatten()]
    for ni, no, p, actn in zip(lin_ftrs[:-1], lin_ftrs[1:], ps, actns):
        layers += bn_drop_lin(ni, no, True, p, actn)
    if bn_final:
        layers.append(nn.BatchNorm1d(lin_ftrs[-1], momentum=0.01))
    return nn.Sequential(*layers), lin_ftrs, ps


class Learner:
    "Just the parts of basic_train.Learner used here (train_bn=True)."
    def __init__(self, model, train_bn=True):
        self.model, self.train_bn = model, train_bn
        self.layer_groups = [nn.Sequential(*flatten_model(model))]
        self.split_idxs = None

    def split(self, split_on):
        if callable(split_on) and not isinstance(split_on, nn.Module):
            split_on = split_on(self.model)
        self.layer_groups, self.split_idxs = split_model(self.model, split_on)

    def freeze_to(self, n):
        for g in self.layer_groups[:n]:
            for l in g:
                if not self.train_bn or not isinstance(l, bn_types):
                    requires_grad(l, False)
        for g in self.layer_groups[n:]:
            requires_grad(g, True)

    def freeze(self):
        assert len(self.layer_groups) > 1
        self.freeze_to(-1)

    def unfreeze(self):
        self.freeze_to(0)


# ---------------------------------------------------------------------------
# fact extraction
# ---------------------------------------------------------------------------

def n_params(m) -> int:
    return sum(p.numel() for p in m.parameters())


def n_trainable(m) -> int:
    return sum(p.numel() for p in m.parameters() if p.requires_grad)


def head_desc(head) -> list[dict]:
    out, seen = [], {}
    for i, l in enumerate(head):                 # Sequential iteration: every registered slot
        d = {"type": type(l).__name__}
        if isinstance(l, nn.BatchNorm1d):
            d["features"] = l.num_features
        elif isinstance(l, nn.Dropout):
            d["p"] = l.p
        elif isinstance(l, nn.Linear):
            d["in"], d["out"], d["bias"] = l.in_features, l.out_features, l.bias is not None
        elif isinstance(l, nn.ReLU):
            d["inplace"] = l.inplace
        if id(l) in seen:
            d["same_module_as"] = seen[id(l)]
        else:
            seen[id(l)] = i
        out.append(d)
    return out


def tv_model(arch: str):
    return getattr(tvm, arch)(weights=None)


def build_case(key, arch, nc=37, cut="meta", split="meta", lin_ftrs=None, ps=0.5, note=None):
    """Run cnn_learner(data(c=nc), arch, cut, pretrained=False, lin_ftrs, ps) and collect facts.

    cut="meta": use model_meta (ifnone(cut, meta['cut'])); an int or None is used as the resolved cut
    (None triggers the pool rule, which fastai 1.0.61 only reaches for archs without meta).
    split="meta"/"default".
    """
    torch.manual_seed(0)
    meta = model_meta.get(arch, _default_meta)
    cut_v = meta["cut"] if cut == "meta" else cut
    split_fn = meta["split"] if split == "meta" else _default_split
    model = tv_model(arch)
    orig_children = [(n, type(c).__name__) for n, c in model.named_children()]
    body, resolved_cut = create_body(model, cut_v)
    facts = {
        "arch": arch, "classes": nc, "cut": cut_v, "resolved_cut": resolved_cut,
        "split_on": SPLIT_TEXT[split_fn],
        "model_children": [n for n, _ in orig_children],
        "model_child_types": [t for _, t in orig_children],
        "body_children": len(body),
        "body_child_types": [type(c).__name__ for c in body],
        "lin_ftrs_arg": lin_ftrs, "ps_arg": ps, "body_params": n_params(body),
    }
    if note:
        facts["note"] = note
    feats, dsz, sizes, tried, err = num_features_model_detailed(nn.Sequential(*body.children()))
    facts["dummy_sizes_tried"] = tried
    if err is not None:
        facts["error"] = err
        facts["dummy_size"] = None
        facts["dummy_shapes"] = []
        return facts
    facts["dummy_size"] = dsz
    facts["dummy_shapes"] = [{"index": i, "type": t, "shape": s} for i, t, s in sizes]
    nf = feats * 2
    facts["features"] = feats
    facts["nf"] = nf
    head, lin_list, ps_list = create_head(nf, nc, lin_ftrs, ps)
    facts["lin_ftrs"] = lin_list
    facts["ps"] = ps_list
    facts["head"] = head_desc(head)
    facts["head_slots"] = len(head)
    facts["head_children"] = num_children(head)   # children() de-duplicates a shared module
    model = nn.Sequential(body, head)
    learn = Learner(model)
    learn.split(split_fn)
    groups = learn.layer_groups
    leaves = flatten_model(model)
    facts["leaves"] = len(leaves)
    facts["body_leaves"] = len(flatten_model(body))
    facts["head_leaves"] = len(flatten_model(head))
    facts["split_leaf_indices"] = learn.split_idxs
    split_mods = split_fn(model)
    facts["split_modules"] = [{"type": type(s).__name__, "first_leaf_type": type(first_layer(s)).__name__,
                               "first_leaf_index": leaves.index(first_layer(s))} for s in split_mods]
    total = n_params(model)
    params = {"total": total, "body": n_params(body), "head": n_params(head)}
    layer_groups = [{"leaves": len(g), "params": n_params(g),
                     "first_leaf_type": type(g[0]).__name__ if len(g) else None} for g in groups]
    learn.freeze()
    params["trainable_after_freeze"] = n_trainable(model)
    for lg, g in zip(layer_groups, groups):
        lg["trainable_after_freeze"] = n_trainable(g)
    if len(groups) > 1:
        learn.freeze_to(1)
        params["trainable_after_freeze_to_1"] = n_trainable(model)
        for lg, g in zip(layer_groups, groups):
            lg["trainable_after_freeze_to_1"] = n_trainable(g)
    learn.unfreeze()
    params["trainable_after_unfreeze"] = n_trainable(model)
    facts["params"] = params
    facts["layer_groups"] = layer_groups
    facts["body_bn_params"] = sum(n_params(l) for l in flatten_model(body) if isinstance(l, bn_types))
    facts["head_bn_params"] = sum(n_params(l) for l in flatten_model(head) if isinstance(l, bn_types))
    # step 9 (apply_init on the head): which head leaves it re-initialises
    # (cond_init also visits the head Sequential itself, but it has no .weight/.bias: no effect)
    inited = []
    apply_leaf(head, lambda mm: inited.append(type(mm).__name__)
               if (not isinstance(mm, bn_types)) and requires_grad(mm) and hasattr(mm, "weight") else None)
    facts["head_init_modules"] = inited
    with torch.no_grad():
        model.eval()
        x = torch.randn(2, 3, 224, 224)
        facts["body_out_shape_224_batch2"] = list(body(x).shape)
        facts["output_shape_224_batch2"] = list(model(x).shape)
    return facts


def make_facts() -> None:
    cases = {}

    def add(key, *a, **kw):
        print(f"  facts: {key}", flush=True)
        cases[key] = build_case(key, *a, **kw)

    for arch in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                 "densenet121", "vgg16_bn", "alexnet", "squeezenet1_1"]:
        add(arch, arch)
    for arch in ["densenet121", "vgg16_bn"]:
        add(f"{arch}:default_meta", arch, cut=-1, split="default",
            note="_default_meta as before fastai 1.0.48 (cut -1, split (m[1],)); "
                 "1.0.48+ _default_meta has cut None (see :cut_none).")
    for arch in ["densenet121", "vgg16_bn"]:
        add(f"{arch}:cut_none", arch, cut=None, split="default",
            note="cut resolved by the 1.0.48+ rule: cut = index of the LAST child that has a "
                 "Pool[123]d$ module; body = children[:cut] (that child is EXCLUDED). fastai 1.0.61 "
                 "only reaches this for an arch without model_meta (e.g. a wrapper function), since "
                 "ifnone(cut, meta['cut']) gives -1 for these archs.")
    add("resnet34:c10", "resnet34", nc=10)
    add("resnet34:lin512-256", "resnet34", lin_ftrs=[512, 256], ps=[0.2, 0.4, 0.5])
    add("resnet34:ps0", "resnet34", ps=0)
    add("resnet34:ps_short", "resnet34", ps=[0.3],
        note="a one-element ps list is treated like a scalar: [p/2]*(n-2)+[p]")
    add("resnet34:lin512-256:ps_short", "resnet34", lin_ftrs=[512, 256], ps=[0.2, 0.4],
        note="ps shorter than the 3 layer pairs: zip() truncates, so the LAST bn_drop_lin "
             "(the one producing the classes) is silently dropped; output has 256 features")
    FACTS_DIR.mkdir(parents=True, exist_ok=True)
    write_json(FACTS_DIR / "fastai_v1_facts.json", {
        "generator": "scripts/make_fixtures.py",
        "fastai_semantics": "1.0.61",
        "torch_version": torch.__version__,
        "torchvision_version": __import__("torchvision").__version__,
        "cases": cases,
    })
    print(f"facts: {len(cases)} cases -> {FACTS_DIR / 'fastai_v1_facts.json'}")


# ---------------------------------------------------------------------------
# 1c. whole-model fixtures
# ---------------------------------------------------------------------------

def randomise_bn(model: nn.Module) -> None:
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, bn_types):
                m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.1)
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
                m.weight.copy_(torch.rand_like(m.weight) * 0.5 + 0.75)
                m.bias.copy_(torch.randn_like(m.bias) * 0.1)


def state_dict_for_safetensors(model: nn.Module) -> dict[str, torch.Tensor]:
    out = {}
    for k, v in model.state_dict().items():
        v = v.detach().contiguous().clone()
        out[k] = v.to(torch.int64) if k.endswith("num_batches_tracked") else v.to(torch.float32)
    return out


def write_model(dirp: Path, name: str, model: nn.Module) -> None:
    model.eval()
    torch.manual_seed(0)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        y = model(x)
    save_file(state_dict_for_safetensors(model), str(dirp / f"{name}.weights.safetensors"),
              metadata={"generator": f"scripts/make_fixtures.py torch {torch.__version__}"})  # one key: deterministic header
    save_file({"input": f32(x), "output": f32(y)}, str(dirp / f"{name}.io.safetensors"))
    for suffix in ("weights", "io"):
        os.chmod(dirp / f"{name}.{suffix}.safetensors", 0o644)
    print(f"  {name}: output {list(y.shape)}  sum {y.sum().item():.6f}")


def make_models(dirp: Path) -> None:
    dirp.mkdir(parents=True, exist_ok=True)
    for arch in ["resnet18", "resnet34"]:
        torch.manual_seed(0)
        m = tv_model(arch)
        randomise_bn(m)
        write_model(dirp, arch, m)
    # create_cnn-style resnet34, 37 classes
    torch.manual_seed(0)
    body, _ = create_body(tv_model("resnet34"), -2)
    nf = num_features_model_detailed(nn.Sequential(*body.children()))[0] * 2
    head, _, _ = create_head(nf, 37)
    model = nn.Sequential(body, head)
    apply_init(model[1], nn.init.kaiming_normal_)
    randomise_bn(model)
    write_model(dirp, "resnet34_cnn", model)
    print(f"models -> {dirp}")


# ---------------------------------------------------------------------------
# 4. training fixtures (--training): the pieces of fastai v1's training loop that
#    need no autograd in Swift (issue 16). Written to Tests/FastaiTests/Fixtures/training.json.
# ---------------------------------------------------------------------------

def _floats(t) -> list:
    return [float(v) for v in f32(t).reshape(-1).tolist()]


def _adamw_case(name, bn_wd=True, lrs=(3e-3,), groups_of=None, frozen=(), wd=1e-2, betas1=(0.95, 0.93, 0.90)):
    """fastai v1's OptimWrapper step (true_wd) over Linear(4,3) -> BatchNorm1d(3) -> Linear(3,2), three
    steps with the momentum fastai's one-cycle writes into betas[0], referenced by torch.optim.AdamW
    (foreach=False). Gradients come from torch autograd at each step so Swift needs no autograd."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    with torch.no_grad():  # non-trivial BN affine params
        model[1].weight.uniform_(0.5, 1.5)
        model[1].bias.uniform_(-0.5, 0.5)
    x = torch.randn(8, 4)
    y = torch.randint(0, 2, (8,))
    groups_of = groups_of or {n: 0 for n, _ in model.named_parameters()}
    for n, p in model.named_parameters():
        if n in frozen:
            p.requires_grad_(False)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    # split_no_wd_params: BN params and Linear biases are 'nowd'.
    def nowd(n):
        return n.startswith("1.") or n.endswith(".bias")
    param_groups = []
    for g in range(len(lrs)):
        param_groups.append({"params": [p for n, p in named if groups_of[n] == g and not nowd(n)], "lr": lrs[g], "weight_decay": wd})
        param_groups.append({"params": [p for n, p in named if groups_of[n] == g and nowd(n)], "lr": lrs[g],
                             "weight_decay": wd if bn_wd else 0.0})
    opt = torch.optim.AdamW(param_groups, betas=(0.9, 0.99), eps=1e-8, foreach=False)
    # fastai's literal way on a copy, to check that it is AdamW bit for bit.
    twin = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    twin.load_state_dict(model.state_dict())
    for n, p in twin.named_parameters():
        p.requires_grad_(n not in frozen)
    tnamed = [(n, p) for n, p in twin.named_parameters() if p.requires_grad]
    tgroups = []
    for g in range(len(lrs)):
        tgroups.append({"params": [p for n, p in tnamed if groups_of[n] == g and not nowd(n)], "lr": lrs[g]})
        tgroups.append({"params": [p for n, p in tnamed if groups_of[n] == g and nowd(n)], "lr": lrs[g]})
    topt = torch.optim.Adam(tgroups, betas=(0.9, 0.99), eps=1e-8, weight_decay=0, foreach=False)

    case = {
        "slots": [{"name": n, "layer_group": groups_of[n], "decay_group": not nowd(n)} for n, _ in named],
        "frozen": {n: _floats(p) for n, p in model.named_parameters() if n in frozen},
        "lrs": list(lrs), "wd": wd, "bn_wd": bn_wd, "betas1": list(betas1),
        "initial": {n: _floats(p) for n, p in named}, "steps": [],
    }
    for b1 in betas1:
        for m, o in ((model, opt), (twin, topt)):
            o.zero_grad()
            m.train()
            F.cross_entropy(m(x), y).backward()
            for pg in o.param_groups:
                pg["betas"] = (b1, 0.99)
        grads = {n: _floats(p.grad) for n, p in named}
        opt.step()
        with torch.no_grad():  # OptimWrapper.step: decay, then Adam(weight_decay=0)
            for g in range(len(lrs)):
                for p in tgroups[2 * g]["params"]:
                    p.mul_(1 - wd * lrs[g])
                if bn_wd:
                    for p in tgroups[2 * g + 1]["params"]:
                        p.mul_(1 - wd * lrs[g])
        topt.step()
        diff = max((a - b).abs().max().item() for a, b in zip(model.parameters(), twin.parameters()))
        assert diff == 0.0, f"{name}: fastai's decay+Adam differs from AdamW by {diff}"
        case["steps"].append({"grads": grads, "params": {n: _floats(p) for n, p in named}})
    return name, case


def _interpretation_case():
    torch.manual_seed(1)
    n, c = 30, 3
    logits = torch.randn(n, c) * 2
    targets = torch.randint(0, c, (n,))
    probs = F.softmax(logits, dim=1)
    losses = F.cross_entropy(logits, targets, reduction="none")
    assert len(set(losses.tolist())) == n, "top_losses needs distinct losses to compare tie-free"
    k = 7
    tl = losses.topk(k)
    pred = probs.argmax(1)
    x = torch.arange(0, c)
    cm = ((pred == x[:, None]) & (targets == x[:, None, None])).sum(2)  # fastai's slice_size=None form
    classes = ["bird", "cat", "dog"]
    import numpy as np
    cmn = cm.numpy().copy()
    np.fill_diagonal(cmn, 0)
    res = [(classes[i], classes[j], int(cmn[i, j])) for i, j in zip(*np.where(cmn >= 1))]
    res = sorted(res, key=lambda r: r[2], reverse=True)
    return {
        "classes": classes, "logits": _floats(logits), "targets": targets.tolist(), "probs": _floats(probs),
        "losses": _floats(losses), "topk": {"k": k, "values": _floats(tl.values), "indices": tl.indices.tolist()},
        "smallest": {"k": k, "indices": losses.topk(k, largest=False).indices.tolist()},
        "confusion": cm.tolist(), "most_confused": [list(r) for r in res],
    }


def _smoothing_case():
    torch.manual_seed(2)
    vals = (torch.rand(40) * 3).tolist()
    beta, n, mov, out = 0.98, 0, 0, []
    for v in vals:  # SmoothenValue.add_value(loss.float().detach().cpu())
        n += 1
        mov = beta * mov + (1 - beta) * torch.tensor(v, dtype=torch.float32)
        out.append(float((mov / (1 - beta ** n)).item()))
    return {"inputs": [float(torch.tensor(v, dtype=torch.float32).item()) for v in vals], "smoothed": out}


def _validation_case():
    import numpy as np
    torch.manual_seed(3)
    sizes, c = [64, 64, 6], 10
    logits = torch.randn(sum(sizes), c)
    y = torch.randint(0, c, (sum(sizes),))
    batch_losses, acc, err, start = [], 0.0, 0.0, 0
    for bs in sizes:
        out, yb = logits[start:start + bs], y[start:start + bs]
        batch_losses.append(F.cross_entropy(out, yb).detach())
        a = (out.argmax(dim=-1) == yb).float().mean()
        acc += bs * a  # AverageMetric
        err += bs * (1 - a)
        start += bs
    nums = np.array(sizes, dtype=np.float32)
    val = (torch.stack(batch_losses).numpy() * nums).sum() / nums.sum()  # validate(average=True)
    return {"sizes": sizes, "classes": c, "logits": _floats(logits), "targets": y.tolist(),
            "batch_losses": [float(v) for v in batch_losses], "valid_loss": float(val),
            "full_mean_loss": float(F.cross_entropy(logits, y)),
            "accuracy": float(acc / sum(sizes)), "error_rate": float(err / sum(sizes))}


def _resize_case():
    """fastai v1's resize of a square image: _affine_grid's linspace grid, grid_sample bilinear,
    align_corners=True (no area pre-shrink: the factor is below 2)."""
    torch.manual_seed(4)
    h_in, h_out = 6, 9
    img = torch.rand(1, h_in, h_in)
    grid = torch.zeros(1, h_out, h_out, 2)
    lin = torch.linspace(-1, 1, h_out)
    grid[:, :, :, 0] = torch.ger(torch.ones(h_out), lin)
    grid[:, :, :, 1] = torch.ger(lin, torch.ones(h_out))
    out = F.grid_sample(img[None], grid, mode="bilinear", padding_mode="reflection", align_corners=True)[0]
    down = 4  # 6 -> 4: factor 1.5, still no pre-shrink
    lin = torch.linspace(-1, 1, down)
    g2 = torch.zeros(1, down, down, 2)
    g2[:, :, :, 0] = torch.ger(torch.ones(down), lin)
    g2[:, :, :, 1] = torch.ger(lin, torch.ones(down))
    out2 = F.grid_sample(img[None], g2, mode="bilinear", padding_mode="reflection", align_corners=True)[0]
    return {"size_in": h_in, "input": _floats(img), "size_out": h_out, "output": _floats(out),
            "size_down": down, "output_down": _floats(out2)}


def _training_diagnostics() -> None:
    """Facts the Swift tests rely on, printed so they can be re-checked on any machine."""
    import numpy as np
    g = torch.Generator().manual_seed(0)
    v = torch.rand(100_000, generator=g) * 1e-3
    exact = torch.from_numpy(np.sqrt(v.numpy().astype(np.float64)).astype(np.float32))
    bad = int((v.sqrt() != exact).sum())
    print(f"torch float32 sqrt vs correctly rounded: {bad} of {v.numel()} differ "
          f"(cpu capability {torch.backends.cpu.get_cpu_capability()})")
    x = torch.tensor([1., 3., 3., 2., 3., 1.])
    print(f"torch topk tie order: {x.tolist()}.topk(3).indices = {x.topk(3).indices.tolist()}")


def make_training() -> None:
    two = {"0.weight": 0, "0.bias": 0, "1.weight": 0, "1.bias": 0, "2.weight": 1, "2.bias": 1}
    adamw = dict([
        _adamw_case("default"),
        _adamw_case("bn_wd_false", bn_wd=False),
        _adamw_case("two_groups", lrs=(1e-3, 3e-3), groups_of=two),
        _adamw_case("frozen", frozen=("0.weight",)),
    ])
    obj = {"torch": torch.__version__, "adamw": adamw, "interpretation": _interpretation_case(),
           "smoothing": _smoothing_case(), "validation": _validation_case(), "resize": _resize_case()}
    write_json(FACTS_DIR / "training.json", obj)
    print(f"training -> {FACTS_DIR / 'training.json'}")
    _training_diagnostics()
# 1d. torch.save checkpoints
# ---------------------------------------------------------------------------

CHECKPOINT_DIR = OPS_DIR / "checkpoints"


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 2)


def expected_values(sd: dict) -> dict:
    """What the Swift reader must produce: float32 (int64 for integer buffers), contiguous."""
    out = {}
    for k, v in sd.items():
        v = v.detach()
        out[k] = v.to(torch.int64).contiguous().clone() if not v.is_floating_point() else v.to(torch.float32).contiguous().clone()
    return out


def save_pair(name: str, sd, expected=None, **kw) -> None:
    path = CHECKPOINT_DIR / f"{name}.pth"
    torch.save(sd, str(path), **kw)
    if expected is not None:
        save_file(expected_values(expected), str(CHECKPOINT_DIR / f"{name}.expected.safetensors"))
    print(f"  {path.name}: {path.stat().st_size} bytes")


def torch_like_zip(path: Path, pickle_bytes: bytes) -> None:
    """A zip laid out like torch.save's, around a hand-written pickle."""
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")


def make_checkpoints() -> None:
    import zipfile
    CHECKPOINT_DIR.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    net = SmallNet()
    randomise_bn(net)
    net.bn.num_batches_tracked.fill_(7)
    sd = net.state_dict()
    save_pair("small_f32", sd, sd)
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in sd.items()}
    save_pair("small_f16", half, half)
    bf = {k: (v.bfloat16() if v.is_floating_point() else v) for k, v in sd.items()}
    save_pair("small_bf16", bf, bf)
    # Views: an offset into a shared storage, a transpose, a strided slice, a 0-d tensor.
    base = torch.arange(60, dtype=torch.float32).reshape(5, 12) / 7
    views = {
        "whole": base,
        "rows": base[2:4],
        "columns": base[:, 3:9:2],
        "transposed": base.t(),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
        "double": torch.linspace(-1, 1, 5, dtype=torch.float64),
    }
    save_pair("views", views, views)
    save_pair("legacy", sd, sd, _use_new_zipfile_serialization=False)
    save_pair("training", {"epoch": 3, "lr": 0.01, "state_dict": sd}, sd)
    # Every architecture's first layers, float16 to stay small: the names and shapes ours must match.
    first = {}
    for arch in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121", "vgg16_bn", "alexnet",
                 "squeezenet1_1"]:
        torch.manual_seed(0)
        arch_sd = tv_model(arch).state_dict()
        for k in list(arch_sd)[:2]:
            first[f"{arch}/{k}"] = arch_sd[k].half() if arch_sd[k].is_floating_point() else arch_sd[k]
    save_pair("first_layers", first)
    save_file({k: v.contiguous() for k, v in first.items()}, str(CHECKPOINT_DIR / "first_layers.expected.safetensors"))
    # A pickled nn.Module, not a state dict.
    torch.save(nn.Sequential(nn.Linear(2, 2)), str(CHECKPOINT_DIR / "module.pth"))
    # Damaged files.
    good = (CHECKPOINT_DIR / "small_f32.pth").read_bytes()
    (CHECKPOINT_DIR / "truncated.pth").write_bytes(good[: len(good) // 2])
    with zipfile.ZipFile(CHECKPOINT_DIR / "small_f32.pth") as z:
        info = next(i for i in z.infolist() if i.filename.endswith("/data/0"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    with open(CHECKPOINT_DIR / "small_f32.pth", "rb") as f:
        f.seek(info.header_offset + 28)
        extra_len = int.from_bytes(f.read(2), "little")
    start = info.header_offset + 30 + len(info.filename.encode()) + extra_len
    bad = bytearray(good)
    bad[start + 5] ^= 0x40
    (CHECKPOINT_DIR / "badcrc.pth").write_bytes(bytes(bad))
    # A pickle that would call os.system("echo pwned") under pickle.load: written by hand, never run.
    import struct
    cmd = b"echo pwned"
    evil = (b"\x80\x02" + b"cposix\nsystem\n" + b"X" + struct.pack("<I", len(cmd)) + cmd
            + b"\x85" + b"R" + b".")
    torch_like_zip(CHECKPOINT_DIR / "malicious.pth", evil)
    for p in CHECKPOINT_DIR.iterdir():
        os.chmod(p, 0o644)
    print(f"checkpoints -> {CHECKPOINT_DIR}")


def sha_named(path: Path, arch: str) -> Path:
    import hashlib
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    named = path.with_name(f"{arch}-{digest[:8]}.pth")
    path.rename(named)
    return named


def make_full_checkpoints(dirp: Path) -> None:
    dirp.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    m = tv_model("resnet34")
    randomise_bn(m)
    m.eval()
    tmp = dirp / "resnet34.tmp"
    torch.save(m.state_dict(), str(tmp))
    named = sha_named(tmp, "resnet34")
    torch.manual_seed(1)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        y = m(x)
    save_file({"input": f32(x), "output": f32(y)}, str(dirp / "resnet34.io.safetensors"))
    print(f"  {named.name}: output {list(y.shape)}")
    torch.manual_seed(0)
    m50 = tv_model("resnet50")
    tmp = dirp / "resnet50.tmp"
    torch.save(m50.state_dict(), str(tmp))
    print(f"  {sha_named(tmp, 'resnet50').name}")


# ---------------------------------------------------------------------------
# issue 17: images (PIL decoding, fastai v1 resize/crop_pad, numpy's permutation)
# ---------------------------------------------------------------------------

IMAGES_DIR = FACTS_DIR / "images"


def _png_bytes(arr, color_type, bit_depth, interlace=False, plte=None, trns=None) -> bytes:
    """A minimal PNG writer (filter 0 everywhere) for what PIL cannot write: 16-bit RGB/grey+alpha and Adam7."""
    import struct
    import zlib
    import numpy as np

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    h, w = arr.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"

    def rows(a):
        return b"".join(b"\x00" + a[y].astype(dtype).tobytes() for y in range(a.shape[0]))

    if interlace:
        passes = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]
        raw = b"".join(rows(arr[y0::dy, x0::dx]) for (y0, x0, dy, dx) in passes
                       if arr[y0::dy, x0::dx].size)
    else:
        raw = rows(arr)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if plte is not None:
        out += chunk(b"PLTE", bytes(plte))
    if trns is not None:
        out += chunk(b"tRNS", bytes(trns))
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _write_image_files() -> list[str]:
    import numpy as np
    from PIL import Image
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    for old in IMAGES_DIR.iterdir():
        old.unlink()
    rng = np.random.default_rng(17)
    h, w = 13, 19
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack([xx * 255 // (w - 1), yy * 255 // (h - 1), (xx + yy) * 7 % 256], -1)
    rgb = np.clip(rgb + rng.integers(-40, 41, rgb.shape), 0, 255).astype(np.uint8)
    im = Image.fromarray(rgb, "RGB")
    names = []

    def save(name, img, **kw):
        img.save(IMAGES_DIR / name, **kw)
        names.append(name)

    save("jpeg_baseline_420.jpg", im, quality=90, subsampling=2)
    save("jpeg_baseline_444.jpg", im, quality=90, subsampling=0)
    save("jpeg_baseline_422.jpg", im, quality=75, subsampling=1)
    save("jpeg_progressive_420.jpg", im, quality=85, subsampling=2, progressive=True)
    save("jpeg_progressive_444.jpg", im, quality=85, subsampling=0, progressive=True)
    save("jpeg_grey.jpg", im.convert("L"), quality=90)
    save("jpeg_cmyk.jpg", im.convert("CMYK"), quality=90)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° CW to display; fastai v1 (PIL's open + convert) ignores it
    save("jpeg_exif_orientation6.jpg", im, quality=90, exif=exif.tobytes())
    save("png_rgb8.png", im)
    save("png_grey8.png", im.convert("L"))
    save("png_grey1.png", im.convert("1"))
    save("png_palette.png", im.quantize(16))
    pal = im.quantize(8)
    pal.info["transparency"] = 3
    save("png_palette_trns.png", pal)
    rgba = np.concatenate([rgb, (xx * 13 % 256).astype(np.uint8)[..., None]], -1)
    save("png_rgba.png", Image.fromarray(rgba, "RGBA"))
    la = np.stack([np.asarray(im.convert("L")), (yy * 20 % 256).astype(np.uint8)], -1)
    save("png_grey_alpha.png", Image.fromarray(la, "LA"))
    rgb16 = rgb.astype(np.uint16) * 257 + rng.integers(0, 257, rgb.shape).astype(np.uint16)
    files = {
        "png_rgb16.png": _png_bytes(rgb16, 2, 16),
        "png_rgba16.png": _png_bytes(np.concatenate([rgb16, rgb16[..., :1]], -1), 6, 16),
        "png_grey16.png": _png_bytes((yy * 4000 + xx * 37).astype(np.uint16)[..., None], 0, 16),
        "png_grey16_small.png": _png_bytes((yy * 19 + xx).astype(np.uint16)[..., None], 0, 16),
        "png_grey_alpha16.png": _png_bytes(np.stack([rgb16[..., 0], rgb16[..., 1]], -1), 4, 16),
        "png_rgb8_interlaced.png": _png_bytes(rgb, 2, 8, interlace=True),
        "png_palette_interlaced.png": _png_bytes(
            (xx % 4 + 4 * (yy % 2)).astype(np.uint8)[..., None], 3, 8, interlace=True,
            plte=[v for i in range(8) for v in (i * 30, 255 - i * 30, (i * 77) % 256)]),
    }
    for name, data in files.items():
        (IMAGES_DIR / name).write_bytes(data)
        names.append(name)
    return sorted(names)


def _decoded_case(name):
    import base64
    from PIL import Image
    with Image.open(IMAGES_DIR / name) as img:
        mode = img.mode
        rgb = img.convert("RGB")
    return {"file": name, "mode": mode, "width": rgb.width, "height": rgb.height,
            "rgb": base64.b64encode(rgb.tobytes()).decode()}


def _fastai_affine_grid(h, w):
    grid = torch.zeros(1, h, w, 2)
    lin = torch.linspace(-1, 1, w) if w > 1 else torch.tensor([-1.0])
    grid[:, :, :, 0] = torch.ger(torch.ones(h), lin).expand_as(grid[:, :, :, 0])
    lin = torch.linspace(-1, 1, h) if h > 1 else torch.tensor([-1.0])
    grid[:, :, :, 1] = torch.ger(lin, torch.ones(w)).expand_as(grid[:, :, :, 1])
    return grid


def _fastai_resize(x, size):
    """Image.apply_tfms(size=int): _get_resize_target(do_crop=True), Image.resize, refresh -> _grid_sample."""
    ch, r, c = x.shape
    ratio = min(r / size, c / size)
    target = (int(round(r / ratio)), int(round(c / ratio)))
    if target == (r, c):
        return x, target, None
    coords = _fastai_affine_grid(*target)
    mn, mx = coords.min(), coords.max()
    z = 1 / (mx - mn).item() * 2
    d = min(x.shape[1] / coords.shape[1], x.shape[2] / coords.shape[2]) / 2
    shrunk = None
    if d > 1 and d > z:
        x = F.interpolate(x[None], scale_factor=1 / d, mode="area")[0]
        shrunk = list(x.shape[1:])
    out = F.grid_sample(x[None], coords, mode="bilinear", padding_mode="reflection", align_corners=True)[0]
    return out, target, shrunk


def _fastai_crop_pad(x, size, row_pct=0.5, col_pct=0.5):
    rows, cols = size, size
    if x.shape[1:] == torch.Size((rows, cols)):
        return x
    row_pct = row_pct - 1e-7 if row_pct == 1 else row_pct
    col_pct = col_pct - 1e-7 if col_pct == 1 else col_pct
    if x.size(1) < rows or x.size(2) < cols:
        row_pad = max((rows - x.size(1) + 1) // 2, 0)
        col_pad = max((cols - x.size(2) + 1) // 2, 0)
        x = F.pad(x[None], (col_pad, col_pad, row_pad, row_pad), mode="reflect")[0]
    row = int((x.size(1) - rows + 1) * row_pct)
    col = int((x.size(2) - cols + 1) * col_pct)
    return x[:, row:row + rows, col:col + cols].contiguous()


def _geometry_cases():
    torch.manual_seed(17)
    cases = []
    def pixels(h, w):  # open_image's values: bytes / 255 in float32
        b = torch.randint(0, 256, (3, h, w), dtype=torch.uint8)
        return b, b.float().div_(255)

    def short(t):  # 7 significant digits: enough for the 1e-4 comparison, small on disk
        return [float(f"{v:.7g}") for v in _floats(t)]

    for (h, w, size, rp, cp) in [(20, 30, 8, 0.5, 0.5), (9, 13, 16, 0.5, 0.5), (30, 11, 5, 0.3, 0.9),
                                 (12, 12, 12, 0.5, 0.5), (21, 33, 10, 0.0, 1.0), (7, 40, 6, 0.5, 0.25),
                                 (40, 3, 2, 0.5, 0.5), (17, 16, 8, 0.5, 0.5)]:
        b, x = pixels(h, w)
        resized, target, shrunk = _fastai_resize(x, size)
        out = _fastai_crop_pad(resized, size, rp, cp)
        cases.append({"height": h, "width": w, "size": size, "row_pct": rp, "col_pct": cp, "bytes": b.reshape(-1).tolist(),
                      "target": list(target), "shrunk": shrunk, "output": short(out)})
    # crop_pad on an image smaller than the crop: reflection padding
    b, x = pixels(5, 7)
    pad = {"height": 5, "width": 7, "size": 9, "row_pct": 0.5, "col_pct": 0.5, "bytes": b.reshape(-1).tolist(),
           "output": short(_fastai_crop_pad(x, 9))}
    return cases, pad


def _fastai_symmetric_warp(flow, m):
    """_symmetric_warp -> _do_perspective_warp -> _find_coeffs(_orig_pts, targ_pts) -> _apply_perspective."""
    orig = [[-1, -1], [-1, 1], [1, -1], [1, 1]]
    targ = [[-1 - m[3], -1 - m[1]], [-1 - m[2], 1 + m[1]], [1 + m[3], -1 - m[0]], [1 + m[2], 1 + m[0]]]
    rows = []
    for p1, p2 in zip(targ, orig):
        rows.append([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]])
        rows.append([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])
    A = torch.tensor(rows, dtype=torch.float32)
    B = torch.tensor(orig, dtype=torch.float32).view(8, 1)
    coeffs = torch.linalg.solve(A, B)[:, 0]
    size = flow.size()
    f = flow.view(-1, 2)
    coeffs = torch.cat([coeffs, torch.tensor([1.0])]).view(3, 3)
    f = torch.addmm(coeffs[:, 2], f, coeffs[:, :2].t())
    f = f * (1 / f[:, 2].unsqueeze(1))
    return f[:, :2].reshape(size)


def _fastai_augment(x, size, flip=False, warp=None, degrees=None, zoom=None, change=None, scale=None, crop=(0.5, 0.5)):
    """Image.apply_tfms(get_transforms()-style tfms, size) with the random draws fixed: rotate then rand_zoom
    (affine, order 5, M = R @ Z), _affine_mult's aspect fix, _grid_sample (area pre-shrink unless zoomed in),
    lighting in logit space (brightness, contrast; order 8), flip_lr (pixel, order 10), crop_pad (order 99)."""
    import math
    ch, r, c = x.shape
    ratio = min(r / size, c / size)
    th, tw = int(round(r / ratio)), int(round(c / ratio))
    m = torch.eye(3)
    affine = False
    if degrees is not None:
        a = degrees * math.pi / 180
        m = m @ torch.tensor([[math.cos(a), -math.sin(a), 0.], [math.sin(a), math.cos(a), 0.], [0., 0., 1.]]).float()
        affine = True
    if zoom is not None:
        zs, zr, zc = zoom
        s = 1 - 1 / zs
        m = m @ torch.tensor([[1 / zs, 0, s * (2 * zc - 1)], [0, 1 / zs, s * (2 * zr - 1)], [0, 0, 1.]]).float()
        affine = True
    if affine or warp is not None or (th, tw) != (r, c):
        flow = _fastai_affine_grid(th, tw)
        if warp is not None:
            flow = _fastai_symmetric_warp(flow, warp)
        if affine:
            m = m.clone()
            m[0, 1] *= th / tw
            m[1, 0] *= tw / th
            flow = torch.addmm(m[:2, 2], flow.view(-1, 2), m[:2, :2].t()).view(1, th, tw, 2)
        mn, mx = flow.min(), flow.max()
        z = 1 / (mx - mn).item() * 2
        d = min(r / th, c / tw) / 2
        if d > 1 and d > z:
            x = F.interpolate(x[None], scale_factor=1 / d, mode="area")[0]
        x = F.grid_sample(x[None], flow, mode="bilinear", padding_mode="reflection", align_corners=True)[0]
    if change is not None or scale is not None:
        lx = (x / (1 - x)).log()
        if change is not None:
            lx = lx + math.log(change / (1 - change))
        if scale is not None:
            lx = lx * scale
        x = lx.sigmoid()
    if flip:
        x = x.flip(2)
    return _fastai_crop_pad(x.contiguous(), size, *crop)


def _augment_cases():
    torch.manual_seed(18)
    cases = []
    for (h, w, size, kw) in [
        (12, 15, 10, dict(degrees=7.5)),
        (12, 15, 10, dict(zoom=(1.08, 0.2, 0.7))),
        (20, 14, 6, dict(degrees=-9.0, zoom=(1.05, 0.9, 0.1), change=0.45, scale=1.2, flip=True, crop=(0.3, 0.8))),
        (9, 9, 9, dict(change=0.58, scale=0.85)),
        (9, 11, 9, dict(flip=True, crop=(1.0, 0.0))),
        (30, 40, 7, dict(degrees=3.0)),
        (12, 15, 10, dict(warp=(0.15, -0.1, 0.05, -0.18))),
        (40, 26, 9, dict(warp=(-0.2, 0.2, 0.1, 0.0), degrees=4.0, zoom=(1.02, 0.5, 0.5), flip=True, crop=(0.6, 0.1))),
    ]:
        b = torch.randint(0, 256, (3, h, w), dtype=torch.uint8)
        out = _fastai_augment(b.float().div_(255), size, **kw)
        case = {"height": h, "width": w, "size": size, "bytes": b.reshape(-1).tolist(),
                "output": [float(f"{v:.7g}") for v in _floats(out)]}
        case.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()})
        cases.append(case)
    return cases


def _permutation_cases():
    import numpy as np
    out = []
    for seed, n in [(2, 1), (2, 10), (2, 50), (42, 37), (0, 300), (4294967295, 17)]:
        np.random.seed(seed)
        out.append({"seed": seed, "n": n, "permutation": np.random.permutation(n).tolist()})
    return out


def _pipeline_case(names, size=6):
    """open_image + resize(size) + centre crop_pad + normalize(imagenet_stats) of every fixture image, as a batch."""
    import numpy as np
    from PIL import Image
    mean = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
    std = torch.tensor([0.229, 0.224, 0.225])[:, None, None]
    out = []
    for n in names:
        x = torch.from_numpy(np.asarray(Image.open(IMAGES_DIR / n).convert("RGB"), dtype=np.float32))
        x = x.permute(2, 0, 1).contiguous().div_(255)
        r, _, _ = _fastai_resize(x, size)
        out.append((_fastai_crop_pad(r, size) - mean) / std)
    return {"size": size, "files": names, "output": [float(f"{v:.7g}") for v in _floats(torch.stack(out))]}


def make_images() -> None:
    import mimetypes
    import PIL
    names = _write_image_files()
    cases, pad = _geometry_cases()
    obj = {"pillow": PIL.__version__, "torch": torch.__version__,
           "decoded": [_decoded_case(n) for n in names],
           "geometry": cases, "crop_pad_reflect": pad, "pipeline": _pipeline_case(names), "augment": _augment_cases(), "permutations": _permutation_cases(),
           "image_extensions": sorted(k for k, v in mimetypes.types_map.items() if v.startswith("image/")),
           "sorted_labels": sorted(["beagle", "Abyssinian", "Égyptien", "_x", "Bengal", "zebra", "a b", "ß", "Z"])}
    with open(FACTS_DIR / "images.json", "w") as fh:  # compact: the lists of pixels are long
        json.dump(obj, fh, separators=(",", ":"))
        fh.write("\n")
    total = sum((IMAGES_DIR / n).stat().st_size for n in names)
    print(f"images -> {IMAGES_DIR} ({len(names)} files, {total} bytes), {FACTS_DIR / 'images.json'}")


# ---------------------------------------------------------------------------
# 5. gradient fixtures (--gradients): every op's input and parameter gradients from torch
#    autograd, batch norm's running statistics after a train step, and fastai's head (issue 16).
#    Small ones to Tests/TensorsTests/Fixtures/gradients.*, Tests/FastaiTests/Fixtures/head_gradients.*;
#    with --models DIR also the whole create_cnn models (large, not committed).
# ---------------------------------------------------------------------------

class GradWriter:
    """Each case: tensors `{name}.{key}` (inputs, `seed` = the output's gradient, `output`,
    `grad.{key}` for each input and parameter) and a JSON entry with the op's parameters."""
    def __init__(self):
        self.cases: list[dict] = []
        self.tensors: dict[str, torch.Tensor] = {}

    def add(self, name, op, params, inputs: dict, fn, extra: dict | None = None):
        leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items() if v is not None}
        y = fn(**leaves)
        seed = torch.randn_like(y)
        y.backward(seed)
        case = {"name": name, "op": op, **params, "inputs": list(leaves)}
        for k, v in leaves.items():
            self.tensors[f"{name}.{k}"] = f32(v)
            self.tensors[f"{name}.grad.{k}"] = f32(v.grad)
        self.tensors[f"{name}.seed"] = f32(seed)
        self.tensors[f"{name}.output"] = f32(y)
        for k, v in (extra or {}).items():
            self.tensors[f"{name}.{k}"] = f32(v)
        self.cases.append(case)


def _gradient_ops(w: GradWriter) -> None:
    torch.manual_seed(0)
    convs = [  # (name, input, out, kernel, stride, padding, dilation, groups, bias)
        ("conv3x3_s1_p1", [2, 4, 6, 6], 5, 3, 1, 1, 1, 1, False),
        ("conv3x3_s2_p1", [2, 4, 7, 7], 6, 3, 2, 1, 1, 1, True),
        ("conv1x1_s1", [2, 6, 5, 5], 4, 1, 1, 0, 1, 1, True),
        ("conv1x1_s2_downsample", [2, 4, 7, 7], 6, 1, 2, 0, 1, 1, False),
        ("conv7x7_s2_p3_stem", [2, 3, 9, 9], 4, 7, 2, 3, 1, 1, False),
        ("conv11x11_s4_p2_alexnet", [2, 3, 19, 19], 3, 11, 4, 2, 1, 1, True),
        ("conv5x5_p2_alexnet", [2, 3, 6, 6], 4, 5, 1, 2, 1, 1, True),
        ("conv3x3_groups2", [2, 4, 6, 6], 6, 3, 1, 1, 1, 2, True),
        ("conv3x3_dil2_p2", [2, 3, 7, 7], 4, 3, 1, 2, 2, 1, False),
    ]
    for name, ish, oc, k, s, p, d, g, bias in convs:
        x = torch.randn(*ish)
        weight = torch.randn(oc, ish[1] // g, k, k) * (1.0 / (ish[1] // g * k * k)) ** 0.5
        b = torch.randn(oc) * 0.5 if bias else None
        w.add(name, "conv2d", {"kernel": k, "stride": s, "padding": p, "dilation": d, "groups": g},
              {"input": x, "weight": weight, "bias": b},
              lambda input, weight, bias=None: F.conv2d(input, weight, bias, s, p, d, g))
    for name, shape, training in [("bn2d_train", [3, 4, 3, 3], True), ("bn2d_eval", [3, 4, 3, 3], False),
                                  ("bn1d_train", [4, 6], True), ("bn1d_eval", [4, 6], False)]:
        c = shape[1]
        x = torch.randn(*shape) * 2 + 0.5
        rm, rv = torch.randn(c) * 0.5, torch.rand(c) + 0.5
        nrm, nrv = rm.clone(), rv.clone()
        w.add(name, "batch_norm", {"training": training},
              {"input": x, "weight": torch.rand(c) + 0.5, "bias": torch.randn(c) * 0.3},
              lambda input, weight, bias: F.batch_norm(input, nrm, nrv, weight, bias, training=training,
                                                       momentum=0.1, eps=1e-5),
              {"running_mean": rm, "running_var": rv, "new_running_mean": nrm, "new_running_var": nrv})
    for name, ish, k, s, p, ceil in [("maxpool_k3s2p1", [2, 3, 7, 7], 3, 2, 1, False),
                                     ("maxpool_k2s2", [2, 3, 6, 6], 2, 2, 0, False),
                                     ("maxpool_k3s2_ceil", [2, 3, 8, 8], 3, 2, 0, True)]:
        w.add(name, "max_pool2d", {"kernel": k, "stride": s, "padding": p, "ceil_mode": ceil},
              {"input": torch.randn(*ish)}, lambda input: F.max_pool2d(input, k, s, p, ceil_mode=ceil))
    # ties: torch's CPU kernel gives the gradient to the first maximal element (row-major)
    tie = torch.tensor([[[[1., 2., 2.], [2., 0., 2.], [1., 2., 1.]]]])
    w.add("maxpool_ties", "max_pool2d", {"kernel": 2, "stride": 1, "padding": 0, "ceil_mode": False},
          {"input": tie}, lambda input: F.max_pool2d(input, 2, 1, 0))
    for name, cip in [("avgpool_k3s2p1_incl", True), ("avgpool_k3s2p1_excl", False)]:
        w.add(name, "avg_pool2d", {"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": cip},
              {"input": torch.randn(2, 3, 8, 8)},
              lambda input: F.avg_pool2d(input, 3, 2, 1, ceil_mode=True, count_include_pad=cip))
    w.add("avgpool_k2s2", "avg_pool2d", {"kernel": 2, "stride": 2, "padding": 0, "ceil_mode": False, "count_include_pad": True},
          {"input": torch.randn(2, 3, 6, 6)}, lambda input: F.avg_pool2d(input, 2, 2))
    for name, ish, osz in [("7x5_to_3x2", [2, 3, 7, 5], [3, 2]), ("7x7_to_1x1", [2, 4, 7, 7], [1, 1]),
                           ("13x13_to_6x6", [2, 2, 13, 13], [6, 6])]:
        x = torch.randn(*ish)
        w.add("adaptive_avg_" + name, "adaptive_avg_pool2d", {"output_size": osz}, {"input": x},
              lambda input: F.adaptive_avg_pool2d(input, osz))
        w.add("adaptive_max_" + name, "adaptive_max_pool2d", {"output_size": osz}, {"input": x},
              lambda input: F.adaptive_max_pool2d(input, osz))
    w.add("concat_pool", "adaptive_concat_pool2d", {}, {"input": torch.randn(2, 5, 4, 4)},
          lambda input: torch.cat([F.adaptive_max_pool2d(input, 1), F.adaptive_avg_pool2d(input, 1)], 1))
    w.add("linear", "linear", {}, {"input": torch.randn(3, 8), "weight": torch.randn(5, 8) * 0.35,
                                   "bias": torch.randn(5) * 0.5}, lambda input, weight, bias: F.linear(input, weight, bias))
    w.add("relu", "relu", {}, {"input": torch.randn(2, 3, 4, 4)}, lambda input: F.relu(input))
    mask = F.dropout(torch.ones(4, 6), 0.5, training=True)
    w.add("dropout", "dropout", {"p": 0.5}, {"input": torch.randn(4, 6)}, lambda input: input * mask, {"mask": mask})
    w.add("add", "add", {}, {"input": torch.randn(2, 3, 4, 4), "other": torch.randn(2, 3, 4, 4)},
          lambda input, other: input + other)
    w.add("cat", "cat", {"dim": 1}, {"input": torch.randn(2, 3, 2, 2), "other": torch.randn(2, 2, 2, 2)},
          lambda input, other: torch.cat([input, other], 1))
    w.add("flatten", "flatten", {}, {"input": torch.randn(2, 3, 2, 2)}, lambda input: input.view(input.size(0), -1))
    targets = torch.tensor([0, 3, 1, 4])
    logits = torch.randn(4, 5) * 2
    w.add("cross_entropy", "cross_entropy", {"targets": targets.tolist()}, {"input": logits},
          lambda input: F.cross_entropy(input, targets).reshape([]))


def _head_case(dirp: Path, name: str, shape, nc: int) -> None:
    """fastai's §2 head (create_head(2·C, nc), kaiming init) on a random map in train mode, with
    torch's dropout masks written out so Swift can replay them. The loss is mean cross-entropy."""
    torch.manual_seed(5)
    nf = shape[1] * 2
    head, _, _ = create_head(nf, nc)
    apply_init(head, nn.init.kaiming_normal_)
    head.train()
    x = torch.randn(*shape).requires_grad_(True)
    y = torch.randint(0, nc, (shape[0],))
    masks = {}
    for i, m in enumerate(head):
        if isinstance(m, nn.Dropout):
            width = head[i + 1].in_features
            masks[f"mask.{i}"] = F.dropout(torch.ones(shape[0], width), m.p, training=True)
            m.forward = (lambda mk: (lambda inp: inp * mk))(masks[f"mask.{i}"])
    before = {k: v.clone() for k, v in head.state_dict().items()}
    out = head(x)
    loss = F.cross_entropy(out, y)
    loss.backward()
    tensors = {"input": f32(x), "output": f32(out), "loss": f32(loss.reshape([])), "grad.input": f32(x.grad),
               "targets": y.to(torch.int64)}
    for k, v in before.items():
        tensors["weights." + k] = v.to(torch.int64) if k.endswith("num_batches_tracked") else f32(v)
    for k, v in head.state_dict().items():
        if "running" in k:
            tensors["after." + k] = f32(v)
    for k, p in head.named_parameters():
        tensors["grad." + k] = f32(p.grad)
    tensors.update({k: f32(v) for k, v in masks.items()})
    save_file(tensors, str(dirp / f"{name}.safetensors"))
    os.chmod(dirp / f"{name}.safetensors", 0o644)
    print(f"  {name}: loss {loss.item():.6f}")


def _pool_gap(x: torch.Tensor, m: nn.MaxPool2d) -> float:
    """The smallest gap between a max-pool window's largest and second-largest value, over the
    windows whose largest value is positive (an all-zero window after a ReLU routes its gradient to a
    ReLU that blocks it, whichever element wins)."""
    k, s, p = m.kernel_size, m.stride, m.padding
    assert isinstance(k, int) and isinstance(s, int) and isinstance(p, int) and m.dilation == 1
    n, c, h, w = x.shape

    def out(size):
        o = (size + 2 * p - k + (s - 1 if m.ceil_mode else 0)) // s + 1
        if m.ceil_mode and (o - 1) * s >= size + p:
            o -= 1
        return o

    oh, ow = out(h), out(w)
    xp = F.pad(x, (p, (ow - 1) * s + k - w - p, p, (oh - 1) * s + k - h - p), value=-math.inf)
    top = xp.unfold(2, k, s).unfold(3, k, s).reshape(n, c, oh, ow, k * k).topk(2, dim=-1).values
    positive = top[..., 0] > 0
    return (top[..., 0] - top[..., 1])[positive].min().item() if positive.any() else math.inf


def _well_conditioned_input(model: nn.Module, batch: int, size: int, targets: torch.Tensor, seeds: int = 16) -> torch.Tensor:
    """Of `seeds` seeded inputs, the one whose float64 gradients move least when the input moves by a
    relative 1e-6 (float32's rounding, roughly), among those whose margin is at least 2e-6. A random
    train-mode network at 64×64 and batch 4 is often ill-conditioned (resnet34's layer4 normalises 16
    values per channel): for some seeds torch's own float32 gradients are 30% from float64. The margin is
    the smaller of
    - the smallest |ReLU input| on the small maps (≤ 256 values per channel, where one element's
      gradient weighs most in the batch norm's backward): a ReLU input within ~1e-6 of zero is routed
      differently by two float32 implementations;
    - the smallest gap between the two largest values of a max-pool window: a near-tie (resnet34's
      earlier input had two values 4.8e-7 apart in one of 65243 stem windows) sends that window's whole
      gradient to one element or the other depending on the last bit of the forward pass, which moved
      the stem conv's weight gradient by 1.6e-2 (relative) in a float32 run."""
    margins = []
    def relu_hook(mod, inputs):
        x = inputs[0]
        if x.numel() // x.shape[1] <= 256:
            margins.append(x.abs().min().item())
    def pool_hook(mod, inputs):
        margins.append(_pool_gap(inputs[0], mod))
    def gradients(x):
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), targets).backward()
        return {k: p.grad.clone() for k, p in model.named_parameters() if p.grad is not None}
    handles = [m.register_forward_pre_hook(relu_hook) for m in model.modules() if isinstance(m, nn.ReLU)]
    handles += [m.register_forward_pre_hook(pool_hook) for m in model.modules() if isinstance(m, nn.MaxPool2d)]
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.double()
    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.eval()
    best = None
    for seed in range(seeds):
        x = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(seed)).double()
        margins.clear()
        with torch.no_grad():
            model(x)
        margin = min(margins)
        noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(1000 + seed)).double()
        g0, g1 = gradients(x), gradients(x * (1 + 1e-6 * noise))
        sensitivity = max(((g1[k] - g).abs().max() / g.abs().max()).item() for k, g in g0.items() if g.abs().max() > 1e-12)
        key = (margin < 2e-6, sensitivity)
        if best is None or key < best[0]:
            best = (key, margin, x.float())
    for h in handles:
        h.remove()
    model.float()
    model.load_state_dict(saved)
    model.zero_grad(set_to_none=True)
    print(f"    input: margin (|ReLU input| on small maps, max-pool top-2 gap) {best[1]:.3g}, "
          f"gradient change for a 1e-6 input change {best[0][1]:.3g}")
    return best[2]


def _whole_model_case(dirp: Path, arch: str, nc: int, seeds: int, size: int, batch: int) -> None:
    """create_cnn's model (random weights, randomised BN), one train-mode forward with dropout off,
    mean cross-entropy and backward: frozen (fastai's freeze, train_bn) and unfrozen."""
    torch.manual_seed(0)
    # fastai v1's model_meta cut: -2 for resnets, -1 for densenet and squeezenet (their `features`).
    body, _ = create_body(tv_model(arch), -2 if arch.startswith("resnet") else -1)
    nf = num_features_model_detailed(nn.Sequential(*body.children()))[0] * 2
    head, _, _ = create_head(nf, nc)
    model = nn.Sequential(body, head)
    apply_init(model[1], nn.init.kaiming_normal_)
    randomise_bn(model)
    state = state_dict_for_safetensors(model)
    y = torch.randint(0, nc, (batch,))
    x = _well_conditioned_input(model, batch, size, y, seeds)
    save_file(state, str(dirp / f"{arch}_cnn_grad.weights.safetensors"))
    save_file({"input": f32(x), "targets": y.to(torch.int64)}, str(dirp / f"{arch}_cnn_grad.io.safetensors"))
    for frozen in (True, False):
        model.load_state_dict(state)
        learn = Learner(model)
        learn.split({"resnet18": _resnet_split, "resnet34": _resnet_split, "densenet121": _densenet_split,
                     "squeezenet1_1": _squeezenet_split}[arch])
        learn.freeze() if frozen else learn.unfreeze()
        # The reference is computed in float64: a float32 train-mode network is ill-conditioned where
        # a ReLU's input is within ~1e-6 of zero (two float32 implementations can route that element's
        # gradient differently), so torch's own float32 run is only a witness (its distance is printed).
        deviation = {}
        for dtype in (torch.float32, torch.float64):
            model.load_state_dict(state)
            model.to(dtype)
            model.zero_grad(set_to_none=True)
            model.train()
            for m in model.modules():
                if isinstance(m, nn.Dropout):
                    m.eval()
            out = model(x.to(dtype))
            loss = F.cross_entropy(out, y)
            loss.backward()
            deviation[dtype] = {k: p.grad.double().clone() for k, p in model.named_parameters() if p.grad is not None}
        # (Gradients that are zero analytically — densenet's last batch norm, whose output the head's
        # train-mode BatchNorm1d normalises away — are left out: float64 gives them ~1e-17.)
        worst = max(((deviation[torch.float32][k] - g).abs().max() / g.abs().max()).item()
                    for k, g in deviation[torch.float64].items() if g.abs().max() > 1e-12)
        model.to(torch.float32)
        tensors = {"loss": f32(loss.reshape([])), "output": f32(out)}
        for k, p in model.named_parameters():
            if p.grad is not None:
                tensors["grad." + k] = f32(p.grad)
                # torch's own float32 distance from the float64 reference, [max-relative, norm-relative]:
                # how well-conditioned this gradient is, so the Swift test can hold ours to a multiple of it.
                g64, g32 = deviation[torch.float64][k], deviation[torch.float32][k]
                scale = g64.abs().max().item()
                tensors["f32dev." + k] = torch.tensor([
                    (g32 - g64).abs().max().item() / scale if scale > 0 else 0.0,
                    ((g32 - g64).norm() / g64.norm()).item() if scale > 0 else 0.0], dtype=torch.float32)
        for k, v in model.state_dict().items():
            if "running" in k:
                tensors[k] = f32(v)
        tag = "frozen" if frozen else "unfrozen"
        save_file(tensors, str(dirp / f"{arch}_cnn_grad.{tag}.safetensors"))
        print(f"  {arch} {tag}: loss {loss.item():.6f}, {sum(1 for k in tensors if k.startswith('grad.'))} gradients; "
              f"torch float32 vs float64: worst relative gradient difference {worst:.3g}")
        for p in model.parameters():
            p.requires_grad_(True)


# arch: (classes, inputs tried). resnet34 at 64×64, batch 4 is badly conditioned for most inputs (layer4
# normalises 16 values per channel), so more candidates are tried for it.
WHOLE_MODEL_GRADIENTS = {"resnet18": (10, 16), "resnet34": (37, 48), "densenet121": (37, 16), "squeezenet1_1": (37, 16)}


def make_gradients(models_dir: Path | None, archs: list[str] | None = None) -> None:
    if archs:
        # Only some whole models (64×64, batch 4), nothing else rewritten.
        assert models_dir is not None, "--archs needs --models DIR"
        models_dir.mkdir(parents=True, exist_ok=True)
        for arch in archs:
            _whole_model_case(models_dir, arch, *WHOLE_MODEL_GRADIENTS[arch], 64, 4)
        return
    w = GradWriter()
    _gradient_ops(w)
    save_file(w.tensors, str(OPS_DIR / "gradients.safetensors"))
    os.chmod(OPS_DIR / "gradients.safetensors", 0o644)
    write_json(OPS_DIR / "gradients.json", {"torch": torch.__version__, "cases": w.cases})
    print(f"gradients: {len(w.cases)} op cases -> {OPS_DIR / 'gradients.safetensors'}")
    _head_case(FACTS_DIR, "head_gradients", [4, 8, 7, 7], 10)
    if models_dir is not None:
        models_dir.mkdir(parents=True, exist_ok=True)
        _head_case(models_dir, "head512_gradients", [4, 512, 7, 7], 37)
        for arch, (nc, seeds) in WHOLE_MODEL_GRADIENTS.items():
            _whole_model_case(models_dir, arch, nc, seeds, 64, 4)
        print(f"gradient models -> {models_dir}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="?", const=str(REPO / ".fixtures"), default=None, metavar="DIR",
                    help="write the large whole-model fixtures into DIR (default .fixtures/)")
    ap.add_argument("--only", choices=["ops", "facts"], default=None)
    ap.add_argument("--training", action="store_true",
                    help="write only the training fixture (Tests/FastaiTests/Fixtures/training.json)")
    ap.add_argument("--checkpoints", action="store_true", help="write the small torch.save fixtures")
    ap.add_argument("--full-checkpoints", metavar="DIR", default=None,
                    help="write full-size resnet34/resnet50 checkpoints (not committed) into DIR")
    ap.add_argument("--images", action="store_true",
                    help="write only the image fixtures (Tests/FastaiTests/Fixtures/images/ and images.json)")
    ap.add_argument("--gradients", action="store_true",
                    help="write the gradient fixtures (ops, fastai's head; with --models DIR the whole models too)")
    ap.add_argument("--archs", nargs="+", choices=sorted(WHOLE_MODEL_GRADIENTS), default=None,
                    help="with --gradients --models DIR: write only these whole-model gradient fixtures")
    args = ap.parse_args(argv)
    if args.images:
        make_images()
        return 0
    torch.set_grad_enabled(True)
    if args.checkpoints:
        make_checkpoints()
        return 0
    if args.full_checkpoints is not None:
        make_full_checkpoints(Path(args.full_checkpoints))
        return 0
    if args.gradients:
        make_gradients(Path(args.models) if args.models is not None else None, args.archs)
        return 0
    if args.models is not None:
        make_models(Path(args.models))
        return 0
    if args.training:
        make_training()
        return 0
    if args.only in (None, "ops"):
        make_ops()
    if args.only in (None, "facts"):
        make_facts()
    return 0


if __name__ == "__main__":
    sys.exit(main())
