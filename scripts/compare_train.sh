#!/usr/bin/env bash
# One training step side by side: `learnerlens bench --train` vs scripts/bench_train_torch.py on the
# same create_cnn model, batch, size and thread count. Every measurement is its own process (so each
# peak RSS belongs to one configuration), and the rounds alternate — ours, PyTorch, ours, PyTorch… —
# so that a slow spell of the shared machine hits both sides. A row gives the median of each side's
# per-round medians, their ratio, every round's ratio, the phases (forward / backward / optimizer,
# ms, medians) and both peak RSS figures.
# Usage: scripts/compare_train.sh [PYTHON]   (PYTHON must import torch and torchvision)
# Environment: CONFIGS="resnet34:8:224:frozen resnet34:8:224:unfrozen resnet18:64:28:unfrozen"
#   (arch:batch:size:frozen|unfrozen), ITERATIONS=5, THREADS=2, ROUNDS=3, BIN (default: a release build).
# Example: scripts/compare_train.sh /work/venv-torch/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}; iters=${ITERATIONS:-5}; threads=${THREADS:-2}; rounds=${ROUNDS:-3}
if [ -z "${BIN:-}" ]; then
  swift build -c release --product learnerlens >&2
  BIN=.build/release/learnerlens
fi
configs=${CONFIGS:-resnet34:8:224:frozen resnet34:8:224:unfrozen resnet18:64:28:unfrozen}
echo "| arch | batch | size | body | learnerlens median ms | PyTorch median ms | ratio | ratio per round | learnerlens fwd / bwd / opt ms | PyTorch fwd / bwd / opt ms | learnerlens peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for spec in $configs; do
  IFS=: read -r arch b s mode <<<"$spec"
  flag=(); [ "$mode" = frozen ] && flag=(--frozen)
  ours=(); theirs=()
  for _ in $(seq "$rounds"); do
    ours+=("$("$BIN" bench --train --arch "$arch" --batch "$b" --size "$s" "${flag[@]}" --iterations "$iters" \
      --threads "$threads" --format json | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))')")
    theirs+=("$("$py" scripts/bench_train_torch.py --arch "$arch" --batch "$b" --size "$s" "${flag[@]}" \
      --iterations "$iters" --threads "$threads" --format json)")
  done
  python3 - "$arch" "$b" "$s" "$mode" "$(printf '%s\n' "${ours[@]}")" "$(printf '%s\n' "${theirs[@]}")" <<'PY'
import json, statistics, sys
arch, b, s, mode = sys.argv[1:5]
o = [json.loads(l) for l in sys.argv[5].splitlines()]
t = [json.loads(l) for l in sys.argv[6].splitlines()]
med = lambda rs, k: statistics.median(r[k] for r in rs)
om, tm = med(o, "median_ms"), med(t, "median_ms")
rounds = " / ".join(f"{x['median_ms'] / y['median_ms']:.2f}" for x, y in zip(o, t))
phases = lambda rs: " / ".join(f"{med(rs, k):.0f}" for k in ("forward_ms", "backward_ms", "optimizer_ms"))
print(f"| {arch} | {b} | {s} | {mode} | {om:.1f} | {tm:.1f} | {om / tm:.2f} | {rounds} | {phases(o)} | {phases(t)} | "
      f"{max(x['peak_rss_mb'] for x in o):.0f} | {max(x['peak_rss_mb'] for x in t):.0f} |")
PY
done
