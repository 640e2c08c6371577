#include "client/wire/query.h"

#include "client/wire/encode_detail.h"

namespace aero::wire {

using namespace detail;

namespace {

// INDEX_RANGE data size (protocol reference §9.5).
size_t filter_size(const IndexFilter& f) {
  size_t n = 1 + 1 + f.bin.size() + 1;
  if (f.kind == IndexFilter::Kind::kIntegerRange) return n + 2 * (4 + 8);
  return n + 2 * (4 + f.value.size());
}

Status validate(const QueryRequest& q) {
  if (q.ns.empty() || q.ns.size() > kMaxNamespaceLength) {
    return param_error("namespace must be 1..31 bytes");
  }
  if (q.set.size() > kMaxSetLength) return param_error("set name longer than 63 bytes");
  if (q.task_id == 0) return param_error("query task id must be non-zero");
  if (q.partitions.size() + q.resume_after.size() > kPartitionCount) {
    return param_error("query names more than 4096 partitions");
  }
  // Aggregations go to every node without partitions (as the C client's
  // aerospike_query_foreach sends them): each node runs the stream over the records it masters.
  const bool aggregation = q.udf != nullptr && q.udf->op == 1;
  if (!q.background && !aggregation && q.partitions.empty() && q.resume_after.empty()) {
    return param_error("query names no partitions");
  }
  for (uint16_t pid : q.partitions) {
    if (pid >= kPartitionCount) {
      return param_error("partition id " + std::to_string(pid) + " out of range (0..4095)");
    }
  }
  if (q.filter.kind != IndexFilter::Kind::kNone) {
    if (q.filter.bin.empty() || q.filter.bin.size() >= 16) {
      return param_error("query filter bin name must be 1..15 bytes");
    }
    if (q.filter.kind == IndexFilter::Kind::kIntegerRange && q.filter.begin > q.filter.end) {
      return param_error("query range begin " + std::to_string(q.filter.begin) +
                         " is greater than its end " + std::to_string(q.filter.end));
    }
    if (!q.resume_after.empty() && q.resume_bvals.size() != q.resume_after.size()) {
      return param_error("an index query resumes with one bval per digest");
    }
  }
  if (q.bin_names.size() > 0xFFFF || q.write_ops.size() > 0xFFFF) {
    return param_error("more than 65535 operations");
  }
  for (std::string_view name : q.bin_names) {
    if (Status st = validate_bin_name(name); !st.ok()) return st;
  }
  if (q.udf != nullptr) {
    if (q.udf->op != 1 && q.udf->op != 2) return param_error("UDF op must be 1 (aggregate) or 2 (background)");
    if ((q.udf->op == 2) != q.background) return param_error("a background UDF is op 2, an aggregation op 1");
    if (q.udf->module.empty() || q.udf->module.size() > 127) {
      return param_error("UDF module name must be 1 to 127 bytes");
    }
    if (q.udf->function.empty() || q.udf->function.size() > 127) {
      return param_error("UDF function name must be 1 to 127 bytes");
    }
    if (!q.write_ops.empty()) return param_error("a UDF job takes no write operations");
  } else if (q.background) {
    if (q.write_ops.empty()) return param_error("a background query needs write operations");
    if (Status st = validate_ops(q.write_ops); !st.ok()) return st;
    for (const Operation& op : q.write_ops) {
      if (op.type == OpType::kRead) {
        return param_error("background query operations must be writes (bin '" + op.bin_name + "' is a read)");
      }
    }
  }
  return Status();
}

}  // namespace

Status encode_query(Buffer& out, const QueryRequest& q) {
  if (Status st = validate(q); !st.ok()) return st;
  const bool has_filter = q.filter.kind != IndexFilter::Kind::kNone;

  uint8_t i1 = 0, i2 = 0, i3 = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0xFFFFFFFF;
  uint16_t n_ops = 0;
  if (q.background) {
    i2 = info2::kWrite;
    apply_write_attrs(q.write, i1, i2, i3, generation);
    generation = 0;
    record_ttl = q.write.ttl;
    n_ops = static_cast<uint16_t>(q.write_ops.size());
  } else {
    i1 = static_cast<uint8_t>(info1::kRead | read_info1(q.read));
    if (!q.include_bin_data) i1 |= info1::kNoBinData;
    i3 = static_cast<uint8_t>(read_info3(q.read) | info3::kPartitionDone);
    n_ops = static_cast<uint16_t>(q.bin_names.size());
  }

  uint16_t n_fields = 3;  // namespace, socket timeout, task id
  if (!q.set.empty()) ++n_fields;
  if (q.records_per_second != 0) ++n_fields;
  if (has_filter) ++n_fields;
  if (!q.partitions.empty()) ++n_fields;
  if (!q.resume_after.empty()) ++n_fields;
  if (has_filter && !q.resume_after.empty()) ++n_fields;
  if (q.max_records != 0) ++n_fields;
  if (q.udf != nullptr) n_fields = static_cast<uint16_t>(n_fields + 4);
  n_fields = static_cast<uint16_t>(n_fields + filter_field_count(q.read.filter_exp));

  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, i2, i3, 0, generation, record_ttl, q.server_timeout_ms, n_fields, n_ops);
    write_string_field(w, FieldType::kNamespace, q.ns);
    if (!q.set.empty()) write_string_field(w, FieldType::kSet, q.set);
    if (q.records_per_second != 0) {
      write_field_header(w, FieldType::kRecordsPerSecond, 4);
      w.u32be(q.records_per_second);
    }
    write_field_header(w, FieldType::kSocketTimeout, 4);
    w.u32be(q.socket_timeout_ms);
    write_field_header(w, FieldType::kTaskId, 8);
    w.u64be(q.task_id);
    if (has_filter) {
      write_field_header(w, FieldType::kIndexRange, filter_size(q.filter));
      w.u8(1);  // one range: all the server accepts
      w.u8(static_cast<uint8_t>(q.filter.bin.size()));
      w.str(q.filter.bin);
      if (q.filter.kind == IndexFilter::Kind::kIntegerRange) {
        w.u8(particle::kInteger);
        w.u32be(8);
        w.u64be(static_cast<uint64_t>(q.filter.begin));
        w.u32be(8);
        w.u64be(static_cast<uint64_t>(q.filter.end));
      } else {
        w.u8(particle::kString);
        w.u32be(static_cast<uint32_t>(q.filter.value.size()));
        w.str(q.filter.value);
        w.u32be(static_cast<uint32_t>(q.filter.value.size()));
        w.str(q.filter.value);
      }
    }
    if (q.udf != nullptr) {
      write_field_header(w, FieldType::kUdfOp, 1);
      w.u8(q.udf->op);
      write_string_field(w, FieldType::kUdfPackageName, q.udf->module);
      write_string_field(w, FieldType::kUdfFunction, q.udf->function);
      write_field_header(w, FieldType::kUdfArgList, q.udf->args.size());
      w.bytes(q.udf->args.data(), q.udf->args.size());
    }
    write_filter_field(w, q.read.filter_exp);  // C: after the where clause, before PID_ARRAY
    if (!q.partitions.empty()) {
      write_field_header(w, FieldType::kPidArray, 2 * q.partitions.size());
      for (uint16_t pid : q.partitions) w.u16le(pid);
    }
    if (!q.resume_after.empty()) {
      write_field_header(w, FieldType::kDigestArray, kDigestSize * q.resume_after.size());
      for (const Digest& d : q.resume_after) w.bytes(d.data(), kDigestSize);
      if (has_filter) {
        write_field_header(w, FieldType::kBvalArray, 8 * q.resume_bvals.size());
        for (int64_t b : q.resume_bvals) {
          uint64_t v = static_cast<uint64_t>(b);
          for (int i = 0; i < 8; ++i) w.u8(static_cast<uint8_t>(v >> (8 * i)));
        }
      }
    }
    if (q.max_records != 0) {
      write_field_header(w, FieldType::kMaxRecords, 8);
      w.u64be(q.max_records);
    }
    if (q.background) {
      for (const Operation& op : q.write_ops) write_operation(w, op);
    } else {
      for (std::string_view name : q.bin_names) write_read_op(w, name);
    }
  });
}

}  // namespace aero::wire
