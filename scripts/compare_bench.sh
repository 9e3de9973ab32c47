#!/usr/bin/env bash
# Side by side, in one run: learnerlens bench vs PyTorch (scripts/bench_torch.py) on the same body.
# Usage: scripts/compare_bench.sh [PYTHON] [ARCH] [SIZES…]   (PYTHON must import torch and torchvision)
# Example: scripts/compare_bench.sh /work/venv-torch/bin/python resnet34
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}; arch=${2:-resnet34}; iters=${ITERATIONS:-10}; threads=${THREADS:-2}
swift build -c release --product learnerlens >&2
bin=.build/release/learnerlens
echo "| arch | batch | size | learnerlens median ms | PyTorch median ms | ratio | learnerlens GFLOP/s | PyTorch GFLOP/s | learnerlens peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for spec in ${BATCHES:-"1:224 8:224"}; do
  b=${spec%%:*}; s=${spec##*:}
  ours=$($bin bench --arch "$arch" --batch "$b" --size "$s" --iterations "$iters" --threads "$threads" --format json)
  theirs=$("$py" scripts/bench_torch.py --arch "$arch" --batch "$b" --size "$s" --iterations "$iters" --threads "$threads" --format json)
  python3 - "$arch" "$b" "$s" "$ours" "$theirs" <<'PY'
import json, sys
arch, b, s, o, t = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5])
print(f"| {arch} | {b} | {s} | {o['median_ms']:.1f} | {t['median_ms']:.1f} | {o['median_ms']/t['median_ms']:.2f} | "
      f"{o['gflops']:.1f} | {t['gflops']:.1f} | {o['peak_rss_mb']:.0f} | {t['peak_rss_mb']:.0f} |")
PY
done
