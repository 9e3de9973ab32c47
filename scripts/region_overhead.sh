#!/usr/bin/env bash
# What one parallel region costs when Dispatch runs it: a loop of `busy(gap)` serial work followed
# by `DispatchQueue.concurrentPerform(iterations: 2)` whose two iterations each busy-wait 10 µs,
# for gaps of 0–500 µs; prints the time per loop beyond gap + 10 µs. This is the overhead the
# worker pool (Sources/Tensors/Parallel.swift) replaced; docs/performance.md quotes it.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/regions.swift" <<'SWIFT'
import Foundation

@inline(never) func busy(_ microseconds: Double) {
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds * 1000)
    while DispatchTime.now().uptimeNanoseconds < end {}
}

for gap in [0.0, 20, 100, 500] {
    let loops = 3000
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<loops {
        busy(gap)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in busy(10) }
    }
    let perLoop = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 / Double(loops)
    print("gap \(Int(gap)) µs: \(Int(perLoop.rounded())) µs per loop, overhead \(Int((perLoop - gap - 10).rounded())) µs")
}
SWIFT
swiftc -O "$out/regions.swift" -o "$out/regions"
"$out/regions"
