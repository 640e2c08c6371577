// TlsLoop (client/tls) against blocking TLS peers on loopback: the io::Loop contract over
// TLS (the ideas of test/io's conformance suite: min_bytes across records, partial records,
// eof, cancel, close, busy, handlers never inside the starting call, stop), the handshake's
// deadline against a peer that never answers, and every way the server's certificate can be
// wrong: each a clear tls_category() error, the socket closed, the handler run once.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <csignal>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "client/tls/tls_context.h"
#include "client/tls/tls_error.h"
#include "client/tls/tls_loop.h"
#include "test/certs/certs.h"
#include "test/io/loopback.h"
#include "test/tls/tls_peer.h"

namespace aero::tls::testing {
namespace {

using namespace std::chrono_literals;
using io::ConstBuffer;
using io::MutableBuffer;
using io::SocketId;

const std::error_code kCanceled = std::make_error_code(std::errc::operation_canceled);

const testcerts::Pki& pki() {
  static const testcerts::Pki p = [] {
    std::string error;
    testcerts::Pki made = testcerts::make_pki("node.test", &error);
    EXPECT_TRUE(error.empty()) << error;
    return made;
  }();
  return p;
}

PeerConfig server_config() { return {pki().server_cert, pki().server_key, ""}; }

class TlsLoopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }  // the blocking peers

  void SetUp() override { make(base_config()); }

  static TlsConfig base_config() {
    TlsConfig c;
    c.enabled = true;
    c.ca_file = pki().ca_cert;
    return c;
  }

  void make(const TlsConfig& config) {
    std::string error;
    context_ = TlsContext::create(config, &error);
    ASSERT_TRUE(context_) << error;
    loop_ = std::make_unique<TlsLoop>(io::make_loop(), context_);
  }

  TlsLoop& loop() { return *loop_; }

  void run_loop() {
    watchdog_.set_handler([this] {
      ADD_FAILURE() << "watchdog: the test did not stop the loop";
      loop_->stop();
    });
    loop_->start_timer(watchdog_, loop_->now() + 60s);
    loop_->run();
  }

  // Every socket the loop opened is closed again (none leaked).
  void expect_no_open_socket() {
    const io::LoopStats s = loop_->stats();
    EXPECT_EQ(s.sockets_opened, s.sockets_closed);
  }

  // Connects, expecting the handshake to fail; returns the error.
  std::error_code failed_connect(const io::Endpoint& to) {
    std::error_code got;
    int calls = 0;
    loop().connect(to, loop().now() + 20s, [&](std::error_code ec, SocketId s) {
      ++calls;
      got = ec;
      EXPECT_FALSE(s);
      if (s) loop().close(s);
      loop().stop();
    });
    run_loop();
    EXPECT_EQ(calls, 1);
    expect_no_open_socket();
    return got;
  }

  std::shared_ptr<TlsContext> context_;
  io::Timer watchdog_;
  std::unique_ptr<TlsLoop> loop_;
};

// ---- handshake and data ----

TEST_F(TlsLoopTest, HandshakeThenEcho) {
  TlsPeer peer(server_config(), echo_until_close);
  const std::string sent = "hello, tls loop";
  std::vector<ConstBuffer> out = {{sent.data(), 5}, {sent.data() + 5, 0}, {sent.data() + 5, sent.size() - 5}};
  char in[64] = {};
  int connects = 0, writes = 0, reads = 0;
  SocketId returned = loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ++connects;
    ASSERT_FALSE(ec) << ec.message();
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
  peer.join();
  expect_no_open_socket();
}

// A second connection to the same peer resumes the first one's session: the server's ticket
// (sent after the handshake, read with the first answer) is offered on the next connect.
TEST_F(TlsLoopTest, SecondConnectionResumesTheSession) {
  TlsPeer peer(server_config(), echo_until_close, nullptr, /*connections=*/2);
  const std::string sent = "ping";
  ConstBuffer out{sent.data(), sent.size()};
  char in[16] = {};
  int echoes = 0;
  std::function<void(int)> round = [&](int left) {
    loop().connect(peer.endpoint(), loop().now() + 20s, [&, left](std::error_code ec, SocketId s) {
      ASSERT_FALSE(ec) << ec.message();
      loop().write(s, std::span<const ConstBuffer>(&out, 1),
                   [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec) << ec.message(); });
      loop().read(s, {in, sizeof in}, sent.size(), [&, s, left](std::error_code ec, std::size_t n) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(std::string(in, n), sent);
        ++echoes;
        loop().close(s);
        if (left > 1) {
          round(left - 1);
        } else {
          loop().stop();
        }
      });
    });
  };
  round(2);
  run_loop();
  EXPECT_EQ(echoes, 2);
  EXPECT_EQ(loop_->handshakes(), 2u);
  EXPECT_EQ(loop_->resumed_handshakes(), 1u) << "the second handshake resumed the first session";
  EXPECT_GE(context_->cached_sessions(), 1u);
  peer.join();
  expect_no_open_socket();
}

// Several megabytes both ways in uneven pieces: records are cut wherever OpenSSL likes, and
// every read takes at least what it asked for.
TEST_F(TlsLoopTest, LargeEchoAcrossManyRecords) {
  TlsPeer peer(server_config(), echo_until_close);
  constexpr std::size_t kSize = 3 * 1024 * 1024 + 17;
  std::vector<std::uint8_t> data(kSize), back(kSize);
  for (std::size_t i = 0; i < kSize; ++i) data[i] = io::testing::pattern_byte(i);
  std::vector<ConstBuffer> out = {{data.data(), 1}, {data.data() + 1, 70000}, {data.data() + 70001, kSize - 70001}};
  std::size_t got = 0;
  int writes = 0;
  SocketId sock;
  std::function<void()> read_more = [&] {
    const std::size_t min = std::min<std::size_t>(5000, kSize - got);
    loop().read(sock, {back.data() + got, kSize - got}, min, [&](std::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_GE(n, std::min<std::size_t>(5000, kSize - got));
      got += n;
      if (got < kSize) return read_more();
      loop().close(sock);
      loop().stop();
    });
  };
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    sock = s;
    loop().write(s, out, [&](std::error_code ec, std::size_t n) {
      ++writes;
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(n, kSize);
    });
    read_more();
  });
  run_loop();
  EXPECT_EQ(writes, 1);
  ASSERT_EQ(got, kSize);
  EXPECT_TRUE(back == data);
  expect_no_open_socket();
}

// One record per byte, then one large record read through a small buffer: min_bytes spans
// records, and a record larger than the buffer is handed out in pieces.
TEST_F(TlsLoopTest, MinBytesSpansRecordsAndPartialRecords) {
  TlsPeer peer(server_config(), [](SSL* ssl) {
    for (char c : std::string("abcdef")) ssl_write_all(ssl, &c, 1);
    std::string big(10000, 'x');
    ssl_write_all(ssl, big.data(), big.size());
    char done = 0;
    ssl_read_exactly(ssl, &done, 1);  // wait for the client before closing
  });
  char in[100] = {};
  std::string text;
  std::size_t big_got = 0;
  int small_reads = 0;
  SocketId sock;
  std::function<void()> read_big = [&] {
    loop().read(sock, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      EXPECT_LE(n, sizeof in);
      ++small_reads;
      big_got += n;
      if (big_got < 10000) return read_big();
      static const char done = 1;
      static const ConstBuffer b{&done, 1};
      loop().write(sock, {&b, 1}, [&](std::error_code ec, std::size_t) {
        EXPECT_FALSE(ec);
        loop().close(sock);
        loop().stop();
      });
    });
  };
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    sock = s;
    loop().read(s, {in, 6}, 6, [&](std::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      text.assign(in, n);
      read_big();
    });
  });
  run_loop();
  EXPECT_EQ(text, "abcdef");
  EXPECT_EQ(big_got, 10000u);
  EXPECT_GE(small_reads, 100);
  expect_no_open_socket();
}

// close_notify after a few bytes: a read wanting more gets Errc::eof and the bytes that came.
TEST_F(TlsLoopTest, PeerCloseNotifyIsEofWithTheBytesThatArrived) {
  TlsPeer peer(server_config(), [](SSL* ssl) {
    ssl_write_all(ssl, "abc", 3);
    SSL_shutdown(ssl);
  });
  char in[16] = {};
  int reads = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 10, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_EQ(ec, io::Errc::eof) << ec.message();
      EXPECT_EQ(std::string(in, n), "abc");
      // Later reads say eof again.
      loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t n) {
        ++reads;
        EXPECT_EQ(ec, io::Errc::eof) << ec.message();
        EXPECT_EQ(n, 0u);
        loop().close(s);
        loop().stop();
      });
    });
  });
  run_loop();
  EXPECT_EQ(reads, 2);
  expect_no_open_socket();
}

// A TCP close without close_notify is an eof too (the protocol frames its own lengths).
TEST_F(TlsLoopTest, PeerTcpCloseIsEof) {
  TlsPeer peer(server_config(), [](SSL* ssl) { ssl_write_all(ssl, "ab", 2); });
  char in[16] = {};
  int reads = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 5, [&, s](std::error_code ec, std::size_t n) {
      ++reads;
      EXPECT_EQ(ec, io::Errc::eof) << ec.message();
      EXPECT_EQ(n, 2u);
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(reads, 1);
  expect_no_open_socket();
}

// Argument and state errors, each delivered later (never inside the call), exactly once.
TEST_F(TlsLoopTest, ReadErrorsAndHandlersNeverInsideTheCall) {
  TlsPeer peer(server_config(), [](SSL* ssl) {
    ssl_write_all(ssl, "0123456789", 10);
    char done = 0;
    ssl_read_exactly(ssl, &done, 1);
  });
  char in[16] = {};
  int busy = 0, invalid = 0, not_connected = 0, data = 0, bad = 0;
  bool inside = false;
  SocketId sock = loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    inside = true;
    loop().read(s, {in, sizeof in}, 0, [&](std::error_code ec, std::size_t) {
      EXPECT_FALSE(inside);
      if (ec == std::errc::invalid_argument) ++invalid;
    });
    loop().read(s, {in, sizeof in}, 10, [&, s](std::error_code ec, std::size_t n) {
      EXPECT_FALSE(inside);
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(std::string(in, n), "0123456789");
      ++data;
      // The data is there now: a read that OpenSSL can satisfy at once is still delivered
      // later (here: nothing left, so it waits; cancel it).
      static const char done = 1;
      static const ConstBuffer b{&done, 1};
      loop().write(s, {&b, 1}, [&, s](std::error_code, std::size_t) {
        loop().close(s);
        loop().read(s, {in, 1}, 1, [&](std::error_code ec, std::size_t) {
          if (ec == io::Errc::bad_socket) ++bad;
          loop().stop();
        });
      });
    });
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
      EXPECT_FALSE(inside);
      if (ec == io::Errc::busy) ++busy;
    });
    inside = false;
  });
  // The handshake has not run yet.
  loop().read(sock, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
    if (ec == std::errc::not_connected) ++not_connected;
  });
  run_loop();
  EXPECT_EQ(invalid, 1);
  EXPECT_EQ(busy, 1);
  EXPECT_EQ(not_connected, 1);
  EXPECT_EQ(data, 1);
  EXPECT_EQ(bad, 1);
  expect_no_open_socket();
}

// A cancelled read completes with operation_canceled; the stream stays usable.
TEST_F(TlsLoopTest, CancelPendingReadThenReadAgain) {
  TlsPeer peer(server_config(), [](SSL* ssl) {
    char go = 0;
    if (!ssl_read_exactly(ssl, &go, 1)) return;
    ssl_write_all(ssl, "late", 4);
    ssl_read_exactly(ssl, &go, 1);
  });
  char in[16] = {};
  int canceled = 0, late = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t n) {
      EXPECT_EQ(ec, kCanceled);
      EXPECT_EQ(n, 0u);
      ++canceled;
      static const char go = 1;
      static const ConstBuffer b{&go, 1};
      loop().write(s, {&b, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
      loop().read(s, {in, sizeof in}, 4, [&, s](std::error_code ec, std::size_t n) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(std::string(in, n), "late");
        ++late;
        loop().write(s, {&b, 1}, [&, s](std::error_code, std::size_t) {
          loop().close(s);
          loop().stop();
        });
      });
    });
    EXPECT_TRUE(loop().cancel(s));
    EXPECT_FALSE(loop().cancel(s)) << "nothing pending any more";
  });
  run_loop();
  EXPECT_EQ(canceled, 1);
  EXPECT_EQ(late, 1);
  expect_no_open_socket();
}

// close() with a read pending: operation_canceled once; the peer sees close_notify (sent
// when no write is in flight: here after a round trip).
TEST_F(TlsLoopTest, CloseCancelsAndSendsCloseNotify) {
  std::atomic<int> peer_result{-1};
  TlsPeer peer(server_config(), [&](SSL* ssl) {
    char c = 0;
    if (!ssl_read_exactly(ssl, &c, 1) || !ssl_write_all(ssl, &c, 1)) return;
    const int n = SSL_read(ssl, &c, 1);
    peer_result = SSL_get_error(ssl, n);
  });
  char in[16] = {};
  int reads = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    static const ConstBuffer b{"x", 1};
    loop().write(s, {&b, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    loop().read(s, {in, sizeof in}, 1, [&, s](std::error_code ec, std::size_t) {
      EXPECT_FALSE(ec) << ec.message();
      loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
        ++reads;
        EXPECT_EQ(ec, kCanceled);
        loop().stop();
      });
      loop().close(s);
    });
  });
  run_loop();
  peer.join();
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(peer_result.load(), SSL_ERROR_ZERO_RETURN) << "close_notify expected";
  expect_no_open_socket();
}

// stop() with a read pending: it completes with operation_canceled before run() returns.
TEST_F(TlsLoopTest, StopCancelsPendingRead) {
  TlsPeer peer(server_config(), [](SSL* ssl) {
    char c = 0;
    SSL_read(ssl, &c, 1);
  });
  char in[16] = {};
  int reads = 0;
  SocketId sock;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    sock = s;
    loop().read(s, {in, sizeof in}, 1, [&](std::error_code ec, std::size_t) {
      ++reads;
      EXPECT_EQ(ec, kCanceled);
    });
    loop().post([&] { loop().stop(); });
  });
  run_loop();
  EXPECT_EQ(reads, 1);
  loop_.reset();  // closes the inner loop's sockets; the peer sees the end
}

// ---- handshake failures ----

// A peer that accepts TCP and never answers: the handshake's deadline holds.
TEST_F(TlsLoopTest, StalledHandshakeTimesOut) {
  io::testing::Listener listener;
  std::thread silent([&] {
    const int fd = listener.accept_one();
    char c;
    // Reads the ClientHello and answers nothing, until the client gives up and closes.
    while (fd >= 0 && io::testing::recv_exactly(fd, &c, 1)) {
    }
    if (fd >= 0) io::testing::close_socket(fd);
  });
  int calls = 0;
  loop().connect(listener.endpoint(), loop().now() + 200ms, [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_FALSE(s);
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  expect_no_open_socket();
  loop_.reset();
  silent.join();
}

// A clear peer that closes on the ClientHello (as a clear Aerospike port does).
TEST_F(TlsLoopTest, ClearPeerClosing) {
  io::testing::OneShotServer clear([](int fd) {
    char buf[8];
    io::testing::recv_exactly(fd, buf, sizeof buf);
  });
  const std::error_code ec = failed_connect(clear.endpoint());
  EXPECT_EQ(ec, make_error_code(TlsErrc::closed_during_handshake)) << ec.message();
}

// A clear peer answering garbage: OpenSSL's reason ("wrong version number" or similar).
TEST_F(TlsLoopTest, ClearPeerAnsweringGarbage) {
  io::testing::OneShotServer clear([](int fd) {
    char buf[8];
    io::testing::recv_exactly(fd, buf, sizeof buf);
    io::testing::send_all(fd, std::string("\x02\x01\x00\x00\x00\x00\x00\x10hello, clear world", 26));
    io::testing::recv_exactly(fd, buf, 1);
  });
  const std::error_code ec = failed_connect(clear.endpoint());
  EXPECT_EQ(&ec.category(), &tls_category());
  EXPECT_NE(ec.message().find("TLS"), std::string::npos) << ec.message();
}

TEST_F(TlsLoopTest, WrongTlsName) {
  TlsPeer peer(server_config(), echo_until_close);
  context_->set_name(peer.endpoint(), "other.test");
  const std::error_code ec = failed_connect(peer.endpoint());
  EXPECT_EQ(&ec.category(), &tls_category());
  EXPECT_NE(ec.message().find("certificate refused"), std::string::npos) << ec.message();
  EXPECT_NE(ec.message().find("mismatch"), std::string::npos) << ec.message();
}

TEST_F(TlsLoopTest, RightTlsNameAccepted) {
  TlsPeer peer(server_config(), [](SSL*) {});
  context_->set_name(peer.endpoint(), "node.test");
  int calls = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ++calls;
    EXPECT_FALSE(ec) << ec.message();
    loop().close(s);
    loop().stop();
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  expect_no_open_socket();
}

TEST_F(TlsLoopTest, UnknownCa) {
  TlsPeer peer({pki().other_server_cert, pki().other_server_key, ""}, echo_until_close);
  const std::error_code ec = failed_connect(peer.endpoint());
  EXPECT_NE(ec.message().find("certificate refused"), std::string::npos) << ec.message();
}

TEST_F(TlsLoopTest, ExpiredCertificate) {
  TlsPeer peer({pki().expired_cert, pki().expired_key, ""}, echo_until_close);
  const std::error_code ec = failed_connect(peer.endpoint());
  EXPECT_NE(ec.message().find("expired"), std::string::npos) << ec.message();
}

TEST_F(TlsLoopTest, BlacklistedSerial) {
  const std::string list = pki().dir + "/blacklist.txt";
  FILE* f = std::fopen(list.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fprintf(f, "# revoked\n00%s test CA\n", pki().server_serial.c_str());
  std::fclose(f);
  TlsConfig config = base_config();
  config.cert_blacklist = list;
  make(config);
  TlsPeer peer(server_config(), echo_until_close);
  const std::error_code ec = failed_connect(peer.endpoint());
  EXPECT_EQ(ec, make_error_code(TlsErrc::certificate_blacklisted)) << ec.message();
}

// Mutual TLS: with its certificate the client gets through; without, the server refuses it
// (TLS 1.3: after the client's handshake ended, so the first read names the alert).
TEST_F(TlsLoopTest, MutualTls) {
  TlsConfig config = base_config();
  config.cert_file = pki().client_cert;
  config.key_file = pki().client_key;
  make(config);
  TlsPeer peer({pki().server_cert, pki().server_key, pki().ca_cert}, echo_until_close);
  char in[4] = {};
  int reads = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    ASSERT_FALSE(ec) << ec.message();
    static const ConstBuffer b{"ping", 4};
    loop().write(s, {&b, 1}, [](std::error_code ec, std::size_t) { EXPECT_FALSE(ec); });
    loop().read(s, {in, 4}, 4, [&, s](std::error_code ec, std::size_t) {
      ++reads;
      EXPECT_FALSE(ec) << ec.message();
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(reads, 1);
  expect_no_open_socket();
}

TEST_F(TlsLoopTest, MutualTlsWithoutClientCertificate) {
  TlsPeer peer({pki().server_cert, pki().server_key, pki().ca_cert}, echo_until_close);
  char in[4] = {};
  std::error_code failure;
  int calls = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    if (ec) {  // TLS 1.2: the handshake itself fails
      ++calls;
      failure = ec;
      loop().stop();
      return;
    }
    // Only a read: bytes the server never read would make its close a reset, which can
    // destroy the alert before it is read.
    loop().read(s, {in, 4}, 4, [&, s](std::error_code ec, std::size_t) {
      ++calls;
      failure = ec;
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(failure);
  EXPECT_NE(failure.message().find("certificate"), std::string::npos) << failure.message();
  expect_no_open_socket();
}

TEST(TlsContextTest, ConfigurationErrorsNameTheFile) {
  std::string error;
  TlsConfig c;
  c.enabled = true;
  c.ca_file = "/nonexistent/ca.pem";
  EXPECT_FALSE(TlsContext::create(c, &error));
  EXPECT_NE(error.find("/nonexistent/ca.pem"), std::string::npos) << error;
  c.ca_file = pki().ca_cert;
  c.cert_file = pki().client_cert;
  EXPECT_FALSE(TlsContext::create(c, &error));
  EXPECT_NE(error.find("key_file"), std::string::npos) << error;
  c.key_file = pki().server_key;  // not the certificate's key
  EXPECT_FALSE(TlsContext::create(c, &error));
  EXPECT_NE(error.find("client key"), std::string::npos) << error;
  c.cert_file.clear();
  c.key_file.clear();
  c.min_protocol = "SSLv3";
  EXPECT_FALSE(TlsContext::create(c, &error));
  EXPECT_NE(error.find("min_protocol"), std::string::npos) << error;
}

}  // namespace
}  // namespace aero::tls::testing

namespace aero::tls::testing {
namespace {

// As a command does: write first, then read. The server's refusal may then arrive as a reset
// that destroys its alert; the error still says what is missing.
TEST_F(TlsLoopTest, MutualTlsWithoutClientCertificateWriteFirst) {
  TlsPeer peer({pki().server_cert, pki().server_key, pki().ca_cert}, echo_until_close);
  char in[4] = {};
  std::error_code failure;
  int calls = 0;
  loop().connect(peer.endpoint(), loop().now() + 20s, [&](std::error_code ec, SocketId s) {
    if (ec) {
      ++calls;
      failure = ec;
      loop().stop();
      return;
    }
    static const ConstBuffer b{"ping", 4};
    loop().write(s, {&b, 1}, [](std::error_code, std::size_t) {});
    loop().read(s, {in, 4}, 4, [&, s](std::error_code ec, std::size_t) {
      ++calls;
      failure = ec;
      loop().close(s);
      loop().stop();
    });
  });
  run_loop();
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(failure);
  EXPECT_EQ(&failure.category(), &tls_category()) << failure.message();
  EXPECT_NE(failure.message().find("certificate"), std::string::npos) << failure.message();
  expect_no_open_socket();
}

}  // namespace
}  // namespace aero::tls::testing
