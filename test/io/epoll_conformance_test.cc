// The conformance suite, instantiated for the epoll backend, plus what is epoll-specific.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "io/epoll/epoll_loop.h"
#include "test/io/loop_conformance.h"
#include "test/io/loopback.h"

namespace aero::io::testing {

INSTANTIATE_TEST_SUITE_P(Linux, LoopConformance,
                         ::testing::Values(Backend{"epoll", &make_epoll_loop}), backend_name);

// Posts made on the running loop's own thread need no eventfd write: the loop checks for
// them before it blocks.
TEST(EpollLoop, PostsFromTheLoopThreadCostNoWakeup) {
  auto loop = make_epoll_loop();
  int ran = 0;
  std::uint64_t wakeups_inside = 0;
  loop->post([&] {
    wakeups_inside = loop->stats().wakeups;
    for (int i = 0; i < 100; ++i) {
      loop->post([&] {
        if (++ran == 100) loop->stop();
      });
    }
  });
  loop->run();
  EXPECT_EQ(ran, 100);
  EXPECT_EQ(loop->stats().wakeups, wakeups_inside);
}

// LoopStats::system_calls counts every call the loop makes: a ping-pong of 200 round trips
// on one connection costs a send, an epoll_wait and a recv per round trip (the recv that
// fills the read is short, so the loop waits for the next edge instead of calling again).
TEST(EpollLoop, CountsItsSystemCalls) {
  using namespace std::chrono_literals;
  auto loop = make_epoll_loop();
  constexpr int kRounds = 200;
  OneShotServer server([](int fd) { echo_until_eof(fd); });
  const LoopStats before = loop->stats();
  char out[8] = "ping123", in[64];  // room to spare: the recv that fills it is short
  ConstBuffer buffer{out, sizeof out};
  int rounds = 0;
  SocketId socket;
  std::function<void()> round = [&] {
    loop->write(socket, {&buffer, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    loop->read(socket, {in, sizeof in}, sizeof out, [&](std::error_code ec, std::size_t) {
      ASSERT_FALSE(ec) << ec.message();
      if (++rounds < kRounds) return round();
      loop->close(socket);
      loop->stop();
    });
  };
  loop->connect(server.endpoint(), loop->now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    round();
  });
  loop->run();
  EXPECT_EQ(rounds, kRounds);
  const LoopStats after = loop->stats();
  const std::uint64_t calls = after.system_calls - before.system_calls;
  std::printf("%llu system calls for %d round trips (%llu waits)\n",
              static_cast<unsigned long long>(calls), kRounds,
              static_cast<unsigned long long>(after.polls - before.polls));
  // At least a send, a recv and (mostly) a wait each; at most a few more in all (socket,
  // setsockopt, connect, getsockopt, epoll_ctl add and remove, close, a late edge's wait).
  EXPECT_GE(calls, 2u * kRounds + (after.polls - before.polls));
  EXPECT_LE(calls, 3u * kRounds + 20);
  // Beside the waits: a send and a recv per round trip, and socket, setsockopt, connect,
  // epoll_ctl(add), getsockopt (unless the connect finished at once), epoll_ctl(del), close.
  EXPECT_GE(calls - (after.polls - before.polls), 2u * kRounds + 6);
  EXPECT_LE(calls - (after.polls - before.polls), 2u * kRounds + 10);
}

}  // namespace aero::io::testing
