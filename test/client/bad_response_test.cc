// Malformed answers: garbage, a truncated frame, an absurd frame length, a connection closed
// mid-answer. Each gives one completion with a clear error (bad_response, connection_failed,
// or a timeout for the truncated frame the server never finishes) whose message says what
// was wrong; the connection is discarded, never pooled, so the next command on the now
// healthy node opens a new connection and succeeds.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testing::Ledger;
using testing::wait_until;
using testserver::Fault;
using testserver::FaultScope;

struct BadAnswer {
  const char* name;
  Fault fault;
  int code;              // expected result code
  const char* says;      // expected in the message
};

class BadResponseFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("injects malformed answers into the server (faults) and counts its connections");
    cc_ = ClusterClient::start({.nodes = 1}, testing::patient({}));
    ASSERT_NE(cc_.client, nullptr);
    ASSERT_TRUE(client().put(key(1), {{"v", 1}}).get().ok());
  }
  Client& client() { return *cc_.client; }
  testserver::Node& node() { return cc_.cluster->node(0); }

  // One get with `policy`; checks it completed exactly once and returns its status.
  Status get_once(const ReadPolicy& policy) {
    Ledger ledger(1);
    std::mutex m;
    Status status;
    client().get(key(1), policy, [&](Result<Record> r) {
      {
        std::lock_guard<std::mutex> g(m);
        status = r.status();
        if (r.ok() && (r->find("v") == nullptr || *r->find("v")->as_int() != 1)) {
          status = Status(1000, "wrong record");
        }
      }
      ledger.complete(0, r.code());
    });
    EXPECT_TRUE(ledger.wait_for(1, 30s));
    // A late second completion would show up here.
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(ledger.done(), 1u);
    std::lock_guard<std::mutex> g(m);
    return status;
  }

  ClusterClient cc_;
};

class BadResponseTest : public BadResponseFixture,
                        public ::testing::WithParamInterface<BadAnswer> {};

// For the commands that must succeed: no retry (a reused spoiled connection would show),
// and timeouts a slow machine does not reach.
ReadPolicy healthy() {
  ReadPolicy p;
  p.max_retries = 0;
  p.total_timeout = 10000ms;
  p.socket_timeout = 10000ms;
  return p;
}

ReadPolicy no_retries() {
  ReadPolicy p;
  p.max_retries = 0;
  p.total_timeout = 2000ms;
  p.socket_timeout = 300ms;
  return p;
}

TEST_P(BadResponseTest, ClearErrorOneCompletionConnectionDiscarded) {
  const BadAnswer& bad = GetParam();
  node().set_fault(Fault(bad.fault).only(FaultScope::kDataRequests).times(1));
  Status st = get_once(no_retries());
  EXPECT_EQ(st.code(), bad.code) << st.to_string();
  EXPECT_NE(st.message().find(bad.says), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(node().id()), std::string::npos) << st.message();
  EXPECT_EQ(node().stats().faults_applied, 1u);

  // The spoiled connection is closed by the client: only the tender's stays open.
  EXPECT_TRUE(wait_until([&] { return node().stats().open_connections() == 1; }, 10s))
      << node().stats().open_connections() << " connections open on the server";
  const std::uint64_t opened = node().stats().connections_opened;
  Status next = get_once(healthy());
  EXPECT_TRUE(next.ok()) << next.to_string();
  EXPECT_EQ(node().stats().connections_opened, opened + 1) << "the next command needed a new connection";
  // That one is healthy and pooled: reused by the one after.
  Status third = get_once(healthy());
  EXPECT_TRUE(third.ok()) << third.to_string();
  EXPECT_EQ(node().stats().connections_opened, opened + 1);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, BadResponseTest,
    ::testing::Values(
        BadAnswer{"Garbage", Fault::garbage(), static_cast<int>(ClientCode::bad_response),
                  "version"},
        BadAnswer{"AbsurdLength", Fault::absurd_length(),
                  static_cast<int>(ClientCode::bad_response), "exceeds the limit"},
        BadAnswer{"CloseMidResponse", Fault::close_mid_response(),
                  static_cast<int>(ClientCode::connection_failed),
                  "closed the connection before the answer was complete"},
        // The server sends half a frame and then nothing: only the socket timeout can end
        // it; the message says how much of the answer had arrived.
        BadAnswer{"TruncatedFrame", Fault::truncated_frame(), result::timeout,
                  "bytes of the answer received"}),
    [](const ::testing::TestParamInfo<BadAnswer>& info) { return std::string(info.param.name); });

TEST_F(BadResponseFixture, AMalformedAnswerIsNotRetriedButABrokenConnectionIs) {
  ReadPolicy retries = healthy();
  retries.max_retries = 2;
  node().set_fault(Fault::garbage().only(FaultScope::kDataRequests).times(1));
  Status st = get_once(retries);
  EXPECT_EQ(st.code(), static_cast<int>(ClientCode::bad_response)) << st.to_string();
  EXPECT_EQ(node().stats().faults_applied, 1u);

  node().set_fault(Fault::close_mid_response().only(FaultScope::kDataRequests).times(1));
  st = get_once(retries);
  EXPECT_TRUE(st.ok()) << "the retry on a new connection answers: " << st.to_string();
  EXPECT_EQ(node().stats().faults_applied, 2u);
}

TEST_F(BadResponseFixture, AWriteWithABadAnswerIsInDoubt) {
  node().set_fault(Fault::garbage().only(FaultScope::kDataRequests).times(1));
  Result<void> w = client().put(key(2), {{"v", 2}}).get();
  EXPECT_EQ(w.code(), static_cast<int>(ClientCode::bad_response)) << w.status().to_string();
  EXPECT_TRUE(w.status().in_doubt());
  EXPECT_TRUE(client().put(key(2), {{"v", 2}}).get().ok());
}

TEST_F(BadResponseFixture, BatchWithABadAnswerFailsItsRowsOnce) {
  std::vector<Key> keys;
  for (int i = 0; i < 10; ++i) keys.push_back(key(i));
  node().set_fault(Fault::garbage().only(FaultScope::kDataRequests).times(1));
  BatchPolicy p;
  testing::patient(p);
  p.max_retries = 0;
  Ledger ledger(1);
  std::mutex m;
  Result<std::vector<BatchRecord>> out = Status(1000, "not set");
  client().batch_get(keys, BatchRead::all(), p, [&](Result<std::vector<BatchRecord>> r) {
    {
      std::lock_guard<std::mutex> g(m);
      out = std::move(r);
    }
    ledger.complete(0, 0);
  });
  ASSERT_TRUE(ledger.wait_for(1, 30s));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ledger.done(), 1u);
  std::lock_guard<std::mutex> g(m);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), keys.size());
  for (const BatchRecord& row : *out) {
    EXPECT_EQ(row.code, static_cast<int>(ClientCode::bad_response)) << row.message;
    EXPECT_NE(row.message.find("version"), std::string::npos) << row.message;
  }
  auto again = client().batch_get(keys, BatchRead::all(), p).get();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[1].code, 0) << (*again)[1].message;
}

}  // namespace
}  // namespace aero
