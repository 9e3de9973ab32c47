#!/usr/bin/env bash
# Side by side, one convolution at a time: `learnerlens bench --op conv` vs
# `scripts/bench_torch.py --op conv` on the layer shapes of resnet34 and resnet50 (random weights,
# no bias, padding kernel/2, eval). Each shape runs ROUNDS times, alternating the two sides; a row
# gives the median of each side's per-round medians and their ratio.
# Usage: scripts/compare_ops.sh [PYTHON]   (PYTHON must import torch)
# Environment: BATCHES="1 8", ITERATIONS=20, THREADS=2, ROUNDS=3.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}; iters=${ITERATIONS:-20}; threads=${THREADS:-2}; rounds=${ROUNDS:-3}
swift build -c release --product learnerlens >&2
bin=.build/release/learnerlens
# in out kernel stride size
shapes=("64 64 3 1 56" "128 128 3 1 28" "256 256 3 1 14" "512 512 3 1 7" "3 64 7 2 224" "128 128 3 2 56"
        "256 64 1 1 56" "1024 256 1 1 14" "2048 512 1 1 7" "256 512 1 2 56")
echo "| layer shape (in→out, kernel/stride @ map) | batch | learnerlens algorithm | learnerlens ms | PyTorch ms | ratio |"
echo "|---|---|---|---|---|---|"
for b in ${BATCHES:-1 8}; do
  for shape in "${shapes[@]}"; do
    read -r c o k s n <<<"$shape"
    args=(--op conv --channels "$c" --out-channels "$o" --kernel "$k" --stride "$s" --size "$n" --batch "$b"
          --iterations "$iters" --threads "$threads" --format json)
    ours=(); theirs=()
    for _ in $(seq "$rounds"); do
      ours+=("$($bin bench "${args[@]}" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))')")
      theirs+=("$("$py" scripts/bench_torch.py "${args[@]}")")
    done
    python3 - "$c" "$o" "$k" "$s" "$n" "$b" "$(printf '%s\n' "${ours[@]}")" "$(printf '%s\n' "${theirs[@]}")" <<'PY'
import json, statistics, sys
c, o, k, s, n, b = sys.argv[1:7]
ours = [json.loads(l) for l in sys.argv[7].splitlines()]
theirs = [json.loads(l) for l in sys.argv[8].splitlines()]
om = statistics.median(x["median_ms"] for x in ours)
tm = statistics.median(x["median_ms"] for x in theirs)
algorithm = ours[0].get("algorithm", "?")
print(f"| {c}→{o}, {k}×{k}/{s} @ {n}×{n} | {b} | {algorithm} | {om:.2f} | {tm:.2f} | {om / tm:.2f} |")
PY
  done
done
