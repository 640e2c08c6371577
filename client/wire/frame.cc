#include "client/wire/frame.h"

#include <zlib.h>

#include <algorithm>
#include <string>

#include "client/wire/bytes.h"

namespace aero::wire {
namespace {

bool type_accepted(uint8_t type, ExpectedFrame expected) {
  switch (expected) {
    case ExpectedFrame::kAny:
      return type >= 1 && type <= 4;
    case ExpectedFrame::kInfo:
      return type == 1;
    case ExpectedFrame::kMessage:
      return type == 3 || type == 4;
    case ExpectedFrame::kAdmin:
      return type == 2;
  }
  return false;
}

const char* expected_name(ExpectedFrame expected) {
  switch (expected) {
    case ExpectedFrame::kAny:
      return "1..4";
    case ExpectedFrame::kInfo:
      return "1 (info)";
    case ExpectedFrame::kMessage:
      return "3 or 4 (message)";
    case ExpectedFrame::kAdmin:
      return "2 (admin)";
  }
  return "?";
}

}  // namespace

Result<ProtoHeader> parse_proto_header(std::span<const uint8_t> bytes, ExpectedFrame expected,
                                       uint64_t max_body_size) {
  if (bytes.size() < kProtoHeaderSize) {
    return bad_response("proto header needs 8 bytes, got " + std::to_string(bytes.size()));
  }
  const uint64_t h = detail::load_u64be(bytes.data());
  ProtoHeader out;
  out.version = static_cast<uint8_t>(h >> 56);
  const uint8_t type = static_cast<uint8_t>(h >> 48);
  out.body_size = h & 0xFFFFFFFFFFFFull;
  if (out.version != kProtoVersion) {
    return bad_response("proto header version " + std::to_string(out.version) + " (2 expected)");
  }
  if (!type_accepted(type, expected)) {
    return bad_response("proto header type " + std::to_string(type) + " (" +
                        expected_name(expected) + " expected)");
  }
  out.type = static_cast<ProtoType>(type);
  const uint64_t limit = std::min(max_body_size, kMaxProtoBodySize);
  if (out.body_size > limit) {
    return bad_response("proto body size " + std::to_string(out.body_size) + " exceeds the limit " +
                        std::to_string(limit));
  }
  return out;
}

void write_proto_header(uint8_t* out, ProtoType type, uint64_t body_size) {
  const uint64_t h = (uint64_t{kProtoVersion} << 56) |
                     (uint64_t{static_cast<uint8_t>(type)} << 48) | (body_size & 0xFFFFFFFFFFFFull);
  detail::store_u64be(out, h);
}

Result<std::span<const uint8_t>> decompress_body(std::span<const uint8_t> body, Buffer& scratch) {
  if (body.size() < 8) {
    return bad_response("compressed frame body of " + std::to_string(body.size()) +
                        " bytes has no 8-byte uncompressed size");
  }
  const uint64_t declared = detail::load_u64be(body.data());
  if (declared < kProtoHeaderSize + kMessageHeaderSize ||
      declared > kProtoHeaderSize + kMaxProtoBodySize) {
    return bad_response("compressed frame declares an uncompressed size of " +
                        std::to_string(declared) + " bytes (30 .. 128 MiB + 8 allowed)");
  }
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status(ResultCode::kClientError, "zlib inflateInit failed");
  zs.next_in = const_cast<Bytef*>(body.data() + 8);
  zs.avail_in = static_cast<uInt>(std::min<size_t>(body.size() - 8, UINT32_MAX));
  // Grow the output with what the stream produces (at most the declared size), so a forged
  // size alone never makes us allocate.
  size_t produced = 0;
  size_t chunk = std::min<size_t>(declared, std::max<size_t>(4096, 4 * (body.size() - 8)));
  int rc = Z_OK;
  scratch.clear();
  while (true) {
    if (produced == scratch.size()) {
      if (produced == declared) {
        // Output is full; the stream must end now (one more byte would overflow).
        uint8_t probe;
        zs.next_out = &probe;
        zs.avail_out = 1;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END && zs.avail_out == 1) break;
        const bool more = zs.avail_out == 0;
        const bool starved = zs.avail_in == 0;
        inflateEnd(&zs);
        if (more) {
          return bad_response("compressed frame inflates to more than the declared " +
                              std::to_string(declared) + " bytes");
        }
        if (starved) {
          return bad_response("compressed frame: zlib stream truncated after " +
                              std::to_string(produced) + " bytes");
        }
        return bad_response("compressed frame: zlib error " + std::to_string(rc));
      }
      scratch.resize(std::min<size_t>(declared, produced + chunk));
      chunk *= 2;
    }
    zs.next_out = scratch.data() + produced;
    zs.avail_out = static_cast<uInt>(scratch.size() - produced);
    rc = inflate(&zs, Z_NO_FLUSH);
    produced = scratch.size() - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      return bad_response("compressed frame: zlib stream truncated after " +
                          std::to_string(produced) + " bytes");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string why = zs.msg != nullptr ? zs.msg : "error " + std::to_string(rc);
      inflateEnd(&zs);
      return bad_response("compressed frame: zlib " + why);
    }
  }
  const size_t trailing = zs.avail_in;
  inflateEnd(&zs);
  if (trailing != 0) {
    return bad_response("compressed frame has " + std::to_string(trailing) +
                        " bytes after the zlib stream");
  }
  if (produced != declared) {
    return bad_response("compressed frame inflates to " + std::to_string(produced) +
                        " bytes, not the declared " + std::to_string(declared));
  }
  scratch.resize(produced);
  Result<ProtoHeader> inner = parse_proto_header(scratch.span(), ExpectedFrame::kAny);
  if (!inner.ok()) return bad_response("inside compressed frame: " + inner.error().message());
  if (inner->type != ProtoType::kMessage) {
    return bad_response("compressed frame wraps a type " +
                        std::to_string(static_cast<int>(inner->type)) + " frame (3 expected)");
  }
  if (inner->body_size + kProtoHeaderSize != declared) {
    return bad_response("compressed frame: inner header says " + std::to_string(inner->body_size) +
                        " body bytes but " + std::to_string(declared - kProtoHeaderSize) +
                        " were inflated");
  }
  return std::span<const uint8_t>(scratch.data() + kProtoHeaderSize, inner->body_size);
}

Status compress_frame(std::span<const uint8_t> frame, Buffer& out) {
  const uLong bound = compressBound(static_cast<uLong>(frame.size()));
  out.resize(kProtoHeaderSize + 8 + bound);
  uLongf written = bound;
  int rc = compress2(out.data() + 16, &written, frame.data(), static_cast<uLong>(frame.size()),
                     Z_BEST_SPEED);
  if (rc != Z_OK) {
    return Status(ResultCode::kClientError, "zlib compress2 failed: " + std::to_string(rc));
  }
  out.resize(16 + written);
  write_proto_header(out.data(), ProtoType::kCompressedMessage, 8 + written);
  detail::store_u64be(out.data() + 8, frame.size());
  return Status();
}

}  // namespace aero::wire
