#include "client/tls/tls_error.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <string>

namespace aero::tls {

namespace {

// value = kind << 24 | detail (detail < 2^24).
constexpr int kPlain = 0;
constexpr int kVerify = 1;
constexpr int kLibrary = 2;

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "aero.tls"; }
  std::string message(int value) const override {
    const int kind = value >> 24;
    const int detail = value & 0xFFFFFF;
    if (kind == kVerify) {
      return std::string("TLS: server certificate refused: ") +
             X509_verify_cert_error_string(detail);
    }
    if (kind == kLibrary) {
      const int lib = detail >> 16;
      const int reason = detail & 0xFFFF;
      const char* text = ERR_reason_error_string(ERR_PACK(lib, 0, reason));
      return std::string("TLS: ") + (text != nullptr ? text : "handshake failed (reason " +
                                                                  std::to_string(reason) + ")");
    }
    switch (static_cast<TlsErrc>(detail)) {
      case TlsErrc::closed_during_handshake:
        return "TLS: the server closed the connection during the handshake (not a TLS port, or "
               "it refused this client's certificate)";
      case TlsErrc::certificate_blacklisted:
        return "TLS: server certificate refused: its serial number is in the certificate blacklist";
      case TlsErrc::renegotiation_refused:
        return "TLS: the server asked to renegotiate; refused";
      case TlsErrc::setup_failed:
        return "TLS: cannot create the session";
      case TlsErrc::client_certificate_required:
        return "TLS: the server requires a client certificate (mutual TLS) and none is "
               "configured (TlsConfig::cert_file and key_file)";
    }
    return "TLS: error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& tls_category() noexcept {
  static const Category c;
  return c;
}

std::error_code make_error_code(TlsErrc e) noexcept {
  return {(kPlain << 24) | static_cast<int>(e), tls_category()};
}

std::error_code verify_error(long x509_result) noexcept {
  return {(kVerify << 24) | static_cast<int>(x509_result & 0xFFFFFF), tls_category()};
}

std::error_code library_error(unsigned long e) noexcept {
  const int lib = ERR_GET_LIB(e) & 0xFF;
  const int reason = ERR_GET_REASON(e) & 0xFFFF;
  return {(kLibrary << 24) | (lib << 16) | reason, tls_category()};
}

}  // namespace aero::tls
