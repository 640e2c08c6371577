#include "client/wire/response.h"

#include <string>
#include <vector>

#include "client/wire/bytes.h"

namespace aero::wire {

Result<std::span<const uint8_t>> message_body(const ProtoHeader& header,
                                              std::span<const uint8_t> body, Buffer& scratch) {
  if (body.size() != header.body_size) {
    return bad_response("frame body is " + std::to_string(body.size()) +
                        " bytes, header says " + std::to_string(header.body_size));
  }
  switch (header.type) {
    case ProtoType::kMessage:
      return body;
    case ProtoType::kCompressedMessage:
      return decompress_body(body, scratch);
    default:
      return bad_response("frame type " + std::to_string(static_cast<int>(header.type)) +
                          " where a message (3 or 4) was expected");
  }
}

Result<std::span<const uint8_t>> frame_message_body(std::span<const uint8_t> frame,
                                                    Buffer& scratch) {
  Result<ProtoHeader> h = parse_proto_header(frame, ExpectedFrame::kMessage);
  if (!h.ok()) return h.error();
  const std::span<const uint8_t> body = frame.subspan(kProtoHeaderSize);
  if (body.size() != h->body_size) {
    return bad_response("frame of " + std::to_string(frame.size()) + " bytes, header says body " +
                        std::to_string(h->body_size));
  }
  return message_body(*h, body, scratch);
}

Status encode_record_response(Buffer& out, ResultCode result, uint32_t generation,
                              uint32_t void_time, std::span<const Bin> bins, OpType op_type) {
  FrameWriter w(out);
  MessageHeader h;
  h.result_code = static_cast<uint8_t>(to_int(result));
  h.generation = generation;
  h.record_ttl = void_time;
  w.add_message(h, {}, bins, op_type);
  return w.finish();
}

void add_batch_row(FrameWriter& w, uint32_t index, ResultCode result, uint32_t generation,
                   uint32_t void_time, std::span<const Bin> bins) {
  MessageHeader h;
  h.result_code = static_cast<uint8_t>(to_int(result));
  h.generation = generation;
  h.record_ttl = void_time;
  h.transaction_ttl = index;
  w.add_message(h, {}, bins, OpType::kRead);
}

void add_scan_record(FrameWriter& w, const ScanRecordRef& rec) {
  MessageHeader h;
  h.info1 = rec.no_bin_data ? info1::kNoBinData : 0;
  h.generation = rec.generation;
  h.record_ttl = rec.void_time;
  FieldRef fields[4];
  size_t n = 0;
  fields[n++] = FieldRef::string(FieldType::kNamespace, rec.ns);
  fields[n++] = FieldRef{FieldType::kDigest, rec.digest};
  if (!rec.set.empty()) fields[n++] = FieldRef::string(FieldType::kSet, rec.set);
  uint8_t key_buf[1 + 8];
  std::vector<uint8_t> key_bytes;
  if (rec.user_key != nullptr) {
    if (const int64_t* i = rec.user_key->as_int()) {
      key_buf[0] = particle::kInteger;
      detail::store_u64be(key_buf + 1, static_cast<uint64_t>(*i));
      fields[n++] = FieldRef{FieldType::kKey, std::span<const uint8_t>(key_buf, 9)};
    } else if (const std::string* s = rec.user_key->as_string()) {
      key_bytes.push_back(particle::kString);
      key_bytes.insert(key_bytes.end(), s->begin(), s->end());
      fields[n++] = FieldRef{FieldType::kKey, key_bytes};
    } else if (const Bytes* b = rec.user_key->as_bytes()) {
      key_bytes.push_back(b->particle_type);
      key_bytes.insert(key_bytes.end(), b->data.begin(), b->data.end());
      fields[n++] = FieldRef{FieldType::kKey, key_bytes};
    }
  }
  w.add_message(h, std::span<const FieldRef>(fields, n),
                rec.no_bin_data ? std::span<const Bin>() : rec.bins, OpType::kRead);
}

}  // namespace aero::wire
