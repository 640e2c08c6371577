// The io::Loop conformance suite (see loop_conformance.h). Every test drives one loop on the
// test thread against small blocking loopback servers (loopback.h), stops by itself, and
// checks outcomes and counts, never durations.
#include "test/io/loop_conformance.h"

#include <atomic>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test/io/loopback.h"

namespace aero::io::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kLarge = 64 * 1024 * 1024;  // larger than any loopback socket buffer

// The test pattern for stream offsets [0, size), cut into uneven buffers (one empty).
struct PatternBuffers {
  explicit PatternBuffers(std::size_t size) : bytes(size) {
    for (std::size_t i = 0; i < size; ++i) bytes[i] = pattern_byte(i);
    const std::size_t cuts[] = {1, 4096 + 3, 0, 7 * 1024 * 1024 + 11, size / 3};
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
      if (at + cut > size) break;
      list.push_back({bytes.data() + at, cut});
      at += cut;
    }
    list.push_back({bytes.data() + at, size - at});
  }
  std::uint64_t checksum() const { return checksum_update(0, bytes.data(), bytes.size(), 0); }
  std::vector<std::uint8_t> bytes;
  std::vector<ConstBuffer> list;
};

}  // namespace

void LoopConformance::run_loop() {
  watchdog_.set_handler([this] {
    ADD_FAILURE() << "watchdog: the test did not stop the loop";
    loop_->stop();
  });
  loop_->start_timer(watchdog_, loop_->now() + 60s);
  loop_->run();
  EXPECT_FALSE(watchdog_.armed()) << "stop() must disarm timers";
}

// ---- connect ----

TEST_P(LoopConformance, ConnectSucceedsAndEchoes) {
  OneShotServer server(echo_until_eof);
  std::string sent = "hello, loop";
  std::vector<ConstBuffer> out = {{sent.data(), 7}, {sent.data() + 7, sent.size() - 7}};
  char in[64] = {};
  int connects = 0, writes = 0, reads = 0;
  SocketId returned = loop().connect(server.endpoint(), loop().now() + 30s,
                                     [&](std::error_code ec, SocketId s) {
    ++connects;
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(s);
    loop().write(s, out, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, sent.size());
    });
    loop().read(s, {in, sizeof in}, sent.size(), [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(in, n), sent);
      loop().close(s);
      loop().stop();
    });
  });
  EXPECT_TRUE(returned);
  run_loop();
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(reads, 1);
}

TEST_P(LoopConformance, ConnectRefused) {
  RefusingPort port;
  int calls = 0;
  loop().connect(port.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(s);
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
}

// A deterministic timeout on loopback: the listener's accept queue is full, so the kernel
// drops our SYN and the connect stays pending until its deadline.
TEST_P(LoopConformance, ConnectTimesOut) {
  BlackHole hole;
  int calls = 0;
  SocketId id = loop().connect(hole.endpoint(), loop().now() + 100ms,
                               [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_FALSE(s);
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(loop().cancel(id)) << "a timed-out connect leaves no socket";
}

TEST_P(LoopConformance, ConnectWithDeadlineInThePastTimesOut) {
  BlackHole hole;
  int calls = 0;
  loop().connect(hole.endpoint(), loop().now() - 1s, [&](std::error_code ec, SocketId) {
    ++calls;
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
}

TEST_P(LoopConformance, CancelPendingConnect) {
  BlackHole hole;
  int calls = 0;
  SocketId id = loop().connect(hole.endpoint(), loop().now() + 30s,
                               [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    EXPECT_FALSE(s);
  });
  ASSERT_TRUE(id);
  EXPECT_TRUE(loop().cancel(id));
  EXPECT_EQ(calls, 0) << "handlers never run inside the call";
  EXPECT_FALSE(loop().cancel(id)) << "the cancelled connect's id is gone";
  char byte;
  loop().read(id, {&byte, 1}, 1, [&](std::error_code ec, std::size_t) {
    EXPECT_EQ(ec, Errc::bad_socket);
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
}

TEST_P(LoopConformance, ReadOrWriteWhileConnectingIsNotConnected) {
  BlackHole hole;
  int calls = 0;
  char byte = 0;
  ConstBuffer out{&byte, 1};
  SocketId id = loop().connect(hole.endpoint(), loop().now() + 30s,
                               [&](std::error_code ec, SocketId) {
    ++calls;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    loop().stop();
  });
  auto expect_not_connected = [&](std::error_code ec, std::size_t n) {
    ++calls;
    EXPECT_EQ(ec, std::errc::not_connected) << ec.message();
    EXPECT_EQ(n, 0u);
  };
  loop().read(id, {&byte, 1}, 1, expect_not_connected);
  loop().write(id, {&out, 1}, expect_not_connected);
  EXPECT_TRUE(loop().cancel(id)) << "the connect is still pending";
  run_loop();
  EXPECT_EQ(calls, 3);
}

TEST_P(LoopConformance, ClosePendingConnect) {
  BlackHole hole;
  int calls = 0;
  SocketId id = loop().connect(hole.endpoint(), loop().now() + 30s,
                               [&](std::error_code ec, SocketId) {
    ++calls;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    loop().stop();
  });
  loop().close(id);
  loop().close(id);  // a second close of the same id does nothing
  run_loop();
  EXPECT_EQ(calls, 1);
}

// ---- read ----

TEST_P(LoopConformance, PeerClosesMidRead) {
  OneShotServer server([](int fd) { send_all(fd, std::string("0123456789")); });
  char in[64];
  int reads = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 20, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_EQ(ec, Errc::eof) << ec.message();
      EXPECT_EQ(n, 10u) << "the bytes that did arrive are reported";
      EXPECT_EQ(std::string(in, n), "0123456789");
      // End of stream stays: the next read reports it at once.
      loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t n) {
        ++reads;
        EXPECT_EQ(ec, Errc::eof);
        EXPECT_EQ(n, 0u);
        loop().close(s);
        loop().stop();
      });
    });
  });
  run_loop();
  EXPECT_EQ(reads, 2);
}

TEST_P(LoopConformance, ReadGetsAtLeastMinBytes) {
  // The server sends 1000 bytes in pieces; reads of at least 100 collect them all in order.
  OneShotServer server([](int fd) {
    std::vector<std::uint8_t> data(1000);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = pattern_byte(i);
    for (std::size_t at = 0; at < data.size(); at += 250) {
      send_all(fd, data.data() + at, 250);
      std::this_thread::sleep_for(2ms);
    }
    char byte;
    recv_exactly(fd, &byte, 1);  // wait for the client to close
  });
  std::vector<std::uint8_t> in(1000);
  std::size_t got = 0;
  int reads = 0;
  SocketId socket;
  std::function<void()> read_more = [&] {
    const std::size_t min = std::min<std::size_t>(100, in.size() - got);
    loop().read(socket, {in.data() + got, in.size() - got}, min,
                [&, min](std::error_code ec, std::size_t n) {
      ++reads;
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_GE(n, min);
      got += n;
      if (got < in.size()) return read_more();
      loop().close(socket);
      loop().stop();
    });
  };
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    read_more();
  });
  run_loop();
  ASSERT_EQ(got, in.size());
  EXPECT_LE(reads, 10);
  for (std::size_t i = 0; i < in.size(); ++i) ASSERT_EQ(in[i], pattern_byte(i)) << i;
}

TEST_P(LoopConformance, SecondReadWhilePendingIsBusy) {
  OneShotServer server(echo_until_eof);
  char in[16], other[16];
  int first = 0, second = 0;
  std::string ping = "ping";
  ConstBuffer out{ping.data(), ping.size()};
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 4, [&, s](std::error_code ec, std::size_t n) {
      ++first;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(in, n), "ping");
      loop().close(s);
      loop().stop();
    });
    loop().read(s, {other, sizeof other}, 1, [&, s](std::error_code ec, std::size_t n) {
      ++second;
      EXPECT_EQ(ec, Errc::busy);
      EXPECT_EQ(n, 0u);
      EXPECT_EQ(first, 0) << "the pending read is untouched";
      loop().write(s, {&out, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    });
  });
  run_loop();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST_P(LoopConformance, InvalidReadArguments) {
  OneShotServer server(echo_until_eof);
  char in[8];
  int calls = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    auto expect_invalid = [&](std::error_code ec, std::size_t) {
      ++calls;
      EXPECT_EQ(ec, std::errc::invalid_argument);
    };
    loop().read(s, {in, sizeof in}, 0, expect_invalid);
    loop().read(s, {in, sizeof in}, sizeof in + 1, expect_invalid);
    loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t) {
      ++calls;
      EXPECT_EQ(ec, kCanceled) << "a valid read after invalid ones is accepted";
      loop().close(s);
      loop().stop();
    });
    EXPECT_TRUE(loop().cancel(s));
  });
  run_loop();
  EXPECT_EQ(calls, 3);
}

TEST_P(LoopConformance, CancelPendingRead) {
  OneShotServer server(echo_until_eof);
  char in[16];
  std::string ping = "ping";
  ConstBuffer out{ping.data(), ping.size()};
  int cancelled = 0, echoed = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t n) {
      ++cancelled;
      EXPECT_EQ(ec, kCanceled) << ec.message();
      EXPECT_EQ(n, 0u);
    });
    EXPECT_TRUE(loop().cancel(s));
    EXPECT_FALSE(loop().cancel(s)) << "nothing left to cancel";
    // The socket stays open and usable.
    loop().write(s, {&out, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    loop().read(s, {in, sizeof in}, 4, [&, s](std::error_code ec, std::size_t n) {
      ++echoed;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(in, n), "ping");
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(echoed, 1);
}

// ---- write ----

// 64 MiB in uneven buffers to a reader that starts late and reads in small chunks: the
// write goes through many partial writes and EAGAINs and still delivers every byte in order.
TEST_P(LoopConformance, LargeWriteToSlowReader) {
  PatternBuffers data(kLarge);
  Drained drained;
  OneShotServer server([&](int fd) { drained = drain_until_eof(fd, 100ms, 16 * 1024); });
  int writes = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().write(s, data.list, [&, s](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, kLarge);
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  server.join();
  EXPECT_EQ(drained.bytes, kLarge);
  EXPECT_EQ(drained.checksum, data.checksum());
}

TEST_P(LoopConformance, CancelPendingWrite) {
  PatternBuffers data(kLarge);
  Drained drained;
  // Reads only once the client has given up, so the write cannot finish first.
  std::atomic<bool> cancelled{false};
  OneShotServer server([&](int fd) {
    while (!cancelled.load()) std::this_thread::sleep_for(1ms);
    drained = drain_until_eof(fd);
  });
  std::size_t reported = 0;
  int calls = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().write(s, data.list, [&](std::error_code ec, std::size_t n) {
      ++calls;
      EXPECT_EQ(ec, kCanceled) << ec.message();
      EXPECT_LT(n, kLarge);
      reported = n;
    });
    EXPECT_TRUE(loop().cancel(s));
    loop().post([&, s] {
      cancelled = true;
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  server.join();
  EXPECT_EQ(drained.bytes, reported) << "the handler reports the bytes that went out";
}

TEST_P(LoopConformance, WriteToClosedPeerFailsWithoutSignal) {
  // The peer is gone; writing must fail with an error (EPIPE or ECONNRESET), not SIGPIPE.
  OneShotServer server([](int) {});
  std::vector<std::uint8_t> chunk(1024 * 1024, 7);
  ConstBuffer out{chunk.data(), chunk.size()};
  int writes = 0;
  std::error_code last;
  SocketId socket;
  std::function<void()> write_again = [&] {
    loop().write(socket, {&out, 1}, [&](std::error_code ec, std::size_t) {
      ++writes;
      if (!ec && writes < 200) return write_again();
      last = ec;
      loop().close(socket);
      loop().stop();
    });
  };
  char byte;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    // Wait for the server's close (eof) before writing.
    loop().read(s, {&byte, 1}, 1, [&](std::error_code ec, std::size_t) {
      EXPECT_EQ(ec, Errc::eof);
      write_again();
    });
  });
  run_loop();
  EXPECT_LT(writes, 200);
  EXPECT_TRUE(last == std::errc::broken_pipe || last == std::errc::connection_reset)
      << last.message();
}

TEST_P(LoopConformance, SecondWriteWhilePendingIsBusy) {
  PatternBuffers data(kLarge);
  OneShotServer server([](int fd) { drain_until_eof(fd, 300ms); });
  std::string small = "x";
  ConstBuffer out{small.data(), 1};
  int first = 0, second = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().write(s, data.list, [&, s](std::error_code ec, std::size_t n) {
      ++first;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, kLarge);
      loop().close(s);
      loop().stop();
    });
    loop().write(s, {&out, 1}, [&](std::error_code ec, std::size_t) {
      ++second;
      EXPECT_EQ(ec, Errc::busy);
    });
  });
  run_loop();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

// ---- completions are deferred ----

TEST_P(LoopConformance, HandlersNeverRunInsideTheStartingCall) {
  OneShotServer server(echo_until_eof);
  bool inside = false;
  int calls = 0;
  auto check = [&](std::error_code, std::size_t) {
    ++calls;
    EXPECT_FALSE(inside);
  };
  std::string text = "abc";
  ConstBuffer out{text.data(), text.size()};
  char in[4];
  std::uint64_t polls_at_write = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    inside = true;
    polls_at_write = loop().stats().polls;
    // A small write completes at once; its handler still waits, but not for another poll.
    // (With no read right behind it: io_uring links such a read to the write, and the write
    // then completes with the read; see Loop::read.)
    loop().write(s, {&out, 1}, [&, s](std::error_code ec, std::size_t n) {
      ++calls;
      EXPECT_FALSE(inside);
      EXPECT_FALSE(ec);
      EXPECT_EQ(n, 3u);
      EXPECT_EQ(loop().stats().polls, polls_at_write) << "delivered in the same iteration";
      inside = true;
      loop().read(SocketId{s.value + 1}, {in, 1}, 1, check);  // unknown id
      loop().read(s, {in, sizeof in}, 0, check);              // invalid
      loop().read(s, {in, sizeof in}, 3, [&, s](std::error_code ec, std::size_t) {
        ++calls;
        EXPECT_FALSE(inside);
        EXPECT_FALSE(ec);
        loop().close(s);
        loop().stop();
      });
      loop().read(s, {in, sizeof in}, 1, check);  // busy
      inside = false;
    });
    inside = false;
  });
  run_loop();
  EXPECT_EQ(calls, 5);
}

// ---- close and stale ids ----

TEST_P(LoopConformance, CloseWithOperationsPending) {
  PatternBuffers data(kLarge);
  OneShotServer server([](int fd) { drain_until_eof(fd, 200ms); });
  char in[16];
  int reads = 0, writes = 0, after = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
      ++reads;
      EXPECT_EQ(ec, kCanceled) << ec.message();
    });
    loop().write(s, data.list, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_EQ(ec, kCanceled) << ec.message();
      EXPECT_LT(n, kLarge);
    });
    loop().close(s);
    EXPECT_FALSE(loop().cancel(s));
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
      ++after;
      EXPECT_EQ(ec, Errc::bad_socket);
    });
    // Let a few iterations pass: nothing may complete a second time.
    loop().post([&] { loop().post([&] { loop().stop(); }); });
  });
  run_loop();
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(after, 1);
}

TEST_P(LoopConformance, StaleSocketIdGetsBadSocket) {
  Listener listener(64);
  std::thread acceptor([&] {
    for (int i = 0; i < 20; ++i) {
      int fd = listener.accept_one();
      if (fd < 0) return;
      close_socket(fd);
    }
  });
  const LoopStats before = loop().stats();
  std::set<std::uint64_t> ids;
  int connected = 0, bad = 0;
  std::vector<std::uint8_t> byte(1);
  ConstBuffer out{byte.data(), 1};
  std::function<void()> next = [&] {
    loop().connect(listener.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      ++connected;
      EXPECT_TRUE(ids.insert(s.value).second) << "ids are never reused";
      loop().close(s);
      auto expect_bad = [&](std::error_code ec, std::size_t n) {
        ++bad;
        EXPECT_EQ(ec, Errc::bad_socket);
        EXPECT_EQ(n, 0u);
      };
      loop().read(s, {byte.data(), 1}, 1, expect_bad);
      loop().write(s, {&out, 1}, expect_bad);
      EXPECT_FALSE(loop().cancel(s));
      loop().close(s);
      if (connected < 20) return next();
      loop().read(SocketId{}, {byte.data(), 1}, 1, expect_bad);
      loop().read(SocketId{0xdeadbeef12345ULL}, {byte.data(), 1}, 1, expect_bad);
      loop().post([&] { loop().stop(); });
    });
  };
  next();
  run_loop();
  acceptor.join();
  EXPECT_EQ(connected, 20);
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(bad, 2 * 20 + 2);
  EXPECT_EQ(loop().stats().sockets_opened - before.sockets_opened, 20u);
  EXPECT_EQ(loop().stats().sockets_closed - before.sockets_closed, 20u);
}

// ---- timers ----

TEST_P(LoopConformance, TimersFireInDeadlineThenStartOrder) {
  std::vector<char> order;
  const TimePoint base = loop().now();
  struct Spec {
    char name;
    std::chrono::milliseconds offset;
  };
  const Spec specs[] = {{'a', 30ms}, {'b', 10ms}, {'c', 20ms}, {'d', 10ms},
                        {'e', 0ms},  {'f', 10ms}, {'g', -5ms}};
  std::vector<std::unique_ptr<Timer>> timers;
  for (const Spec& spec : specs) {
    timers.push_back(std::make_unique<Timer>([&, name = spec.name] {
      order.push_back(name);
      if (order.size() == std::size(specs)) loop().stop();
    }));
    loop().start_timer(*timers.back(), base + spec.offset);
  }
  EXPECT_TRUE(order.empty()) << "never inside start_timer";
  run_loop();
  EXPECT_EQ(std::string(order.begin(), order.end()), "gebdfca");
}

TEST_P(LoopConformance, ManyTimersStartedAndCancelled) {
  // 1,000,000 starts and cancels through the loop, then a last round where half fire.
  constexpr int kTimers = 10000, kRounds = 100;
  std::vector<std::unique_ptr<Timer>> timers(kTimers);
  std::vector<int> fired(kTimers, 0);
  int total_fired = 0;
  for (int i = 0; i < kTimers; ++i) {
    timers[i] = std::make_unique<Timer>([&, i] {
      ++fired[i];
      ++total_fired;
      if (total_fired == kTimers / 2) loop().post([&] { loop().stop(); });
    });
  }
  const TimePoint far = loop().now() + 1h;
  std::size_t cancelled = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kTimers; ++i) {
      const int k = (i * 7919 + round * 104729) % kTimers;  // a scrambled order
      loop().start_timer(*timers[k], far + std::chrono::microseconds((k * 31) % 977));
    }
    for (int i = 0; i < kTimers; ++i) {
      const int k = (i * 6007 + round) % kTimers;
      cancelled += loop().cancel_timer(*timers[k]) ? 1 : 0;
    }
  }
  EXPECT_EQ(cancelled, std::size_t{kTimers} * kRounds);
  for (int i = 0; i < kTimers; ++i) loop().start_timer(*timers[i], loop().now());
  for (int i = 1; i < kTimers; i += 2) EXPECT_TRUE(loop().cancel_timer(*timers[i]));
  run_loop();
  EXPECT_EQ(total_fired, kTimers / 2);
  for (int i = 0; i < kTimers; ++i) ASSERT_EQ(fired[i], i % 2 == 0 ? 1 : 0) << i;
  for (int i = 0; i < kTimers; ++i) EXPECT_FALSE(loop().cancel_timer(*timers[i]));
}

TEST_P(LoopConformance, TimerReArming) {
  int moved = 0, periodic = 0, cancelled_fired = 0;
  Timer move_earlier([&] { ++moved; });
  Timer never([&] { ++cancelled_fired; });
  Timer tick;
  tick.set_handler([&] {
    if (++periodic < 10) {
      loop().start_timer(tick, loop().now() + 1ms);  // re-armed from its own handler
    } else {
      loop().stop();
    }
  });
  loop().start_timer(move_earlier, loop().now() + 1h);
  loop().start_timer(move_earlier, loop().now());  // moves, does not add a second firing
  loop().start_timer(never, loop().now() + 1ms);
  loop().start_timer(never, loop().now() + 1h);  // moves later
  EXPECT_TRUE(loop().cancel_timer(never));
  EXPECT_FALSE(loop().cancel_timer(never));
  loop().start_timer(tick, loop().now());
  run_loop();
  EXPECT_EQ(moved, 1);
  EXPECT_EQ(periodic, 10);
  EXPECT_EQ(cancelled_fired, 0);
  EXPECT_FALSE(move_earlier.armed());
}

// ---- post ----

TEST_P(LoopConformance, PostsFromManyThreadsRunOnceInOrderPerThread) {
  constexpr int kThreads = 8, kPosts = 20000;
  std::vector<std::vector<int>> seen(kThreads);  // touched on the loop thread only
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPosts; ++i) {
        EXPECT_TRUE(loop().post([&, t, i] {
          EXPECT_TRUE(loop().in_loop_thread());
          seen[t].push_back(i);
        }));
      }
      // The last thread to finish queues the stop behind everyone's posts.
      if (finished.fetch_add(1) + 1 == kThreads) loop().post([&] { loop().stop(); });
    });
  }
  run_loop();
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), std::size_t{kPosts}) << "thread " << t;
    for (int i = 0; i < kPosts; ++i) ASSERT_EQ(seen[t][i], i) << "thread " << t;
  }
  EXPECT_LE(loop().stats().wakeups, std::uint64_t{kThreads} * kPosts + 1);
}

TEST_P(LoopConformance, BurstOfPostsWakesOnce) {
  // The loop is not running, so nothing drains: a burst of 1000 posts must cost one wake-up.
  const std::uint64_t before = loop().stats().wakeups;
  int ran = 0;
  std::thread poster([&] {
    for (int i = 0; i < 1000; ++i) loop().post([&] { ++ran; });
    loop().post([&] { loop().stop(); });
  });
  poster.join();
  EXPECT_EQ(loop().stats().wakeups - before, 1u);
  run_loop();
  EXPECT_EQ(ran, 1000);
}

TEST_P(LoopConformance, TaskRepostingItselfFromTheLoopThreadKeepsRunning) {
  // Posts from inside run() take the executor's lock-free owner path; the loop must still
  // see them before it blocks (a flag, no wake-up sent), or the chain stalls until the
  // watchdog fires. Timers are armed (the watchdog), so the wait would not be a busy one.
  constexpr int kReposts = 5000;
  int ran = 0;
  std::uint64_t wakeups_inside = 0;
  std::function<void()> step = [&] {
    EXPECT_TRUE(loop().in_loop_thread());
    if (++ran == kReposts) {
      loop().stop();
      return;
    }
    EXPECT_TRUE(loop().post([&] { step(); }));
  };
  ASSERT_TRUE(loop().post([&] {
    wakeups_inside = loop().stats().wakeups;
    step();
  }));
  run_loop();
  EXPECT_EQ(ran, kReposts);
  EXPECT_EQ(loop().stats().wakeups, wakeups_inside);
}

TEST_P(LoopConformance, PostFromAnotherThreadWhileALoopTaskStartsAWrite) {
  // A task on the loop thread starts a write, then has another thread post a task (with its
  // wake-up) before it returns. On io_uring the write makes the loop submit and reap once
  // more after running its tasks, and that reap takes the wake-up's completion too: the loop
  // must still run the posted task before it blocks, or the post is lost until something
  // else wakes the loop (here the watchdog). Rounds, since each is one chance of the race.
  OneShotServer server(echo_until_eof);
  constexpr int kRounds = 200;
  const char byte = 'x';
  const ConstBuffer out{&byte, 1};
  int writes = 0, remote_tasks = 0;
  SocketId socket;
  std::function<void()> round = [&] {
    loop().write(socket, {&out, 1}, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, 1u);
    });
    std::thread poster([&] {
      EXPECT_TRUE(loop().post([&] {
        if (++remote_tasks == kRounds) {
          loop().close(socket);
          loop().stop();
          return;
        }
        EXPECT_TRUE(loop().post([&] { round(); }));
      }));
    });
    poster.join();  // the post and its wake-up are done before this task returns
  };
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    EXPECT_TRUE(loop().post([&] { round(); }));
  });
  run_loop();
  EXPECT_EQ(remote_tasks, kRounds);
  EXPECT_EQ(writes, kRounds);
}

// ---- stop ----

TEST_P(LoopConformance, StopWithWorkPending) {
  PatternBuffers data(kLarge);
  OneShotServer reader_server([](int fd) { drain_until_eof(fd); });
  OneShotServer writer_server([](int fd) { drain_until_eof(fd, 100ms); });
  BlackHole hole;
  char in[16];
  int reads = 0, writes = 0, connects = 0, timer_fired = 0, tasks = 0, late_op = 0;
  Timer timer([&] { ++timer_fired; });
  Timer late_timer([&] { ++timer_fired; });
  bool refused_after_stop = false;
  SocketId a, b;
  loop().connect(reader_server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    a = s;
    loop().connect(writer_server.endpoint(), loop().now() + 30s,
                   [&](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      b = s;
      loop().read(a, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
        ++reads;
        EXPECT_EQ(ec, kCanceled) << ec.message();
        // Work started while the loop winds down is cancelled, never lost.
        loop().read(a, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
          ++late_op;
          EXPECT_EQ(ec, kCanceled);
        });
        loop().start_timer(late_timer, loop().now());
      });
      loop().write(b, data.list, [&](std::error_code ec, std::size_t) {
        ++writes;
        EXPECT_EQ(ec, kCanceled) << ec.message();
      });
      loop().connect(hole.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId) {
        ++connects;
        EXPECT_EQ(ec, kCanceled) << ec.message();
      });
      loop().start_timer(timer, loop().now() + 1h);
      for (int i = 0; i < 3; ++i) EXPECT_TRUE(loop().post([&] { ++tasks; }));
      std::thread other([&] { EXPECT_TRUE(loop().post([&] { ++tasks; })); });
      other.join();
      loop().stop();
      refused_after_stop = !loop().post([&] { ADD_FAILURE() << "ran after stop"; });
    });
  });
  run_loop();
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(late_op, 1);
  EXPECT_EQ(tasks, 4);
  EXPECT_EQ(timer_fired, 0);
  EXPECT_FALSE(timer.armed());
  EXPECT_FALSE(late_timer.armed());
  EXPECT_TRUE(refused_after_stop);
  EXPECT_FALSE(loop().post([] {}));
  // Sockets stay open after run() until closed.
  loop().close(a);
  loop().close(b);
}

TEST_P(LoopConformance, StopFromAnotherThread) {
  std::atomic<bool> running{false};
  loop().post([&] { running = true; });
  std::thread stopper([&] {
    while (!running.load()) std::this_thread::sleep_for(1ms);
    loop().stop();
  });
  run_loop();
  stopper.join();
  EXPECT_TRUE(running.load());
}

}  // namespace aero::io::testing
