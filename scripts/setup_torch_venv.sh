#!/usr/bin/env bash
# Create the Python environment that scripts/*.py need (NOT needed by the Swift tests).
#
#   bash scripts/setup_torch_venv.sh [VENV_DIR]      (default: /work/venv-torch)
#
# Only PyPI is reachable here, and PyPI's Linux torch wheel is the CUDA build: it preloads
# libcublasLt & co. at import time, so its nvidia-*/cuda-* dependency wheels must be installed
# too (~5 GB) even though everything runs on the CPU. A plain `pip install torch` pulls them.
set -euo pipefail
VENV="${1:-/work/venv-torch}"
PY="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install --upgrade pip
"$VENV/bin/pip" install "torch==2.15.0" "torchvision==0.29.2" "safetensors" "numpy"
"$VENV/bin/python" - <<'PY'
import torch, torchvision
m = torchvision.models.resnet34(weights=None)
n = sum(p.numel() for p in m.parameters())
print("torch", torch.__version__, "torchvision", torchvision.__version__,
      "threads", torch.get_num_threads(), "resnet34 params", n)
assert n == 21_797_672
PY
