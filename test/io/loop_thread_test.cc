// LoopThread: started and stopped cleanly, several side by side, work reaches each loop.
#include "io/loop_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <vector>

#include "test/io/loopback.h"

namespace aero::io {
namespace {

using namespace std::chrono_literals;

TEST(LoopThread, StartsAndStopsWithNothingToDo) {
  LoopThread thread;
  thread.stop();
  thread.stop();  // idempotent
  EXPECT_FALSE(thread.loop().post([] {}));
}

TEST(LoopThread, SeveralLoopsSideBySide) {
  constexpr int kLoops = 4, kPosts = 1000;
  std::vector<std::unique_ptr<LoopThread>> threads;
  std::vector<std::atomic<int>> counts(kLoops);
  for (int i = 0; i < kLoops; ++i) threads.push_back(std::make_unique<LoopThread>());
  for (int p = 0; p < kPosts; ++p) {
    for (int i = 0; i < kLoops; ++i) {
      Loop* loop = &threads[i]->loop();
      ASSERT_TRUE(loop->post([&counts, i, loop] {
        EXPECT_TRUE(loop->in_loop_thread());
        counts[i].fetch_add(1, std::memory_order_relaxed);
      }));
    }
  }
  threads.clear();  // each destructor stops (accepted posts still run) and joins
  for (int i = 0; i < kLoops; ++i) EXPECT_EQ(counts[i].load(), kPosts);
}

TEST(LoopThread, ConnectsFromItsLoopAndPendingWorkIsCancelledOnStop) {
  testing::OneShotServer server([](int fd) {
    char byte;
    testing::recv_exactly(fd, &byte, 1);  // returns at the client's close
  });
  std::promise<SocketId> connected;
  std::promise<std::error_code> read_result;
  static char buffer[8];
  auto thread = std::make_unique<LoopThread>();
  Loop& loop = thread->loop();
  loop.post([&] {
    loop.connect(server.endpoint(), loop.now() + 30s, [&](std::error_code ec, SocketId s) {
      connected.set_value(s);
      if (ec) return;
      loop.read(s, {buffer, sizeof buffer}, 1, [&](std::error_code ec, std::size_t) {
        read_result.set_value(ec);
      });
    });
  });
  auto socket = connected.get_future().get();
  ASSERT_TRUE(socket);
  thread.reset();  // stop with the read pending
  EXPECT_EQ(read_result.get_future().get(), std::errc::operation_canceled);
}

}  // namespace
}  // namespace aero::io
