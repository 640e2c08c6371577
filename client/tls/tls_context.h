// TlsContext: what every TLS connection of one client shares, built once from TlsConfig:
// the OpenSSL SSL_CTX (trusted CAs, client certificate, protocols, ciphers, CRL flags), the
// certificate blacklist, and the table Endpoint -> tls-name that the tender fills (seeds
// from `host:tls-name:port`, peers from peers-tls-std) and TlsLoop reads on each connect, and
// the last session (ticket) each address and name gave, so that a new connection to a node
// resumes instead of running a full handshake (no certificate chain to send and verify again).
//
// Threads: create() from any thread; everything else from any thread (the name table is
// guarded by a mutex; the SSL_CTX is not changed after create(), and OpenSSL allows SSL_new
// on a shared context).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "client/policy.h"
#include "io/loop.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;
typedef struct x509_st X509;

namespace aero::tls {

class TlsContext {
 public:
  // Null and `error` set (naming the file and OpenSSL's reason) when the configuration
  // cannot be loaded.
  static std::shared_ptr<TlsContext> create(const TlsConfig& config, std::string* error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* ssl_ctx() const { return ctx_; }

  // The name a node's certificate must carry when reached at `address` (empty: none known;
  // then the certificate must name the IP address).
  void set_name(const io::Endpoint& address, const std::string& tls_name);
  std::string name(const io::Endpoint& address) const;

  // True when the certificate's serial number is blacklisted.
  bool blacklisted(X509* certificate) const;

  // Session resumption. remember_peer() ties `ssl` (a new client connection) to the address
  // and name it reaches, and offers the last session that peer gave, if any; the sessions the
  // server then sends are kept for the next connection to the same peer (one per peer, the
  // newest). Resumption is only ever an optimisation: the server may refuse it and run a full
  // handshake, with every check as usual.
  // Returns true when a session was offered.
  bool remember_peer(SSL* ssl, const io::Endpoint& address, const std::string& tls_name);
  // Drops the peer's session (a handshake that offered it failed: the next one runs in full).
  void forget_session(const io::Endpoint& address, const std::string& tls_name);
  std::size_t cached_sessions() const;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  static std::string key(const io::Endpoint& address);

  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  SSL_CTX* ctx_;
  std::set<std::string> blacklist_;
  mutable std::mutex sessions_mutex_;
  std::unordered_map<std::string, SSL_SESSION*>
      sessions_;  // "address|name" -> newest session  // serial numbers, upper-case hex without
                  // leading zeros
  mutable std::mutex names_mutex_;
  std::unordered_map<std::string, std::string> names_;
};

}  // namespace aero::tls
