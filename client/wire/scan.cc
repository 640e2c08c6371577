#include "client/wire/scan.h"

#include "client/wire/encode_detail.h"

namespace aero::wire {

using namespace detail;

Status encode_scan(Buffer& out, const ScanRequest& s) {
  if (s.ns.empty() || s.ns.size() > kMaxNamespaceLength) {
    return param_error("namespace must be 1..31 bytes");
  }
  if (s.set.size() > kMaxSetLength) return param_error("set name longer than 63 bytes");
  if (s.task_id == 0) return param_error("scan task id must be non-zero");
  if (s.partitions.empty() && s.resume_after.empty()) {
    return param_error("scan names no partitions");
  }
  if (s.partitions.size() + s.resume_after.size() > kPartitionCount) {
    return param_error("scan names more than 4096 partitions");
  }
  for (uint16_t pid : s.partitions) {
    if (pid >= kPartitionCount) {
      return param_error("partition id " + std::to_string(pid) + " out of range (0..4095)");
    }
  }
  if (s.bin_names.size() > 0xFFFF) return param_error("more than 65535 bin names");
  for (std::string_view name : s.bin_names) {
    if (Status st = validate_bin_name(name); !st.ok()) return st;
  }

  uint8_t i1 = static_cast<uint8_t>(info1::kRead | read_info1(s.read));
  if (!s.include_bin_data) {
    i1 |= info1::kNoBinData;
  } else if (s.bin_names.empty()) {
    i1 |= info1::kGetAll;
  }
  uint8_t i3 = read_info3(s.read);
  if (s.partition_done) i3 |= info3::kPartitionDone;

  uint16_t n_fields = 2;  // namespace, task id
  if (!s.set.empty()) ++n_fields;
  if (!s.partitions.empty()) ++n_fields;
  if (!s.resume_after.empty()) ++n_fields;
  if (s.max_records != 0) ++n_fields;
  if (s.records_per_second != 0) ++n_fields;
  if (s.socket_timeout_ms != 0) ++n_fields;

  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, 0, i3, 0, 0, 0, s.server_timeout_ms, n_fields,
                     static_cast<uint16_t>(s.bin_names.size()));
    write_string_field(w, FieldType::kNamespace, s.ns);
    if (!s.set.empty()) write_string_field(w, FieldType::kSet, s.set);
    if (!s.partitions.empty()) {
      write_field_header(w, FieldType::kPidArray, 2 * s.partitions.size());
      for (uint16_t pid : s.partitions) w.u16le(pid);
    }
    if (!s.resume_after.empty()) {
      write_field_header(w, FieldType::kDigestArray, kDigestSize * s.resume_after.size());
      for (const Digest& d : s.resume_after) w.bytes(d.data(), kDigestSize);
    }
    if (s.max_records != 0) {
      write_field_header(w, FieldType::kMaxRecords, 8);
      w.u64be(s.max_records);
    }
    if (s.records_per_second != 0) {
      write_field_header(w, FieldType::kRecordsPerSecond, 4);
      w.u32be(s.records_per_second);
    }
    if (s.socket_timeout_ms != 0) {
      write_field_header(w, FieldType::kSocketTimeout, 4);
      w.u32be(s.socket_timeout_ms);
    }
    write_field_header(w, FieldType::kTaskId, 8);
    w.u64be(s.task_id);
    for (std::string_view name : s.bin_names) write_read_op(w, name);
  });
}

}  // namespace aero::wire
