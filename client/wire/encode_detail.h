// Internal helpers shared by the request encoders (request.cc, batch.cc, scan.cc): header bit
// computation from attrs and ops, key and op writers, and the two-pass frame encoder.
// Not part of the public API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/bytes.h"
#include "client/wire/frame.h"
#include "client/wire/key.h"
#include "client/wire/particle.h"
#include "client/wire/protocol.h"
#include "client/wire/request.h"
#include "client/wire/status.h"

namespace aero::wire::detail {

// Runs `body` twice (count, then write) and frames the result as one type-3 frame.
template <class Body>
Status encode_frame(Buffer& out, Body&& body) {
  SizeCounter c;
  body(c);
  const size_t body_size = c.size();
  if (body_size > kMaxProtoBodySize) {
    return param_error("request body of " + std::to_string(body_size) + " bytes exceeds 128 MiB");
  }
  out.resize(kProtoHeaderSize + body_size);
  write_proto_header(out.data(), ProtoType::kMessage, body_size);
  ByteWriter w(out.data() + kProtoHeaderSize);
  body(w);
  return Status();
}

template <class W>
void write_msg_header(W& w, uint8_t info1, uint8_t info2, uint8_t info3, uint8_t info4,
                      uint32_t generation, uint32_t record_ttl, uint32_t transaction_ttl,
                      uint16_t n_fields, uint16_t n_ops) {
  w.u8(static_cast<uint8_t>(kMessageHeaderSize));
  w.u8(info1);
  w.u8(info2);
  w.u8(info3);
  w.u8(info4);
  w.u8(0);  // result code
  w.u32be(generation);
  w.u32be(record_ttl);
  w.u32be(transaction_ttl);
  w.u16be(n_fields);
  w.u16be(n_ops);
}

template <class W>
void write_field_header(W& w, FieldType type, size_t data_size) {
  w.u32be(static_cast<uint32_t>(data_size + 1));
  w.u8(static_cast<uint8_t>(type));
}

template <class W>
void write_string_field(W& w, FieldType type, std::string_view s) {
  write_field_header(w, type, s.size());
  w.str(s);
}

// KEY field payload: particle type byte + key bytes. Only integer, string and bytes user
// keys are sendable (validate_user_key checks).
inline bool user_key_sendable(const Value& v) {
  return v.as_int() != nullptr || v.as_string() != nullptr || v.as_bytes() != nullptr;
}

template <class W>
void write_user_key_field(W& w, const Value& v) {
  if (const int64_t* i = v.as_int()) {
    write_field_header(w, FieldType::kKey, 1 + 8);
    w.u8(particle::kInteger);
    w.u64be(static_cast<uint64_t>(*i));
  } else if (const std::string* s = v.as_string()) {
    write_field_header(w, FieldType::kKey, 1 + s->size());
    w.u8(particle::kString);
    w.str(*s);
  } else if (const Bytes* b = v.as_bytes()) {
    write_field_header(w, FieldType::kKey, 1 + b->data.size());
    w.u8(b->particle_type);
    w.bytes(b->data.data(), b->data.size());
  }
}

// Whether the KEY field will be written for this key.
inline bool sends_user_key(const Key& key, bool send_key) {
  return send_key && key.user_key() != nullptr;
}

// namespace, set, digest [, key]; returns the field count through n_fields.
inline uint16_t key_field_count(const Key& key, bool send_key) {
  return sends_user_key(key, send_key) ? 4 : 3;
}

template <class W>
void write_key_fields(W& w, const Key& key, bool send_key) {
  write_string_field(w, FieldType::kNamespace, key.ns());
  write_string_field(w, FieldType::kSet, key.set());
  write_field_header(w, FieldType::kDigest, kDigestSize);
  w.bytes(key.digest().data(), kDigestSize);
  if (sends_user_key(key, send_key)) write_user_key_field(w, *key.user_key());
}

// The filter expression field (43), written after the key fields as the C and Java clients do.
inline uint16_t filter_field_count(const std::shared_ptr<const std::string>& f) {
  return f ? 1 : 0;
}

template <class W>
void write_filter_field(W& w, const std::shared_ptr<const std::string>& f) {
  if (!f) return;
  write_field_header(w, FieldType::kFilterExpression, f->size());
  w.bytes(f->data(), f->size());
}

template <class W>
void write_read_op(W& w, std::string_view name) {
  w.u32be(static_cast<uint32_t>(4 + name.size()));
  w.u8(static_cast<uint8_t>(OpType::kRead));
  w.u8(particle::kNull);
  w.u8(0);
  w.u8(static_cast<uint8_t>(name.size()));
  w.str(name);
}

template <class W>
void write_value_op(W& w, OpType type, std::string_view name, const Value& v) {
  const size_t at = w.position();
  w.u32be(0);  // patched below
  w.u8(static_cast<uint8_t>(type));
  w.u8(particle_type_of(v));
  w.u8(0);
  w.u8(static_cast<uint8_t>(name.size()));
  w.str(name);
  write_particle(w, v);
  w.patch_u32be(at, static_cast<uint32_t>(w.position() - at - 4));
}

template <class W>
void write_operation(W& w, const Operation& op) {
  write_value_op(w, op.type, op.bin_name, op.value);
}

// Header bits implied by a list of operations.
struct OpsSummary {
  uint8_t info1 = 0;
  uint8_t info2 = 0;
  bool has_read = false;
  bool has_write = false;
  bool read_all = false;
};
OpsSummary summarize_ops(std::span<const Operation> ops, bool respond_all_ops);

uint8_t read_info1(const ReadAttrs& a);
uint8_t read_info3(const ReadAttrs& a);

// Applies exists action, generation policy, commit level and durable delete.
void apply_write_attrs(const WriteAttrs& a, uint8_t& info1, uint8_t& info2, uint8_t& info3,
                       uint32_t& generation);

Status validate_bin_name(std::string_view name);
// Infinity and Wildcard are operation arguments only, never a bin value.
Status validate_bin_value(const Value& v);
Status validate_ops(std::span<const Operation> ops);
Status validate_send_key(const Key& key, bool send_key);

}  // namespace aero::wire::detail
