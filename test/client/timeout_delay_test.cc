// Policy::timeout_delay: a command that times out while its answer is on the way completes
// with its timeout at once, and its connection is drained in the background (the late
// answer read and thrown away) and put back in the pool instead of closed. Shown against a
// node that answers late (Fault::delay_by) and one that never answers (Fault::hang):
//  - with the delay, timeouts stop costing a new connection each; without it, each does;
//  - a late answer never reaches the next command on a recovered connection;
//  - a drain whose answer does not come in time closes the connection;
//  - under concurrency and retries every command still completes exactly once.
#include <gtest/gtest.h>

#include <string>

#include "io/loop_thread.h"
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

Key key(int i) { return Key("test", "timeout_delay", static_cast<std::int64_t>(i)); }

// A read that cannot wait for a 60 ms late answer.
ReadPolicy impatient(Millis timeout_delay) {
  ReadPolicy p;
  p.total_timeout = 20ms;
  p.socket_timeout = 20ms;
  p.max_retries = 0;
  p.timeout_delay = timeout_delay;
  return p;
}

bool drains_settled(Client& c) {
  const ClientStats s = c.stats();
  return s.drains_recovered + s.drains_closed == s.drains_started;
}

constexpr int kKeys = 20;
constexpr int kTimeouts = 30;

// Runs kTimeouts gets one after another against the late node; returns the sockets the
// client opened meanwhile. Every get must time out.
std::uint64_t sockets_opened_by_timeouts(Client& client, Millis timeout_delay) {
  const std::uint64_t before = client.stats().sockets_opened;
  for (int i = 0; i < kTimeouts; ++i) {
    Result<Record> r = client.get(key(i % kKeys), impatient(timeout_delay)).get();
    EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  }
  return client.stats().sockets_opened - before;
}

// After the fault is cleared, every key reads its own value: no late answer of an earlier
// command is taken for the answer of a later one.
void expect_every_key_reads_its_own_value(Client& client) {
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      Result<Record> r = client.get(key(i)).get();
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      const Value* v = r->find("v");
      ASSERT_NE(v, nullptr);
      EXPECT_EQ(*v, Value(i)) << "key " << i << " got another command's answer";
    }
  }
}

class TimeoutDelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("delays or hangs the server's answers (faults)");
    ClientConfig config = testing::patient({});
    config.max_error_rate = 0;  // hundreds of timeouts on purpose: no circuit breaker
    cc_ = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
    for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(client().put(key(i), {{"v", i}}).get().ok());
  }
  Client& client() { return *cc_.client; }
  testserver::Node& node() { return cc_.cluster->node(0); }

  ClusterClient cc_;
};

TEST_F(TimeoutDelayTest, DrainedConnectionsAreReusedAndLateAnswersNeverDelivered) {
  node().set_fault(Fault::delay_by(60ms).only(FaultScope::kDataRequests));
  // Without the delay every timeout closes its connection and the next get opens one (the
  // first get takes the connection the puts left in the pool).
  const std::uint64_t closing = sockets_opened_by_timeouts(client(), 0ms);
  EXPECT_GE(closing, static_cast<std::uint64_t>(kTimeouts - 1));
  EXPECT_EQ(client().stats().drains_started, 0u);

  // With it, a connection comes back once its late answer is read: a few connections serve
  // all the timeouts.
  const std::uint64_t draining = sockets_opened_by_timeouts(client(), 10s);
  ASSERT_TRUE(wait_until([&] { return drains_settled(client()); }, 30s));
  const ClientStats s = client().stats();
  EXPECT_EQ(s.drains_started, static_cast<std::uint64_t>(kTimeouts));
  EXPECT_EQ(s.drains_recovered, static_cast<std::uint64_t>(kTimeouts));
  EXPECT_EQ(s.drains_closed, 0u);
  EXPECT_LE(draining, static_cast<std::uint64_t>(kTimeouts / 3))
      << "timeouts with a delay opened " << draining << " sockets, without " << closing;
  std::printf("sockets opened by %d timeouts: %llu closing, %llu draining\n", kTimeouts,
              static_cast<unsigned long long>(closing), static_cast<unsigned long long>(draining));

  node().clear_fault();
  expect_every_key_reads_its_own_value(client());
}

TEST_F(TimeoutDelayTest, AnswerThatNeverComesClosesTheConnection) {
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  constexpr int kHung = 5;
  for (int i = 0; i < kHung; ++i) {
    Result<Record> r = client().get(key(i), impatient(50ms)).get();
    EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  }
  ASSERT_TRUE(wait_until([&] { return drains_settled(client()); }, 30s));
  const ClientStats s = client().stats();
  EXPECT_EQ(s.drains_started, static_cast<std::uint64_t>(kHung));
  EXPECT_EQ(s.drains_recovered, 0u);
  EXPECT_EQ(s.drains_closed, static_cast<std::uint64_t>(kHung));
  node().clear_fault();
  expect_every_key_reads_its_own_value(client());
}

// A client closed while a drain is in flight waits for it: on a loop the user keeps running
// the drain would otherwise finish after the client (and its per-loop state) is gone.
TEST_F(TimeoutDelayTest, CloseWaitsForDrainsOnAUserLoop) {
  io::LoopThread user_loop;
  ClientConfig config = testing::patient({});
  config.seeds = {{"127.0.0.1", cc_.cluster->seed_port()}};
  config.user_loops = {&user_loop.loop()};
  config.max_error_rate = 0;
  auto connected = Client::connect(config);
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  std::unique_ptr<Client> client = std::move(connected).value();
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  Result<Record> r = client->get(key(1), impatient(200ms)).get();
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  client->close();  // returns once the drain closed the hung connection
  const ClientStats s = client->stats();
  EXPECT_EQ(s.drains_started, 1u);
  EXPECT_EQ(s.drains_closed, 1u);
  client.reset();
  node().clear_fault();
  user_loop.stop();  // the loop outlived the client: nothing of the client may run on it now
}

// Many gets at once, each retried once, against a node whose answers are late: attempts time
// out in every state (waiting for a connection, connecting, reading), reading ones hand their
// connection to a drain while the command retries. Each command completes exactly once and
// every drain ends.
TEST_F(TimeoutDelayTest, ConcurrentTimeoutsWithRetriesCompleteExactlyOnce) {
  node().set_fault(Fault::delay_by(30ms).only(FaultScope::kDataRequests));
  constexpr std::size_t kCommands = 300;
  Ledger ledger(kCommands);
  ReadPolicy p = impatient(2s);
  p.total_timeout = 60ms;
  p.max_retries = 1;
  for (std::size_t i = 0; i < kCommands; ++i) {
    client().get(key(static_cast<int>(i % kKeys)), p,
                 [&ledger, i](Result<Record> r) { ledger.complete(i, r.code()); });
  }
  ASSERT_TRUE(ledger.wait_for(kCommands, 30s)) << "lost completions";
  EXPECT_EQ(ledger.never(kCommands), 0u);
  EXPECT_EQ(ledger.twice(kCommands), 0u);
  ASSERT_TRUE(wait_until([&] { return drains_settled(client()); }, 30s));
  EXPECT_GT(client().stats().drains_started, 0u);
  node().clear_fault();
  expect_every_key_reads_its_own_value(client());
}

}  // namespace
}  // namespace aero
