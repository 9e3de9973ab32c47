#!/usr/bin/env python3
"""Writes small safetensors seed files into Fuzz/corpus/safetensors/ (stdlib only).

Format: 8-byte little-endian header length, JSON header, raw data.
"""
import json, os, struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "safetensors")


def st(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


def f32(*xs):
    return struct.pack("<%df" % len(xs), *xs)


SEEDS = {
    "valid-f32.safetensors": st({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, f32(1, -2, 3.5, 4)),
    "valid-meta-two.safetensors": st({
        "__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
        "b": {"dtype": "I64", "shape": [], "data_offsets": [12, 20]},
    }, f32(1, 2, 3) + struct.pack("<q", 7)),
    "valid-f16-bf16.safetensors": st({
        "h": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]},
        "b": {"dtype": "BF16", "shape": [1], "data_offsets": [2, 4]},
    }, b"\x00\x3c\x80\x3f"),
    "valid-f64-i32.safetensors": st({
        "d": {"dtype": "F64", "shape": [1, 1], "data_offsets": [0, 8]},
        "i": {"dtype": "I32", "shape": [2], "data_offsets": [8, 16]},
    }, struct.pack("<d", 2.5) + struct.pack("<2i", -1, 9)),
    "valid-empty.safetensors": st({}),
    "valid-zero-dim.safetensors": st({"z": {"dtype": "F32", "shape": [0, 4], "data_offsets": [0, 0]}}),
    "bad-offsets.safetensors": st({"w": {"dtype": "F32", "shape": [2], "data_offsets": [4, 0]}}, f32(1, 2)),
    "bad-shape-size.safetensors": st({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, f32(1, 2)),
    "bad-dtype.safetensors": st({"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 4]}}, f32(1)),
    "bad-json.safetensors": st(None, raw_header=b'{"w":{"dtype":'),
    "bad-header-length.safetensors": struct.pack("<Q", 1 << 40) + b"{}",
    "bad-negative-shape.safetensors": st({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, f32(1)),
}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, blob in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(blob)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")
