#!/usr/bin/env python3
"""Writes the seed corpus of cdt_result_fuzzer from the operations captures.

Usage: fuzz/cdt/make_seed_corpus.py   (from the repository root; rewrites seed-* files only).
Each seed is a selector byte and bytes: 0x00 + an operate answer's message body, or
(particle_type << 1 | 1) + one answer particle (list, map, HLL, blob, integer, ...).
"""
import gzip
import hashlib
import json
import os
import struct

ROOT = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(ROOT, "..", "..", "test", "captures", "operations")
OUT = os.path.join(ROOT, "corpus", "cdt_result_fuzzer")


def write(data):
    if len(data) > 2048:  # keep the corpus small; large answers add no new shapes
        return
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "seed-" + hashlib.sha1(data).hexdigest()[:12]), "wb") as f:
        f.write(data)


def particles(body):
    """(particle type, bytes) of every op of one message body (22-byte header first)."""
    n_fields, n_ops = struct.unpack(">HH", body[18:22])
    p = body[0]
    for _ in range(n_fields):
        (sz,) = struct.unpack(">I", body[p:p + 4])
        p += 4 + sz
    for _ in range(n_ops):
        (sz,) = struct.unpack(">I", body[p:p + 4])
        ptype, name_len = body[p + 5], body[p + 7]
        yield ptype, body[p + 8 + name_len:p + 4 + sz]
        p += 4 + sz


def main():
    for old in os.listdir(OUT) if os.path.isdir(OUT) else []:
        if old.startswith("seed-"):
            os.remove(os.path.join(OUT, old))
    seen = set()
    for name in ("list_basics", "map_basics", "bit", "hll"):
        with gzip.open(os.path.join(CAPTURES, name + ".json.gz")) as f:
            vectors = json.load(f)["vectors"]
        for v in vectors:
            for frame_hex in v["response_frames"]:
                frame = bytes.fromhex(frame_hex)
                if frame[1] != 3 or len(frame) <= 8 + 22:
                    continue
                body = frame[8:]
                shape = tuple(pt for pt, _ in particles(body))
                if shape and (name, shape) not in seen and len(seen) < 60:
                    seen.add((name, shape))
                    write(b"\x00" + body)
                for pt, val in particles(body):
                    key = (pt, val[:1], len(val) // 16)
                    if pt != 0 and key not in seen and len(seen) < 150:
                        seen.add(key)
                        write(bytes([(pt << 1 | 1) & 0xff]) + val)


if __name__ == "__main__":
    main()
