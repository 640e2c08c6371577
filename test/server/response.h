// Building of response bytes: proto frames holding as_msg messages, fields and ops.
//
// A ResponseWriter appends to a byte vector owned by the caller (one per connection, reused
// from request to request, so steady-state responses allocate nothing). Single-threaded: a
// writer belongs to the thread that owns the vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace aero::testserver {

struct MsgHeader {
  uint8_t info1 = 0, info2 = 0, info3 = 0, info4 = 0;
  uint8_t result = 0;
  uint32_t generation = 0;
  uint32_t void_time = 0;
  uint32_t transaction_ttl = 0;  // the batch row index in batch answers
};

class ResponseWriter {
 public:
  explicit ResponseWriter(std::vector<uint8_t>& out) : out_(out) {}

  // Frame: reserve the 8-byte proto header; end_frame() patches the size. Frames do not nest.
  void begin_frame(uint8_t type);
  void end_frame();
  // Drops the open frame and everything written into it.
  void abandon_frame();
  bool in_frame() const { return frame_start_ != kNone; }
  // Bytes written since begin_frame (header included).
  size_t frame_bytes() const { return in_frame() ? out_.size() - frame_start_ : 0; }

  // Message: writes the 22-byte header with zero counts; fields and ops follow; the counts
  // are patched by end_message().
  void begin_message(const MsgHeader& h);
  void add_field(uint8_t type, const void* data, size_t size);
  void add_field(uint8_t type, std::string_view s) { add_field(type, s.data(), s.size()); }
  void add_op(uint8_t op_type, uint8_t particle, std::string_view name, const void* value,
              size_t value_size);
  void end_message();
  // Rewrites result, generation and void time of the message that starts at `msg_offset`.
  void patch_message(size_t msg_offset, uint8_t result, uint32_t generation, uint32_t void_time);

  // Rolling back: remember size() before a message, truncate() to it if the message must be
  // replaced (only outside an open message).
  size_t size() const { return out_.size(); }
  void truncate(size_t size) {
    out_.resize(size);
    msg_start_ = kNone;
  }

  // Convenience: a whole frame holding one header-only message.
  void header_only_frame(const MsgHeader& h);
  // Raw bytes.
  void append(const void* data, size_t size);

 private:
  static constexpr size_t kNone = ~size_t{0};
  std::vector<uint8_t>& out_;
  size_t frame_start_ = kNone;
  size_t msg_start_ = kNone;
  uint16_t n_fields_ = 0;
  uint16_t n_ops_ = 0;
};

}  // namespace aero::testserver
