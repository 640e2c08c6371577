// TLS for the test server's TLS listeners (ClusterOptions::tls_*), as a real Enterprise node
// serves its tls port beside the clear one. The server's own OpenSSL use: nothing is shared
// with the client's TLS code (client/tls), so a bug in one cannot hide in the other.
//
// TlsServerContext: the SSL_CTX built once from the options (certificate chain, key, and
// with a CA file, client certificates required: mutual TLS). Shared by every node and loop;
// read-only after creation (OpenSSL's SSL_CTX is safe to share for SSL_new).
// TlsStream: one accepted connection. SSL on the non-blocking socket; recv()/send() behave as
// ::recv/::send do there, so Connection keeps its read/flush loops. Loop thread only.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

#include "test/server/options.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace aero::testserver {

class TlsServerContext {
 public:
  // Null (and `error` set) when a file cannot be loaded or the key does not match.
  static std::shared_ptr<TlsServerContext> create(const ClusterOptions& o, std::string* error);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsServerContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class TlsStream {
 public:
  // Server side of a freshly accepted socket; the handshake runs inside the first recv()s.
  TlsStream(const TlsServerContext& ctx, int fd);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  bool ok() const { return ssl_ != nullptr; }
  // As ::recv / ::send on a non-blocking socket: > 0 bytes moved; 0 from recv() when the
  // peer closed (close_notify or end of stream); -1 with errno EAGAIN when the socket must
  // become ready first (see wants_write()); -1 with errno ECONNRESET on any TLS failure
  // (bad handshake, plaintext on a TLS port, unknown client certificate, ...).
  ssize_t recv(void* data, size_t size);
  ssize_t send(const void* data, size_t size);
  // The last call stopped because the socket could not take the bytes OpenSSL had to write
  // (handshake or record): wait for EPOLLOUT, then call recv() and send() again.
  bool wants_write() const { return wants_write_; }
  // Sends close_notify, best effort (never blocks).
  void shutdown();
  // The Common Name of the client certificate the handshake verified (mutual TLS), empty
  // when there is none or the handshake has not finished. A real server takes a PKI login's
  // user name from there.
  std::string peer_common_name() const;

 private:
  ssize_t result(int n);
  SSL* ssl_ = nullptr;
  bool wants_write_ = false;
};

}  // namespace aero::testserver
