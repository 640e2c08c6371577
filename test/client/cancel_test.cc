// Policy::cancel: a std::stop_token whose request_stop() cancels the commands submitted with
// it. Shown end to end against the embedded cluster:
//  - a token stopped before the call: the command fails with ClientCode::cancelled and
//    nothing reaches the server;
//  - an in-flight get on a node that hangs completes at once with cancelled (not with its
//    far-away timeout), and its connection is closed, or drained with timeout_delay;
//  - commands waiting in the loop's delay queue never go out;
//  - batch and scan stop too;
//  - a cancel racing the answer, from another thread, thousands of times: each command
//    completes exactly once, either ok or cancelled (run under tsan in CI).
#include <gtest/gtest.h>

#include <atomic>
#include <stop_token>
#include <thread>
#include <vector>

#include "client/co_task.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::Ledger;
using testing::wait_until;
using testserver::Fault;
using testserver::FaultScope;

constexpr int kKeys = 16;
Key key(int i) { return Key("test", "cancel", static_cast<std::int64_t>(i)); }

ReadPolicy cancellable(std::stop_token token) {
  ReadPolicy p;
  testing::patient(p);
  p.cancel = std::move(token);
  return p;
}

class CancelTest : public ::testing::Test {
 protected:
  void start(ClientConfig config = {}) {
    config = testing::patient(config);
    config.max_error_rate = 0;
    cc_ = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
    for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(client().put(key(i), {{"v", i}}).get().ok());
  }
  Client& client() { return *cc_.client; }
  testserver::Node& node() { return cc_.cluster->node(0); }
  std::uint64_t record_requests() { return node().stats().record_requests; }
  // Requests the hung node swallowed (a hang answers nothing and counts no request).
  std::uint64_t hung() { return node().stats().faults_applied; }

  ClusterClient cc_;
};

TEST_F(CancelTest, StoppedBeforeTheCallNeverReachesTheServer) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::stop_source source;
  source.request_stop();
  const std::uint64_t before = record_requests();
  Result<Record> r = client().get(key(1), cancellable(source.get_token())).get();
  EXPECT_EQ(r.code(), static_cast<int>(ClientCode::cancelled)) << r.status().to_string();
  WritePolicy w;
  w.cancel = source.get_token();
  Result<void> p = client().put(key(1), {{"v", 100}}, w).get();
  EXPECT_TRUE(p.status().is(ClientCode::cancelled)) << p.status().to_string();
  EXPECT_FALSE(p.status().in_doubt());
  EXPECT_EQ(record_requests(), before);
  // The put did not happen.
  Result<Record> v = client().get(key(1)).get();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->find("v"), Value(1));
}

TEST_F(CancelTest, InFlightGetCompletesAtOnceAndItsConnectionIsClosed) {
  AERO_EMBEDDED_ONLY("hangs the server's answers (faults)");
  ASSERT_NO_FATAL_FAILURE(start());
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  std::stop_source source;
  const std::uint64_t before = hung();
  const std::uint64_t closed_before = client().stats().sockets_closed;
  Future<Record> f = client().get(key(2), cancellable(source.get_token()));
  // The request is on the server (which will never answer) before the cancel.
  ASSERT_TRUE(wait_until([&] { return hung() > before; }));
  source.request_stop();
  Result<Record> r = f.get();
  EXPECT_TRUE(r.status().is(ClientCode::cancelled)) << r.status().to_string();
  EXPECT_NE(r.status().message().find("node"), std::string::npos) << r.status().message();
  // Nothing can be read from that connection any more: it is closed, not pooled.
  ASSERT_TRUE(wait_until([&] { return client().stats().sockets_closed > closed_before; }));
  node().clear_fault();
  Result<Record> again = client().get(key(2)).get();
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(*again->find("v"), Value(2));
}

TEST_F(CancelTest, WithTimeoutDelayTheCancelledConnectionIsDrainedAndReused) {
  AERO_EMBEDDED_ONLY("delays the server's answers (faults)");
  ASSERT_NO_FATAL_FAILURE(start());
  node().set_fault(Fault::delay_by(100ms).only(FaultScope::kDataRequests));
  const std::uint64_t opened_before = client().stats().sockets_opened;
  constexpr int kCancels = 5;
  for (int i = 0; i < kCancels; ++i) {
    std::stop_source source;
    ReadPolicy p = cancellable(source.get_token());
    p.timeout_delay = 10s;
    const std::uint64_t before = record_requests();
    Future<Record> f = client().get(key(i), p);
    ASSERT_TRUE(wait_until([&] { return record_requests() > before; }));
    source.request_stop();
    Result<Record> r = f.get();
    EXPECT_TRUE(r.status().is(ClientCode::cancelled)) << r.status().to_string();
    // The next command waits for the drained connection rather than opening one.
    ASSERT_TRUE(wait_until([&] {
      const ClientStats s = client().stats();
      return s.drains_recovered + s.drains_closed == s.drains_started;
    }));
  }
  const ClientStats s = client().stats();
  EXPECT_EQ(s.drains_started, static_cast<std::uint64_t>(kCancels));
  EXPECT_EQ(s.drains_recovered, static_cast<std::uint64_t>(kCancels));
  EXPECT_LE(s.sockets_opened - opened_before, 1u);
  node().clear_fault();
  // The late answers were thrown away: every key reads its own value.
  for (int i = 0; i < kKeys; ++i) {
    Result<Record> r = client().get(key(i)).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("v"), Value(i));
  }
}

TEST_F(CancelTest, QueuedCommandsNeverGoOut) {
  AERO_EMBEDDED_ONLY("hangs the server's answers (faults)");
  ClientConfig config;
  config.flow_control.max_commands_in_process = 1;
  config.flow_control.max_commands_in_queue = 100;
  ASSERT_NO_FATAL_FAILURE(start(config));
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  std::stop_source source;
  constexpr int kCommands = 20;
  auto ledger = std::make_shared<Ledger>(kCommands);  // outlives a failed test's stragglers
  const std::uint64_t before = hung();
  for (int i = 0; i < kCommands; ++i) {
    client().get(key(i % kKeys), cancellable(source.get_token()),
                 [ledger, i](Result<Record> r) { ledger->complete(static_cast<std::size_t>(i), r.code()); });
  }
  ASSERT_TRUE(wait_until([&] { return hung() > before; }));
  source.request_stop();
  ASSERT_TRUE(ledger->wait_for(kCommands));
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_EQ(ledger->count(static_cast<std::size_t>(i)), 1) << i;
    EXPECT_EQ(ledger->code(static_cast<std::size_t>(i)), static_cast<int>(ClientCode::cancelled)) << i;
  }
  // Only the one in process reached the server.
  EXPECT_EQ(hung() - before, 1u);
  node().clear_fault();
}

TEST_F(CancelTest, BatchIsCancelled) {
  AERO_EMBEDDED_ONLY("hangs the server's answers (faults)");
  ASSERT_NO_FATAL_FAILURE(start());
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  std::stop_source source;
  BatchPolicy p;
  testing::patient(p);
  p.cancel = source.get_token();
  std::vector<Key> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(key(i));
  const std::uint64_t before = hung();
  auto f = client().batch_get(keys, BatchRead::all(), p);
  ASSERT_TRUE(wait_until([&] { return hung() > before; }));
  source.request_stop();
  auto r = f.get();
  // Rows that were not answered carry the node command's outcome, as for any batch error.
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), keys.size());
  for (const BatchRecord& row : *r) EXPECT_EQ(row.code, static_cast<int>(ClientCode::cancelled));
  node().clear_fault();
}

TEST_F(CancelTest, ScanStopsReading) {
  AERO_EMBEDDED_ONLY("hangs the server's answers (faults)");
  ASSERT_NO_FATAL_FAILURE(start());
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  std::stop_source source;
  ScanPolicy p;
  testing::patient(p);
  p.cancel = source.get_token();
  std::atomic<int> records{0};
  const std::uint64_t before = hung();
  Future<ScanSummary> f = client().scan("test", "cancel", p, PartitionFilter::all(), {},
                                        [&](ScanRecord&) { ++records; return true; });
  ASSERT_TRUE(wait_until([&] { return hung() > before; }));
  source.request_stop();
  Result<ScanSummary> s = f.get();
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->end, StreamEnd::failed);
  EXPECT_TRUE(s->status.is(ClientCode::cancelled)) << s->status.to_string();
  EXPECT_TRUE(s->more()) << "a cancelled scan can be resumed from its cursor";
  node().clear_fault();
}

// The coroutine style: the same token; the awaiting coroutine resumes with the cancelled
// status (as an Error thrown from the Record conversion).
CoTask<int> read_while_cancelled(Client& c, std::stop_source& source, std::atomic<bool>& sent) {
  Future<Record> f = c.get(key(3), cancellable(source.get_token()));
  sent.store(true);
  try {
    Record r = co_await std::move(f);
    co_return 0;
  } catch (const Error& e) {
    co_return e.status().code();
  }
}

TEST_F(CancelTest, CoroutineAwaitingACancelledGetResumesWithCancelled) {
  AERO_EMBEDDED_ONLY("hangs the server's answers (faults)");
  ASSERT_NO_FATAL_FAILURE(start());
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  std::stop_source source;
  std::atomic<bool> sent{false};
  const std::uint64_t before = hung();
  std::thread canceller([&] {
    wait_until([&] { return sent.load() && hung() > before; });
    source.request_stop();
  });
  const int code = sync_wait(read_while_cancelled(client(), source, sent));
  canceller.join();
  EXPECT_EQ(code, static_cast<int>(ClientCode::cancelled));
  node().clear_fault();
}

// A cancel from another thread racing the answer: one outcome per command, whichever came
// first, and the client stays usable (no connection left with a stray answer on it).
TEST_F(CancelTest, CancelRacingTheAnswerCompletesEachCommandOnce) {
  ASSERT_NO_FATAL_FAILURE(start());
  constexpr int kRounds = 400;
  constexpr int kPerRound = 8;
  auto ledger = std::make_shared<Ledger>(kRounds * kPerRound);
  auto ok = std::make_shared<std::atomic<int>>(0);
  auto cancelled = std::make_shared<std::atomic<int>>(0);
  auto other = std::make_shared<std::atomic<int>>(0);
  for (int round = 0; round < kRounds; ++round) {
    std::stop_source source;
    // Cancel once `wait_for` of this round's commands completed (0..kPerRound-1): the others
    // are then queued, in flight, or answered but not yet delivered, whatever the speed of
    // the build (a sanitizer's threads are scheduled very differently).
    const std::size_t wait_for = static_cast<std::size_t>(round * kPerRound + round % kPerRound);
    std::thread canceller([&source, ledger, wait_for] {
      wait_until([&] { return ledger->done() >= wait_for; }, 10s);
      source.request_stop();
    });
    for (int i = 0; i < kPerRound; ++i) {
      const std::size_t id = static_cast<std::size_t>(round * kPerRound + i);
      client().get(key(i), cancellable(source.get_token()),
                   [ledger, ok, cancelled, other, id](Result<Record> r) {
                     if (r.ok()) {
                       ++*ok;
                     } else if (r.status().is(ClientCode::cancelled)) {
                       ++*cancelled;
                     } else {
                       ++*other;
                     }
                     ledger->complete(id, r.code());
                   });
    }
    canceller.join();
  }
  ASSERT_TRUE(ledger->wait_for(ledger->size()));
  for (std::size_t i = 0; i < ledger->size(); ++i) ASSERT_EQ(ledger->count(i), 1) << i;
  EXPECT_EQ(other->load(), 0);
  EXPECT_EQ(ok->load() + cancelled->load(), kRounds * kPerRound);
  std::printf("cancel races: %d completed first, %d cancelled first\n", ok->load(), cancelled->load());
  for (int i = 0; i < kKeys; ++i) {
    Result<Record> r = client().get(key(i)).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("v"), Value(i));
  }
}

}  // namespace
}  // namespace aero
