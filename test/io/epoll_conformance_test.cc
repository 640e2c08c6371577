// The conformance suite, instantiated for the epoll backend, plus what is epoll-specific.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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

// Writes started during an iteration leave together before the loop next waits, not inside
// the call that starts them (io/reactor/reactor_loop.h): a peer sees none of them while the
// handler that started them still runs, and all of them once they complete.
TEST(EpollLoop, WritesLeaveTogetherAtTheEndOfTheIteration) {
  using namespace std::chrono_literals;
  auto loop = make_epoll_loop();
  Listener listener;
  constexpr int kSockets = 4;
  SocketId sockets[kSockets];
  int peers[kSockets] = {-1, -1, -1, -1};
  char out[6] = "hello";
  ConstBuffer buffer{out, sizeof out};
  int connected = 0, written = 0, seen_inside = 0, seen_after = 0;
  auto peek_all = [&](int flags) {
    int seen = 0;
    for (int peer : peers) {
      char in[sizeof out];
      if (::recv(peer, in, sizeof in, MSG_PEEK | flags) == static_cast<ssize_t>(sizeof out)) ++seen;
    }
    return seen;
  };
  for (int i = 0; i < kSockets; ++i) {
    loop->connect(listener.endpoint(), loop->now() + 30s, [&, i](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      sockets[i] = s;
      if (++connected < kSockets) return;
      for (int& peer : peers) {
        peer = listener.accept_one();  // already in the accept queue: does not block
        ASSERT_GE(peer, 0);
      }
      for (SocketId socket : sockets) {
        loop->write(socket, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
          EXPECT_FALSE(ec) << ec.message();
          EXPECT_EQ(n, sizeof out);
          if (++written < kSockets) return;
          seen_after = peek_all(0);  // blocking, at most kPatience
          for (SocketId socket : sockets) loop->close(socket);
          loop->stop();
        });
      }
      seen_inside = peek_all(MSG_DONTWAIT);
    });
  }
  loop->run();
  for (int peer : peers) {
    if (peer >= 0) ::close(peer);
  }
  EXPECT_EQ(written, kSockets);
  EXPECT_EQ(seen_inside, 0) << "a write left inside the call that started it";
  EXPECT_EQ(seen_after, kSockets);
}

// Connects `loop` to `listener`, accepts the connection's far end into `*peer` (already in the
// accept queue: no wait), then runs `then` with the loop's socket, in the connect's handler.
void connect_to_peer(Loop& loop, Listener& listener, int* peer,
                     std::function<void(SocketId)> then) {
  using namespace std::chrono_literals;
  loop.connect(listener.endpoint(), loop.now() + 30s,
               [&listener, peer, then = std::move(then)](std::error_code ec, SocketId s) {
                 ASSERT_FALSE(ec) << ec.message();
                 *peer = listener.accept_one();
                 then(s);
               });
}

// A write started just before stop() still goes out, not cancelled for having waited for the
// end of the iteration: here the second one, started by the first one's completion (after the
// iteration's own flush) in the iteration that stops the loop.
TEST(EpollLoop, AWriteStartedJustBeforeStopStillGoesOut) {
  auto loop = make_epoll_loop();
  Listener listener;
  char out[6] = "hello";
  ConstBuffer buffer{out, sizeof out};
  int peer = -1;
  std::error_code first = make_error_code(Errc::busy), second = first;  // set by the handlers
  std::size_t sent = 0;
  connect_to_peer(*loop, listener, &peer, [&](SocketId s) {
    loop->write(s, {&buffer, 1}, [&, s](std::error_code ec, std::size_t n) {
      first = ec;
      sent += n;
      loop->write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
        second = ec;
        sent += n;
      });
      loop->stop();
    });
  });
  loop->run();
  ASSERT_GE(peer, 0);
  char in[2 * sizeof out] = {};
  const ssize_t got = ::recv(peer, in, sizeof in, MSG_WAITALL);  // at most kPatience
  ::close(peer);
  EXPECT_FALSE(first) << first.message();
  EXPECT_FALSE(second) << second.message();
  EXPECT_EQ(sent, 2 * sizeof out);
  EXPECT_EQ(got, static_cast<ssize_t>(2 * sizeof out));
}

// A write, then at once a close (a last message): the write gets the try it would have had
// inside write() before the socket closes, so the peer reads the bytes, then the eof.
TEST(EpollLoop, AWriteThenACloseSendsTheBytes) {
  auto loop = make_epoll_loop();
  Listener listener;
  char out[6] = "hello";
  ConstBuffer buffer{out, sizeof out};
  int peer = -1;
  std::error_code result = make_error_code(Errc::busy);  // set by the handler
  std::size_t sent = 0;
  connect_to_peer(*loop, listener, &peer, [&](SocketId s) {
    loop->write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
      result = ec;
      sent = n;
      loop->stop();
    });
    loop->close(s);
  });
  loop->run();
  ASSERT_GE(peer, 0);
  char in[2 * sizeof out] = {};
  const ssize_t got = ::recv(peer, in, sizeof in, MSG_WAITALL);  // stops at the eof
  ::close(peer);
  EXPECT_EQ(sent, sizeof out) << result.message();
  EXPECT_EQ(got, static_cast<ssize_t>(sizeof out));
}

}  // namespace aero::io::testing
