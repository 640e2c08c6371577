#include "bench/tool/workload.h"

#include <charconv>

namespace aero::bench {

namespace {

bool parse_int(std::string_view s, int lo, int hi, int* out) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return u;
}

const char* const kExpected = "expected I, RU,<read%>, RMW, BR,<keys per batch>, SCAN or QUERY";

}  // namespace

bool parse_workload(std::string_view spec, Workload* out, std::string* error) {
  const std::size_t comma = spec.find(',');
  const std::string name = upper(spec.substr(0, comma));
  const bool has_arg = comma != std::string_view::npos;
  const std::string_view arg = has_arg ? spec.substr(comma + 1) : std::string_view();
  Workload w;
  if (name == "I") {
    if (has_arg) {
      *error = "workload I takes no argument (got '" + std::string(spec) + "')";
      return false;
    }
    w.kind = Workload::Kind::insert;
  } else if (name == "RU") {
    w.kind = Workload::Kind::read_update;
    if (has_arg && !parse_int(arg, 0, 100, &w.read_percent)) {
      *error = "bad read percentage in workload '" + std::string(spec) + "': use RU,<0..100>, e.g. RU,80";
      return false;
    }
  } else if (name == "RMW") {
    if (has_arg) {
      *error = "workload RMW takes no argument (got '" + std::string(spec) + "')";
      return false;
    }
    w.kind = Workload::Kind::read_modify_write;
  } else if (name == "BR") {
    w.kind = Workload::Kind::batch_read;
    w.read_percent = 100;
    if (!has_arg || !parse_int(arg, 1, kMaxBatchSize, &w.batch_size)) {
      *error = "bad batch size in workload '" + std::string(spec) + "': use BR,<1.." +
               std::to_string(kMaxBatchSize) + ">, e.g. BR,10";
      return false;
    }
  } else if (name == "SCAN" || name == "QUERY") {
    if (has_arg) {
      *error = "workload " + name + " takes no argument (got '" + std::string(spec) + "')";
      return false;
    }
    w.kind = name == "SCAN" ? Workload::Kind::scan : Workload::Kind::query;
    w.read_percent = 100;
  } else {
    *error = "unknown workload '" + std::string(spec) + "': " + kExpected;
    return false;
  }
  *out = w;
  return true;
}

std::string workload_string(const Workload& w) {
  switch (w.kind) {
    case Workload::Kind::insert: return "I";
    case Workload::Kind::read_update:
      return "RU," + std::to_string(w.read_percent) +
             (w.batch_size > 1 ? " (batch " + std::to_string(w.batch_size) + ")" : "");
    case Workload::Kind::read_modify_write: return "RMW";
    case Workload::Kind::batch_read: return "BR," + std::to_string(w.batch_size);
    case Workload::Kind::scan: return "SCAN";
    case Workload::Kind::query: return "QUERY";
  }
  return "?";
}

const char* op_name(OpKind k) {
  switch (k) {
    case OpKind::read: return "read";
    case OpKind::write: return "write";
    case OpKind::batch: return "batch";
    case OpKind::rmw: return "rmw";
  }
  return "?";
}

std::array<bool, kOpKinds> op_kinds_used(const Workload& w) {
  std::array<bool, kOpKinds> used{};
  auto set = [&](OpKind k) { used[static_cast<int>(k)] = true; };
  switch (w.kind) {
    case Workload::Kind::insert: set(OpKind::write); break;
    case Workload::Kind::read_update:
      if (w.read_percent > 0) set(w.batch_size > 1 ? OpKind::batch : OpKind::read);
      if (w.read_percent < 100) set(OpKind::write);
      break;
    case Workload::Kind::read_modify_write:
      set(OpKind::read);
      set(OpKind::write);
      set(OpKind::rmw);
      break;
    case Workload::Kind::batch_read: set(OpKind::batch); break;
    case Workload::Kind::scan:
    case Workload::Kind::query: break;  // streams: records/s, no per-command latency
  }
  return used;
}

}  // namespace aero::bench
