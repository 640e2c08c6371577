// A blocking TLS peer for the client TLS tests: accepts one loopback connection (test/io's
// Listener: bounded waits), runs the server side of a TLS handshake with OpenSSL on the
// socket, then a scripted session. Independent of the TlsLoop under test.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "io/loop.h"
#include "test/io/loopback.h"

namespace aero::tls::testing {

struct PeerConfig {
  std::string cert, key;
  std::string client_ca;  // non-empty: client certificates required (mutual TLS)
};

class TlsPeer {
 public:
  // `session` runs after a successful handshake; `handshake_failed` (may be null) when it
  // failed (e.g. the client refused our certificate). `connections`: how many connections
  // are accepted, one after the other, each with its own handshake and session.
  TlsPeer(const PeerConfig& config, std::function<void(SSL*)> session,
          std::function<void()> handshake_failed = nullptr, int connections = 1);
  ~TlsPeer();
  io::Endpoint endpoint() const { return listener_.endpoint(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  io::testing::Listener listener_;
  SSL_CTX* ctx_ = nullptr;
  std::thread thread_;
};

// Session helpers (blocking, bounded by the socket timeouts).
void echo_until_close(SSL* ssl);
bool ssl_write_all(SSL* ssl, const void* data, std::size_t size);
bool ssl_read_exactly(SSL* ssl, void* data, std::size_t size);

}  // namespace aero::tls::testing
