#!/usr/bin/env python3
"""Writes the seed scripts of tls_record_fuzzer into corpus/tls_record_fuzzer/.

A script is the fuzzer's input: one byte picking the tls-name case, then operations (one
byte each, value % 12) with their arguments; see tls_record_fuzzer.cc for the meaning.
"""
import os
import struct

READ, WRITE, DELIVER, SERVER_SEND, GARBAGE, FLIP, CLOSE_NOTIFY, EOS, CANCEL, ADVANCE, CLOSE, ECHO_OFF = range(12)
RIGHT_NAME, WRONG_NAME = 2, 0


def deliver(n=6000):
    return bytes([DELIVER]) + struct.pack(">H", (n - 1) % 6000)


def handshake():
    return b"".join(deliver() for _ in range(4))


def read(cap=200, min_bytes=1):
    return bytes([READ, (cap - 1) % 256, (min_bytes - 1) % 256])


def write(data):
    return bytes([WRITE]) + struct.pack(">H", (len(data) - 1) % 3000) + data


seeds = {
    "echo": bytes([RIGHT_NAME]) + handshake() + write(b"hello" * 20) + deliver() + read(200, 100) + deliver(),
    "server_records": bytes([RIGHT_NAME]) + handshake() + bytes([ECHO_OFF, SERVER_SEND]) + struct.pack(">H", 9000)
    + b"\x41" + read(256, 256) + deliver(7) + deliver(100) + deliver() + read(100, 50) + deliver(),
    "flipped_record": bytes([RIGHT_NAME]) + handshake() + bytes([SERVER_SEND]) + struct.pack(">H", 500) + b"\x42"
    + bytes([FLIP]) + struct.pack(">H", 30) + b"\x01" + read(200, 10) + deliver(),
    "close_notify": bytes([RIGHT_NAME]) + handshake() + read(50, 50) + bytes([CLOSE_NOTIFY]) + deliver(),
    "eof_mid_handshake": bytes([RIGHT_NAME]) + deliver(40) + bytes([EOS]),
    "garbage_handshake": bytes([RIGHT_NAME, GARBAGE, 15]) + b"\x16\x03\x03\x00\x10" + b"\x00" * 11 + deliver(),
    "deadline": bytes([RIGHT_NAME, ADVANCE]) + struct.pack(">H", 2500),
    "wrong_name": bytes([WRONG_NAME]) + handshake(),
    "cancel_then_close": bytes([RIGHT_NAME]) + handshake() + read(10, 10) + bytes([CANCEL]) + read(10, 1)
    + write(b"x") + bytes([CLOSE]) + deliver(),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "tls_record_fuzzer")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")
