// Test certificates, made by the tests themselves (never checked in): a CA, a server
// certificate for a given tls-name, a client certificate for mutual TLS, an expired server
// certificate, and a second, unrelated CA with a server certificate of its own. Written as
// PEM files into a fresh folder under $TEST_TMPDIR (or /tmp).
//
// Made with OpenSSL's API (EC P-256 keys, SHA-256 signatures): no `openssl` command needed,
// and the validity dates of the expired certificate are simply set in the past.
//
// Threads: make_pki() from any thread; the result is plain data.
#pragma once

#include <string>

namespace aero::testcerts {

struct Pki {
  std::string dir;
  std::string ca_cert;                 // the CA the clients and the server trust
  std::string server_cert, server_key; // CN and SAN DNS = tls_name, SAN IP 127.0.0.1
  std::string server_serial;           // its serial number, upper-case hex (blacklist tests)
  std::string client_cert, client_key; // CN "client", signed by the CA (mutual TLS)
  std::string expired_cert, expired_key;  // like the server's, valid only in 2020
  std::string other_ca_cert;           // an unrelated CA
  std::string other_server_cert, other_server_key;  // tls_name, signed by the other CA
};

// Empty `error` on success.
Pki make_pki(const std::string& tls_name, std::string* error);

}  // namespace aero::testcerts
