// Errors of the client's TLS layer (client/tls), as std::error_code values in tls_category().
// A failed handshake surfaces through the io contract's error_code (connect handler), and
// the command and tend layers prefix it with the host, so a person reads e.g.
// "info connect to 127.0.0.1:4333 failed: TLS: server certificate refused: hostname mismatch".
// The code carries OpenSSL's own reason (certificate verification result, or the library's
// reason code), so message() names it without any state kept elsewhere.
//
// Threads: pure functions; the category is a singleton.
#pragma once

#include <system_error>

namespace aero::tls {

enum class TlsErrc {
  // The server closed the connection (or sent garbage) before the handshake ended: often
  // a clear port, or a server refusing the client's certificate.
  closed_during_handshake = 1,
  // The server's certificate serial number is in TlsConfig::cert_blacklist.
  certificate_blacklisted = 2,
  // The server tried to renegotiate (refused) or sent an unexpected handshake message.
  renegotiation_refused = 3,
  // The TLS session could not even be created (out of memory, bad context).
  setup_failed = 4,
  // The server asked for a client certificate, none is configured, and it then closed the
  // connection (TLS 1.3 refuses after the client's side of the handshake ended).
  client_certificate_required = 5,
};

const std::error_category& tls_category() noexcept;
std::error_code make_error_code(TlsErrc e) noexcept;
// X509_V_ERR_* from SSL_get_verify_result: "TLS: server certificate refused: <reason>".
std::error_code verify_error(long x509_result) noexcept;
// An ERR_get_error() value: "TLS: <OpenSSL's reason>".
std::error_code library_error(unsigned long openssl_error) noexcept;

}  // namespace aero::tls

namespace std {
template <>
struct is_error_code_enum<aero::tls::TlsErrc> : true_type {};
}  // namespace std
