// The client on io_uring loops (ClientConfig::io_backend = io_uring, io/uring) end to end
// against the embedded test cluster (or AEROSPIKE_TEST_HOSTS): the same commands as on epoll,
// with many in flight on two loops. Skipped where the kernel refuses io_uring (the client
// would then run on epoll, which the other tests cover).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "io/uring/uring_loop.h"
#include "test/client/fixture.h"

namespace aero {
namespace {

using testing::ClusterClient;
using testing::key;

constexpr std::chrono::milliseconds kPatient{20000};

class UringClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code why;
    if (io::make_uring_loop(io::UringOptions{}, &why) == nullptr) {
      GTEST_SKIP() << "io_uring refused: " << why.message();
    }
    ClientConfig config;
    config.loops = 2;
    config.io_backend = io::LoopKind::io_uring;
    // Hundreds of commands, each on a new connection, under the sanitizers on a busy
    // 2-core machine: what is tested is that each completes right, not how fast.
    config.read.total_timeout = kPatient;
    config.write.total_timeout = kPatient;
    cc_ = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
  }
  Client& client() { return *cc_.client; }
  ClusterClient cc_;
};

TEST_F(UringClientTest, LoopsAreUring) {
  ASSERT_EQ(client().loop_count(), 2u);
  for (std::size_t i = 0; i < client().loop_count(); ++i) {
    EXPECT_NE(dynamic_cast<io::UringLoop*>(&client().loop(i)), nullptr) << "loop " << i;
  }
}

TEST_F(UringClientTest, ManyCommandsInFlight) {
  constexpr int kKeys = 300;
  std::vector<Future<void>> puts;
  for (int i = 0; i < kKeys; ++i) {
    puts.push_back(client().put(key(i, "uring"), {{"n", i}, {"s", "value " + std::to_string(i)}}));
  }
  for (auto& f : puts) {
    const Result<void> r = f.get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
  }
  std::vector<Future<Record>> gets;
  for (int i = 0; i < kKeys; ++i) gets.push_back(client().get(key(i, "uring")));
  for (int i = 0; i < kKeys; ++i) {
    Result<Record> r = gets[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("n")->as_int(), i);
    EXPECT_EQ(*r->find("s")->as_string(), "value " + std::to_string(i));
  }
  // Callbacks: every one exactly once.
  std::atomic<int> calls{0};
  std::promise<void> all;
  ReadPolicy patient;
  patient.total_timeout = kPatient;
  for (int i = 0; i < kKeys; ++i) {
    client().exists(key(i, "uring"), patient, [&](Result<bool> r) {
      EXPECT_TRUE(r.ok() && *r);
      if (calls.fetch_add(1) + 1 == kKeys) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_EQ(calls.load(), kKeys);
  EXPECT_FALSE(client().get(key(kKeys + 1, "uring")).get().ok());
  EXPECT_TRUE(client().remove(key(0, "uring")).get().value());
}

// A command starts its answer's read with its request's write, and the io_uring loop links the
// two in the kernel (io/uring/uring_loop.h): every command here is one linked pair, so one
// io_uring_enter both sends the request and waits for the answer.
TEST_F(UringClientTest, EachCommandLinksItsAnswerReadToItsRequest) {
  auto* first = dynamic_cast<io::UringLoop*>(&client().loop(0));
  ASSERT_NE(first, nullptr);
  if (!first->links_reads_to_writes()) GTEST_SKIP() << "this kernel cannot link a recv to a send";
  auto linked = [&] {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < client().loop_count(); ++i) {
      sum += static_cast<io::UringLoop&>(client().loop(i)).uring_stats().linked_pairs;
    }
    return sum;
  };
  ASSERT_TRUE(client().put(key(1, "linked"), {{"n", 1}}).get().ok());
  const std::uint64_t before = linked();
  constexpr int kCommands = 100;
  for (int i = 0; i < kCommands; ++i) {  // one at a time
    Result<Record> r = client().get(key(1, "linked")).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("n")->as_int(), 1);
  }
  // At least one pair per command (the tender's info requests add theirs).
  EXPECT_GE(linked() - before, static_cast<std::uint64_t>(kCommands));
}

}  // namespace
}  // namespace aero
