// Messages (as_msg): the 22-byte header, fields and operations, decoded as views into a
// frame body, and written by a generic builder.
//
// Decoding: parse_message() validates one message completely (header size 22, every field
// and every op inside the bytes, bin names at most 255 bytes by construction) before it
// returns, so iterating its fields and ops afterwards cannot fail. MessageIterator walks the
// messages of a stream frame body (batch, scan) and reports LAST and PARTITION_DONE.
//
// Encoding: FrameWriter appends any number of messages to one frame in a Buffer and patches
// the proto header size at the end; request.h, batch.h and scan.h build on it, and a server
// can build responses with it.
//
// Threads: pure functions; views are valid while the frame bytes they point into are.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/digest.h"
#include "client/wire/particle.h"
#include "client/wire/protocol.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

// The 22-byte header, minus header_sz (always 22) and the two counts.
struct MessageHeader {
  uint8_t info1 = 0;
  uint8_t info2 = 0;
  uint8_t info3 = 0;
  uint8_t info4 = 0;
  uint8_t result_code = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0;       // requests: TTL; responses: void time
  uint32_t transaction_ttl = 0;  // requests: server timeout ms; batch responses: row index
  friend bool operator==(const MessageHeader&, const MessageHeader&) = default;
};

struct FieldView {
  uint8_t type = 0;
  std::span<const uint8_t> data;
  FieldType field_type() const { return static_cast<FieldType>(type); }
};

struct OpView {
  uint8_t op_type = 0;
  uint8_t flags = 0;  // the "version" byte; 0 from clients
  std::string_view name;
  ValueView value;
};

// Iterates fields or ops of an already-validated message.
template <class T>
class WireRange {
 public:
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const uint8_t* p, uint32_t left) : p_(p), left_(left) {}
    T operator*() const;
    iterator& operator++();
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.left_ == b.left_; }

   private:
    const uint8_t* p_ = nullptr;
    uint32_t left_ = 0;
  };

  WireRange() = default;
  WireRange(const uint8_t* p, uint32_t count) : p_(p), count_(count) {}
  iterator begin() const { return {p_, count_}; }
  iterator end() const { return {nullptr, 0}; }
  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  const uint8_t* p_ = nullptr;
  uint32_t count_ = 0;
};

using FieldRange = WireRange<FieldView>;
using OpRange = WireRange<OpView>;

class MessageView {
 public:
  MessageHeader header;
  uint16_t n_fields = 0;
  uint16_t n_ops = 0;
  std::span<const uint8_t> bytes;  // the whole message, header included

  ResultCode result() const { return static_cast<ResultCode>(header.result_code); }
  bool is_last() const { return (header.info3 & info3::kLast) != 0; }
  bool is_partition_done() const { return (header.info3 & info3::kPartitionDone) != 0; }
  uint32_t partition_id() const { return header.generation; }    // in PARTITION_DONE messages
  uint32_t batch_index() const { return header.transaction_ttl; }  // in batch row results
  uint32_t generation() const { return header.generation; }
  uint32_t void_time() const { return header.record_ttl; }

  FieldRange fields() const { return {fields_begin_, n_fields}; }
  OpRange ops() const { return {ops_begin_, n_ops}; }

  // The first field of this type, if any.
  std::optional<FieldView> find_field(FieldType type) const;
  // Namespace, set, digest and user key fields of scan records (and requests).
  std::optional<std::string_view> namespace_name() const;
  std::optional<std::string_view> set_name() const;
  std::optional<Digest> digest() const;  // only when the field is exactly 20 bytes
  // The KEY field as a value view (particle type byte + key bytes).
  std::optional<ValueView> user_key() const;

  // Owning copy of the bins (ops) as a Record. Fails only when a value does not decode.
  Result<Record> to_record() const;

 private:
  friend Result<MessageView> parse_message(std::span<const uint8_t>, size_t*);
  const uint8_t* fields_begin_ = nullptr;
  const uint8_t* ops_begin_ = nullptr;
};

// Parses and fully validates the message at the start of `bytes`. `*consumed` (if given)
// receives its length. Bin values are checked for shape (integer length, double length,
// msgpack well-formedness) so later access does not fail.
Result<MessageView> parse_message(std::span<const uint8_t> bytes, size_t* consumed = nullptr);

// Parses a body that must hold exactly one message (single-record responses and requests).
Result<MessageView> parse_single_message(std::span<const uint8_t> body);

namespace detail {
// Validates `n_fields` fields then `n_ops` ops at the reader's position (shared with the
// batch row parser). On success the begin pointers mark where each list starts.
Status validate_fields_and_ops(Reader& r, uint16_t n_fields, uint16_t n_ops,
                               const uint8_t*& fields_begin, const uint8_t*& ops_begin);
}  // namespace detail

// Walks the concatenated messages of a type-3 frame body.
class MessageIterator {
 public:
  explicit MessageIterator(std::span<const uint8_t> body) : body_(body) {}

  // The next message, std::nullopt at the end of the body, or an error (after which the
  // iterator stays at the failing message and keeps returning the error).
  Result<std::optional<MessageView>> next();
  bool at_end() const { return offset_ == body_.size(); }
  size_t offset() const { return offset_; }

 private:
  std::span<const uint8_t> body_;
  size_t offset_ = 0;
};

// What a message of a stream means to the reader.
enum class StreamMessageKind : uint8_t {
  kRecord,         // a record (scan) or a row result (batch; its result code is per row)
  kPartitionDone,  // scan: a partition the node could not serve (id, reason)
  kLast,           // the end; its result code is the status of the whole stream
  kError,          // scan: a non-zero result without LAST or PARTITION_DONE ends the stream
};

// Scan streams. The real server answers some failures with one message that carries the
// error but not the LAST bit (result 16 for a scan without PARTITION_DONE): kError, which
// ends the stream like kLast.
StreamMessageKind classify_scan_message(const MessageView& m);

// Batch streams: every message before LAST is a row (index in batch_index()).
StreamMessageKind classify_batch_message(const MessageView& m);

// ---- encoding ----

// A field to write: type plus raw data.
struct FieldRef {
  FieldType type;
  std::span<const uint8_t> data;
  static FieldRef string(FieldType t, std::string_view s) {
    return {t, {reinterpret_cast<const uint8_t*>(s.data()), s.size()}};
  }
};

// An op to write with raw value bytes (name up to 255 bytes; no other checks).
struct RawOp {
  uint8_t op_type = 0;
  uint8_t particle_type = 0;
  std::string_view name;
  std::span<const uint8_t> value;
};

// Appends messages to one frame. Usage: FrameWriter w(buf); w.add_...(); ...; w.finish().
// `buf` is cleared on construction; finish() writes the proto header. Not for hot paths that
// know the size up front (request encoders size exactly instead), but allocation-free once
// the buffer has grown.
class FrameWriter {
 public:
  explicit FrameWriter(Buffer& out, ProtoType type = ProtoType::kMessage);

  // A message with raw fields and raw ops.
  void add_message(const MessageHeader& h, std::span<const FieldRef> fields,
                   std::span<const RawOp> ops);
  // A message whose ops are bins (each as `op_type` with the bin's value).
  void add_message(const MessageHeader& h, std::span<const FieldRef> fields,
                   std::span<const Bin> bins, OpType op_type = OpType::kRead);

  // Stream helpers for servers: a PARTITION_DONE marker and the final LAST message.
  void add_partition_done(uint32_t partition_id, ResultCode code);
  void add_last(ResultCode code);

  // Appends raw bytes to the body (an info text body, for example).
  void add_raw(std::span<const uint8_t> bytes);

  // Writes the proto header; returns an error if the body exceeds 128 MiB or a count does
  // not fit 16 bits.
  Status finish();

 private:
  uint8_t* grow(size_t n);
  Buffer& out_;
  ProtoType type_;
  bool overflow_ = false;
};

// Encodes a single-message frame with raw fields and ops (for tests and unusual requests).
Status encode_message(Buffer& out, const MessageHeader& h, std::span<const FieldRef> fields,
                      std::span<const RawOp> ops);

// ---- iteration over validated fields and ops ----

template <>
inline FieldView WireRange<FieldView>::iterator::operator*() const {
  const uint32_t size = detail::load_u32be(p_);
  return FieldView{p_[4], {p_ + 5, size - 1}};
}

template <>
inline WireRange<FieldView>::iterator& WireRange<FieldView>::iterator::operator++() {
  p_ += 4 + detail::load_u32be(p_);
  --left_;
  return *this;
}

template <>
inline OpView WireRange<OpView>::iterator::operator*() const {
  const uint32_t size = detail::load_u32be(p_);
  const uint8_t name_len = p_[7];
  OpView op;
  op.op_type = p_[4];
  op.flags = p_[6];
  op.name = std::string_view(reinterpret_cast<const char*>(p_ + 8), name_len);
  op.value = ValueView(p_[5], {p_ + 8 + name_len, size - 4 - name_len});
  return op;
}

template <>
inline WireRange<OpView>::iterator& WireRange<OpView>::iterator::operator++() {
  p_ += 4 + detail::load_u32be(p_);
  --left_;
  return *this;
}

}  // namespace aero::wire
