// Bit (op types 12, 13) and HyperLogLog (15, 16) operations on a record's bins: runs the pure
// semantics of test/server/cdt/bit_ops.h and hll_ops.h against a Record and writes the op's
// answer the way a real server does (reads answer their value; bit modifies answer nothing,
// or a null op when the request asks for every op's answer; HLL modifies answer their value
// when they have one).
//
// Called by record_ops.cc with the record's partition locked; no state of its own.
#pragma once

#include <cstdint>

#include "test/server/message.h"
#include "test/server/response.h"
#include "test/server/store.h"

namespace aero::testserver {

// True for op types 12, 13, 15 and 16.
bool is_bit_hll_op(uint8_t op_type);
// True for the read ones (12 and 15), which a read-only command may carry.
bool is_bit_hll_read(uint8_t op_type);

// Applies `op` to `r` (the working copy of a write) and appends its answer to `w`. Returns a
// result code; on error `r` is unchanged and nothing was appended.
uint8_t apply_bit_hll_op(Record& r, const OpView& op, bool respond_all_ops, ResponseWriter& w);

// A read op (12 or 15) of a read-only command.
uint8_t read_bit_hll_op(const Record& r, const OpView& op, bool respond_all_ops,
                        ResponseWriter& w);

}  // namespace aero::testserver
