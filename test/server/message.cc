#include "test/server/message.h"

#include "test/server/wire.h"

namespace aero::testserver {

bool OpIterator::next(OpView& op) {
  if (left_ == 0) return false;
  const uint32_t op_size = wire::load_be32(p_);
  op.type = p_[4];
  op.particle = p_[5];
  op.flags = p_[6];
  const uint8_t name_len = p_[7];
  op.name = std::string_view(reinterpret_cast<const char*>(p_ + 8), name_len);
  op.value = p_ + 8 + name_len;
  op.value_size = op_size - 4 - name_len;
  p_ += 4 + size_t(op_size);
  --left_;
  return true;
}

ParseStatus parse_fields_and_ops(const uint8_t* p, size_t size, MessageView& out,
                                 size_t* consumed) {
  const uint8_t* const begin = p;
  const uint8_t* const end = p + size;
  out.fields = {};
  for (uint32_t i = 0; i < out.n_fields; ++i) {
    if (end - p < 5) return ParseStatus::kTruncatedField;
    const uint32_t field_size = wire::load_be32(p);  // includes the type byte
    if (field_size < 1 || uint64_t(field_size) > uint64_t(end - p - 4)) {
      return ParseStatus::kTruncatedField;
    }
    const uint8_t type = p[4];
    if (type < out.fields.size() && !out.fields[type].present) {
      out.fields[type] = FieldView{p + 5, field_size - 1, true};
    }
    p += 4 + size_t(field_size);
  }
  out.ops_begin = p;
  for (uint32_t i = 0; i < out.n_ops; ++i) {
    if (end - p < 8) return ParseStatus::kTruncatedOp;
    const uint32_t op_size = wire::load_be32(p);
    const uint8_t name_len = p[7];
    if (op_size < 4u + name_len || uint64_t(op_size) > uint64_t(end - p - 4)) {
      return ParseStatus::kTruncatedOp;
    }
    p += 4 + size_t(op_size);
  }
  *consumed = size_t(p - begin);
  return ParseStatus::kOk;
}

ParseStatus parse_message(const uint8_t* p, size_t size, MessageView& out) {
  if (size < wire::kMsgHeaderSize) return ParseStatus::kTooShort;
  if (p[0] != wire::kMsgHeaderSize) return ParseStatus::kBadHeaderSize;
  out.info1 = p[1];
  out.info2 = p[2];
  out.info3 = p[3];
  out.info4 = p[4];
  out.generation = wire::load_be32(p + 6);
  out.record_ttl = wire::load_be32(p + 10);
  out.transaction_ttl = wire::load_be32(p + 14);
  out.n_fields = wire::load_be16(p + 18);
  out.n_ops = wire::load_be16(p + 20);
  size_t consumed = 0;
  const ParseStatus st = parse_fields_and_ops(p + wire::kMsgHeaderSize,
                                              size - wire::kMsgHeaderSize, out, &consumed);
  if (st != ParseStatus::kOk) return st;
  if (consumed != size - wire::kMsgHeaderSize) return ParseStatus::kTrailingBytes;
  return ParseStatus::kOk;
}

}  // namespace aero::testserver
