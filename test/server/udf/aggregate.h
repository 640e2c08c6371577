// Stream aggregation over a scan or query (UDF_OP 1 with fields UDF_PACKAGE_NAME 30,
// UDF_FUNCTION 31, UDF_ARGLIST 32): each matching record goes through the SERVER phase of the
// module's stream function (runtime.h, lua/stream_lib.h) and every value it yields is sent as its
// own frame holding one message with a `SUCCESS` bin, as the real 8.1.2 node answers
// (test/captures/operations/query_foreach vectors 234-236, 262-263). The client runs the
// final phase over all nodes' values. A Lua error ends the stream with LAST result 100.
//
// Threads: one job is driven by one thread at a time (the node loop running its scan).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "test/server/message.h"
#include "test/server/response.h"
#include "test/server/store.h"
#include "test/server/udf/registry.h"

namespace aero::testserver::udf {

class Aggregation {
 public:
  // True when `m` asks for an aggregation (UDF_OP 1).
  static bool requested(const MessageView& m);
  // The job's UDF, or nullptr with `*result` (4) when a UDF field is missing or malformed.
  static std::unique_ptr<Aggregation> parse(const MessageView& m, UdfRegistry& registry,
                                            uint8_t* result);

  // Runs the stream over one record (the caller holds its partition lock) and appends one
  // frame per value. False when the UDF failed: result() says with what.
  bool emit(ResponseWriter& w, const uint8_t* digest, const Record& r, uint32_t now);

  uint8_t result() const { return result_; }

 private:
  UdfRegistry* registry_ = nullptr;
  std::string package_, function_, args_;
  uint8_t result_ = 0;
};

}  // namespace aero::testserver::udf
