// The io::Loop conformance suite, server side: listen() and accept() (io/loop.h). Part of
// the typed suite (loop_conformance.h), so every backend runs it. The clients are the same
// loop's connects: one thread, bounded, checks outcomes and counts, never durations.
#include <functional>
#include <string>
#include <vector>

#include "test/io/loop_conformance.h"

namespace aero::io::testing {
namespace {

using namespace std::chrono_literals;

ListenResult listen_loopback(Loop& loop) {
  ListenResult l = loop.listen(Endpoint::loopback_v4(0), 16);
  EXPECT_FALSE(l.error) << l.error.message();
  EXPECT_TRUE(l.socket);
  EXPECT_NE(l.local.port, 0) << "port 0 asks the system for one; local says which";
  EXPECT_EQ(l.local.address, Endpoint::loopback_v4(0).address);
  return l;
}

}  // namespace

TEST_P(LoopConformance, AcceptAndEcho) {
  const ListenResult l = listen_loopback(loop());
  std::string ping = "ping from the client";
  std::vector<ConstBuffer> out = {{ping.data(), ping.size()}};
  char server_in[64] = {};
  char client_in[64] = {};
  SocketId server_side;
  std::vector<ConstBuffer> back;
  int accepts = 0, connects = 0, echoes = 0, replies = 0;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ++accepts;
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(s);
    EXPECT_NE(s, l.socket);
    server_side = s;
    loop().read(
        s, {server_in, sizeof server_in}, ping.size(), [&, s](std::error_code ec, std::size_t n) {
          ++echoes;
          ASSERT_FALSE(ec) << ec.message();
          back = {{server_in, n}};
          loop().write(s, back,
                       [&](std::error_code ec, std::size_t) { EXPECT_FALSE(ec) << ec.message(); });
        });
  });
  loop().connect(l.local, loop().now() + 30s, [&](std::error_code ec, SocketId c) {
    ++connects;
    ASSERT_FALSE(ec) << ec.message();
    loop().write(c, out, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    loop().read(c, {client_in, sizeof client_in}, ping.size(),
                [&, c](std::error_code ec, std::size_t n) {
                  ++replies;
                  EXPECT_FALSE(ec) << ec.message();
                  EXPECT_EQ(std::string(client_in, n), ping);
                  loop().close(c);
                  loop().stop();
                });
  });
  run_loop();
  EXPECT_EQ(accepts, 1);
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(echoes, 1);
  EXPECT_EQ(replies, 1);
  loop().close(server_side);
  loop().close(l.socket);
}

// The accepted socket sees the client's close as eof, like a connected one.
TEST_P(LoopConformance, AcceptedSocketSeesPeerClose) {
  const ListenResult l = listen_loopback(loop());
  char in[8];
  int eofs = 0;
  SocketId server_side;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    server_side = s;
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t n) {
      EXPECT_EQ(ec, Errc::eof) << ec.message();
      EXPECT_EQ(n, 0u);
      ++eofs;
      loop().stop();
    });
  });
  loop().connect(l.local, loop().now() + 30s, [&](std::error_code ec, SocketId c) {
    ASSERT_FALSE(ec) << ec.message();
    loop().close(c);
  });
  run_loop();
  EXPECT_EQ(eofs, 1);
  loop().close(server_side);
  loop().close(l.socket);
}

TEST_P(LoopConformance, CancelPendingAcceptThenAcceptAgain) {
  const ListenResult l = listen_loopback(loop());
  int cancelled = 0, accepted = 0;
  SocketId server_side, client;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ++cancelled;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    EXPECT_FALSE(s);
    // The listener stays open: the next accept takes the next connection.
    loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
      ++accepted;
      EXPECT_FALSE(ec) << ec.message();
      server_side = s;
      loop().stop();
    });
    loop().connect(l.local, loop().now() + 30s, [&](std::error_code ec, SocketId c) {
      EXPECT_FALSE(ec) << ec.message();
      client = c;
    });
  });
  EXPECT_TRUE(loop().cancel(l.socket));
  EXPECT_FALSE(loop().cancel(l.socket)) << "nothing pending any more";
  run_loop();
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(accepted, 1);
  loop().close(client);
  loop().close(server_side);
  loop().close(l.socket);
}

TEST_P(LoopConformance, CloseListenerCancelsAcceptAndLaterAcceptsFail) {
  const ListenResult l = listen_loopback(loop());
  int cancelled = 0, refused = 0;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ++cancelled;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    EXPECT_FALSE(s);
    loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
      ++refused;
      EXPECT_EQ(ec, Errc::bad_socket) << ec.message();
      EXPECT_FALSE(s);
      loop().stop();
    });
  });
  loop().close(l.socket);
  run_loop();
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(refused, 1);
}

TEST_P(LoopConformance, AcceptMisuseFailsCleanly) {
  const ListenResult l = listen_loopback(loop());
  std::vector<std::error_code> errors;
  char byte = 0;
  std::vector<ConstBuffer> out = {{&byte, 1}};
  SocketId client, server_side;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    server_side = s;
  });
  // A second accept while one is pending.
  loop().accept(l.socket, [&](std::error_code ec, SocketId) { errors.push_back(ec); });
  // Reads and writes on a listener.
  loop().read(l.socket, {&byte, 1}, 1,
              [&](std::error_code ec, std::size_t) { errors.push_back(ec); });
  loop().write(l.socket, out, [&](std::error_code ec, std::size_t) { errors.push_back(ec); });
  loop().connect(l.local, loop().now() + 30s, [&](std::error_code ec, SocketId c) {
    ASSERT_FALSE(ec) << ec.message();
    client = c;
    // Accept on a socket that is not a listener.
    loop().accept(c, [&](std::error_code ec, SocketId s) {
      errors.push_back(ec);
      EXPECT_FALSE(s);
      loop().stop();
    });
  });
  run_loop();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], Errc::busy) << errors[0].message();
  EXPECT_EQ(errors[1], std::errc::not_connected) << errors[1].message();
  EXPECT_EQ(errors[2], std::errc::not_connected) << errors[2].message();
  EXPECT_EQ(errors[3], std::errc::invalid_argument) << errors[3].message();
  loop().close(client);
  loop().close(server_side);
  loop().close(l.socket);
}

TEST_P(LoopConformance, ListenOnAPortInUseFails) {
  const ListenResult l = listen_loopback(loop());
  const ListenResult again = loop().listen(l.local, 16);
  EXPECT_EQ(again.error, std::errc::address_in_use) << again.error.message();
  EXPECT_FALSE(again.socket);
  loop().close(l.socket);
}

TEST_P(LoopConformance, StopCancelsPendingAccept) {
  const ListenResult l = listen_loopback(loop());
  int calls = 0;
  loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_EQ(ec, kCanceled) << ec.message();
    EXPECT_FALSE(s);
  });
  loop().post([&] { loop().stop(); });
  run_loop();
  EXPECT_EQ(calls, 1);
  loop().close(l.socket);
}

// Many clients connect at once; the server accepts each from the previous accept's handler,
// echoes one message per connection, and every client gets its own message back.
TEST_P(LoopConformance, ManyAccepts) {
  constexpr int kClients = 64;
  const ListenResult l = listen_loopback(loop());
  struct Conn {
    SocketId id;
    char in[16] = {};
    std::string message;
    std::vector<ConstBuffer> out;
  };
  std::vector<Conn> servers(kClients), clients(kClients);
  int accepted = 0, answered = 0;
  std::function<void()> accept_next = [&] {
    loop().accept(l.socket, [&](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      Conn& c = servers[static_cast<std::size_t>(accepted++)];
      c.id = s;
      loop().read(s, {c.in, 4}, 4, [&c, this](std::error_code ec, std::size_t n) {
        ASSERT_FALSE(ec) << ec.message();
        c.out = {{c.in, n}};
        loop().write(c.id, c.out, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
      });
      if (accepted < kClients) accept_next();
    });
  };
  accept_next();
  for (int i = 0; i < kClients; ++i) {
    Conn& c = clients[static_cast<std::size_t>(i)];
    c.message = std::to_string(1000 + i);
    c.out = {{c.message.data(), c.message.size()}};
    loop().connect(l.local, loop().now() + 30s, [&, &c = c](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      c.id = s;
      loop().write(s, c.out, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
      loop().read(s, {c.in, 4}, 4, [&](std::error_code ec, std::size_t n) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(std::string(c.in, n), c.message);
        if (++answered == kClients) loop().stop();
      });
    });
  }
  run_loop();
  EXPECT_EQ(accepted, kClients);
  EXPECT_EQ(answered, kClients);
  for (Conn& c : servers) loop().close(c.id);
  for (Conn& c : clients) loop().close(c.id);
  loop().close(l.socket);
  const LoopStats stats = loop().stats();
  EXPECT_EQ(stats.sockets_opened, stats.sockets_closed);
  EXPECT_EQ(stats.sockets_opened, 1u + 2u * kClients);
}

}  // namespace aero::io::testing
