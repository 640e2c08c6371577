#include "client/wire/request.h"

#include "client/wire/encode_detail.h"

namespace aero::wire {
namespace detail {

OpsSummary summarize_ops(std::span<const Operation> ops, bool respond_all_ops) {
  OpsSummary s;
  bool respond_all = respond_all_ops;
  bool header_only = false;
  bool bin_read = false;
  for (const Operation& op : ops) {
    if (op.respond_all_ops) respond_all = true;
    switch (op.type) {
      case OpType::kRead:
        s.has_read = true;
        if (op.header_only) {
          header_only = true;
        } else {
          bin_read = true;
          if (op.bin_name.empty()) s.read_all = true;
        }
        break;
      case OpType::kBitRead:
      case OpType::kHllRead:
      case OpType::kExpRead:
        respond_all = true;
        [[fallthrough]];
      case OpType::kCdtRead:
        s.has_read = true;
        bin_read = true;
        break;
      case OpType::kBitModify:
      case OpType::kHllModify:
      case OpType::kExpModify:
        respond_all = true;
        s.has_write = true;
        break;
      default:
        s.has_write = true;
        break;
    }
  }
  if (s.has_read) s.info1 |= info1::kRead;
  if (s.read_all) s.info1 |= info1::kGetAll;
  if (header_only && !bin_read) s.info1 |= info1::kNoBinData;
  if (s.has_write) s.info2 |= info2::kWrite;
  if (respond_all && !s.read_all) s.info2 |= info2::kRespondAllOps;
  return s;
}

uint8_t read_info1(const ReadAttrs& a) {
  uint8_t v = 0;
  if (a.read_mode_ap == ReadModeAP::kAll) v |= info1::kReadModeApAll;
  if (a.compress_response) v |= info1::kCompressResponse;
  return v;
}

uint8_t read_info3(const ReadAttrs& a) {
  switch (a.read_mode_sc) {
    case ReadModeSC::kSession:
      return 0;
    case ReadModeSC::kLinearize:
      return info3::kScReadType;
    case ReadModeSC::kAllowReplica:
      return info3::kScReadRelax;
    case ReadModeSC::kAllowUnavailable:
      return info3::kScReadType | info3::kScReadRelax;
  }
  return 0;
}

void apply_write_attrs(const WriteAttrs& a, uint8_t& i1, uint8_t& i2, uint8_t& i3,
                       uint32_t& generation) {
  switch (a.exists) {
    case ExistsAction::kUpdate:
      break;
    case ExistsAction::kUpdateOnly:
      i3 |= info3::kUpdateOnly;
      break;
    case ExistsAction::kCreateOrReplace:
      i3 |= info3::kCreateOrReplace;
      break;
    case ExistsAction::kReplaceOnly:
      i3 |= info3::kReplaceOnly;
      break;
    case ExistsAction::kCreateOnly:
      i2 |= info2::kCreateOnly;
      break;
  }
  switch (a.generation_policy) {
    case GenerationPolicy::kNone:
      generation = 0;
      break;
    case GenerationPolicy::kExpectEqual:
      generation = a.generation;
      i2 |= info2::kGeneration;
      break;
    case GenerationPolicy::kExpectGreater:
      generation = a.generation;
      i2 |= info2::kGenerationGt;
      break;
  }
  if (a.commit_level == CommitLevel::kMaster) i3 |= info3::kCommitMaster;
  if (a.durable_delete) i2 |= info2::kDurableDelete;
  if (a.compress_response) i1 |= info1::kCompressResponse;
}

Status validate_bin_name(std::string_view name) {
  if (name.size() > kMaxBinNameLength) {
    return param_error("bin name '" + std::string(name) + "' is " + std::to_string(name.size()) +
                       " bytes (at most 15)");
  }
  return Status();
}

Status validate_bin_value(const Value& v) {
  if (v.is_comparison_marker()) {
    return param_error("Infinity and Wildcard are only valid inside operation arguments, "
                       "not as a bin value");
  }
  return Status();
}

Status validate_ops(std::span<const Operation> ops) {
  if (ops.size() > 0xFFFF) {
    return param_error(std::to_string(ops.size()) + " operations (at most 65535)");
  }
  for (const Operation& op : ops) {
    if (Status s = validate_bin_name(op.bin_name); !s.ok()) return s;
    if (Status s = validate_bin_value(op.value); !s.ok()) return s;
    if (op.header_only && (op.type != OpType::kRead || !op.bin_name.empty())) {
      return param_error("header_only is only valid on a read with an empty bin name");
    }
  }
  return Status();
}

Status validate_send_key(const Key& key, bool send_key) {
  if (sends_user_key(key, send_key) && !user_key_sendable(*key.user_key())) {
    return param_error("user key must be an integer, string or bytes to be sent");
  }
  return Status();
}

}  // namespace detail

using namespace detail;

Status validate_key(const Key& key, bool need_user_key) {
  if (key.ns().empty() || key.ns().size() > kMaxNamespaceLength) {
    return param_error("namespace '" + key.ns() + "' must be 1.." +
                       std::to_string(kMaxNamespaceLength) + " bytes");
  }
  if (key.set().size() > kMaxSetLength) {
    return param_error("set name of " + std::to_string(key.set().size()) + " bytes (at most " +
                       std::to_string(kMaxSetLength) + ")");
  }
  if (need_user_key && key.user_key() == nullptr) return param_error("key has no user key");
  return Status();
}

Status encode_put(Buffer& out, const Key& key, std::span<const Bin> bins, const WriteAttrs& a) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (Status s = validate_send_key(key, a.send_key); !s.ok()) return s;
  if (bins.size() > 0xFFFF) return param_error(std::to_string(bins.size()) + " bins (at most 65535)");
  for (const Bin& b : bins) {
    if (Status s = validate_bin_name(b.name); !s.ok()) return s;
    if (Status s = validate_bin_value(b.value); !s.ok()) return s;
  }
  uint8_t i1 = 0, i2 = info2::kWrite, i3 = 0;
  uint32_t gen = 0;
  apply_write_attrs(a, i1, i2, i3, gen);
  const uint16_t n_fields = key_field_count(key, a.send_key) + filter_field_count(a.filter_exp);
  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, i2, i3, 0, gen, a.ttl, a.server_timeout_ms, n_fields,
                     static_cast<uint16_t>(bins.size()));
    write_key_fields(w, key, a.send_key);
    write_filter_field(w, a.filter_exp);
    for (const Bin& b : bins) write_value_op(w, OpType::kWrite, b.name, b.value);
  });
}

namespace {

Status encode_read(Buffer& out, const Key& key, const ReadAttrs& a, uint8_t info1_bits,
                   std::span<const std::string_view> bin_names) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (bin_names.size() > 0xFFFF) return param_error("more than 65535 bin names");
  for (std::string_view name : bin_names) {
    if (Status s = validate_bin_name(name); !s.ok()) return s;
  }
  const uint8_t i1 = static_cast<uint8_t>(info1::kRead | info1_bits | read_info1(a));
  const uint8_t i3 = read_info3(a);
  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, 0, i3, 0, 0, static_cast<uint32_t>(a.read_touch_ttl_percent),
                     a.server_timeout_ms, static_cast<uint16_t>(3 + filter_field_count(a.filter_exp)),
                     static_cast<uint16_t>(bin_names.size()));
    write_key_fields(w, key, false);
    write_filter_field(w, a.filter_exp);
    for (std::string_view name : bin_names) write_read_op(w, name);
  });
}

}  // namespace

Status encode_get(Buffer& out, const Key& key, const ReadAttrs& a) {
  return encode_read(out, key, a, info1::kGetAll, {});
}

Status encode_get_bins(Buffer& out, const Key& key, std::span<const std::string_view> bin_names,
                       const ReadAttrs& a) {
  return encode_read(out, key, a, 0, bin_names);
}

Status encode_get_header(Buffer& out, const Key& key, const ReadAttrs& a) {
  return encode_read(out, key, a, info1::kNoBinData, {});
}

Status encode_delete(Buffer& out, const Key& key, const WriteAttrs& a) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (Status s = validate_send_key(key, a.send_key); !s.ok()) return s;
  uint8_t i1 = 0, i2 = info2::kWrite | info2::kDelete, i3 = 0;
  uint32_t gen = 0;
  apply_write_attrs(a, i1, i2, i3, gen);
  const uint16_t n_fields = key_field_count(key, a.send_key) + filter_field_count(a.filter_exp);
  return encode_frame(out, [&](auto& w) {
    // The C client sends record_ttl 0 on deletes (Java sends the policy's expiration).
    write_msg_header(w, i1, i2, i3, 0, gen, 0, a.server_timeout_ms, n_fields, 0);
    write_key_fields(w, key, a.send_key);
    write_filter_field(w, a.filter_exp);
  });
}

Status encode_touch(Buffer& out, const Key& key, const WriteAttrs& a) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (Status s = validate_send_key(key, a.send_key); !s.ok()) return s;
  uint8_t i1 = 0, i2 = info2::kWrite, i3 = 0;
  uint32_t gen = 0;
  apply_write_attrs(a, i1, i2, i3, gen);
  const uint16_t n_fields = key_field_count(key, a.send_key) + filter_field_count(a.filter_exp);
  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, i2, i3, 0, gen, a.ttl, a.server_timeout_ms, n_fields, 1);
    write_key_fields(w, key, a.send_key);
    write_filter_field(w, a.filter_exp);
    write_value_op(w, OpType::kTouch, {}, Value());
  });
}

Status encode_operate(Buffer& out, const Key& key, std::span<const Operation> ops,
                      const WriteAttrs& wa, const ReadAttrs& ra) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (Status s = validate_ops(ops); !s.ok()) return s;
  if (ops.empty()) return param_error("operate needs at least one operation");
  const OpsSummary sum = summarize_ops(ops, wa.respond_all_ops);
  uint8_t i1 = sum.info1, i2 = sum.info2, i3 = 0;
  uint32_t gen = 0;
  uint32_t record_ttl = 0;
  uint32_t timeout = 0;
  bool send_key = false;
  if (sum.has_read) {
    i1 |= read_info1(ra);
    i3 |= read_info3(ra);
  }
  if (sum.has_write) {
    if (Status s = validate_send_key(key, wa.send_key); !s.ok()) return s;
    apply_write_attrs(wa, i1, i2, i3, gen);
    record_ttl = wa.ttl;
    timeout = wa.server_timeout_ms;
    send_key = wa.send_key;
  } else {
    record_ttl = static_cast<uint32_t>(ra.read_touch_ttl_percent);
    timeout = ra.server_timeout_ms;
  }
  const auto& filter = sum.has_write ? wa.filter_exp : ra.filter_exp;
  const uint16_t n_fields = key_field_count(key, send_key) + filter_field_count(filter);
  return encode_frame(out, [&](auto& w) {
    write_msg_header(w, i1, i2, i3, 0, gen, record_ttl, timeout, n_fields,
                     static_cast<uint16_t>(ops.size()));
    write_key_fields(w, key, send_key);
    write_filter_field(w, filter);
    for (const Operation& op : ops) write_operation(w, op);
  });
}

}  // namespace aero::wire
