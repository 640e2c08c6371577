// Responses: reading them (the client side) and writing them (what a server sends; used by
// the test server and by round-trip tests).
//
// Reading a single-record response, allocation-free:
//   auto hdr = parse_proto_header(first8, ExpectedFrame::kMessage);   // body size
//   ... read hdr->body_size bytes into `body` ...
//   auto b = message_body(*hdr, body, scratch);    // inflates type 4 into scratch
//   auto rec = parse_record_response(*b);          // MessageView: result, generation,
//                                                  // void time, bins as views into the body
// Streams (batch, scan): feed each frame's body to MessageIterator (message.h) and stop
// after the message with is_last().
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/digest.h"
#include "client/wire/frame.h"
#include "client/wire/message.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

// The type-3 body of a response frame: `body` itself for type 3, the inflated body (inside
// `scratch`) for type 4. Other types are an error.
Result<std::span<const uint8_t>> message_body(const ProtoHeader& header,
                                              std::span<const uint8_t> body, Buffer& scratch);

// A whole frame (header and body in one span, e.g. a test vector) to its type-3 body.
// The frame must be exactly one frame.
Result<std::span<const uint8_t>> frame_message_body(std::span<const uint8_t> frame,
                                                    Buffer& scratch);

// A single-record response: exactly one message filling the body. Bins are op views whose
// values point into `body`.
inline Result<MessageView> parse_record_response(std::span<const uint8_t> body) {
  return parse_single_message(body);
}

// ---- writing responses (server side) ----

// A single-record response frame: result, generation, void time and bins (as ops of
// `op_type`, READ for reads; operate responses echo the request's op types).
Status encode_record_response(Buffer& out, ResultCode result, uint32_t generation,
                              uint32_t void_time, std::span<const Bin> bins,
                              OpType op_type = OpType::kRead);

// One batch row result: `index` goes in transaction_ttl.
void add_batch_row(FrameWriter& w, uint32_t index, ResultCode result, uint32_t generation,
                   uint32_t void_time, std::span<const Bin> bins);

// One scan record: fields namespace, digest, set (if non-empty), key (if given); info1
// NOBINDATA when the scan asked for no bin data.
struct ScanRecordRef {
  std::string_view ns;
  std::string_view set;
  Digest digest{};
  const Value* user_key = nullptr;  // integer, string or bytes
  uint32_t generation = 0;
  uint32_t void_time = 0;
  std::span<const Bin> bins;
  bool no_bin_data = false;
};
void add_scan_record(FrameWriter& w, const ScanRecordRef& rec);

}  // namespace aero::wire
