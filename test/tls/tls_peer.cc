#include "test/tls/tls_peer.h"

#include <openssl/err.h>

#include <cstdint>
#include <vector>

namespace aero::tls::testing {

TlsPeer::TlsPeer(const PeerConfig& config, std::function<void(SSL*)> session,
                 std::function<void()> handshake_failed, int connections) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_use_certificate_chain_file(ctx_, config.cert.c_str());
  SSL_CTX_use_PrivateKey_file(ctx_, config.key.c_str(), SSL_FILETYPE_PEM);
  if (!config.client_ca.empty()) {
    SSL_CTX_load_verify_locations(ctx_, config.client_ca.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  thread_ = std::thread([this, session = std::move(session),
                         handshake_failed = std::move(handshake_failed), connections] {
    for (int i = 0; i < connections; ++i) {
      const int fd = listener_.accept_one();
      if (fd < 0) return;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        session(ssl);
      } else if (handshake_failed) {
        handshake_failed();
      }
      ERR_clear_error();
      SSL_free(ssl);
      io::testing::close_socket(fd);
    }
  });
}

TlsPeer::~TlsPeer() {
  join();
  SSL_CTX_free(ctx_);
}

void echo_until_close(SSL* ssl) {
  std::vector<std::uint8_t> buf(64 * 1024);
  for (;;) {
    const int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) return;
    if (!ssl_write_all(ssl, buf.data(), static_cast<std::size_t>(n))) return;
  }
}

bool ssl_write_all(SSL* ssl, const void* data, std::size_t size) {
  auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const int n = SSL_write(ssl, p, static_cast<int>(size));
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool ssl_read_exactly(SSL* ssl, void* data, std::size_t size) {
  auto* p = static_cast<std::uint8_t*>(data);
  while (size > 0) {
    const int n = SSL_read(ssl, p, static_cast<int>(size));
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace aero::tls::testing
