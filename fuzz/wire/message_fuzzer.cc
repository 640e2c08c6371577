// Fuzzes the response path: the input is a sequence of frames (8-byte proto header, body),
// as a client reads them off a socket. Each frame is validated, inflated when compressed,
// and every message in it is walked: fields, ops, values (to owning Values too), batch
// fields, stream markers. Nothing may crash, read out of bounds or allocate according to an
// unchecked length; errors are fine.
#include <cstddef>
#include <cstdint>
#include <span>

#include "client/wire/wire.h"

using namespace aero::wire;

namespace {

void walk_message(const MessageView& m) {
  (void)m.is_last();
  (void)m.is_partition_done();
  (void)m.namespace_name();
  (void)m.set_name();
  (void)m.digest();
  if (auto key = m.user_key()) (void)key->to_value();
  for (FieldView f : m.fields()) {
    if (f.field_type() == FieldType::kBatchIndex || f.field_type() == FieldType::kBatchIndexWithSet) {
      Result<BatchRequestView> rows = parse_batch_field(f.data);
      if (rows.ok()) {
        for (const BatchRowView& r : rows->rows) {
          (void)r.namespace_name();
          for (OpView op : r.ops()) (void)op.value.to_value();
        }
      }
    }
  }
  for (OpView op : m.ops()) {
    (void)op.value.to_int();
    (void)op.value.to_double();
    (void)op.value.to_bool();
    (void)op.value.to_string();
  }
  (void)m.to_record();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  Buffer scratch;
  for (int frames = 0; frames < 64 && in.size() >= kProtoHeaderSize; ++frames) {
    Result<ProtoHeader> h = parse_proto_header(in, ExpectedFrame::kAny, in.size() - kProtoHeaderSize);
    if (!h.ok()) break;
    std::span<const uint8_t> body = in.subspan(kProtoHeaderSize, h->body_size);
    in = in.subspan(kProtoHeaderSize + h->body_size);
    if (h->type == ProtoType::kInfo) {
      (void)parse_info_response(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
      continue;
    }
    Result<std::span<const uint8_t>> b = message_body(*h, body, scratch);
    if (!b.ok()) continue;
    (void)parse_record_response(*b);
    MessageIterator it(*b);
    while (true) {
      Result<std::optional<MessageView>> m = it.next();
      if (!m.ok() || !m->has_value()) break;
      walk_message(**m);
    }
  }
  return 0;
}
