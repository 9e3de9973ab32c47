#!/usr/bin/env bash
# A/B of two learnerlens builds on this noisy VM: runs `bench` with the same options alternately
# on both binaries, ROUNDS times, and prints each build's per-round medians, the median of them,
# and the ratio B/A. How every speed change in docs/performance.md was kept or dropped.
# Usage: scripts/ab_bench.sh BINARY_A BINARY_B [bench options…]
# Example: cp .build/release/learnerlens /tmp/before   # …change, rebuild…
#          ROUNDS=10 scripts/ab_bench.sh /tmp/before .build/release/learnerlens --arch resnet34 --iterations 15
# Environment: ROUNDS=8.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [bench options…]" >&2; exit 64; }
a=$1; b=$2; shift 2
for _ in $(seq "${ROUNDS:-8}"); do
  for side in A B; do
    bin=$a; [ "$side" = B ] && bin=$b
    "$bin" bench "$@" --format json | python3 -c 'import json, sys; print(sys.argv[1], json.load(sys.stdin)["median_ms"])' "$side"
  done
done | python3 -c '
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in sys.stdin:
    side, ms = line.split()
    runs[side].append(float(ms))
for side in "AB":
    print(f"{side}: median of medians {statistics.median(runs[side]):.2f} ms, rounds " + " ".join(f"{x:.1f}" for x in runs[side]))
a, b = (statistics.median(runs[side]) for side in "AB")
print(f"ratio B/A {b / a:.3f}")
'
