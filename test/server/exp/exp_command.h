// Expressions inside commands: the filter in field 43 (single-record commands, batch rows,
// scans and queries) and the expression read (op 7) and write (op 8) operations, with the
// server's flags and result codes (aerospike-server as/src/base/exp.c and exp/expop.c):
// a record that does not match a filter answers 27; an expression op whose value is unknown
// answers 26 unless it has EVAL_NO_FAIL; write flags CREATE_ONLY (6 when the bin exists),
// UPDATE_ONLY (17 when it does not), ALLOW_DELETE (a nil result deletes the bin, otherwise
// 26), POLICY_NO_FAIL (those refusals become no-ops).
//
// Threads: pure functions over the caller's record (the caller holds its partition lock).
#pragma once

#include <cstdint>
#include <memory>

#include "test/server/exp/exp.h"
#include "test/server/message.h"
#include "test/server/response.h"
#include "test/server/store.h"

namespace aero::testserver::exp {

// Builds the filter of `m` (field 43) into *out (left null when there is none). Returns 0, or
// the answer for a filter that does not build or is not boolean (4, or 16 for `call`).
uint8_t build_filter(const MessageView& m, std::unique_ptr<Expression>* out);

// True when there is no filter or the record matches it.
bool filter_passes(const Expression* filter, const Record& r, const uint8_t* digest,
                   uint32_t now);

// Expression read op: on success appends the op's answer (op 7, the value under the op's
// name) to `w` and returns 0; otherwise returns the result code and appends nothing.
uint8_t read_op(const OpView& op, const Record& r, const uint8_t* digest, uint32_t now,
                ResponseWriter& w);

// Expression write op on the working copy `r`; returns the result code.
uint8_t write_op(const OpView& op, Record& r, const uint8_t* digest, uint32_t now);

}  // namespace aero::testserver::exp
