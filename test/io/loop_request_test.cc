// The io::Loop conformance suite, request/response cases: a read started right after a write
// on the same socket, both pending at once, as a client starts a command's answer read (the
// io_uring backend links the two in the kernel; see Loop::read). Every handler must run
// exactly once, whatever happens to the write, the read or the connection meanwhile.
#include <atomic>
#include <cstring>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "test/io/loop_conformance.h"
#include "test/io/loopback.h"

namespace aero::io::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBigRequest = 16 * 1024 * 1024;  // larger than a loopback socket buffer

// Reads `size` bytes, then answers "ok" and waits for the peer to close.
void answer_after(int fd, std::size_t size) {
  std::vector<char> chunk(64 * 1024);
  std::size_t got = 0;
  while (got < size) {
    const std::size_t step = std::min(chunk.size(), size - got);
    if (!recv_exactly(fd, chunk.data(), step)) return;
    got += step;
  }
  send_all(fd, "ok");
  drain_until_eof(fd);
}

// The request went out and the peer got it, but no answer comes: cancel (or close) ends both.
void request_without_answer(Loop& loop, const std::function<void()>& run_loop, bool close_instead);

}  // namespace

TEST_P(LoopConformance, RequestAndAnswerReadStartedTogether) {
  OneShotServer server(echo_until_eof);
  constexpr int kRounds = 300;
  std::string out;
  ConstBuffer buffer{};
  char in[64] = {};
  int round = 0, writes = 0, reads = 0;
  std::function<void(SocketId)> next = [&](SocketId s) {
    out = "request " + std::to_string(round);
    buffer = {out.data(), out.size()};
    loop().write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, out.size());
    });
    loop().read(s, {in, sizeof in}, out.size(), [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      ASSERT_FALSE(ec) << ec.message();
      ASSERT_EQ(std::string(in, n), out);
      if (++round == kRounds) {
        loop().close(s);
        loop().stop();
        return;
      }
      next(s);
    });
  };
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    next(s);
  });
  run_loop();
  EXPECT_EQ(round, kRounds);
  EXPECT_EQ(writes, kRounds);
  EXPECT_EQ(reads, kRounds);
}

TEST_P(LoopConformance, LargeRequestThenItsAnswer) {
  std::vector<char> request(kBigRequest);
  for (std::size_t i = 0; i < request.size(); ++i) request[i] = static_cast<char>(i * 7);
  // Uneven pieces, one empty: a vectored send of several buffers.
  std::vector<ConstBuffer> pieces = {{request.data(), 3},
                                     {request.data() + 3, 0},
                                     {request.data() + 3, 1 << 20},
                                     {request.data() + 3 + (1 << 20), kBigRequest - 3 - (1 << 20)}};
  OneShotServer server([](int fd) { answer_after(fd, kBigRequest); });
  char in[8] = {};
  int writes = 0, reads = 0;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().write(s, pieces, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, kBigRequest);
    });
    loop().read(s, {in, sizeof in}, 2, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(in, n), "ok");
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(reads, 1);
}

TEST_P(LoopConformance, CancelWhileTheRequestIsStuck) {
  // The peer reads nothing until told: the large request cannot all go out.
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  OneShotServer server([released](int fd) {
    released.wait_for(kPatience);
    drain_until_eof(fd);
  });
  std::vector<char> request(kBigRequest, 'x');
  ConstBuffer buffer{request.data(), request.size()};
  char in[8];
  int writes = 0, reads = 0;
  Timer trigger;
  SocketId socket;
  trigger.set_handler([&] { EXPECT_TRUE(loop().cancel(socket)); });
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    loop().write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_EQ(ec, kCanceled);
      EXPECT_LT(n, kBigRequest);
      // Only now may the peer read: earlier, the request could still all go out before the
      // cancellation reaches the kernel (io_uring cancels asynchronously).
      release->set_value();
    });
    loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_EQ(ec, kCanceled);
      EXPECT_EQ(n, 0u);
      loop().close(s);
      loop().stop();
    });
    loop().start_timer(trigger, loop().now() + 20ms);
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(reads, 1);
}

namespace {

void request_without_answer(Loop& loop, const std::function<void()>& run_loop, bool close_instead) {
  auto got = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  SocketId socket;
  std::string request = "a request nobody answers";
  ConstBuffer buffer{request.data(), request.size()};
  char in[8];
  int writes = 0, reads = 0;
  OneShotServer server([&, got, released](int fd) {
    std::vector<char> seen(request.size());
    if (recv_exactly(fd, seen.data(), seen.size())) {
      // The loop cancels from a task: it runs on the loop thread once this post is taken.
      loop.post([&, release] {
        if (close_instead) {
          loop.close(socket);
        } else {
          EXPECT_TRUE(loop.cancel(socket));
        }
        release->set_value();
      });
    }
    released.wait_for(kPatience);
    drain_until_eof(fd);
  });
  loop.connect(server.endpoint(), loop.now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    socket = s;
    loop.write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t n) {
      ++writes;
      // The bytes went out; whether the loop knew before the cancellation depends on the
      // backend (io_uring learns it only with the read's completion).
      EXPECT_TRUE(!ec || ec == kCanceled) << ec.message();
      EXPECT_EQ(n, request.size());
    });
    loop.read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_EQ(ec, kCanceled);
      EXPECT_EQ(n, 0u);
      if (!close_instead) loop.close(s);
      loop.stop();
    });
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(reads, 1);
}

}  // namespace

TEST_P(LoopConformance, CancelWhileTheAnswerIsAwaited) {
  request_without_answer(
      loop(), [this] { run_loop(); }, false);
}

TEST_P(LoopConformance, CloseWhileTheAnswerIsAwaited) {
  request_without_answer(
      loop(), [this] { run_loop(); }, true);
}

TEST_P(LoopConformance, RequestToAPeerThatReset) {
  // The peer resets the connection (SO_LINGER 0) before the request is written: the write or
  // the read (or both) fail; each completes exactly once.
  // The reset waits for the client's connect to complete: a reset before it would fail the
  // connect instead.
  auto connected = std::make_shared<std::promise<void>>();
  std::shared_future<void> was_connected = connected->get_future().share();
  auto reset = std::make_shared<std::promise<void>>();
  std::shared_future<void> was_reset = reset->get_future().share();
  OneShotServer server([reset, was_connected](int fd) {
    was_connected.wait_for(kPatience);
    reset_socket(fd);
    reset->set_value();
  });
  std::string request = "too late";
  ConstBuffer buffer{request.data(), request.size()};
  char in[8];
  int writes = 0, reads = 0;
  bool any_error = false;
  loop().connect(server.endpoint(), loop().now() + 30s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    connected->set_value();
    ASSERT_EQ(was_reset.wait_for(kPatience), std::future_status::ready);
    loop().write(s, {&buffer, 1}, [&](std::error_code ec, std::size_t) {
      ++writes;
      any_error = any_error || static_cast<bool>(ec);
    });
    loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t) {
      ++reads;
      any_error = any_error || static_cast<bool>(ec);
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(reads, 1);
  EXPECT_TRUE(any_error);
}

}  // namespace aero::io::testing
