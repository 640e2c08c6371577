// ClientTls on a build without OpenSSL (Windows): TLS is refused with a clear error.
#include "client/tls/client_tls.h"

namespace aero::tls {

std::unique_ptr<ClientTls> ClientTls::create(const TlsConfig&, std::string* error) {
  if (error != nullptr) {
    *error = "TLS is not available in this build (no OpenSSL for this platform)";
  }
  return nullptr;
}

}  // namespace aero::tls
