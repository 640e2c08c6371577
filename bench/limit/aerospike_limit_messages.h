// The bytes of the bare Aerospike limit (aerospike_limit): get and put requests encoded with
// the client's own codec (client/wire) and the same attributes the client derives from its
// default policies with a given total timeout, so that the limit sends exactly what
// aerobench sends through the client (test/bench checks it byte for byte).
//
// Threads: plain values; one LimitMessages per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/wire/buffer.h"
#include "client/wire/request.h"

namespace aero::bench {

// What the client's default ReadPolicy/WritePolicy become on the wire for `total_timeout_ms`
// (socket timeout 30 s, so the server timeout is the total timeout when that is shorter).
wire::ReadAttrs limit_read_attrs(int total_timeout_ms);
wire::WriteAttrs limit_write_attrs(int total_timeout_ms);

class LimitMessages {
 public:
  LimitMessages(std::string ns, std::string set, std::vector<wire::Bin> bins, int timeout_ms);

  // Encodes a get (all bins) / a put (the fixed bins) of key number `key` into `out`.
  // The Key (and its RIPEMD-160 digest) is computed per call, as the client does.
  bool encode_get(wire::Buffer& out, std::int64_t key) const;
  bool encode_put(wire::Buffer& out, std::int64_t key) const;

 private:
  std::string ns_;
  std::string set_;
  std::vector<wire::Bin> bins_;
  wire::ReadAttrs read_;
  wire::WriteAttrs write_;
};

// Result code of a complete single-record response frame (8-byte proto header, then the
// 22-byte message header whose 6th byte is the result code); -1 when the frame is too short.
int response_result_code(std::span<const std::uint8_t> frame);

}  // namespace aero::bench
