// Flow control: FlowControl{max_commands_in_process = 5, max_commands_in_queue = 10} on one
// loop, against a node that answers slowly. A burst of 100 commands gives exactly 15
// admitted (5 running, 10 queued) and 85 immediate queue_full errors; the queued ones run
// as the running ones finish; a queued command whose deadline passes fails with a timeout
// while still queued, and the slots it leaves are not lost.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testing::Ledger;
using testserver::Fault;
using testserver::FaultScope;

// Holds a loop inside a task until opened, so that commands submitted meanwhile are all
// admitted together once it opens (bounded: it opens by itself after 30 s).
class LoopGate {
 public:
  explicit LoopGate(io::Loop& loop) {
    loop.post([this] {
      std::unique_lock<std::mutex> l(m_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait_for(l, 30s, [this] { return open_; });
      left_ = true;
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> l(m_);
    cv_.wait_for(l, 30s, [this] { return entered_; });
  }
  ~LoopGate() { open(); }
  void open() {
    std::unique_lock<std::mutex> l(m_);
    open_ = true;
    cv_.notify_all();
    cv_.wait_for(l, 30s, [this] { return left_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool entered_ = false, open_ = false, left_ = false;
};

struct Outcome {
  int code = Ledger::kNoCode;
  std::string message;
  std::uint64_t order = 0;  // completion order
};

class QueueFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("delays the server's answers (faults) to fill the queue");
    ClientConfig config = testing::patient({});
    config.loops = 1;
    config.flow_control.max_commands_in_process = 5;
    config.flow_control.max_commands_in_queue = 10;
    cc_ = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
    ASSERT_TRUE(client().put(key(1), {{"v", 1}}).get().ok());
  }
  Client& client() { return *cc_.client; }
  testserver::Node& node() { return cc_.cluster->node(0); }

  // Submits gets of key(1) with the given total timeouts while the loop is held, then lets
  // the loop admit them all at once; waits (bounded) for every completion.
  std::vector<Outcome> burst(const std::vector<Millis>& timeouts) {
    const std::size_t n = timeouts.size();
    Ledger ledger(n);
    std::mutex m;
    std::vector<Outcome> out(n);
    std::atomic<std::uint64_t> order{0};
    {
      LoopGate gate(client().loop(0));
      for (std::size_t i = 0; i < n; ++i) {
        ReadPolicy p;
        p.total_timeout = timeouts[i];
        p.max_retries = 0;
        client().get(key(1), p, [&, i](Result<Record> r) {
          {
            std::lock_guard<std::mutex> g(m);
            out[i].code = r.code();
            out[i].message = r.status().message();
            out[i].order = order.fetch_add(1);
          }
          ledger.complete(i, r.code());
        });
      }
    }
    EXPECT_TRUE(ledger.wait_for(n, 60s)) << "lost completions";
    EXPECT_EQ(ledger.never(n), 0u);
    EXPECT_EQ(ledger.twice(n), 0u);
    std::lock_guard<std::mutex> g(m);
    return out;
  }

  ClusterClient cc_;
};

TEST_F(QueueFullTest, BurstOf100Admits15AndRefuses85AtOnce) {
  node().set_fault(Fault::delay_by(300ms).only(FaultScope::kDataRequests));
  std::vector<Outcome> out = burst(std::vector<Millis>(100, Millis(30000)));
  int ok = 0, full = 0, other = 0;
  std::uint64_t last_full = 0, first_ok = ~0ull;
  for (const Outcome& o : out) {
    if (o.code == 0) {
      ++ok;
      first_ok = std::min(first_ok, o.order);
    } else if (o.code == static_cast<int>(ClientCode::queue_full)) {
      ++full;
      last_full = std::max(last_full, o.order);
      EXPECT_NE(o.message.find("5 commands in process and 10 queued"), std::string::npos) << o.message;
      EXPECT_NE(o.message.find("max_commands_in_queue"), std::string::npos) << o.message;
    } else {
      ++other;
      ADD_FAILURE() << "unexpected outcome " << o.code << ": " << o.message;
    }
  }
  EXPECT_EQ(ok, 15);
  EXPECT_EQ(full, 85);
  EXPECT_EQ(other, 0);
  // The refusals are immediate: all of them completed before the first answer came back.
  EXPECT_LT(last_full, first_ok);

  // Nothing leaked: the next burst gets the same 15 slots.
  node().clear_fault();
  node().set_fault(Fault::delay_by(100ms).only(FaultScope::kDataRequests));
  std::vector<Outcome> again = burst(std::vector<Millis>(20, Millis(30000)));
  int ok2 = 0, full2 = 0;
  for (const Outcome& o : again) {
    ok2 += o.code == 0;
    full2 += o.code == static_cast<int>(ClientCode::queue_full);
  }
  EXPECT_EQ(ok2, 15);
  EXPECT_EQ(full2, 5);
}

TEST_F(QueueFullTest, QueuedCommandTimesOutWhileQueued) {
  node().set_fault(Fault::delay_by(1000ms).only(FaultScope::kDataRequests));
  // 5 run; the 6th (100 ms) waits in the queue past its deadline; the 7th waits and runs.
  std::vector<Millis> timeouts(5, Millis(30000));
  timeouts.push_back(Millis(100));
  timeouts.push_back(Millis(30000));
  std::vector<Outcome> out = burst(timeouts);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(out[i].code, 0) << out[i].message;
  EXPECT_EQ(out[5].code, result::timeout) << out[5].message;
  EXPECT_NE(out[5].message.find("delay queue"), std::string::npos) << out[5].message;
  EXPECT_EQ(out[6].code, 0) << out[6].message;

  // The timed-out command gave back no slot it did not hold: still exactly 15 admitted.
  node().set_fault(Fault::delay_by(100ms).only(FaultScope::kDataRequests));
  std::vector<Outcome> again = burst(std::vector<Millis>(16, Millis(30000)));
  int ok = 0;
  for (const Outcome& o : again) ok += o.code == 0;
  EXPECT_EQ(ok, 15);
  EXPECT_EQ(again[15].code, static_cast<int>(ClientCode::queue_full));
}

}  // namespace
}  // namespace aero
