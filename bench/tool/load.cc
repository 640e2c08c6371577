#include "bench/tool/load.h"

#include <algorithm>
#include <functional>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace aero::bench {

namespace {

// Values for RMW writes, made on whichever thread runs the read's completion.
Rng& thread_rng(std::uint64_t seed) {
  thread_local Rng rng(seed ^ std::hash<std::thread::id>()(std::this_thread::get_id()));
  return rng;
}

}  // namespace

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

struct LoadRun::Slot {
  explicit Slot(std::uint64_t seed) : rng(seed) {}
  Rng rng;
  std::int64_t budget = -1;     // operations left to start; -1 = no limit
  std::int64_t next_insert = 0; // key offset of the slot's next insert
  std::vector<Bin> scratch;     // random bins of the slot's next write
};

LoadRun::LoadRun(Target& target, Recorder& recorder, LoadConfig config)
    : target_(target), recorder_(recorder), config_(std::move(config)) {}

LoadRun::~LoadRun() {
  if (started_once_ && !waited_) {
    stop();
    wait();
  }
}

bool LoadRun::time_up(std::uint64_t now) const { return deadline_ != 0 && now >= deadline_; }

const std::vector<Bin>& LoadRun::write_bins(std::vector<Bin>& scratch, Rng& rng) const {
  if (!config_.random_values || config_.maker == nullptr) return *config_.fixed_bins;
  scratch = config_.maker->make(rng);
  return scratch;
}

void LoadRun::start() {
  if (started_once_) return;
  started_once_ = true;
  t0_ = now_ns();
  if (config_.duration_s > 0) deadline_ = t0_ + static_cast<std::uint64_t>(config_.duration_s * 1e9);
  if (config_.rate > 0) {
    pacer_ = std::thread([this] { pace(); });
    return;
  }
  const int n = std::max(1, config_.in_flight);
  for (int i = 0; i < n; ++i) {
    auto s = std::make_unique<Slot>(config_.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(i));
    if (config_.ops > 0) s->budget = config_.ops / n + (i < config_.ops % n ? 1 : 0);
    s->next_insert = i;
    slots_.push_back(std::move(s));
  }
  active_slots_.store(n, std::memory_order_relaxed);
  for (auto& s : slots_) next(*s, now_ns());
}

void LoadRun::wait() {
  if (!started_once_ || waited_) return;
  waited_ = true;
  if (pacer_.joinable()) pacer_.join();
  std::unique_lock<std::mutex> lock(done_mutex_);
  done_cv_.wait(lock, [this] { return done_; });
  end_ = now_ns();
}

// The last touch of `this` by the thread that finished the run: under the mutex, so wait()
// cannot return (and the LoadRun cannot be destroyed) before it is over.
void LoadRun::signal_done() {
  std::lock_guard<std::mutex> g(done_mutex_);
  done_ = true;
  done_cv_.notify_all();
}

void LoadRun::next(Slot& slot, std::uint64_t now) {
  const bool inserts_done = config_.workload.kind == Workload::Kind::insert &&
                            slot.next_insert >= config_.keys;
  if (stop_.load(std::memory_order_relaxed) || time_up(now) || slot.budget == 0 || inserts_done) {
    slot_done();
    return;
  }
  if (slot.budget > 0) --slot.budget;
  const std::int64_t insert_key = slot.next_insert;
  slot.next_insert += static_cast<std::int64_t>(slots_.size());
  issue(&slot, slot.rng, insert_key, now);
}

void LoadRun::slot_done() {
  if (active_slots_.fetch_sub(1, std::memory_order_acq_rel) == 1) signal_done();
}

void LoadRun::issue(Slot* slot, Rng& rng, std::int64_t insert_key, std::uint64_t start) {
  const Workload& w = config_.workload;
  Pending p{this, slot, 0, start, start};
  auto batch_cb = [p](Result<std::vector<BatchRecord>> r) { p.run->on_batch(p, r.code()); };
  // Only the pacer thread issues with slot == nullptr.
  std::vector<Bin>& scratch = slot != nullptr ? slot->scratch : pacer_scratch_;
  auto batch = [&] {
    std::vector<Key> keys;
    keys.reserve(static_cast<std::size_t>(w.batch_size));
    for (int i = 0; i < w.batch_size; ++i) {
      keys.push_back(key_of(config_.start_key + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(config_.keys)))));
    }
    target_.batch_get(std::move(keys), std::move(batch_cb));
  };
  switch (w.kind) {
    case Workload::Kind::insert: {
      p.key = config_.start_key + insert_key;
      auto cb = [p](Result<void> r) { p.run->on_write(p, r.code()); };
      target_.put(key_of(p.key), write_bins(scratch, rng), std::move(cb));
      return;
    }
    case Workload::Kind::batch_read:
      batch();
      return;
    case Workload::Kind::read_update:
    case Workload::Kind::read_modify_write:
      break;
    case Workload::Kind::scan:
    case Workload::Kind::query:
      return;  // streaming workloads run in stream.cc, never as commands
  }
  const bool read = w.kind == Workload::Kind::read_modify_write ||
                    rng.below(100) < static_cast<std::uint64_t>(w.read_percent);
  if (read && w.batch_size > 1) {
    batch();
    return;
  }
  p.key = config_.start_key + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(config_.keys)));
  if (read) {
    auto cb = [p](Result<RecordView> r) { p.run->on_read(p, r); };
    target_.get(key_of(p.key), std::move(cb));
  } else {
    auto cb = [p](Result<void> r) { p.run->on_write(p, r.code()); };
    target_.put(key_of(p.key), write_bins(scratch, rng), std::move(cb));
  }
}

void LoadRun::on_read(const Pending& p, const Result<RecordView>& r) {
  const std::uint64_t now = now_ns();
  const int code = r.code();
  recorder_.record(OpKind::read, now - p.start, code);
  if (config_.workload.kind != Workload::Kind::read_modify_write) {
    finish(p, now);
    return;
  }
  if (code != 0 && code != 2) {  // the read failed: so did the RMW
    recorder_.record(OpKind::rmw, now - p.start, code);
    finish(p, now);
    return;
  }
  Pending q = p;
  q.phase = now;
  // Modify: new values for every bin (asbench's object spec, freshly generated).
  const std::vector<Bin> bins = config_.maker->make(thread_rng(config_.seed));
  auto cb = [q](Result<void> w) { q.run->on_rmw_write(q, w.code()); };
  if (code == 0) {
    target_.put_if_generation(key_of(q.key), bins, r->generation(), std::move(cb));
  } else {
    target_.put(key_of(q.key), bins, std::move(cb));  // not there yet: create it
  }
}

void LoadRun::on_write(const Pending& p, int code) {
  const std::uint64_t now = now_ns();
  recorder_.record(OpKind::write, now - p.start, code);
  finish(p, now);
}

void LoadRun::on_rmw_write(const Pending& p, int code) {
  const std::uint64_t now = now_ns();
  recorder_.record(OpKind::write, now - p.phase, code);
  recorder_.record(OpKind::rmw, now - p.start, code);
  finish(p, now);
}

void LoadRun::on_batch(const Pending& p, int code) {
  const std::uint64_t now = now_ns();
  recorder_.record(OpKind::batch, now - p.start, code);
  finish(p, now);
}

void LoadRun::finish(const Pending& p, std::uint64_t now) {
  if (p.slot != nullptr) {
    next(*p.slot, now);
    return;
  }
  // Wake the pacer when it may be waiting for a place (the count was at the cap). The pacer
  // may have finished already: `this` is still alive, since `remaining_` counts this command.
  if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) == std::max(1, config_.in_flight)) {
    outstanding_.notify_all();
  }
  // Nothing touches `this` after the last count is gone, except signal_done().
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) signal_done();
}

void LoadRun::pace() {
#if defined(__linux__)
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // sleep to the microsecond, not Linux's default 50 us
#endif
  const OpenLoopSchedule schedule(t0_, config_.rate);
  Rng rng(config_.seed * 0x9E3779B97F4A7C15ull);
  std::uint64_t limit = ~std::uint64_t{0};
  if (config_.ops > 0) limit = static_cast<std::uint64_t>(config_.ops);
  if (config_.workload.kind == Workload::Kind::insert) {
    limit = std::min(limit, static_cast<std::uint64_t>(config_.keys));
  }
  const std::int64_t cap = std::max(1, config_.in_flight);
  std::uint64_t i = 0;
  while (!stop_.load(std::memory_order_relaxed) && i < limit) {
    const std::uint64_t intended = schedule.intended(i);
    if (deadline_ != 0 && intended >= deadline_) break;
    const std::uint64_t now = now_ns();
    if (intended > now) {
      const std::uint64_t gap = intended - now;
      if (gap > 20'000) {
        // Short sleeps, so stop() is seen within 10 ms even at low rates.
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::uint64_t>(gap - 5'000, 10'000'000)));
      } else {
        std::this_thread::yield();
      }
      continue;
    }
    const std::uint64_t due = schedule.due_by(now);
    max_backlog_ = std::max(max_backlog_, static_cast<std::int64_t>(due - i));
    const std::int64_t out = outstanding_.load(std::memory_order_acquire);
    if (out >= cap) {
      outstanding_.wait(out, std::memory_order_acquire);  // until a completion frees a place
      continue;
    }
    outstanding_.fetch_add(1, std::memory_order_acq_rel);
    remaining_.fetch_add(1, std::memory_order_relaxed);  // the pacer's own count keeps it above 0
    issue(nullptr, rng, static_cast<std::int64_t>(i), intended);
    ++i;
  }
  // Give up the pacer's own count; the run is over when the last command is done too.
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) signal_done();
}

}  // namespace aero::bench
