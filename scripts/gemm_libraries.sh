#!/usr/bin/env bash
# Builds and runs scripts/gemm_libraries.c: OpenBLAS vs oneDNN (vs BLIS, when libblis-dev is
# installed) on a ResNet's GEMM shapes, single-threaded, two calls side by side, and OpenBLAS's
# own 2-thread mode. Prints a Markdown table of GFLOP/s. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
blis=()
if [ -f /usr/include/x86_64-linux-gnu/blis.h ] || [ -f /usr/include/blis.h ]; then blis=(-DWITH_BLIS -l:libblis.so.4); fi
# OpenBLAS is linked first, so cblas_sgemm is OpenBLAS's (libblis exports one too).
gcc -O2 gemm_libraries.c -o "$out/gemm_libraries" -fopenmp -lopenblas -ldnnl -lpthread "${blis[@]}"
"$out/gemm_libraries"
