// Parsing of one as_msg (the body of a type-3 frame, or one batch row) into views.
//
// Views point into the caller's buffer and are valid while it is. Parsing validates every
// length, so the op iteration and field lookup below never read out of bounds. Pure code,
// callable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aero::testserver {

struct FieldView {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  bool present = false;
  std::string_view str() const { return {reinterpret_cast<const char*>(data), size}; }
};

struct OpView {
  uint8_t type = 0;
  uint8_t particle = 0;
  uint8_t flags = 0;
  std::string_view name;
  const uint8_t* value = nullptr;
  uint32_t value_size = 0;
};

// Walks a validated ops region.
class OpIterator {
 public:
  OpIterator(const uint8_t* begin, uint16_t count) : p_(begin), left_(count) {}
  // Fills `op` and advances; false when done.
  bool next(OpView& op);

 private:
  const uint8_t* p_;
  uint16_t left_;
};

struct MessageView {
  uint8_t info1 = 0, info2 = 0, info3 = 0, info4 = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0;
  uint32_t transaction_ttl = 0;
  uint16_t n_fields = 0;
  uint16_t n_ops = 0;
  // Fields by type (types >= 64 are skipped, as the server skips unknown fields). The first
  // occurrence of a type wins.
  std::array<FieldView, 64> fields{};
  const uint8_t* ops_begin = nullptr;

  const FieldView& field(uint8_t type) const { return fields[type]; }
  bool has(uint8_t type) const { return fields[type].present; }
  OpIterator ops() const { return OpIterator(ops_begin, n_ops); }
};

enum class ParseStatus {
  kOk,
  kTooShort,        // fewer than 22 bytes
  kBadHeaderSize,   // header_sz byte is not 22
  kTruncatedField,  // a field runs past the end
  kTruncatedOp,     // an op runs past the end or is malformed
  kTrailingBytes,   // bytes left after n_fields + n_ops
};

// Parses the 22-byte header at `p` followed by fields and ops, which must end exactly at
// `p + size`.
ParseStatus parse_message(const uint8_t* p, size_t size, MessageView& out);

// Parses `n_fields` fields and `n_ops` ops starting at `p`; on success sets `*consumed` to the
// bytes used. Used for batch rows, whose fields and ops are not preceded by a full header.
ParseStatus parse_fields_and_ops(const uint8_t* p, size_t size, MessageView& out,
                                 size_t* consumed);

}  // namespace aero::testserver
