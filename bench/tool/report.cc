#include "bench/tool/report.h"

#include <algorithm>
#include <cstdarg>
#include <chrono>

#include "bench/tool/load.h"
#include "client/status.h"

namespace aero::bench {

namespace {

std::string printf_string(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string printf_string(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return {};
  return std::string(buf, static_cast<std::size_t>(std::min<int>(n, sizeof buf - 1)));
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string error_detail(const ErrorClasses& e) {
  std::string s;
  auto add = [&](const char* name, std::uint64_t n) {
    if (n == 0) return;
    if (!s.empty()) s += ", ";
    s += std::string(name) + " " + format_count(n);
  };
  add("timeout", e.timeout);
  add("connection", e.connection);
  add("server", e.server);
  add("client", e.client);
  return s;
}

constexpr std::array<double, 6> kTablePercentiles = {50, 90, 99, 99.9, 99.99, 100};

}  // namespace

ErrorClasses classify_errors(const KindTotals& k) {
  ErrorClasses e;
  for (int slot = 0; slot < kCodeSlots; ++slot) {
    const std::uint64_t n = k.by_code[slot];
    if (n == 0) continue;
    const int code = slot_code(slot);
    if (code == result::timeout) {
      e.timeout += n;
    } else if (code == static_cast<int>(ClientCode::connection_failed) ||
               code == static_cast<int>(ClientCode::no_more_connections)) {
      e.connection += n;
    } else if (code > 0) {
      e.server += n;
    } else {
      e.client += n;
    }
  }
  return e;
}

std::string format_count(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_us(std::uint64_t ns) {
  const double us = static_cast<double>(ns) / 1000.0;
  if (us < 10) return printf_string("%.2f", us);
  if (us < 1000) return printf_string("%.1f", us);
  return printf_string("%.0f", us);
}

std::string per_second_header(const std::array<bool, kOpKinds>& used) {
  std::string s = pad_left("time", 7);
  for (int i = 0; i < kOpKinds; ++i) {
    if (!used[i]) continue;
    const std::string name = op_name(static_cast<OpKind>(i));
    s += " |" + pad_left(name + "/s", 10) + pad_left("p50", 8) + pad_left("p99", 8) + pad_left("max", 8);
  }
  s += " | errors   (latency in us)";
  return s;
}

std::string per_second_line(const SecondSample& s, const std::array<bool, kOpKinds>& used) {
  std::string line = pad_left(printf_string("%.0fs", s.t_s), 7);
  if (s.interval_s < 0.95) line = pad_left(printf_string("%.1fs", s.t_s), 7);
  std::uint64_t errors = 0;
  for (int i = 0; i < kOpKinds; ++i) {
    const SecondSample::Kind& k = s.kinds[i];
    errors += k.errors;
    if (!used[i]) continue;
    const double rate = s.interval_s > 0 ? static_cast<double>(k.completed) / s.interval_s : 0;
    line += " |" + pad_left(format_count(static_cast<std::uint64_t>(rate + 0.5)), 10);
    if (k.completed == 0) {
      line += pad_left("-", 8) + pad_left("-", 8) + pad_left("-", 8);
    } else {
      line += pad_left(format_us(k.p50_ns), 8) + pad_left(format_us(k.p99_ns), 8) +
              pad_left(format_us(k.max_ns), 8);
    }
  }
  line += " | " + format_count(errors);
  const std::string detail = error_detail(s.errors);
  if (!detail.empty()) line += " (" + detail + ")";
  return line;
}

std::string run_banner(const Options& o, const std::string& load_model) {
  std::string s = "aerobench: " + target_string(o) + ", namespace " + o.ns + ", set " + o.set + "\n";
  s += "  workload " + workload_string(o.workload) + ", keys " + std::to_string(o.start_key) + ".." +
       std::to_string(o.start_key + o.keys - 1) + ", object " + object_spec_string(o.object) +
       (o.random_values ? " (random values)" : " (fixed values)");
  if (o.duration_s > 0) s += printf_string(", duration %g s", o.duration_s);
  if (o.ops > 0) s += ", " + format_count(static_cast<std::uint64_t>(o.ops)) + " operations";
  s += "\n  " + load_model + ", " + std::to_string(o.loops) + (o.loops == 1 ? " loop" : " loops") +
       ", completions on " +
       (o.executor == ExecutorKind::serial ? std::string("the loop thread (serial)")
                                           : "a oneTBB pool (" +
                                                 (o.tbb_threads == 0 ? std::string("one thread per core")
                                                                     : std::to_string(o.tbb_threads) + " threads") +
                                                 ")") +
       ", timeout " + std::to_string(o.timeout_ms) + " ms\n";
  return s;
}

std::string prefill_line(const RunResult& r) {
  std::string s = printf_string("prefill: %s records in %.2f s", format_count(r.prefill_records).c_str(),
                                r.prefill_s);
  if (r.prefill_errors != 0) s += ", " + format_count(r.prefill_errors) + " errors";
  return s + "\n";
}

std::string final_report(const RunResult& r, const Options& o) {
  const Snapshot& t = *r.totals;
  std::string s;
  s += "\n" + pad_right("latency (us)", 14) + pad_left("count", 12);
  for (double p : kTablePercentiles) {
    s += pad_left(p == 100 ? std::string("max") : printf_string("p%g", p), 10);
  }
  s += "\n";
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const KindTotals& k = t.kinds[i];
    s += pad_right(op_name(static_cast<OpKind>(i)), 14) + pad_left(format_count(k.latency.count()), 12);
    for (double p : kTablePercentiles) {
      s += pad_left(k.latency.count() == 0 ? "-" : format_us(k.latency.value_at_percentile(p)), 10);
    }
    s += "\n";
  }
  s += "\n";
  const std::uint64_t total = t.completed();
  std::uint64_t not_found = 0, timeouts = 0;
  for (const auto& k : t.kinds) {
    not_found += k.not_found;
    timeouts += k.timeouts;
  }
  const double per_s = r.elapsed_s > 0 ? static_cast<double>(total) / r.elapsed_s : 0;
  s += printf_string("totals: %s commands in %.2f s = %s/s; not found %s; errors %s (timeouts %s)\n",
                     format_count(total).c_str(), r.elapsed_s,
                     format_count(static_cast<std::uint64_t>(per_s + 0.5)).c_str(),
                     format_count(not_found).c_str(), format_count(t.errors()).c_str(),
                     format_count(timeouts).c_str());
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const KindTotals& k = t.kinds[i];
    const double rate = r.elapsed_s > 0 ? static_cast<double>(k.completed) / r.elapsed_s : 0;
    s += printf_string("  %-6s %s/s  ok %s  not found %s  errors %s\n", op_name(static_cast<OpKind>(i)),
                       format_count(static_cast<std::uint64_t>(rate + 0.5)).c_str(),
                       format_count(k.ok).c_str(), format_count(k.not_found).c_str(),
                       format_count(k.errors).c_str());
  }
  if (o.open_loop()) {
    s += printf_string("open loop at %g/s: at most %s operations were waiting to start at once\n",
                       o.rate, format_count(static_cast<std::uint64_t>(r.max_backlog)).c_str());
  }
  s += printf_string("connections: %s opened, %s closed; timed-out answers drained %s (%s connections reused)\n",
                     format_count(r.sockets_opened).c_str(), format_count(r.sockets_closed).c_str(),
                     format_count(r.drains_started).c_str(), format_count(r.drains_recovered).c_str());
  s += r.per_node_report;
  const double cpu = r.cpu_user_s + r.cpu_sys_s;
  s += printf_string("process CPU: user %.2f s + sys %.2f s = %.2f us per command%s\n", r.cpu_user_s,
                     r.cpu_sys_s, total > 0 ? cpu * 1e6 / static_cast<double>(total) : 0.0,
                     r.cpu_includes_server ? " (includes the embedded server: it runs in this process)" : "");
  // Errors by result code, one column per command type.
  bool any = false;
  for (const auto& k : t.kinds) any = any || k.errors != 0;
  if (!any) {
    s += "errors by result code: none\n";
    return s;
  }
  s += "errors by result code:\n" + pad_left("code", 7) + "  " + pad_right("name", 34);
  for (int i = 0; i < kOpKinds; ++i) {
    if (r.used[i]) s += pad_left(op_name(static_cast<OpKind>(i)), 10);
  }
  s += "\n";
  for (int slot = 0; slot < kCodeSlots; ++slot) {
    std::uint64_t n = 0;
    for (const auto& k : t.kinds) n += k.by_code[slot];
    if (n == 0) continue;
    const int code = slot_code(slot);
    s += pad_left(std::to_string(code), 7) + "  " + pad_right(result_code_name(code), 34);
    for (int i = 0; i < kOpKinds; ++i) {
      if (r.used[i]) s += pad_left(format_count(t.kinds[i].by_code[slot]), 10);
    }
    s += "\n";
  }
  return s;
}

Reporter::Reporter(const Recorder& recorder, std::array<bool, kOpKinds> used, std::FILE* out)
    : recorder_(recorder),
      used_(used),
      out_(out),
      previous_(std::make_unique<Snapshot>()),
      current_(std::make_unique<Snapshot>()) {}

Reporter::~Reporter() {
  if (thread_.joinable()) stop(now_ns());
}

void Reporter::start(std::uint64_t t0_ns) {
  t0_ = last_ = t0_ns;
  if (out_ != nullptr) {
    std::fprintf(out_, "%s\n", per_second_header(used_).c_str());
    std::fflush(out_);
  }
  thread_ = std::thread([this] { run(); });
}

void Reporter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (std::uint64_t tick = 1;; ++tick) {
    const std::uint64_t at = t0_ + tick * 1'000'000'000ull;
    const auto deadline = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at));
    if (cv_.wait_until(lock, deadline, [this] { return stopping_; })) return;
    lock.unlock();
    sample(at);
    lock.lock();
  }
}

void Reporter::stop(std::uint64_t end_ns) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (end_ns > last_ + 50'000'000ull) sample(end_ns);  // the tail, if longer than 50 ms
}

void Reporter::sample(std::uint64_t at_ns) {
  recorder_.snapshot(current_.get());
  auto interval = std::make_unique<Snapshot>(*current_);
  interval->subtract(*previous_);
  std::swap(previous_, current_);

  SecondSample s;
  s.t_s = static_cast<double>(at_ns - t0_) / 1e9;
  s.interval_s = static_cast<double>(at_ns - last_) / 1e9;
  last_ = at_ns;
  for (int i = 0; i < kOpKinds; ++i) {
    const KindTotals& k = interval->kinds[i];
    SecondSample::Kind& o = s.kinds[i];
    o.completed = k.completed;
    o.ok = k.ok;
    o.not_found = k.not_found;
    o.errors = k.errors;
    o.timeouts = k.timeouts;
    o.p50_ns = k.latency.value_at_percentile(50);
    o.p99_ns = k.latency.value_at_percentile(99);
    o.max_ns = k.latency.max();
    const ErrorClasses e = classify_errors(k);
    s.errors.timeout += e.timeout;
    s.errors.connection += e.connection;
    s.errors.server += e.server;
    s.errors.client += e.client;
  }
  series_.push_back(s);
  if (out_ != nullptr) {
    std::fprintf(out_, "%s\n", per_second_line(s, used_).c_str());
    std::fflush(out_);
  }
}

}  // namespace aero::bench
