#!/usr/bin/env python3
"""Writes corpus/cdt_fuzzer/ seeds from the list and map captures: every CDT op of the recorded
requests, framed for cdt_fuzzer.cc (fuzz/server) (mode byte, 16-bit bin length, bin, op bytes), against a
small list or map bin."""
import gzip, hashlib, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(HERE, '..', '..', 'test', 'captures', 'operations')
OUT = os.path.join(HERE, 'corpus', 'cdt_fuzzer')
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
        op_type, name_len = body[p + 4], body[p + 7]
        yield op_type, body[p + 8 + name_len:p + 4 + sz]
        p += 4 + sz


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = set()
    shapes = set()  # one seed per (file, op type, first bytes): op code and context types
    for f in ('list_basics.json.gz', 'map_basics.json.gz'):
        for v in json.load(gzip.open(os.path.join(CAPTURES, f)))['vectors']:
            req = bytes.fromhex(v['request'])
            if req[1] != 3:
                continue
            for op_type, value in ops(req[8:]):
                if op_type not in (3, 4) or len(value) > 512:
                    continue
                shape = (f, op_type, value[:4])
                if shape in shapes:
                    continue
                shapes.add(shape)
                modify = 1 if op_type == 4 else 0
                is_map = f.startswith('map')
                binv = MAP if is_map else LIST
                mode = modify | 2 | (4 if is_map else 0)
                seeds.add(bytes([mode]) + struct.pack('>H', len(binv)) + binv + value)
                seeds.add(bytes([modify | (4 if is_map else 0), 0, 0]) + value)  # no bin yet
    for s in seeds:
        name = hashlib.sha1(s).hexdigest()[:16]
        with open(os.path.join(OUT, name), 'wb') as out:
            out.write(s)
    print(len(seeds), 'seeds')


if __name__ == '__main__':
    main()
