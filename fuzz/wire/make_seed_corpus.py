#!/usr/bin/env python3
"""Writes the seed corpora of the wire fuzzers from the real-server captures.

Usage: fuzz/wire/make_seed_corpus.py   (from the repository root; rewrites seed-* files only,
inputs merged from fuzzing runs are kept).
"""
import hashlib
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
CAPTURES = [os.path.join(ROOT, "..", "..", "test", "wire", "testdata", f)
            for f in ("single-node.json", "three-nodes.json")]


def write(target, name, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:60]
    with open(os.path.join(d, "seed-" + safe + "-" + hashlib.sha1(data).hexdigest()[:8]), "wb") as f:
        f.write(data)


def compressed(frame):
    z = zlib.compress(frame, 1)
    return struct.pack(">Q", (2 << 56) | (4 << 48) | (8 + len(z))) + struct.pack(">Q", len(frame)) + z


def info_values(body):
    for line in body.split(b"\n"):
        if b"\t" in line:
            yield line.split(b"\t", 1)


def main():
    for path in CAPTURES:
        tag = os.path.basename(path).split(".")[0]
        for v in json.load(open(path))["vectors"]:
            name = tag + "-" + v["name"]
            req = bytes.fromhex(v["request"])
            frames = [bytes.fromhex(f) for f in v["response_frames"]]
            if req[1] == 3:
                write("message_fuzzer", name + "-request", req)
            if frames[0][1] == 3:
                stream = b"".join(frames)
                write("message_fuzzer", name, stream)
                if len(stream) > 60:
                    write("message_fuzzer", name + "-z", b"".join(compressed(f) for f in frames))
            if frames[0][1] == 1:
                body = frames[0][8:]
                write("info_fuzzer", name, body)
                for key, value in info_values(body):
                    if key.startswith(b"replicas"):
                        write("replicas_fuzzer", name + "-" + key.decode(), value)
                    if key.startswith(b"peers-") or key.startswith(b"service-"):
                        write("peers_fuzzer", name + "-" + key.decode(), value)
    for i, s in enumerate([
            b"6,3000,[[BB9030011AC4202,,[172.17.0.3]],[BB9040011AC4202,,[172.17.0.4:3100]]]",
            b"6,3000,[[BB9030011AC4202,clusterA,[172.17.0.3:4333]]]",
            b"7,3100,[[N1,tls,[[2001:db8::5],[2001:db8::6]:4333,host.example.com]],[N2,,[]]]",
            b"1,,[[A,,[10.0.0.1]]]",
            b"10.0.0.1:3000,[::1]:3001;example.org:4000"]):
        write("peers_fuzzer", "handmade-%d" % i, s)
    # msgpack: hand-written encodings of every form.
    for i, h in enumerate([
            "00", "7f", "cc80", "cd0100", "ce00010000", "cf0000000100000000", "ff", "d0df",
            "d1ff7f", "d2ffff7fff", "d38000000000000000", "c0", "c2", "c3", "cb3ff8000000000000",
            "ca3fc00000", "a3036162", "a103", "a3040102", "a20701", "a3177b7d", "c4020401",
            "9201a20361", "81a2036b01", "82c70001c0a2036b01", "93c700010102", "92d40101" "05",
            "82d50300aa" "c0" "0102", "dc0003010203", "de0001a2036b01",
            "9191919191919100", "d92103" + "61" * 32, "dd00000001c0", "df00000001c0c0"]):
        write("msgpack_fuzzer", "form-%02d" % i, bytes.fromhex(h))
    # ripemd160: two cut-point bytes, then the message: the published test vectors, key
    # digest inputs (set || type || key), and lengths at the padding boundaries.
    for i, m in enumerate([
            b"", b"a", b"abc", b"message digest", b"abcdefghijklmnopqrstuvwxyz",
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", b"1234567890" * 8,
            b"demo\x01" + bytes(7) + b"\x01", b"demo\x03user:0000000001",
            b"x" * 55, b"y" * 56, b"z" * 64, b"w" * 119, b"v" * 120]):
        write("ripemd160_fuzzer", "vector-%02d" % i, bytes([4, 5]) + m)


if __name__ == "__main__":
    main()
