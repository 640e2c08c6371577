#include "client/wire/message.h"

#include <string>

#include "client/wire/bytes.h"
#include "client/wire/frame.h"

namespace aero::wire {
namespace {

using detail::ByteWriter;
using detail::SizeCounter;

template <class W>
void write_header(W& w, const MessageHeader& h, uint16_t n_fields, uint16_t n_ops) {
  w.u8(static_cast<uint8_t>(kMessageHeaderSize));
  w.u8(h.info1);
  w.u8(h.info2);
  w.u8(h.info3);
  w.u8(h.info4);
  w.u8(h.result_code);
  w.u32be(h.generation);
  w.u32be(h.record_ttl);
  w.u32be(h.transaction_ttl);
  w.u16be(n_fields);
  w.u16be(n_ops);
}

template <class W>
void write_fields(W& w, std::span<const FieldRef> fields) {
  for (const FieldRef& f : fields) {
    w.u32be(static_cast<uint32_t>(f.data.size() + 1));
    w.u8(static_cast<uint8_t>(f.type));
    w.bytes(f.data.data(), f.data.size());
  }
}

template <class W>
void write_raw_ops(W& w, std::span<const RawOp> ops) {
  for (const RawOp& op : ops) {
    const uint8_t name_len = static_cast<uint8_t>(op.name.size());
    w.u32be(static_cast<uint32_t>(4 + name_len + op.value.size()));
    w.u8(op.op_type);
    w.u8(op.particle_type);
    w.u8(0);
    w.u8(name_len);
    w.bytes(op.name.data(), name_len);
    w.bytes(op.value.data(), op.value.size());
  }
}

template <class W>
void write_bin_ops(W& w, std::span<const Bin> bins, OpType op_type) {
  for (const Bin& b : bins) {
    const uint8_t name_len = static_cast<uint8_t>(b.name.size());
    const size_t at = w.position();
    w.u32be(0);
    w.u8(static_cast<uint8_t>(op_type));
    w.u8(particle_type_of(b.value));
    w.u8(0);
    w.u8(name_len);
    w.bytes(b.name.data(), name_len);
    detail::write_particle(w, b.value);
    w.patch_u32be(at, static_cast<uint32_t>(w.position() - at - 4));
  }
}

std::string at(const char* what, uint32_t index, size_t offset) {
  return std::string(what) + " " + std::to_string(index) + " at message offset " +
         std::to_string(offset);
}

}  // namespace

namespace detail {

Status validate_fields_and_ops(Reader& r, uint16_t n_fields, uint16_t n_ops,
                               const uint8_t*& fields_begin, const uint8_t*& ops_begin) {
  fields_begin = r.current();
  for (uint32_t i = 0; i < n_fields; ++i) {
    const size_t offset = r.position();
    uint32_t size = 0;
    if (!r.u32be(size)) {
      return bad_response(at("field", i, offset) + ": size truncated (" +
                          std::to_string(n_fields) + " fields declared)");
    }
    if (size == 0) return bad_response(at("field", i, offset) + ": size 0 (no type byte)");
    if (!r.skip(size)) {
      return bad_response(at("field", i, offset) + ": declares " + std::to_string(size) +
                          " bytes but " + std::to_string(r.remaining()) + " remain");
    }
  }
  ops_begin = r.current();
  for (uint32_t i = 0; i < n_ops; ++i) {
    const size_t offset = r.position();
    uint32_t size = 0;
    if (!r.u32be(size)) {
      return bad_response(at("op", i, offset) + ": size truncated (" +
                          std::to_string(n_ops) + " ops declared)");
    }
    if (size < 4) {
      return bad_response(at("op", i, offset) + ": size " + std::to_string(size) +
                          " is below the 4-byte op header");
    }
    const uint8_t* op = r.current();
    if (!r.skip(size)) {
      return bad_response(at("op", i, offset) + ": declares " + std::to_string(size) +
                          " bytes but " + std::to_string(r.remaining()) + " remain");
    }
    const uint8_t name_len = op[3];
    if (name_len > size - 4) {
      return bad_response(at("op", i, offset) + ": bin name of " + std::to_string(name_len) +
                          " bytes overruns the op's " + std::to_string(size) + " bytes");
    }
    ValueView value(op[1], {op + 4 + name_len, size - 4 - name_len});
    if (Status s = value.validate(); !s.ok()) {
      return bad_response(at("op", i, offset) + ": " + s.message());
    }
  }
  return Status();
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Decoding

Result<MessageView> parse_message(std::span<const uint8_t> bytes, size_t* consumed) {
  detail::Reader r(bytes);
  if (r.remaining() < kMessageHeaderSize) {
    return bad_response("message header needs 22 bytes, " + std::to_string(r.remaining()) +
                        " remain");
  }
  MessageView m;
  uint8_t header_size = 0;
  (void)r.u8(header_size);
  if (header_size != kMessageHeaderSize) {
    return bad_response("message header size byte is " + std::to_string(header_size) +
                        " (22 expected)");
  }
  (void)r.u8(m.header.info1);
  (void)r.u8(m.header.info2);
  (void)r.u8(m.header.info3);
  (void)r.u8(m.header.info4);
  (void)r.u8(m.header.result_code);
  (void)r.u32be(m.header.generation);
  (void)r.u32be(m.header.record_ttl);
  (void)r.u32be(m.header.transaction_ttl);
  (void)r.u16be(m.n_fields);
  (void)r.u16be(m.n_ops);

  if (Status s = detail::validate_fields_and_ops(r, m.n_fields, m.n_ops, m.fields_begin_,
                                                 m.ops_begin_);
      !s.ok()) {
    return s;
  }
  m.bytes = bytes.first(r.position());
  if (consumed != nullptr) *consumed = r.position();
  return m;
}

Result<MessageView> parse_single_message(std::span<const uint8_t> body) {
  size_t used = 0;
  Result<MessageView> m = parse_message(body, &used);
  if (m.ok() && used != body.size()) {
    return bad_response("message is " + std::to_string(used) + " bytes but the body has " +
                        std::to_string(body.size() - used) + " more");
  }
  return m;
}

Result<std::optional<MessageView>> MessageIterator::next() {
  if (offset_ == body_.size()) return std::optional<MessageView>();
  size_t used = 0;
  Result<MessageView> m = parse_message(body_.subspan(offset_), &used);
  if (!m.ok()) {
    return bad_response("message at body offset " + std::to_string(offset_) + ": " +
                        m.error().message());
  }
  offset_ += used;
  return std::optional<MessageView>(*m);
}

StreamMessageKind classify_scan_message(const MessageView& m) {
  if (m.is_last()) return StreamMessageKind::kLast;
  if (m.is_partition_done()) return StreamMessageKind::kPartitionDone;
  if (m.result() != ResultCode::kOk) return StreamMessageKind::kError;
  return StreamMessageKind::kRecord;
}

StreamMessageKind classify_batch_message(const MessageView& m) {
  return m.is_last() ? StreamMessageKind::kLast : StreamMessageKind::kRecord;
}

std::optional<FieldView> MessageView::find_field(FieldType type) const {
  for (FieldView f : fields()) {
    if (f.field_type() == type) return f;
  }
  return std::nullopt;
}

std::optional<std::string_view> MessageView::namespace_name() const {
  auto f = find_field(FieldType::kNamespace);
  if (!f) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(f->data.data()), f->data.size());
}

std::optional<std::string_view> MessageView::set_name() const {
  auto f = find_field(FieldType::kSet);
  if (!f) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(f->data.data()), f->data.size());
}

std::optional<Digest> MessageView::digest() const {
  auto f = find_field(FieldType::kDigest);
  if (!f || f->data.size() != kDigestSize) return std::nullopt;
  Digest d;
  std::copy(f->data.begin(), f->data.end(), d.begin());
  return d;
}

std::optional<ValueView> MessageView::user_key() const {
  auto f = find_field(FieldType::kKey);
  if (!f || f->data.empty()) return std::nullopt;
  return ValueView(f->data[0], f->data.subspan(1));
}

Result<Record> MessageView::to_record() const {
  Record rec;
  rec.generation = header.generation;
  rec.void_time = header.record_ttl;
  rec.bins.reserve(n_ops);
  for (OpView op : ops()) {
    Result<Value> v = op.value.to_value();
    if (!v.ok()) {
      return bad_response("bin '" + std::string(op.name) + "': " + v.error().message());
    }
    rec.bins.emplace_back(std::string(op.name), std::move(v).value());
  }
  return rec;
}

// ---------------------------------------------------------------------------------------
// Encoding

FrameWriter::FrameWriter(Buffer& out, ProtoType type) : out_(out), type_(type) {
  out_.resize(kProtoHeaderSize);
}

uint8_t* FrameWriter::grow(size_t n) {
  const size_t old = out_.size();
  out_.resize(old + n);
  return out_.data() + old;
}

void FrameWriter::add_message(const MessageHeader& h, std::span<const FieldRef> fields,
                              std::span<const RawOp> ops) {
  if (fields.size() > 0xFFFF || ops.size() > 0xFFFF) {
    overflow_ = true;
    return;
  }
  for (const RawOp& op : ops) {
    if (op.name.size() > 255) overflow_ = true;
  }
  if (overflow_) return;
  SizeCounter c;
  write_header(c, h, static_cast<uint16_t>(fields.size()), static_cast<uint16_t>(ops.size()));
  write_fields(c, fields);
  write_raw_ops(c, ops);
  ByteWriter w(grow(c.size()));
  write_header(w, h, static_cast<uint16_t>(fields.size()), static_cast<uint16_t>(ops.size()));
  write_fields(w, fields);
  write_raw_ops(w, ops);
}

void FrameWriter::add_message(const MessageHeader& h, std::span<const FieldRef> fields,
                              std::span<const Bin> bins, OpType op_type) {
  if (fields.size() > 0xFFFF || bins.size() > 0xFFFF) {
    overflow_ = true;
    return;
  }
  for (const Bin& b : bins) {
    if (b.name.size() > 255) overflow_ = true;
  }
  if (overflow_) return;
  SizeCounter c;
  write_header(c, h, static_cast<uint16_t>(fields.size()), static_cast<uint16_t>(bins.size()));
  write_fields(c, fields);
  write_bin_ops(c, bins, op_type);
  ByteWriter w(grow(c.size()));
  write_header(w, h, static_cast<uint16_t>(fields.size()), static_cast<uint16_t>(bins.size()));
  write_fields(w, fields);
  write_bin_ops(w, bins, op_type);
}

void FrameWriter::add_partition_done(uint32_t partition_id, ResultCode code) {
  MessageHeader h;
  h.info3 = info3::kPartitionDone;
  h.result_code = static_cast<uint8_t>(to_int(code));
  h.generation = partition_id;
  add_message(h, {}, std::span<const RawOp>());
}

void FrameWriter::add_last(ResultCode code) {
  MessageHeader h;
  h.info3 = info3::kLast;
  h.result_code = static_cast<uint8_t>(to_int(code));
  add_message(h, {}, std::span<const RawOp>());
}

void FrameWriter::add_raw(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  std::memcpy(grow(bytes.size()), bytes.data(), bytes.size());
}

Status FrameWriter::finish() {
  if (overflow_) {
    return param_error("frame has more than 65535 fields or ops, or a name over 255 bytes");
  }
  const size_t body = out_.size() - kProtoHeaderSize;
  if (body > kMaxProtoBodySize) {
    return param_error("frame body of " + std::to_string(body) + " bytes exceeds 128 MiB");
  }
  write_proto_header(out_.data(), type_, body);
  return Status();
}

Status encode_message(Buffer& out, const MessageHeader& h, std::span<const FieldRef> fields,
                      std::span<const RawOp> ops) {
  FrameWriter w(out);
  w.add_message(h, fields, ops);
  return w.finish();
}

}  // namespace aero::wire
