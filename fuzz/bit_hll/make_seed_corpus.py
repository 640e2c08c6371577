#!/usr/bin/env python3
"""Writes corpus/bit_hll_fuzzer/ seeds from the bit and HLL captures: every bit/HLL op of the
recorded requests, framed for bit_hll_fuzzer.cc (mode byte, 16-bit bin length, bin, args)."""
import gzip, json, os, struct, hashlib

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(HERE, '..', '..', 'test', 'captures', 'operations')
OUT = os.path.join(HERE, 'corpus', 'bit_hll_fuzzer')
BLOB = bytes([0x01, 0x42, 0x03, 0x04, 0x05])


def ops(body):
    n_fields, n_ops = struct.unpack('>HH', body[18:22])
    p = 22
    for _ in range(n_fields):
        (sz,) = struct.unpack('>I', body[p:p + 4])
        p += 4 + sz
    for _ in range(n_ops):
        (sz,) = struct.unpack('>I', body[p:p + 4])
        op_type, name_len = body[p + 4], body[p + 7]
        yield op_type, body[p + 8 + name_len:p + 4 + sz]
        p += 4 + sz


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = set()
    for f in ('bit.json.gz', 'hll.json.gz'):
        for v in json.load(gzip.open(os.path.join(CAPTURES, f)))['vectors']:
            req = bytes.fromhex(v['request'])
            if req[1] != 3:
                continue
            for op_type, value in ops(req[8:]):
                if op_type in (12, 13):
                    mode = 4 | (0 if op_type == 12 else 1)
                    seeds.add(bytes([mode]) + struct.pack('>H', len(BLOB)) + BLOB + value)
                elif op_type in (15, 16):
                    mode = 4 | 8 | (2 if op_type == 15 else 3)
                    seeds.add(bytes([mode, 0, 0, 4, 0]) + value)
                    seeds.add(bytes([3, 0, 0]) + value)
    for s in sorted(seeds):
        with open(os.path.join(OUT, hashlib.sha1(s).hexdigest()[:16]), 'wb') as out:
            out.write(s)
    print(len(seeds), 'seeds')


if __name__ == '__main__':
    main()
