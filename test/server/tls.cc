#include "test/server/tls.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

namespace aero::testserver {

namespace {

std::string last_error(const std::string& what) {
  const unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return what + ": " + buf;
}

// A socket BIO whose writes never raise SIGPIPE (MSG_NOSIGNAL, as Connection::flush sends):
// OpenSSL's own socket BIO write()s, and a client that hangs up mid-handshake would kill
// the process.
int nosig_write(BIO* b, const char* data, int size) {
  const int fd = int(reinterpret_cast<intptr_t>(BIO_get_data(b)));
  BIO_clear_retry_flags(b);
  for (;;) {
    const ssize_t n = ::send(fd, data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return int(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(b);
    return -1;
  }
}

int nosig_read(BIO* b, char* data, int size) {
  const int fd = int(reinterpret_cast<intptr_t>(BIO_get_data(b)));
  BIO_clear_retry_flags(b);
  for (;;) {
    const ssize_t n = ::recv(fd, data, size_t(size), MSG_DONTWAIT);
    if (n >= 0) return int(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(b);
    return -1;
  }
}

long nosig_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

BIO_METHOD* nosig_method() {
  static BIO_METHOD* m = [] {
    BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "test-server socket");
    BIO_meth_set_write(method, nosig_write);
    BIO_meth_set_read(method, nosig_read);
    BIO_meth_set_ctrl(method, nosig_ctrl);
    return method;
  }();
  return m;
}

}  // namespace

std::shared_ptr<TlsServerContext> TlsServerContext::create(const ClusterOptions& o,
                                                           std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = "tls: " + why;
    return std::shared_ptr<TlsServerContext>();
  };
  if (o.tls_cert.empty() || o.tls_key.empty()) return fail("tls_cert and tls_key are both needed");
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return fail(last_error("SSL_CTX_new"));
  std::shared_ptr<TlsServerContext> out(new TlsServerContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // As a real node: no renegotiation, no session tickets needed for the tests.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, o.tls_cert.c_str()) != 1) {
    return fail(last_error("certificate " + o.tls_cert));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, o.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail(last_error("key " + o.tls_key));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return fail(last_error("key does not match the certificate"));
  if (!o.tls_ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.tls_ca.c_str(), nullptr) != 1) {
      return fail(last_error("CA file " + o.tls_ca));
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // Sessions a verified client resumes belong to this server: without a session id
    // context OpenSSL refuses every resumption by such a client with a fatal alert.
    static const unsigned char kSessionContext[] = "aerospike-test-server";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  }
  return out;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(const TlsServerContext& ctx, int fd) {
  ssl_ = SSL_new(ctx.get());
  if (ssl_ == nullptr) return;
  BIO* bio = BIO_new(nosig_method());
  if (bio == nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
    return;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(intptr_t(fd)));
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // one BIO both ways: SSL holds one reference, frees it
  SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

ssize_t TlsStream::result(int n) {
  if (n > 0) return n;
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wants_write_ = true;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    default:  // handshake failure, bad record, reset, end of stream without close_notify
      ERR_clear_error();
      errno = ECONNRESET;
      return -1;
  }
}

ssize_t TlsStream::recv(void* data, size_t size) {
  if (ssl_ == nullptr) {
    errno = ECONNRESET;
    return -1;
  }
  wants_write_ = false;
  ERR_clear_error();
  return result(SSL_read(ssl_, data, int(size > 1 << 30 ? 1 << 30 : size)));
}

ssize_t TlsStream::send(const void* data, size_t size) {
  if (ssl_ == nullptr) {
    errno = ECONNRESET;
    return -1;
  }
  wants_write_ = false;
  ERR_clear_error();
  return result(SSL_write(ssl_, data, int(size > 1 << 30 ? 1 << 30 : size)));
}

std::string TlsStream::peer_common_name() const {
  if (ssl_ == nullptr || !SSL_is_init_finished(ssl_)) return {};
  // Only a certificate the handshake verified against the CA names a user.
  if (SSL_get_verify_result(ssl_) != X509_V_OK) return {};
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  char name[256];
  const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name,
                                          int(sizeof name));
  return n > 0 ? std::string(name, size_t(n)) : std::string();
}

void TlsStream::shutdown() {
  if (ssl_ == nullptr || !SSL_is_init_finished(ssl_)) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace aero::testserver
