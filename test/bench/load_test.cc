// The two load models, first against a fake target (exact in-flight counts, and a stall the
// test controls), then end to end against the embedded test cluster.
#include "bench/tool/load.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "bench/tool/target.h"
#include "client/client.h"
#include "test/server/cluster.h"

namespace aero::bench {
namespace {

// Completes every command on its own thread, after the call has returned. Can be paused:
// completions then wait until resume().
class FakeTarget final : public Target {
 public:
  FakeTarget() : worker_([this] { work(); }) {}
  ~FakeTarget() override {
    {
      std::lock_guard<std::mutex> g(m_);
      quit_ = true;
      paused_ = false;
    }
    cv_.notify_all();
    worker_.join();
  }

  void get(const Key& key, RecordViewCallback cb) override {
    const std::int64_t k = *key.user_key()->as_int();
    enqueue([this, k, cb = std::move(cb)]() mutable {
      bool found;
      {
        std::lock_guard<std::mutex> g(m_);
        found = written_.count(k) != 0;
        ++gets_;
      }
      if (found) {
        wire::MessageView m;
        m.header.generation = 1;
        cb(Result<RecordView>(RecordView(m)));
      } else {
        cb(Result<RecordView>(Status(2, "not found")));
      }
    });
  }
  void put(const Key& key, Bins bins, WriteCallback cb) override { write(key, bins, std::move(cb)); }
  void put_if_generation(const Key& key, Bins bins, std::uint32_t, WriteCallback cb) override {
    {
      std::lock_guard<std::mutex> g(m_);
      ++conditional_puts_;
    }
    write(key, bins, std::move(cb));
  }
  void batch_get(std::vector<Key> keys, BatchCallback cb) override {
    const std::size_t n = keys.size();
    enqueue([this, n, cb = std::move(cb)]() mutable {
      {
        std::lock_guard<std::mutex> g(m_);
        ++batches_;
        batch_keys_ += n;
      }
      cb(Result<std::vector<BatchRecord>>(std::vector<BatchRecord>(n)));
    });
  }

  void pause() {
    std::lock_guard<std::mutex> g(m_);
    paused_ = true;
  }
  void resume() {
    {
      std::lock_guard<std::mutex> g(m_);
      paused_ = false;
    }
    cv_.notify_all();
  }
  // Waits (bounded) until `n` commands are pending; false on time-out.
  bool wait_pending(std::size_t n) {
    std::unique_lock<std::mutex> l(m_);
    return cv_.wait_for(l, std::chrono::seconds(30), [&] { return queue_.size() >= n; });
  }

  std::mutex m_;
  std::size_t max_in_flight_ = 0;
  std::multiset<std::int64_t> put_keys_;
  std::set<std::int64_t> written_;
  std::size_t gets_ = 0, conditional_puts_ = 0, batches_ = 0, batch_keys_ = 0, bins_seen_ = 0;

 private:
  void write(const Key& key, Bins bins, WriteCallback cb) {
    const std::int64_t k = *key.user_key()->as_int();
    const std::size_t nbins = bins.size();
    enqueue([this, k, nbins, cb = std::move(cb)]() mutable {
      {
        std::lock_guard<std::mutex> g(m_);
        put_keys_.insert(k);
        written_.insert(k);
        bins_seen_ = nbins;
      }
      cb(Result<void>());
    });
  }
  void enqueue(UniqueFunction<void()> f) {
    {
      std::lock_guard<std::mutex> g(m_);
      queue_.push_back(std::move(f));
      ++in_flight_;
      max_in_flight_ = std::max(max_in_flight_, in_flight_);
    }
    cv_.notify_all();
  }
  void work() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
      cv_.wait(l, [&] { return quit_ || (!paused_ && !queue_.empty()); });
      if (queue_.empty() && quit_) return;
      auto f = std::move(queue_.front());
      queue_.pop_front();
      --in_flight_;
      l.unlock();
      f();  // the callback may enqueue the next command
      l.lock();
    }
  }

  std::condition_variable cv_;
  std::deque<UniqueFunction<void()>> queue_;
  std::size_t in_flight_ = 0;
  bool paused_ = false;
  bool quit_ = false;
  std::thread worker_;  // last: starts after the members above exist
};

struct Fixture {
  std::vector<Bin> bins{Bin("b", Value(1))};
  BinMaker maker{std::vector<BinSpec>{BinSpec{BinSpec::Kind::integer, 4}, BinSpec{BinSpec::Kind::string, 8}}, "b"};
  LoadConfig config(Workload w, int in_flight, std::int64_t ops, double rate = 0) {
    LoadConfig c;
    c.workload = w;
    c.keys = 1000;
    c.in_flight = in_flight;
    c.ops = ops;
    c.rate = rate;
    c.fixed_bins = &bins;
    c.maker = &maker;
    return c;
  }
};

TEST(ClosedLoop, KeepsAtMostNInFlightAndStopsAtTheCount) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadRun run(target, rec, f.config(Workload{Workload::Kind::read_update, 50, 1}, 8, 10'000));
  run.start();
  run.wait();
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_EQ(s.completed(), 10'000u);
  EXPECT_EQ(s[OpKind::read].completed + s[OpKind::write].completed, 10'000u);
  EXPECT_GT(s[OpKind::read].completed, 4000u);  // about half each (seeded, not exact)
  EXPECT_GT(s[OpKind::write].completed, 4000u);
  std::lock_guard<std::mutex> g(target.m_);
  EXPECT_LE(target.max_in_flight_, 8u);
  EXPECT_GE(target.max_in_flight_, 2u);  // more than one at a time (all 8 start together)
}

TEST(ClosedLoop, InsertWritesEveryKeyOnce) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadConfig c = f.config(Workload{Workload::Kind::insert, 0, 1}, 7, 0);
  c.start_key = 100;
  c.keys = 1234;
  LoadRun run(target, rec, c);
  run.start();
  run.wait();
  std::lock_guard<std::mutex> g(target.m_);
  ASSERT_EQ(target.put_keys_.size(), 1234u);
  EXPECT_EQ(std::set<std::int64_t>(target.put_keys_.begin(), target.put_keys_.end()).size(), 1234u);
  EXPECT_EQ(*target.put_keys_.begin(), 100);
  EXPECT_EQ(*target.put_keys_.rbegin(), 100 + 1234 - 1);
}

TEST(ClosedLoop, ReadModifyWriteRecordsEachPartAndTheWhole) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadRun run(target, rec, f.config(Workload{Workload::Kind::read_modify_write, 0, 1}, 4, 2000));
  run.start();
  run.wait();
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_EQ(s[OpKind::rmw].completed, 2000u);
  EXPECT_EQ(s[OpKind::read].completed, 2000u);
  EXPECT_EQ(s[OpKind::write].completed, 2000u);
  EXPECT_EQ(s[OpKind::rmw].errors, 0u);
  std::lock_guard<std::mutex> g(target.m_);
  // Keys seen before are written back with a generation check.
  EXPECT_GT(target.conditional_puts_, 0u);
  EXPECT_EQ(target.bins_seen_, 2u);  // the maker's fresh bins, not the fixed record
}

TEST(ClosedLoop, BatchReads) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadRun run(target, rec, f.config(Workload{Workload::Kind::batch_read, 100, 25}, 3, 300));
  run.start();
  run.wait();
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_EQ(s[OpKind::batch].completed, 300u);
  std::lock_guard<std::mutex> g(target.m_);
  EXPECT_EQ(target.batch_keys_, 300u * 25);
}

TEST(ClosedLoop, StopEndsAnUnboundedRun) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadRun run(target, rec, f.config(Workload{}, 4, 0));  // no count, no duration
  run.start();
  while (true) {
    Snapshot s;
    rec.snapshot(&s);
    if (s.completed() > 1000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  run.stop();
  run.wait();
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_GT(s.completed(), 1000u);
}

TEST(OpenLoopSchedule, IntendedTimesAndDueCounts) {
  const OpenLoopSchedule s(1'000'000, 1000);  // t0 = 1 ms, one per ms
  EXPECT_EQ(s.intended(0), 1'000'000u);
  EXPECT_EQ(s.intended(1), 2'000'000u);
  EXPECT_EQ(s.intended(1000), 1'001'000'000u);
  EXPECT_EQ(s.due_by(999'999), 0u);
  EXPECT_EQ(s.due_by(1'000'000), 1u);
  EXPECT_EQ(s.due_by(1'999'999), 1u);
  EXPECT_EQ(s.due_by(2'000'000), 2u);
  const OpenLoopSchedule fast(0, 3e6);  // not a whole number of ns per command
  EXPECT_EQ(fast.intended(3'000'000), 1'000'000'000u);
}

TEST(OpenLoop, RespectsTheInFlightCapAndTheCount) {
  FakeTarget target;
  Recorder rec;
  Fixture f;
  LoadRun run(target, rec, f.config(Workload{}, 5, 2000, 200'000));
  run.start();
  run.wait();
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_EQ(s.completed(), 2000u);
  std::lock_guard<std::mutex> g(target.m_);
  EXPECT_LE(target.max_in_flight_, 5u);
}

// The point of the open loop: a stall is charged to every command it delayed, measured from
// the command's intended start, not from when the stalled client got round to sending it.
// Lower bounds only: a slower machine can only make the recorded latencies larger.
TEST(OpenLoop, AStallIsChargedToEveryDelayedCommand) {
  constexpr auto kStall = std::chrono::milliseconds(150);
  for (const bool open : {true, false}) {
    SCOPED_TRACE(open ? "open loop" : "closed loop");
    FakeTarget target;
    Recorder rec;
    Fixture f;
    // 400 commands at 40,000/s are all due within 10 ms; at most 8 in flight.
    LoadRun run(target, rec, f.config(Workload{}, 8, 400, open ? 40'000 : 0));
    target.pause();
    run.start();
    ASSERT_TRUE(target.wait_pending(8));  // the first 8 are out; everything else must wait
    std::this_thread::sleep_for(kStall);
    target.resume();
    run.wait();
    Snapshot s;
    rec.snapshot(&s);
    Histogram all;
    for (const auto& k : s.kinds) all.add(k.latency);
    ASSERT_EQ(all.count(), 400u);
    std::uint64_t slow = 0;  // commands that saw at least 100 ms
    for (std::size_t i = 0; i < Histogram::kBucketCount; ++i) {
      if (Histogram::lowest_in(i) >= 100'000'000) slow += all.count_at(i);
    }
    if (open) {
      // Every command was due within ~10 ms of the start and could not complete before the
      // stall ended: each one's latency includes (most of) the stall.
      EXPECT_GE(slow, 390u);
      EXPECT_GE(all.value_at_percentile(50), 100'000'000u);
    } else {
      // The closed loop only ever saw the 8 commands that were in flight.
      EXPECT_GE(slow, 8u);
    }
  }
}

// ---- End to end, against the embedded cluster. ----

struct Cluster1 {
  testserver::Cluster cluster{testserver::ClusterOptions{.nodes = 1}};
  std::unique_ptr<Client> client;
  Cluster1() {
    std::string error;
    EXPECT_TRUE(cluster.start(&error)) << error;
    ClientConfig c;
    c.seeds = {{"127.0.0.1", cluster.seed_port()}};
    auto r = Client::connect(c);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (r.ok()) client = std::move(r).value();
  }
};

TEST(EndToEnd, ClosedAndOpenLoopAgainstTheTestCluster) {
  Cluster1 env;
  ASSERT_NE(env.client, nullptr);
  ClientTarget target(*env.client, 5000);
  Fixture f;
  {
    Recorder rec;
    LoadConfig c = f.config(Workload{Workload::Kind::insert, 0, 1}, 16, 0);
    c.keys = 500;
    LoadRun run(target, rec, c);
    run.start();
    run.wait();
    Snapshot s;
    rec.snapshot(&s);
    EXPECT_EQ(s[OpKind::write].ok, 500u);
    EXPECT_EQ(env.cluster.record_count("test"), 500u);
  }
  for (const double rate : {0.0, 4000.0}) {
    Recorder rec;
    LoadConfig c = f.config(Workload{Workload::Kind::read_update, 50, 1}, 16, 1000, rate);
    c.keys = 500;
    LoadRun run(target, rec, c);
    run.start();
    run.wait();
    Snapshot s;
    rec.snapshot(&s);
    EXPECT_EQ(s.completed(), 1000u) << rate;
    EXPECT_EQ(s.errors(), 0u) << rate;
    EXPECT_EQ(s[OpKind::read].not_found, 0u) << rate;  // every key was inserted
  }
  for (const Workload w : {Workload{Workload::Kind::read_modify_write, 0, 1},
                           Workload{Workload::Kind::batch_read, 100, 10}}) {
    Recorder rec;
    LoadConfig c = f.config(w, 8, 200);
    c.keys = 500;
    LoadRun run(target, rec, c);
    run.start();
    run.wait();
    Snapshot s;
    rec.snapshot(&s);
    const OpKind k = w.kind == Workload::Kind::batch_read ? OpKind::batch : OpKind::rmw;
    EXPECT_EQ(s[k].completed, 200u) << workload_string(w);
    // Concurrent RMWs of the same key may lose the generation race (result 3); nothing else.
    EXPECT_EQ(s[k].errors, s[k].by_code[code_slot(3)]) << workload_string(w);
  }
}

// With every answer delayed, the closed loop reports the service time while the open loop
// at a rate the server cannot sustain reports the queueing too (lower bounds only).
TEST(EndToEnd, SlowServerShowsInOpenLoopLatency) {
  Cluster1 env;
  ASSERT_NE(env.client, nullptr);
  env.cluster.node(0).set_fault(testserver::Fault::delay_by(std::chrono::milliseconds(30))
                                    .only(testserver::FaultScope::kDataRequests));
  ClientTarget target(*env.client, 10'000);
  Fixture f;
  Histogram closed, open;
  for (const double rate : {0.0, 2000.0}) {
    Recorder rec;
    // 100 writes, 4 at a time, 30 ms each: at least 25 rounds of 30 ms, whatever the rate.
    LoadRun run(target, rec, f.config(Workload{Workload::Kind::read_update, 0, 1}, 4, 100, rate));
    run.start();
    run.wait();
    Snapshot s;
    rec.snapshot(&s);
    ASSERT_EQ(s[OpKind::write].ok, 100u);
    (rate > 0 ? open : closed).add(s[OpKind::write].latency);
  }
  env.cluster.node(0).clear_fault();
  EXPECT_GE(closed.value_at_percentile(50), 29'000'000u);
  // Command i cannot finish before (i/4 + 1) * 30 ms, but was due at i/2000 s: the 50th
  // waited at least 390 - 25 ms, the last one at least 750 - 50 ms.
  EXPECT_GE(open.value_at_percentile(50), 300'000'000u);
  EXPECT_GE(open.max(), 600'000'000u);
}

}  // namespace
}  // namespace aero::bench
