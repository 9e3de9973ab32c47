#!/usr/bin/env bash
# Builds and runs a libFuzzer target without touching Package.swift.
#
#   scripts/fuzz.sh lesson [SECONDS]        LessonParser.parse + LessonChecker.check
#   scripts/fuzz.sh safetensors [SECONDS]   SafetensorsArchive.decode
#   scripts/fuzz.sh checkpoint [SECONDS]    TorchCheckpoint.decode + Unpickler.load
#   scripts/fuzz.sh jpeg [SECONDS]          ImageFile.decode (libjpeg-turbo), seeded with JPEGs
#   scripts/fuzz.sh png [SECONDS]           ImageFile.decode (libpng), seeded with PNGs
#   scripts/fuzz.sh TARGET 0 FILE...        replay FILEs once (e.g. a crash) and exit
#
# The libraries are built instrumented (ASan + libFuzzer's coverage) by SwiftPM in the scratch path
# .build-fuzz (gitignored, separate from .build); the harness in Fuzz/ is linked against their
# object files. The grown corpus goes to .build-fuzz/corpus/TARGET (seeded from Fuzz/corpus/TARGET),
# crashes to fuzz-artifacts/TARGET/. Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 ...".
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : $# ))
case "$target" in
    lesson) harness=Fuzz/LessonFuzz.swift; modules=(Tensors NN Fastai Markup LessonKit); max_len=65536 ;;
    safetensors) harness=Fuzz/SafetensorsFuzz.swift; modules=(Tensors); max_len=4096 ;;
    checkpoint) harness=Fuzz/CheckpointFuzz.swift; modules=(Tensors); max_len=8192 ;;
    jpeg|png) harness=Fuzz/ImageFuzz.swift; modules=(Tensors NN Fastai); max_len=65536 ;;
    *) echo "usage: scripts/fuzz.sh lesson|safetensors|checkpoint|jpeg|png [SECONDS] [FILE...]" >&2; exit 2 ;;
esac

scratch=.build-fuzz
# SwiftPM drops -sanitize=fuzzer from compile-only steps, so ask for libFuzzer's coverage explicitly.
flags=(-sanitize=address -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)
# SwiftPM does not rebuild when only -Xswiftc flags change: start over if they did.
if [ "$(cat "$scratch/fuzz-flags" 2>/dev/null)" != "${flags[*]}" ]; then
    rm -rf "$scratch/debug" "$scratch/x86_64-unknown-linux-gnu" "$scratch/aarch64-unknown-linux-gnu"
    mkdir -p "$scratch" && echo "${flags[*]}" > "$scratch/fuzz-flags"
fi
xflags=()
for f in "${flags[@]}"; do xflags+=(-Xswiftc "$f"); done
swift build --scratch-path "$scratch" --target "${modules[-1]}" "${xflags[@]}"

objects=()
for m in "${modules[@]}"; do
    objects+=("$scratch"/debug/"$m".build/*.o)
done
exe="$scratch/fuzz-$target"
# shellcheck disable=SC2046
swiftc -sanitize=fuzzer,address -parse-as-library -g \
    -module-name "Fuzz_$target" \
    -I "$scratch/debug/Modules" -I Sources/CCmark -I Sources/CBLAS -I Sources/CDNNL -I Sources/CZip -I Sources/CCrypto \
    -I Sources/CZlib -I Sources/CTurboJPEG -I Sources/CPNG \
    $(pkg-config --cflags-only-I libcmark openblas libpng | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs libcmark openblas libzip libcrypto zlib libturbojpeg libpng) -ldnnl \
    "$harness" "${objects[@]}" -o "$exe"

# The Swift backtracer and ASan both want the crash signal; let libFuzzer/ASan report it.
export SWIFT_BACKTRACE=enable=no

if [ $# -gt 0 ]; then
    exec "$exe" -rss_limit_mb=4096 "$@"
fi

corpus="$scratch/corpus/$target"
artifacts="fuzz-artifacts/$target"
mkdir -p "$corpus" "$artifacts"
# shellcheck disable=SC2086
exec "$exe" "$corpus" "Fuzz/corpus/$target" \
    -max_len="$max_len" -rss_limit_mb=4096 -max_total_time="$seconds" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_FLAGS:-}
