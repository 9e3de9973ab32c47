#!/usr/bin/env bash
# Builds and runs scripts/gemm_libraries.c: OpenBLAS vs oneDNN on a ResNet's GEMM shapes,
# single-threaded, two calls side by side, and OpenBLAS's own 2-thread mode. Prints a Markdown
# table of GFLOP/s. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 gemm_libraries.c -o "$out/gemm_libraries" -fopenmp -lopenblas -ldnnl -lpthread
"$out/gemm_libraries"
