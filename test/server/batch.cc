#include "test/server/batch.h"

#include <vector>

#include "test/server/wire.h"

namespace aero::testserver {

namespace {

namespace rc = wire::result;

constexpr uint8_t kRowRepeat = 0x01;
constexpr uint8_t kRowHasInfo2And3 = 0x02;
constexpr uint8_t kRowHasGeneration = 0x04;
constexpr uint8_t kRowHasTtl = 0x08;
constexpr uint8_t kRowHasInfo4 = 0x10;

constexpr uint8_t kParentReportAllErrors = 0x04;
constexpr uint8_t kParentReportErrorRecord = 0x08;

struct Row {
  uint32_t index = 0;
  const uint8_t* digest = nullptr;
  MessageView msg;
};

// Parses every row; false when the batch field is malformed.
bool parse_rows(const FieldView& f, uint32_t transaction_ttl, std::vector<Row>& rows,
                uint8_t* parent_flags) {
  if (f.size < 5) return false;
  const uint8_t* p = f.data;
  const uint8_t* const end = f.data + f.size;
  const uint32_t count = wire::load_be32(p);
  *parent_flags = p[4];
  p += 5;
  // Every row takes at least 25 bytes: refuse counts the field cannot hold.
  if (count == 0 || uint64_t(count) * 25 > uint64_t(end - p)) return false;
  rows.reserve(count);
  const Row* previous = nullptr;
  bool previous_has_key = false;
  for (uint32_t i = 0; i < count; ++i) {
    if (end - p < 25) return false;
    Row row;
    row.index = wire::load_be32(p);
    row.digest = p + 4;
    const uint8_t flags = p[24];
    p += 25;
    if (flags & kRowRepeat) {
      if (previous == nullptr || previous_has_key) return false;
      row.msg = previous->msg;
      rows.push_back(row);
      previous = &rows.back();
      continue;
    }
    size_t fixed = 1 + 4;  // info1, n_fields, n_ops
    if (flags & kRowHasInfo2And3) fixed += 2;
    if (flags & kRowHasInfo4) fixed += 1;
    if (flags & kRowHasGeneration) fixed += 2;
    if (flags & kRowHasTtl) fixed += 4;
    if (size_t(end - p) < fixed) return false;
    MessageView& m = row.msg;
    m.info1 = uint8_t(*p++ & ~wire::info1::kBatch);
    if (flags & kRowHasInfo2And3) {
      m.info2 = *p++;
      m.info3 = *p++;
    }
    if (flags & kRowHasInfo4) m.info4 = *p++;
    if (flags & kRowHasGeneration) {
      m.generation = wire::load_be16(p);
      p += 2;
    }
    if (flags & kRowHasTtl) {
      m.record_ttl = wire::load_be32(p);
      p += 4;
    }
    m.n_fields = wire::load_be16(p);
    m.n_ops = wire::load_be16(p + 2);
    p += 4;
    if (m.n_fields == 0) m.n_fields = 1;  // old clients: only a namespace field
    m.transaction_ttl = transaction_ttl;
    size_t used = 0;
    if (parse_fields_and_ops(p, size_t(end - p), m, &used) != ParseStatus::kOk) return false;
    // The first field of a full row must be the namespace.
    if (p[4] != wire::field::kNamespace) return false;
    p += used;
    previous_has_key = m.has(wire::field::kKey);
    rows.push_back(row);
    previous = &rows.back();
  }
  return p == end;
}

void last_frame(ResponseWriter& w, uint8_t result) {
  MsgHeader h;
  h.info3 = wire::info3::kLast;
  h.result = result;
  w.header_only_frame(h);
}

}  // namespace

void execute_batch(const RequestContext& ctx, const MessageView& parent, ResponseWriter& w,
                   size_t frame_bytes) {
  const FieldView* f = &parent.field(wire::field::kBatch);
  if (!f->present) f = &parent.field(wire::field::kBatchWithSet);
  std::vector<Row> rows;
  uint8_t flags = 0;
  if (!f->present || !parse_rows(*f, parent.transaction_ttl, rows, &flags)) {
    last_frame(w, rc::kParameter);
    return;
  }
  // A parent filter applies to every row that has none of its own.
  if (parent.has(wire::field::kFilterExpression)) {
    for (Row& row : rows) {
      if (!row.msg.has(wire::field::kFilterExpression)) {
        row.msg.fields[wire::field::kFilterExpression] = parent.field(wire::field::kFilterExpression);
      }
    }
  }
  uint8_t overall = rc::kOk;
  w.begin_frame(wire::kTypeMessage);
  for (const Row& row : rows) {
    if (w.frame_bytes() >= frame_bytes) {
      w.end_frame();
      w.begin_frame(wire::kTypeMessage);
    }
    const size_t before = w.size();
    const uint8_t result = execute_record_command(ctx, row.msg, row.digest, row.index, w);
    const bool hard_error =
        result != rc::kOk && result != rc::kNotFound && result != rc::kFilteredOut;
    if (hard_error && !(flags & kParentReportAllErrors)) {
      if (!(flags & kParentReportErrorRecord)) w.truncate(before);
      overall = result;
      break;
    }
  }
  if (w.frame_bytes() > wire::kProtoHeaderSize) {
    w.end_frame();
  } else {
    w.abandon_frame();  // no row answered: no empty frame
  }
  last_frame(w, overall);
}

}  // namespace aero::testserver
