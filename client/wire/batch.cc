#include "client/wire/batch.h"

#include <algorithm>

#include "client/wire/encode_detail.h"

namespace aero::wire {
namespace {

using namespace detail;

const ReadAttrs& read_of(const BatchRow& r) {
  static const ReadAttrs kDefault;
  return r.read != nullptr ? *r.read : kDefault;
}

const WriteAttrs& write_of(const BatchRow& r) {
  static const WriteAttrs kDefault;
  return r.write != nullptr ? *r.write : kDefault;
}

bool is_write_kind(BatchRowKind k) {
  return k == BatchRowKind::kOperate || k == BatchRowKind::kDelete || k == BatchRowKind::kUdf;
}

bool row_sends_key(const BatchRow& r) {
  return is_write_kind(r.kind) && sends_user_key(*r.key, write_of(r).send_key);
}

// True when `row` may be sent as REPEAT of the previous full row `prev`.
bool same_shape(const BatchRow& prev, const BatchRow& row) {
  if (row_sends_key(prev) || row_sends_key(row)) return false;
  if (prev.kind != row.kind) return false;
  if (row.kind == BatchRowKind::kUdf && !(prev.udf == row.udf || *prev.udf == *row.udf)) return false;
  if (prev.key->ns() != row.key->ns() || prev.key->set() != row.key->set()) return false;
  if (is_write_kind(row.kind)) {
    if (!(write_of(prev) == write_of(row))) return false;
  } else if (!(read_of(prev) == read_of(row))) {
    return false;
  }
  if (!std::equal(prev.bin_names.begin(), prev.bin_names.end(), row.bin_names.begin(),
                  row.bin_names.end())) {
    return false;
  }
  return std::equal(prev.ops.begin(), prev.ops.end(), row.ops.begin(), row.ops.end());
}

// The header bytes of one full row.
struct RowHeader {
  uint8_t flags = 0;
  uint8_t info1 = 0, info2 = 0, info3 = 0;
  uint16_t generation = 0;
  uint32_t ttl = 0;
  uint16_t n_fields = 2;
  uint16_t n_ops = 0;
  bool send_key = false;
};

Status row_header(const BatchRow& r, RowHeader& h) {
  switch (r.kind) {
    case BatchRowKind::kReadAll:
    case BatchRowKind::kReadHeader:
    case BatchRowKind::kReadBins:
    case BatchRowKind::kReadOps: {
      const ReadAttrs& a = read_of(r);
      h.flags = batch_row::kInfo | batch_row::kTtl;
      h.info1 = static_cast<uint8_t>(info1::kRead | read_info1(a));
      h.info3 = read_info3(a);
      h.ttl = static_cast<uint32_t>(a.read_touch_ttl_percent);
      if (r.kind == BatchRowKind::kReadAll) h.info1 |= info1::kGetAll;
      if (r.kind == BatchRowKind::kReadHeader) h.info1 |= info1::kNoBinData;
      if (r.kind == BatchRowKind::kReadBins) {
        if (r.bin_names.size() > 0xFFFF) return param_error("more than 65535 bin names in a row");
        for (std::string_view name : r.bin_names) {
          if (Status s = validate_bin_name(name); !s.ok()) return s;
        }
        h.n_ops = static_cast<uint16_t>(r.bin_names.size());
      }
      if (r.kind == BatchRowKind::kReadOps) {
        if (Status s = validate_ops(r.ops); !s.ok()) return s;
        const OpsSummary sum = summarize_ops(r.ops, false);
        if (sum.has_write) return param_error("write operation in a batch read row");
        h.info1 |= sum.info1;
        h.n_ops = static_cast<uint16_t>(r.ops.size());
      }
      return Status();
    }
    case BatchRowKind::kOperate:
    case BatchRowKind::kDelete:
    case BatchRowKind::kUdf: {
      const WriteAttrs& a = write_of(r);
      if (Status s = validate_send_key(*r.key, a.send_key); !s.ok()) return s;
      h.flags = batch_row::kInfo | batch_row::kGeneration | batch_row::kTtl;
      uint32_t gen = 0;
      if (r.kind == BatchRowKind::kDelete) {
        h.info2 = info2::kWrite | info2::kDelete | info2::kRespondAllOps;
      } else if (r.kind == BatchRowKind::kUdf) {
        // As a single apply: info2 WRITE, the record TTL, no ops, fields 30, 31, 32.
        if (r.udf == nullptr) return param_error("batch UDF row without a UDF");
        if (r.udf->module.empty() || r.udf->module.size() > 127) {
          return param_error("UDF module name must be 1 to 127 bytes");
        }
        if (r.udf->function.empty() || r.udf->function.size() > 127) {
          return param_error("UDF function name must be 1 to 127 bytes");
        }
        h.info2 = info2::kWrite;
        h.ttl = a.ttl;
        h.n_fields += 3;
      } else {
        if (Status s = validate_ops(r.ops); !s.ok()) return s;
        const OpsSummary sum = summarize_ops(r.ops, true);
        h.info1 = sum.info1;
        h.info2 = static_cast<uint8_t>(sum.info2 | info2::kWrite);
        if (sum.has_read) {
          h.info1 |= read_info1(read_of(r));
          h.info3 |= read_info3(read_of(r));
        }
        h.ttl = a.ttl;
        h.n_ops = static_cast<uint16_t>(r.ops.size());
      }
      apply_write_attrs(a, h.info1, h.info2, h.info3, gen);
      if (gen > 0xFFFF) {
        return param_error("generation " + std::to_string(gen) +
                           " does not fit the 16-bit batch row field");
      }
      h.generation = static_cast<uint16_t>(gen);
      h.send_key = sends_user_key(*r.key, a.send_key);
      if (h.send_key) ++h.n_fields;
      return Status();
    }
  }
  return param_error("unknown batch row kind");
}

template <class W>
void write_row_body(W& w, const BatchRow& r, const RowHeader& h) {
  w.u8(h.flags);
  w.u8(h.info1);
  w.u8(h.info2);
  w.u8(h.info3);
  if ((h.flags & batch_row::kGeneration) != 0) w.u16be(h.generation);
  w.u32be(h.ttl);
  w.u16be(h.n_fields);
  w.u16be(h.n_ops);
  write_string_field(w, FieldType::kNamespace, r.key->ns());
  write_string_field(w, FieldType::kSet, r.key->set());
  if (h.send_key) write_user_key_field(w, *r.key->user_key());
  if (r.kind == BatchRowKind::kUdf) {
    write_string_field(w, FieldType::kUdfPackageName, r.udf->module);
    write_string_field(w, FieldType::kUdfFunction, r.udf->function);
    write_field_header(w, FieldType::kUdfArgList, r.udf->args.size());
    w.bytes(r.udf->args.data(), r.udf->args.size());
  }
  if (r.kind == BatchRowKind::kReadBins) {
    for (std::string_view name : r.bin_names) write_read_op(w, name);
  } else if (r.kind == BatchRowKind::kReadOps || r.kind == BatchRowKind::kOperate) {
    for (const Operation& op : r.ops) write_operation(w, op);
  }
}

}  // namespace

Status encode_batch(Buffer& out, std::span<const BatchRow> rows, const BatchAttrs& attrs) {
  if (rows.size() > UINT32_MAX) return param_error("too many batch rows");
  // Validate every row once, up front; the two encoding passes then cannot fail.
  for (const BatchRow& r : rows) {
    if (r.key == nullptr) return param_error("batch row without a key");
    if (Status s = validate_key(*r.key, false); !s.ok()) return s;
    RowHeader h;
    if (Status s = row_header(r, h); !s.ok()) return s;
  }
  uint8_t parent_flags = batch_flags::kReportErrorRecord;
  if (attrs.allow_inline) parent_flags |= batch_flags::kAllowInline;
  if (attrs.allow_inline_ssd) parent_flags |= batch_flags::kAllowInlineSsd;
  if (attrs.respond_all_keys) parent_flags |= batch_flags::kRespondAllKeys;
  uint8_t i1 = info1::kBatch;
  if (attrs.compress_response) i1 |= info1::kCompressResponse;

  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, 0, 0, 0, 0, 0, attrs.server_timeout_ms,
                     static_cast<uint16_t>(1 + filter_field_count(attrs.filter_exp)), 0);
    write_filter_field(w, attrs.filter_exp);  // before the batch field, as the C client
    const size_t field_at = w.position();
    write_field_header(w, FieldType::kBatchIndex, 0);  // size patched below
    w.u32be(static_cast<uint32_t>(rows.size()));
    w.u8(parent_flags);
    const BatchRow* prev = nullptr;
    for (const BatchRow& r : rows) {
      w.u32be(r.index);
      w.bytes(r.key->digest().data(), kDigestSize);
      if (prev != nullptr && same_shape(*prev, r)) {
        w.u8(batch_row::kRepeat);
        continue;
      }
      RowHeader h;
      (void)row_header(r, h);  // validated above
      write_row_body(w, r, h);
      prev = &r;
    }
    w.patch_u32be(field_at, static_cast<uint32_t>(w.position() - field_at - 4));
  });
}

namespace {

std::optional<std::string_view> row_string_field(const BatchRowView& r, FieldType type) {
  for (FieldView f : r.fields()) {
    if (f.field_type() == type) {
      return std::string_view(reinterpret_cast<const char*>(f.data.data()), f.data.size());
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> BatchRowView::namespace_name() const {
  return row_string_field(*this, FieldType::kNamespace);
}

std::optional<std::string_view> BatchRowView::set_name() const {
  return row_string_field(*this, FieldType::kSet);
}

Result<BatchRequestView> parse_batch_field(std::span<const uint8_t> data) {
  detail::Reader r(data);
  BatchRequestView out;
  uint32_t count = 0;
  if (!r.u32be(count) || !r.u8(out.flags)) {
    return bad_response("batch field of " + std::to_string(data.size()) +
                        " bytes has no 5-byte count and flags");
  }
  constexpr size_t kMinRow = 4 + kDigestSize + 1;
  if (count > r.remaining() / kMinRow) {
    return bad_response("batch declares " + std::to_string(count) + " rows but only " +
                        std::to_string(r.remaining()) + " bytes follow");
  }
  out.rows.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const std::string where = "batch row " + std::to_string(i) + ": ";
    BatchRowView row;
    std::span<const uint8_t> digest;
    uint8_t flags = 0;
    if (!r.u32be(row.index) || !r.bytes(kDigestSize, digest) || !r.u8(flags)) {
      return bad_response(where + "truncated before its flags");
    }
    std::copy(digest.begin(), digest.end(), row.digest.begin());
    if ((flags & batch_row::kRepeat) != 0) {
      if (out.rows.empty()) return bad_response(where + "REPEAT on the first row");
      const BatchRowView& prev = out.rows.back();
      const uint32_t index = row.index;
      const Digest d = row.digest;
      row = prev;
      row.index = index;
      row.digest = d;
      row.repeat = true;
      out.rows.push_back(row);
      continue;
    }
    row.row_flags = flags;
    bool ok = r.u8(row.info1);
    if (ok && (flags & batch_row::kInfo) != 0) ok = r.u8(row.info2) && r.u8(row.info3);
    if (ok && (flags & batch_row::kInfo4) != 0) ok = r.u8(row.info4);
    if (ok && (flags & batch_row::kGeneration) != 0) ok = r.u16be(row.generation);
    if (ok && (flags & batch_row::kTtl) != 0) ok = r.u32be(row.record_ttl);
    if (ok) ok = r.u16be(row.n_fields) && r.u16be(row.n_ops);
    if (!ok) return bad_response(where + "header truncated");
    if (Status s = detail::validate_fields_and_ops(r, row.n_fields, row.n_ops, row.fields_begin,
                                                   row.ops_begin);
        !s.ok()) {
      return bad_response(where + s.message());
    }
    out.rows.push_back(row);
  }
  if (!r.at_end()) {
    return bad_response("batch field has " + std::to_string(r.remaining()) +
                        " bytes after its last row");
  }
  return out;
}

}  // namespace aero::wire
