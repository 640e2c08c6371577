#include "test/server/response.h"

#include <cassert>
#include <cstring>

#include "test/server/wire.h"

namespace aero::testserver {

void ResponseWriter::append(const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  out_.insert(out_.end(), p, p + size);
}

void ResponseWriter::begin_frame(uint8_t type) {
  assert(!in_frame());
  frame_start_ = out_.size();
  out_.resize(out_.size() + wire::kProtoHeaderSize);
  out_[frame_start_ + 1] = type;
}

void ResponseWriter::end_frame() {
  assert(in_frame() && msg_start_ == kNone);
  const uint8_t type = out_[frame_start_ + 1];
  wire::encode_proto_header(out_.data() + frame_start_, type,
                            out_.size() - frame_start_ - wire::kProtoHeaderSize);
  frame_start_ = kNone;
}

void ResponseWriter::abandon_frame() {
  assert(in_frame());
  out_.resize(frame_start_);
  frame_start_ = kNone;
  msg_start_ = kNone;
}

void ResponseWriter::begin_message(const MsgHeader& h) {
  assert(msg_start_ == kNone);
  msg_start_ = out_.size();
  n_fields_ = 0;
  n_ops_ = 0;
  out_.resize(out_.size() + wire::kMsgHeaderSize);
  uint8_t* p = out_.data() + msg_start_;
  p[0] = uint8_t(wire::kMsgHeaderSize);
  p[1] = h.info1;
  p[2] = h.info2;
  p[3] = h.info3;
  p[4] = h.info4;
  p[5] = h.result;
  wire::store_be32(p + 6, h.generation);
  wire::store_be32(p + 10, h.void_time);
  wire::store_be32(p + 14, h.transaction_ttl);
  wire::store_be16(p + 18, 0);
  wire::store_be16(p + 20, 0);
}

void ResponseWriter::add_field(uint8_t type, const void* data, size_t size) {
  assert(msg_start_ != kNone && n_ops_ == 0);
  const size_t at = out_.size();
  out_.resize(at + 5 + size);
  uint8_t* p = out_.data() + at;
  wire::store_be32(p, uint32_t(size + 1));
  p[4] = type;
  if (size != 0) std::memcpy(p + 5, data, size);
  ++n_fields_;
}

void ResponseWriter::add_op(uint8_t op_type, uint8_t particle, std::string_view name,
                            const void* value, size_t value_size) {
  assert(msg_start_ != kNone);
  const size_t at = out_.size();
  out_.resize(at + 8 + name.size() + value_size);
  uint8_t* p = out_.data() + at;
  wire::store_be32(p, uint32_t(4 + name.size() + value_size));
  p[4] = op_type;
  p[5] = particle;
  p[6] = 0;
  p[7] = uint8_t(name.size());
  if (!name.empty()) std::memcpy(p + 8, name.data(), name.size());
  if (value_size != 0) std::memcpy(p + 8 + name.size(), value, value_size);
  ++n_ops_;
}

void ResponseWriter::end_message() {
  assert(msg_start_ != kNone);
  uint8_t* p = out_.data() + msg_start_;
  wire::store_be16(p + 18, n_fields_);
  wire::store_be16(p + 20, n_ops_);
  msg_start_ = kNone;
}

void ResponseWriter::patch_message(size_t msg_offset, uint8_t result, uint32_t generation,
                                   uint32_t void_time) {
  uint8_t* p = out_.data() + msg_offset;
  p[5] = result;
  wire::store_be32(p + 6, generation);
  wire::store_be32(p + 10, void_time);
}

void ResponseWriter::header_only_frame(const MsgHeader& h) {
  begin_frame(wire::kTypeMessage);
  begin_message(h);
  end_message();
  end_frame();
}

}  // namespace aero::testserver
