// Record UDF apply (a single-record command or batch row carrying fields UDF_PACKAGE_NAME 30,
// UDF_FUNCTION 31 and UDF_ARGLIST 32): runs the function against the record under its
// partition lock and answers one message with a `SUCCESS` (result 0) or `FAILURE` (result
// 100) op, as aerospike-server as/src/transaction/udf.c does. Writes made by the UDF follow
// the rules of client writes: last-update time now, generation + 1, TTL from the message (or record.set_ttl), the
// namespace default for 0, -2 keeps the old expiry, a record left without bins is deleted.
//
// Threads: any thread (the partition mutex serialises calls on one record).
#pragma once

#include <cstdint>

#include "test/server/exp/exp_command.h"
#include "test/server/message.h"
#include "test/server/record_ops.h"
#include "test/server/response.h"
#include "test/server/store.h"

namespace aero::testserver::udf {

// True when `m` asks for a record UDF.
inline bool is_udf_request(const MessageView& m) {
  return m.has(30) || m.has(31);  // UDF_PACKAGE_NAME, UDF_FUNCTION
}

// Executes it and appends exactly one answer message; returns its result code. A live record
// that `filter` (the request's field 43; null: none) does not match is left alone and answered
// 27 with a nil FAILURE bin, as udf_master_apply in as/src/transaction/udf.c does; a missing
// record is not filtered (the function may create it).
uint8_t execute_record_udf(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                           const uint8_t* digest, uint32_t transaction_ttl,
                           const exp::Expression* filter, ResponseWriter& w,
                           bool internal = false);

// A background UDF job's call on one record (`m` is the job's request: UDF_OP 2 and the UDF
// fields, its filter and TTL). As the server's internal UDFs (FROM_IUDF in udf.c): a record
// that is gone by now is not created (2), nobody gets an answer. Returns the result code.
uint8_t run_background_udf(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                           const uint8_t* digest);

}  // namespace aero::testserver::udf
