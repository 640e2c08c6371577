#include "bench/tool/recorder.h"

#include <algorithm>
#include <atomic>

namespace aero::bench {

namespace {

std::atomic<std::uint64_t> g_next_recorder_id{1};

// The shard this thread used last, and for which recorder (ids are never reused).
struct LocalCache {
  std::uint64_t recorder_id = 0;
  void* shard = nullptr;
};
thread_local LocalCache tls_cache;

using Counter = std::atomic<std::uint64_t>;

inline void bump(Counter& c) {
  // Single writer: a plain load and store, no locked instruction.
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

struct Recorder::Shard {
  struct Kind {
    AtomicHistogram latency;
    Counter completed{0}, ok{0}, not_found{0}, errors{0}, timeouts{0};
    std::array<Counter, kCodeSlots> by_code{};
  };
  std::thread::id owner;
  std::array<Kind, kOpKinds> kinds;
};

void KindTotals::subtract(const KindTotals& e) {
  latency.subtract(e.latency);
  auto sub = [](std::uint64_t& a, std::uint64_t b) { a -= std::min(a, b); };
  sub(completed, e.completed);
  sub(ok, e.ok);
  sub(not_found, e.not_found);
  sub(errors, e.errors);
  sub(timeouts, e.timeouts);
  for (int i = 0; i < kCodeSlots; ++i) sub(by_code[i], e.by_code[i]);
}

std::uint64_t Snapshot::completed() const {
  std::uint64_t n = 0;
  for (const auto& k : kinds) n += k.completed;
  return n;
}

std::uint64_t Snapshot::errors() const {
  std::uint64_t n = 0;
  for (const auto& k : kinds) n += k.errors;
  return n;
}

void Snapshot::subtract(const Snapshot& earlier) {
  for (int i = 0; i < kOpKinds; ++i) kinds[i].subtract(earlier.kinds[i]);
}

Recorder::Recorder() : id_(g_next_recorder_id.fetch_add(1)) {}
Recorder::~Recorder() = default;

Recorder::Shard& Recorder::local() {
  if (tls_cache.recorder_id == id_) return *static_cast<Shard*>(tls_cache.shard);
  return register_thread();
}

Recorder::Shard& Recorder::register_thread() {
  std::lock_guard<std::mutex> g(mutex_);
  const auto me = std::this_thread::get_id();
  Shard* shard = nullptr;
  for (auto& s : shards_) {
    if (s->owner == me) shard = s.get();
  }
  if (shard == nullptr) {
    shards_.push_back(std::make_unique<Shard>());
    shard = shards_.back().get();
    shard->owner = me;
  }
  tls_cache = {id_, shard};
  return *shard;
}

void Recorder::record(OpKind kind, std::uint64_t latency_ns, int code) {
  Shard::Kind& k = local().kinds[static_cast<int>(kind)];
  k.latency.record(latency_ns);
  bump(k.completed);
  if (code == 0) {
    bump(k.ok);
  } else if (code == 2) {
    bump(k.not_found);
  } else {
    bump(k.errors);
    if (code == 9) bump(k.timeouts);
    bump(k.by_code[code_slot(code)]);
  }
}

void Recorder::snapshot(Snapshot* out) const {
  for (auto& k : out->kinds) {
    k.latency.clear();
    k.completed = k.ok = k.not_found = k.errors = k.timeouts = 0;
    k.by_code.fill(0);
  }
  std::lock_guard<std::mutex> g(mutex_);
  for (const auto& s : shards_) {
    for (int i = 0; i < kOpKinds; ++i) {
      const Shard::Kind& src = s->kinds[i];
      KindTotals& dst = out->kinds[i];
      // A live snapshot may catch a command counted but not yet in the histogram (or the
      // other way round); it shows up in the next one. Once the run is quiet it is exact.
      dst.completed += src.completed.load(std::memory_order_relaxed);
      dst.ok += src.ok.load(std::memory_order_relaxed);
      dst.not_found += src.not_found.load(std::memory_order_relaxed);
      dst.errors += src.errors.load(std::memory_order_relaxed);
      dst.timeouts += src.timeouts.load(std::memory_order_relaxed);
      for (int c = 0; c < kCodeSlots; ++c) {
        dst.by_code[c] += src.by_code[c].load(std::memory_order_relaxed);
      }
      src.latency.add_to(dst.latency);
    }
  }
}

std::size_t Recorder::shard_count() const {
  std::lock_guard<std::mutex> g(mutex_);
  return shards_.size();
}

}  // namespace aero::bench
