#!/usr/bin/env bash
# Side by side: learnerlens bench vs PyTorch (scripts/bench_torch.py) on the same body, same
# batch, size and thread count. Each configuration runs ROUNDS times, alternating the two sides,
# so that a slow spell of the machine hits both; the table gives the median of each side's
# per-round medians, their ratio, and every round's ratio.
# Usage: scripts/compare_bench.sh [PYTHON] [ARCH]   (PYTHON must import torch and torchvision)
# Environment: BATCHES="1:224 8:224" (batch:size pairs), ITERATIONS=10, THREADS=2, ROUNDS=3.
# Example: scripts/compare_bench.sh /work/venv-torch/bin/python resnet34
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}; arch=${2:-resnet34}; iters=${ITERATIONS:-10}; threads=${THREADS:-2}; rounds=${ROUNDS:-3}
swift build -c release --product learnerlens >&2
bin=.build/release/learnerlens
echo "| arch | batch | size | learnerlens median ms | PyTorch median ms | ratio | ratio per round | learnerlens GFLOP/s | PyTorch GFLOP/s | max rel. difference from reference path | learnerlens peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for spec in ${BATCHES:-1:224 8:224}; do
  b=${spec%%:*}; s=${spec##*:}
  ours=(); theirs=()
  for _ in $(seq "$rounds"); do
    ours+=("$($bin bench --arch "$arch" --batch "$b" --size "$s" --iterations "$iters" --threads "$threads" --format json \
      | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))')")
    theirs+=("$("$py" scripts/bench_torch.py --arch "$arch" --batch "$b" --size "$s" --iterations "$iters" --threads "$threads" --format json)")
  done
  python3 - "$arch" "$b" "$s" "$(printf '%s\n' "${ours[@]}")" "$(printf '%s\n' "${theirs[@]}")" <<'PY'
import json, statistics, sys
arch, b, s = sys.argv[1:4]
o = [json.loads(l) for l in sys.argv[4].splitlines()]
t = [json.loads(l) for l in sys.argv[5].splitlines()]
om, tm = statistics.median(x["median_ms"] for x in o), statistics.median(x["median_ms"] for x in t)
rounds = " / ".join(f"{x['median_ms'] / y['median_ms']:.2f}" for x, y in zip(o, t))
flops = o[0]["gflops"] * o[0]["median_ms"]  # GFLOP per batch × 1000
print(f"| {arch} | {b} | {s} | {om:.1f} | {tm:.1f} | {om / tm:.2f} | {rounds} | {flops / om:.1f} | {flops / tm:.1f} | "
      f"{max(x['max_rel_error'] for x in o):.1e} | {max(x['peak_rss_mb'] for x in o):.0f} | {max(x['peak_rss_mb'] for x in t):.0f} |")
PY
done
