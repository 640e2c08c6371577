// Edge cases of the command lifecycle:
//  - remove of a record that does not exist (false, not an error), exactly one completion;
//  - a batch whose keys partly live on a stopped node: those rows carry the error, the
//    others succeed, one callback; after the rebalance and a tend every row succeeds;
//  - close() with commands in flight: it returns only once every one has completed, each
//    exactly once, with success, a timeout or client_closed;
//  - commands after close() fail with client_closed (callbacks, futures, batches), once;
//  - close() while another thread keeps submitting: every command still completes once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testing::Ledger;
using testing::wait_until;
#if AERO_EMBEDDED_CLUSTER
using testserver::Fault;
using testserver::FaultScope;
#endif

constexpr int kClosed = static_cast<int>(ClientCode::client_closed);

TEST(MiscTest, RemoveOfAMissingRecordIsFalseAndCompletesOnce) {
  auto cc = ClusterClient::start({.nodes = 1}, testing::patient({}));
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  Ledger ledger(2);
  std::atomic<int> values[2] = {-1, -1};
  client.remove(key(500), client.config().write, [&](Result<bool> r) {
    values[0] = r.ok() ? (r.value() ? 1 : 0) : 100 + r.code();
    ledger.complete(0, r.code());
  });
  ASSERT_TRUE(client.put(key(501), {{"a", 1}}).get().ok());
  client.remove(key(501), client.config().write, [&](Result<bool> r) {
    values[1] = r.ok() ? (r.value() ? 1 : 0) : 100 + r.code();
    ledger.complete(1, r.code());
  });
  ASSERT_TRUE(ledger.wait_for(2, 30s));
  std::this_thread::sleep_for(20ms);  // a late duplicate would show up
  EXPECT_EQ(ledger.done(), 2u);
  EXPECT_EQ(values[0].load(), 0) << "a missing record: ok, false";
  EXPECT_EQ(values[1].load(), 1) << "an existing record: ok, true";
  EXPECT_FALSE(client.exists(key(501)).get().value());
  // The store holds nothing else (an external namespace may hold other tests' records).
#if AERO_EMBEDDED_CLUSTER
  if (cc.cluster) {
    EXPECT_EQ(cc.cluster->record_count("test"), 0u);
  }
#endif
}

TEST(MiscTest, BatchWithKeysOnAStoppedNodeFailsOnlyThoseRows) {
  AERO_EMBEDDED_ONLY("stops a node and reads the server's partition map");
#if AERO_EMBEDDED_CLUSTER
  ClientConfig config = testing::patient({});
  config.tend_interval = 100ms;
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  constexpr int kKeys = 90;
  std::vector<Key> keys;
  std::vector<bool> on_stopped;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(key(i));
    ASSERT_TRUE(client.put(key(i), {{"v", i}}).get().ok());
    on_stopped.push_back(cc.cluster->replicas("test", key(i).partition_id()).at(0) == 2);
  }
  const int stopped_keys = static_cast<int>(std::count(on_stopped.begin(), on_stopped.end(), true));
  ASSERT_GT(stopped_keys, 0);
  ASSERT_LT(stopped_keys, kKeys);
  const std::string stopped_id = cc.cluster->node(2).id();
  cc.cluster->node(2).stop();  // no rebalance yet: the client still routes there

  Ledger ledger(1);
  std::mutex m;
  Result<std::vector<BatchRecord>> out = Status(1000, "not set");
  client.batch_get(keys, BatchRead::all(), client.config().batch,
                   [&](Result<std::vector<BatchRecord>> r) {
                     {
                       std::lock_guard<std::mutex> g(m);
                       out = std::move(r);
                     }
                     ledger.complete(0, 0);
                   });
  ASSERT_TRUE(ledger.wait_for(1, 30s));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ledger.done(), 1u);
  {
    std::lock_guard<std::mutex> g(m);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    ASSERT_EQ(out->size(), keys.size());
    for (int i = 0; i < kKeys; ++i) {
      const BatchRecord& row = (*out)[static_cast<std::size_t>(i)];
      if (on_stopped[static_cast<std::size_t>(i)]) {
        EXPECT_EQ(row.code, static_cast<int>(ClientCode::connection_failed)) << i << " " << row.message;
        EXPECT_NE(row.message.find(stopped_id), std::string::npos) << row.message;
      } else {
        ASSERT_EQ(row.code, 0) << i << " " << row.message;
        EXPECT_EQ(*row.record.find("v")->as_int(), i);
      }
    }
  }

  // Once the cluster moved the stopped node's partitions and the client tended, every row
  // succeeds (the test cluster's store is shared, so the records are still there).
  cc.cluster->rebalance();
  bool all_ok = wait_until([&] {
    auto r = client.batch_get(keys).get();
    if (!r.ok()) return false;
    for (const BatchRecord& row : *r) {
      if (row.code != 0) return false;
    }
    return true;
  }, 30s);
  EXPECT_TRUE(all_ok);
#endif
}

TEST(MiscTest, CloseWaitsForEveryCommandInFlight) {
  ClientConfig config = testing::patient({});
  config.loops = 2;
  config.flow_control.max_commands_in_process = 50;  // some wait in the delay queue
  config.flow_control.max_commands_in_queue = 0;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  // Slow answers keep commands in flight at close (an external cluster answers at its pace).
#if AERO_EMBEDDED_CLUSTER
  if (cc.cluster) cc.cluster->node(0).set_fault(Fault::delay_by(20ms).only(FaultScope::kDataRequests));
#endif
  constexpr std::size_t kN = 600;
  Ledger ledger(kN);
  ReadPolicy p;
  p.total_timeout = 1000ms;  // most finish; on a slow machine the queue's tail times out
  WritePolicy w;
  w.total_timeout = 1000ms;
  for (std::size_t i = 0; i < kN; ++i) {
    if (i % 2 == 0) {
      cc.client->put(key(static_cast<int>(i)), {{"v", 1}}, w,
                     [&, i](Result<void> r) { ledger.complete(i, r.code()); });
    } else {
      cc.client->get(key(static_cast<int>(i)), p,
                     [&, i](Result<Record> r) { ledger.complete(i, r.code()); });
    }
  }
  cc.client->close();
  // close() returned: every command has completed.
  EXPECT_EQ(ledger.done(), kN);
  EXPECT_EQ(ledger.never(kN), 0u);
  EXPECT_EQ(ledger.twice(kN), 0u);
  std::map<int, int> codes;
  for (std::size_t i = 0; i < kN; ++i) ++codes[ledger.code(i)];
  for (auto [code, n] : codes) {
    EXPECT_TRUE(code == 0 || code == result::record_not_found || code == result::timeout ||
                code == kClosed)
        << "code " << code << " x" << n;
  }
  EXPECT_GT(codes[0] + codes[result::record_not_found], 0);
  EXPECT_EQ(cc.client->stats().commands_outstanding, 0);
  cc.client->close();  // idempotent
}

TEST(MiscTest, CommandsAfterCloseFailWithClientClosed) {
  auto cc = ClusterClient::start({.nodes = 1}, testing::patient({}));
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  ASSERT_TRUE(client.put(key(1), {{"v", 1}}).get().ok());
  client.close();

  Ledger ledger(4);
  client.get(key(1), [&](Result<Record> r) { ledger.complete(0, r.code()); });
  client.put(key(1), {{"v", 2}}, [&](Result<void> r) { ledger.complete(1, r.code()); });
  client.exists(key(1), client.config().read, [&](Result<bool> r) { ledger.complete(2, r.code()); });
  client.batch_get({key(1), key(2)}, BatchRead::all(), client.config().batch,
                   [&](Result<std::vector<BatchRecord>> r) { ledger.complete(3, r.code()); });
  ASSERT_TRUE(ledger.wait_for(4, 10s));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ledger.done(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(ledger.code(i), kClosed) << i;

  Result<Record> f = client.get(key(1)).get();
  EXPECT_EQ(f.code(), kClosed);
  EXPECT_NE(f.status().message().find("closed"), std::string::npos);
  EXPECT_EQ(client.remove(key(1)).get().code(), kClosed);
  EXPECT_EQ(client.batch_operate({key(1)}, {Operation::read("v")}).get().code(), kClosed);
}

TEST(MiscTest, CloseWhileAnotherThreadKeepsSubmitting) {
  ClientConfig config = testing::patient({});
  config.loops = 2;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  constexpr std::size_t kMax = 100000;
  constexpr int kInFlight = 200;
  constexpr int kAfterClose = 2000;  // client_closed completions the submitter waits to see
  Ledger ledger(kMax);
  std::atomic<std::size_t> submitted{0};
  std::atomic<int> closed_seen{0};
  std::atomic<bool> stuck{false};
  std::mutex m;
  std::condition_variable cv;
  int free = kInFlight;

  std::thread submitter([&] {
    for (std::size_t i = 0; i < kMax && closed_seen.load() < kAfterClose; ++i) {
      {
        std::unique_lock<std::mutex> l(m);
        if (!cv.wait_for(l, 30s, [&] { return free > 0; })) {
          stuck = true;
          return;
        }
        --free;
      }
      submitted.store(i + 1);
      client.get(key(static_cast<int>(i % 100)), [&, i](Result<Record> r) {
        if (r.code() == kClosed) closed_seen.fetch_add(1);
        ledger.complete(i, r.code());
        std::lock_guard<std::mutex> g(m);
        ++free;
        cv.notify_all();
      });
    }
  });
  EXPECT_TRUE(wait_until([&] { return ledger.done() >= 3000 || stuck.load(); }, 60s));
  client.close();
  submitter.join();
  ASSERT_FALSE(stuck.load()) << "no completion for 30 s";
  const std::size_t n = submitted.load();
  ASSERT_TRUE(ledger.wait_for(n, 30s));
  EXPECT_EQ(ledger.never(n), 0u);
  EXPECT_EQ(ledger.twice(n), 0u);
  EXPECT_EQ(ledger.out_of_range(), 0u);
  std::map<int, int> codes;
  for (std::size_t i = 0; i < n; ++i) ++codes[ledger.code(i)];
  for (auto [code, k] : codes) {
    EXPECT_TRUE(code == 0 || code == result::record_not_found || code == result::timeout ||
                code == kClosed)
        << "code " << code << " x" << k;
  }
  EXPECT_GE(codes[kClosed], kAfterClose);
  // Wait for the callbacks' last touches of the limiter before it goes out of scope.
  std::unique_lock<std::mutex> l(m);
  EXPECT_TRUE(cv.wait_for(l, 30s, [&] { return free == kInFlight; }));
}

}  // namespace
}  // namespace aero
