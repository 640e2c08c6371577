#!/usr/bin/env python3
"""Writes corpus/cdt_select_fuzzer/ seeds from the list and map captures: every CDT "select"
op (op code 0xfe) of the recorded requests, framed for cdt_select_fuzzer.cc (mode byte, 16-bit
bin length, bin, op bytes), against the bin the capture wrote last before it and against a
small list and map."""
import gzip, hashlib, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(HERE, '..', '..', 'test', 'captures', 'operations')
OUT = os.path.join(HERE, 'corpus', 'cdt_select_fuzzer')
LIST = bytes([0x94, 0x03, 0x01, 0x92, 0x05, 0x04, 0xa2, 0x03, 0x61])   # [3, 1, [5, 4], "a"]
MAP = bytes([0x83, 0x01, 0x0a, 0x02, 0x92, 0x01, 0x02, 0xa2, 0x03, 0x6b, 0x81, 0x01, 0x02])


def ops(body):
    n_fields, n_ops = struct.unpack('>HH', body[18:22])
    p = 22
    for _ in range(n_fields):
        (sz,) = struct.unpack('>I', body[p:p + 4])
        p += 4 + sz
    for _ in range(n_ops):
        (sz,) = struct.unpack('>I', body[p:p + 4])
        op_type, particle, name_len = body[p + 4], body[p + 5], body[p + 7]
        yield op_type, particle, body[p + 8 + name_len:p + 4 + sz]
        p += 4 + sz


def seed(mode, bin_bytes, value):
    return bytes([mode]) + struct.pack('>H', len(bin_bytes)) + bin_bytes + value


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = set()
    for f in ('list_basics.json.gz', 'map_basics.json.gz'):
        last = None  # (particle, bytes) of the last whole list/map write
        for v in json.load(gzip.open(os.path.join(CAPTURES, f)))['vectors']:
            req = bytes.fromhex(v['request'])
            if req[1] != 3:
                continue
            for op_type, particle, value in ops(req[8:]):
                if op_type == 2 and particle in (19, 20) and len(value) < 60000:
                    last = (particle, value)
                if op_type not in (3, 4) or value[1:3] != b'\xcc\xfe':
                    continue
                modify = 1 if op_type == 4 else 0
                seeds.add(seed(modify | 2, LIST, value))
                seeds.add(seed(modify | 2 | 4, MAP, value))
                if last is not None:
                    seeds.add(seed(modify | 2 | (4 if last[0] == 19 else 0), last[1], value))
    for s in seeds:
        name = hashlib.sha1(s).hexdigest()[:16]
        with open(os.path.join(OUT, name), 'wb') as out:
            out.write(s)
    print(len(seeds), 'seeds in', OUT)


if __name__ == '__main__':
    main()
