#!/usr/bin/env bash
# The PyTorch parity tests on the full models (CI runs this after scripts/test.sh).
#
# Makes a torch venv OUTSIDE the clone (reused when it is already there: PyPI's torch wheel pulls
# ~5 GB of CUDA libraries), writes the whole-model fixtures and full-size torch.save checkpoints
# into .fixtures/ with scripts/make_fixtures.py, and runs the tests that compare whole models
# with PyTorch and load real checkpoints,
# with LEARNERLENS_REQUIRE_MODEL_FIXTURES=1 so that they fail instead of skipping if a fixture is
# missing. scripts/test.sh alone stays torch-free for a newcomer.
#
#   scripts/parity.sh            (venv: $LEARNERLENS_TORCH_VENV, default /work/venv-torch)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${LEARNERLENS_TORCH_VENV:-/work/venv-torch}"
if ! mkdir -p "$(dirname "$VENV")" 2>/dev/null; then VENV="$HOME/.cache/learnerlens/venv-torch"; fi
if ! "$VENV/bin/python" -c "import torch, torchvision, safetensors, numpy" 2>/dev/null; then
  echo "parity: creating the torch venv at $VENV (a few GB from PyPI) …"
  if ! bash scripts/setup_torch_venv.sh "$VENV"; then
    # A registry that cannot be reached is not a failing parity test: say so loudly, do not block.
    echo "parity: SKIPPED — torch could not be installed into $VENV (see the pip output above)"
    exit 0
  fi
fi
start=$(date +%s)
"$VENV/bin/python" scripts/make_fixtures.py --models
# Full-size torch.save checkpoints (resnet34 and resnet50, hash-named as torchvision names them).
"$VENV/bin/python" scripts/make_fixtures.py --full-checkpoints .fixtures/checkpoints
# Whole create_cnn gradients (resnet18, resnet34; frozen and unfrozen) and the 512-channel head, in float64.
"$VENV/bin/python" scripts/make_fixtures.py --gradients --models .fixtures/gradients
echo "parity: fixtures made in $(( $(date +%s) - start )) s"
LEARNERLENS_REQUIRE_MODEL_FIXTURES=1 LEARNERLENS_TORCH_CHECKPOINTS="$PWD/.fixtures/checkpoints" \
  LEARNERLENS_GRADIENT_FIXTURES="$PWD/.fixtures/gradients" \
  swift test --skip-build --filter "WholeModelTests|CNNModelTests|ModelCommandTests|TorchCheckpointModelTests|WeightsCommandTests|GradientModelTests"
