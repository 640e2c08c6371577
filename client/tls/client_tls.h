// ClientTls: the client's TLS pieces behind a seam free of OpenSSL types, so client.cc and
// the tender stay the same on a build without OpenSSL (Windows: Debian builds no OpenSSL for
// mingw-w64; create() then refuses TLS with a clear error).
//
// Threads: create() from any thread; wrap() before the loops run; set_name() from any thread.
#pragma once

#include <memory>
#include <string>

#include "client/policy.h"
#include "io/loop.h"

namespace aero::tls {

class ClientTls {
 public:
  // Null and `error` set when the configuration cannot be loaded or TLS is unavailable.
  static std::unique_ptr<ClientTls> create(const TlsConfig& config, std::string* error);
  virtual ~ClientTls() = default;

  // A TLS loop over `inner` (which must outlive it and stop before it is destroyed).
  virtual std::unique_ptr<io::Loop> wrap(io::Loop& inner) = 0;
  // A TLS loop owning its inner loop.
  virtual std::unique_ptr<io::Loop> wrap(std::unique_ptr<io::Loop> inner) = 0;
  // The tls-name a node's certificate must carry when reached at `address` (tender: seeds and
  // peers-tls-std entries).
  virtual void set_name(const io::Endpoint& address, const std::string& tls_name) = 0;
};

}  // namespace aero::tls
