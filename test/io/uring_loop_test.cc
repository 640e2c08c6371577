// io_uring-specific tests (io/uring): a full submission queue, completion queue overflow,
// cancellation of a receive the kernel already holds versus one it never saw, and the
// fallback to epoll when io_uring_setup is refused. Skipped where the kernel refuses io_uring
// (except the fallback, which needs no io_uring at all).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io/uring/uring_loop.h"
#include "test/io/loopback.h"

namespace aero::io::testing {
namespace {

using namespace std::chrono_literals;

const std::error_code kCanceled = std::make_error_code(std::errc::operation_canceled);

std::unique_ptr<UringLoop> make_or_skip(const UringOptions& options, std::string& why) {
  std::error_code error;
  std::unique_ptr<Loop> loop = make_uring_loop(options, &error);
  if (loop == nullptr) why = error.message();
  return std::unique_ptr<UringLoop>(static_cast<UringLoop*>(loop.release()));
}

#define MAKE_OR_SKIP(var, options)                                   \
  std::string why_##var;                                             \
  std::unique_ptr<UringLoop> var = make_or_skip(options, why_##var); \
  if (var == nullptr) GTEST_SKIP() << "io_uring refused: " << why_##var

// Accepts `count` connections and echoes each on its own thread until the peer closes.
class EchoServer {
 public:
  explicit EchoServer(int count) : listener_(count + 16) {
    acceptor_ = std::thread([this, count] {
      for (int i = 0; i < count; ++i) {
        const int fd = listener_.accept_one();
        if (fd < 0) return;
        sessions_.emplace_back([fd] {
          echo_until_eof(fd);
          close_socket(fd);
        });
      }
    });
  }
  ~EchoServer() {
    acceptor_.join();
    for (auto& t : sessions_) t.join();
  }
  Endpoint endpoint() const { return listener_.endpoint(); }

 private:
  Listener listener_;
  std::thread acceptor_;
  std::vector<std::thread> sessions_;
};

// `count` connections on `loop`, each sending `rounds` messages and reading each echo back;
// every connect/write/read handler must run exactly once. Returns how many echoes came back.
int echo_many(UringLoop& loop, const Endpoint& to, int count, int rounds) {
  struct Conn {
    SocketId id;
    std::string out;
    ConstBuffer buffer{};
    char in[64] = {};
    int round = 0;
  };
  std::vector<Conn> conns(static_cast<std::size_t>(count));
  int echoes = 0, finished = 0, handler_calls = 0, expected_calls = 0;
  std::function<void(Conn&)> next_round = [&](Conn& c) {
    c.out = "message " + std::to_string(c.round) + " of " + std::to_string(c.id.value);
    c.buffer = {c.out.data(), c.out.size()};
    expected_calls += 2;
    loop.write(c.id, {&c.buffer, 1}, [&](std::error_code ec, std::size_t n) {
      ++handler_calls;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, c.out.size());
    });
    loop.read(c.id, {c.in, sizeof c.in}, c.out.size(), [&](std::error_code ec, std::size_t n) {
      ++handler_calls;
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(c.in, n), c.out);
      ++echoes;
      if (++c.round < rounds) return next_round(c);
      loop.close(c.id);
      if (++finished == count) loop.stop();
    });
  };
  for (Conn& c : conns) {
    ++expected_calls;
    loop.connect(to, loop.now() + 30s, [&](std::error_code ec, SocketId s) {
      ++handler_calls;
      ASSERT_FALSE(ec) << ec.message();
      c.id = s;
      next_round(c);
    });
  }
  Timer watchdog([&] {
    ADD_FAILURE() << "watchdog: " << finished << " of " << count << " connections finished";
    loop.stop();
  });
  loop.start_timer(watchdog, loop.now() + 60s);
  loop.run();
  EXPECT_EQ(handler_calls, expected_calls) << "every handler exactly once";
  return echoes;
}

// 64 connections on a ring of 2 SQEs: every burst of connects, sends and receives overruns
// the SQ, which is submitted early to make room; nothing is lost or doubled.
TEST(UringLoop, FullSubmissionQueueIsSubmittedEarly) {
  MAKE_OR_SKIP(loop, (UringOptions{2, 0}));
  constexpr int kConns = 64, kRounds = 5;
  EchoServer server(kConns);
  EXPECT_EQ(echo_many(*loop, server.endpoint(), kConns, kRounds), kConns * kRounds);
  EXPECT_GT(loop->uring_stats().sq_full, 0u);
}

// The same with a CQ of 2 entries: sends that complete during submission post more CQEs than
// the CQ holds; the kernel keeps the rest (IORING_FEAT_NODROP) and the loop flushes them.
// (Reads are not linked to the sends here: a linked pair's send posts no CQE.)
TEST(UringLoop, CompletionQueueOverflowIsFlushed) {
  MAKE_OR_SKIP(loop, (UringOptions{2, 2, false}));
  constexpr int kConns = 64, kRounds = 5;
  EchoServer server(kConns);
  EXPECT_EQ(echo_many(*loop, server.endpoint(), kConns, kRounds), kConns * kRounds);
  EXPECT_GT(loop->uring_stats().cq_overflows, 0u);
}

// A receive the kernel already holds (submitted, waiting for data) is cancelled with
// IORING_OP_ASYNC_CANCEL; one it never saw is turned into a NOP. Either way the handler gets
// operation_canceled once, no byte is lost, and the socket reads on.
TEST(UringLoop, CancelReceiveInFlightAndQueued) {
  MAKE_OR_SKIP(loop, (UringOptions{}));
  EchoServer server(1);
  char in[16];
  std::string ping = "ping";
  ConstBuffer out{ping.data(), ping.size()};
  int cancelled = 0, echoed = 0;
  SocketId socket;
  UringStats at_cancel;
  Timer later;
  loop->connect(server.endpoint(), loop->now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    // Queued, and retracted before any enter: a NOP.
    loop->read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t n) {
      ++cancelled;
      EXPECT_EQ(ec, kCanceled);
      EXPECT_EQ(n, 0u);
    });
    const UringStats before = loop->uring_stats();
    EXPECT_TRUE(loop->cancel(s));
    EXPECT_EQ(loop->uring_stats().retracted, before.retracted + 1);
    EXPECT_EQ(loop->uring_stats().async_cancels, before.async_cancels);
    // Started again; the timer below runs after the loop's next wait has submitted it.
    loop->read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t n) {
      ++cancelled;
      EXPECT_EQ(ec, kCanceled) << ec.message();
      EXPECT_EQ(n, 0u);
    });
    later.set_handler([&] {
      at_cancel = loop->uring_stats();
      EXPECT_TRUE(loop->cancel(socket));
      EXPECT_EQ(loop->uring_stats().async_cancels, at_cancel.async_cancels + 1);
      EXPECT_EQ(loop->uring_stats().retracted, at_cancel.retracted);
      loop->write(socket, {&out, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
      loop->read(socket, {in, sizeof in}, 4, [&](std::error_code ec, std::size_t n) {
        ++echoed;
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(std::string(in, n), "ping") << "the cancelled receives took no byte";
        loop->close(socket);
        loop->stop();
      });
    });
    loop->start_timer(later, loop->now() + 20ms);
  });
  Timer watchdog([&] {
    ADD_FAILURE() << "watchdog";
    loop->stop();
  });
  loop->start_timer(watchdog, loop->now() + 60s);
  loop->run();
  EXPECT_EQ(cancelled, 2);
  EXPECT_EQ(echoed, 1);
}

// Closing a socket whose receive the kernel holds: the descriptor is closed at once, the
// receive ends through its ASYNC_CANCEL, and a new socket that may get the same descriptor
// number is not disturbed by it.
TEST(UringLoop, CloseWithReceiveInFlightThenReuseTheNumber) {
  MAKE_OR_SKIP(loop, (UringOptions{}));
  EchoServer server(2);
  char in[16], in2[16];
  std::string ping = "ping";
  ConstBuffer out{ping.data(), ping.size()};
  int cancelled = 0, echoed = 0;
  Timer later;
  loop->connect(server.endpoint(), loop->now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop->read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
      ++cancelled;
      EXPECT_EQ(ec, kCanceled) << ec.message();
    });
    later.set_handler([&, s] {
      loop->close(s);
      loop->connect(server.endpoint(), loop->now() + 30s, [&](std::error_code ec, SocketId t) {
        ASSERT_FALSE(ec) << ec.message();
        loop->write(t, {&out, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
        loop->read(t, {in2, sizeof in2}, 4, [&, t](std::error_code ec, std::size_t n) {
          ++echoed;
          EXPECT_FALSE(ec) << ec.message();
          EXPECT_EQ(std::string(in2, n), "ping");
          loop->close(t);
          loop->stop();
        });
      });
    });
    loop->start_timer(later, loop->now() + 20ms);
  });
  Timer watchdog([&] {
    ADD_FAILURE() << "watchdog";
    loop->stop();
  });
  loop->start_timer(watchdog, loop->now() + 60s);
  loop->run();
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(echoed, 1);
}

// An accept the kernel holds (submitted by the loop's wait) is cancelled by
// IORING_OP_ASYNC_CANCEL: its handler gets operation_canceled once, the listener accepts on;
// closing the listener with an accept in flight ends that accept the same way.
TEST(UringLoop, CancelAndCloseWithAcceptInFlight) {
  MAKE_OR_SKIP(loop, (UringOptions{}));
  const ListenResult l = loop->listen(Endpoint::loopback_v4(0), 16);
  ASSERT_FALSE(l.error) << l.error.message();
  int cancelled = 0, accepted = 0;
  SocketId client, server_side;
  Timer later;
  loop->accept(l.socket, [&](std::error_code ec, SocketId s) {
    ++cancelled;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    EXPECT_FALSE(s);
    loop->accept(l.socket, [&](std::error_code ec, SocketId s) {
      ++accepted;
      ASSERT_FALSE(ec) << ec.message();
      server_side = s;
      // In flight again, then the listener is closed under it.
      loop->accept(l.socket, [&](std::error_code ec, SocketId s) {
        ++cancelled;
        EXPECT_EQ(ec, kCanceled) << ec.message();
        EXPECT_FALSE(s);
        loop->stop();
      });
      later.set_handler([&] {
        const UringStats before = loop->uring_stats();
        loop->close(l.socket);
        EXPECT_EQ(loop->uring_stats().async_cancels, before.async_cancels + 1);
      });
      loop->start_timer(later, loop->now() + 20ms);
    });
    loop->connect(l.local, loop->now() + 30s, [&](std::error_code ec, SocketId c) {
      ASSERT_FALSE(ec) << ec.message();
      client = c;
    });
  });
  later.set_handler([&] {
    const UringStats before = loop->uring_stats();
    EXPECT_TRUE(loop->cancel(l.socket));
    EXPECT_EQ(loop->uring_stats().async_cancels, before.async_cancels + 1);
    EXPECT_EQ(loop->uring_stats().retracted, before.retracted);
  });
  loop->start_timer(later, loop->now() + 20ms);
  Timer watchdog([&] {
    ADD_FAILURE() << "watchdog";
    loop->stop();
  });
  loop->start_timer(watchdog, loop->now() + 60s);
  loop->run();
  EXPECT_EQ(cancelled, 2);
  EXPECT_EQ(accepted, 1);
  loop->close(client);
  loop->close(server_side);
  const LoopStats stats = loop->stats();
  EXPECT_EQ(stats.sockets_opened, 3u);
  EXPECT_EQ(stats.sockets_closed, 3u);
}

// A ping-pong of 200 round trips costs at most about two io_uring_enter calls per round trip
// (one that submits the send and the receive, one that waits), where readiness costs three
// system calls (send, wait, receive).
TEST(UringLoop, RoundTripsBatchSubmissions) {
  MAKE_OR_SKIP(loop, (UringOptions{}));
  constexpr int kRounds = 200;
  EchoServer server(1);
  const UringStats before = loop->uring_stats();
  const LoopStats stats_before = loop->stats();
  EXPECT_EQ(echo_many(*loop, server.endpoint(), 1, kRounds), kRounds);
  const UringStats after = loop->uring_stats();
  // LoopStats::system_calls: every enter, plus socket() and setsockopt() of the connect and
  // the close(), plus any wake-up's eventfd write; sends and receives are SQEs, not calls.
  const LoopStats stats_after = loop->stats();
  EXPECT_EQ(stats_after.system_calls - stats_before.system_calls,
            (after.enters - before.enters) + 3 + (stats_after.wakeups - stats_before.wakeups));
  std::printf("%llu io_uring_enter calls for %d round trips\n",
              static_cast<unsigned long long>(after.enters - before.enters), kRounds);
  EXPECT_LE(after.enters - before.enters, 2u * kRounds + 20);
  EXPECT_GE(after.sqes - before.sqes, 2u * kRounds);
}

// io_uring_setup refused (as by a seccomp policy or io_uring_disabled): make_uring_loop says

// Request/response on one connection: the read started right after the write is linked to it
// (see uring_loop.h), so a round trip costs one io_uring_enter (the bare io_uring limit's
// cost), and the write's completion comes before the read's.
TEST(UringLoop, LinkedRequestAndAnswerTakeOneEnterEach) {
  MAKE_OR_SKIP(loop, (UringOptions{}));
  if (!loop->links_reads_to_writes()) GTEST_SKIP() << "this kernel cannot link a recv to a send";
  EchoServer server(1);
  constexpr int kWarmUp = 10, kRounds = 200;
  std::string out;
  ConstBuffer buffer{};
  char in[64] = {};
  int round = 0;
  bool written = false;
  std::uint64_t enters_at_start = 0;
  std::function<void(SocketId)> next = [&](SocketId s) {
    if (round == kWarmUp) enters_at_start = loop->uring_stats().enters;
    out = "round " + std::to_string(round);
    buffer = {out.data(), out.size()};
    written = false;
    loop->write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t) {
      EXPECT_FALSE(ec) << ec.message();
      written = true;
    });
    loop->read(s, {in, sizeof in}, out.size(), [&, s](std::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_TRUE(written) << "the write completes before the read";
      EXPECT_EQ(std::string(in, n), out);
      if (++round < kRounds) return next(s);
      loop->close(s);
      loop->stop();
    });
  };
  loop->connect(server.endpoint(), loop->now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    next(s);
  });
  Timer watchdog([&] {
    ADD_FAILURE() << "watchdog: " << round << " rounds";
    loop->stop();
  });
  loop->start_timer(watchdog, loop->now() + 60s);
  const UringStats before = loop->uring_stats();
  loop->run();
  ASSERT_EQ(round, kRounds);
  const UringStats after = loop->uring_stats();
  EXPECT_GE(after.linked_pairs - before.linked_pairs, static_cast<std::uint64_t>(kRounds));
  const std::uint64_t measured = kRounds - kWarmUp;
  // One enter per round trip, plus at most the closing one(s); unlinked it takes two.
  EXPECT_LE(after.enters - enters_at_start, measured + 3);
}

// why, make_loop(LoopKind::io_uring) gives a working epoll loop and one line on stderr.
TEST(UringFallback, RefusedSetupFallsBackToEpoll) {
  set_uring_setup_failure_for_testing(EPERM);
  std::error_code why;
  EXPECT_EQ(make_uring_loop(UringOptions{}, &why), nullptr);
  EXPECT_EQ(why, std::errc::operation_not_permitted);

  ::testing::internal::CaptureStderr();
  std::unique_ptr<Loop> first = make_loop(LoopKind::io_uring);
  std::unique_ptr<Loop> second = make_loop(LoopKind::io_uring);
  const std::string logged = ::testing::internal::GetCapturedStderr();
  set_uring_setup_failure_for_testing(0);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(dynamic_cast<UringLoop*>(first.get()), nullptr);
  EXPECT_NE(logged.find("io_uring is not available"), std::string::npos) << logged;
  EXPECT_EQ(logged.find('\n'), logged.size() - 1) << "one line: " << logged;

  // The fallback loop works: an echo through it.
  EchoServer server(1);
  std::string text = "fallback";
  ConstBuffer out{text.data(), text.size()};
  char in[16];
  int echoed = 0;
  first->connect(server.endpoint(), first->now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    first->write(s, {&out, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    first->read(s, {in, sizeof in}, text.size(), [&, s](std::error_code ec, std::size_t n) {
      EXPECT_FALSE(ec);
      EXPECT_EQ(std::string(in, n), text);
      ++echoed;
      first->close(s);
      first->stop();
    });
  });
  first->run();
  EXPECT_EQ(echoed, 1);
}

// Choosing the backend: epoll by default, io_uring by kind or AERO_IO_BACKEND=uring.
TEST(UringFallback, KindAndEnvironmentChooseTheBackend) {
  std::error_code why;
  if (make_uring_loop(UringOptions{}, &why) == nullptr) {
    GTEST_SKIP() << "io_uring refused: " << why.message();
  }
  ::unsetenv("AERO_IO_BACKEND");
  EXPECT_EQ(dynamic_cast<UringLoop*>(make_loop().get()), nullptr);
  EXPECT_NE(dynamic_cast<UringLoop*>(make_loop(LoopKind::io_uring).get()), nullptr);
  EXPECT_EQ(dynamic_cast<UringLoop*>(make_loop(LoopKind::epoll).get()), nullptr);
  ::setenv("AERO_IO_BACKEND", "uring", 1);
  EXPECT_NE(dynamic_cast<UringLoop*>(make_loop().get()), nullptr);
  EXPECT_EQ(dynamic_cast<UringLoop*>(make_loop(LoopKind::epoll).get()), nullptr);
  ::setenv("AERO_IO_BACKEND", "epoll", 1);
  EXPECT_EQ(dynamic_cast<UringLoop*>(make_loop().get()), nullptr);
  ::unsetenv("AERO_IO_BACKEND");
}

}  // namespace
}  // namespace aero::io::testing
