// Frames: the 8-byte proto header (version 2, type, 48-bit body size) and compressed
// (type 4) frames.
//
// Reading a response incrementally: read 8 bytes, parse_proto_header() validates them and
// gives the body size (<= 128 MiB); read that many bytes; if the type is 4, inflate the body
// with decompress_body() into a scratch Buffer the caller reuses; the result is the body of
// a type-3 frame (one or more messages, message.h).
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "client/wire/buffer.h"
#include "client/wire/protocol.h"
#include "client/wire/status.h"

namespace aero::wire {

struct ProtoHeader {
  uint8_t version = kProtoVersion;
  ProtoType type = ProtoType::kMessage;
  uint64_t body_size = 0;
};

// What a reader accepts: info responses (type 1), message responses (3, or 4 compressed),
// admin responses (2), or any of them.
enum class ExpectedFrame : uint8_t { kAny, kInfo, kMessage, kAdmin };

// Validates the 8 header bytes (`bytes` must hold at least 8; only the first 8 are read):
// version 2, a type the caller accepts, body size <= `max_body_size` (at most 128 MiB).
Result<ProtoHeader> parse_proto_header(std::span<const uint8_t> bytes,
                                       ExpectedFrame expected = ExpectedFrame::kAny,
                                       uint64_t max_body_size = kMaxProtoBodySize);

// Writes the 8 header bytes.
void write_proto_header(uint8_t* out, ProtoType type, uint64_t body_size);

// Inflates the body of a type-4 frame (8-byte big-endian uncompressed size, then a zlib
// stream). The inflated data must be a complete type-3 frame whose size matches the declared
// one; returns a view of that frame's body (after its 8-byte header) inside `scratch`.
// Output grows only as the stream actually produces bytes, never beyond the declared size.
Result<std::span<const uint8_t>> decompress_body(std::span<const uint8_t> body, Buffer& scratch);

// Compresses a complete frame (header included) into a type-4 frame in `out` (zlib level
// 1, as the official clients do for requests over 128 bytes).
Status compress_frame(std::span<const uint8_t> frame, Buffer& out);

}  // namespace aero::wire
