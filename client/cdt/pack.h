// The msgpack writer the collection, bit and HLL builders pack their operations with, and
// the framing every packed operation shares (C client as_cdt_internal.c, server cdt.c):
//
//   [op, arg...]                         without a context
//   [0xff, [ctx_type, ctx_value, ...], [op, arg...]]   with one
//
// A create-on-write context ORs a flag onto its item's type; a builder that creates the
// collection it addresses (list/map create) ORs its flag onto the last item. Integers take
// the smallest msgpack form, values the encoding of client/wire/msgpack.h.
//
// Public so the read expressions can embed the same packed operations.
//
// Threads: a Packer is a plain value; one thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/cdt/types.h"
#include "client/wire/msgpack.h"
#include "client/wire/request.h"
#include "client/wire/value.h"

namespace aero::cdt {

class Context;

// Builds one packed CDT, bit or HLL operation into a byte buffer: begin(), then the
// arguments (integer, value, blob, raw, array), then finish() or take().
class Packer {
 public:
  // The writer interface wire::detail::msgpack_write expects: append one byte.
  void u8(uint8_t v) { buf_.push_back(v); }
  // Appends `v` as 2 bytes, big-endian.
  void u16be(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  // Appends `v` as 4 bytes, big-endian.
  void u32be(uint32_t v) {
    u16be(static_cast<uint16_t>(v >> 16));
    u16be(static_cast<uint16_t>(v));
  }
  // Appends `v` as 8 bytes, big-endian.
  void u64be(uint64_t v) {
    u32be(static_cast<uint32_t>(v >> 32));
    u32be(static_cast<uint32_t>(v));
  }
  // Appends `n` raw bytes from `p` (no msgpack header).
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
  }
  // Appends the bytes of `s` raw (no msgpack header, no particle type byte).
  void str(std::string_view s) { bytes(s.data(), s.size()); }

  // Appends a msgpack array header for `n` elements (fixarray, array16 or array32).
  void array(uint32_t n) { wire::detail::msgpack_write_count(*this, n, 0x90, 0xdc, 0xdd); }
  // Appends `v` as a msgpack integer in its smallest form.
  void integer(int64_t v) { wire::detail::msgpack_write_int(*this, v); }
  // Appends `v` msgpack-encoded (strings and blobs with their particle type byte).
  void value(const wire::Value& v) { wire::detail::msgpack_write(*this, v); }
  // Bytes as a blob (particle type 4), whatever particle type they carry (bit and HLL
  // operands are sent as blobs, as the captures from the official client show).
  void blob(std::span<const uint8_t> b) {
    wire::detail::msgpack_write_typed_bytes(*this, wire::particle::kBlob, b.data(), b.size());
  }
  // Already-packed msgpack (an expression), appended as is.
  void raw(std::span<const uint8_t> b) { bytes(b.data(), b.size()); }

  // Opens an operation: the context frame (when `ctx` has items) and the operation array
  // of 1 + `argc` elements starting with `op`. `last_ctx_flag` is ORed onto the type of
  // the context's last item (create on write).
  void begin(const Context& ctx, uint32_t op, uint32_t argc, uint32_t last_ctx_flag = 0);

  // The bytes packed so far.
  const std::vector<uint8_t>& data() const { return buf_; }
  // Moves the packed bytes out; do not append to the Packer afterwards.
  std::vector<uint8_t> take() { return std::move(buf_); }

  // The finished operation: packed bytes as a blob particle, the way the official clients
  // send every list, map, bit and HLL operation.
  wire::Operation finish(wire::OpType type, std::string bin, bool respond_all_ops = false);

 private:
  std::vector<uint8_t> buf_;
};

}  // namespace aero::cdt
