// Bit read expressions: the blob bit operations' read side as expression nodes, on a blob
// bin or any blob-valued expression. The C client's as_exp_bit_* reads (as_exp.h) are the
// checklist and give the byte layout: [127, result type, 1, [op, args...], blob] (call.h).
// Offsets and sizes are in bits; offsets may be negative (from the end).
//
//   using namespace aero::exp;
//   // records whose blob bin "b" has its first byte equal to 0x05
//   Filter f = filter(eq(bit::get_int(0, 8, false, blob_bin("b")), 5));
//
// On the server: a missing bin, a bin of another type or a range past the end of the blob
// make the expression "unknown".
//
// Threads: pure functions.
#pragma once

#include "client/exp/exp.h"

namespace aero::exp::bit {

// GET: `bit_size` bits from `bit_offset`, as a blob.
BlobExp get(const IntExp& bit_offset, const IntExp& bit_size, const BlobExp& bin);
// COUNT: the number of bits set in the range.
IntExp count(const IntExp& bit_offset, const IntExp& bit_size, const BlobExp& bin);
// LSCAN: the position (from the range's start) of the first bit equal to `value`, -1 if none.
IntExp lscan(const IntExp& bit_offset, const IntExp& bit_size, const BoolExp& value,
             const BlobExp& bin);
// RSCAN: the position of the last bit equal to `value`, -1 if none.
IntExp rscan(const IntExp& bit_offset, const IntExp& bit_size, const BoolExp& value,
             const BlobExp& bin);
// GET_INT: the range (at most 64 bits) as an integer, two's complement when `is_signed`.
IntExp get_int(const IntExp& bit_offset, const IntExp& bit_size, bool is_signed,
               const BlobExp& bin);

}  // namespace aero::exp::bit
