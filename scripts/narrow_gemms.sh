#!/usr/bin/env bash
# Builds and runs scripts/narrow_gemms.c (oneDNN's dnnl_sgemm on one core, the shapes of batch-1
# Winograd layers). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 narrow_gemms.c -o "$out/narrow_gemms" -fopenmp -ldnnl
OMP_NUM_THREADS=1 "$out/narrow_gemms"
