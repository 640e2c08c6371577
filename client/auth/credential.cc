#include "client/auth/credential.h"

#include <cstring>
#include <memory>

#if defined(AERO_HAVE_LIBCRYPT)
#include <crypt.h>
#endif

namespace aero::auth {

Result<std::string> credential_of(std::string_view password) {
#if defined(AERO_HAVE_LIBCRYPT)
  if (password.find('\0') != std::string_view::npos) {
    return Status(ClientCode::invalid_argument, "the password contains a NUL byte");
  }
  auto data = std::make_unique<crypt_data>();  // large (~32 KiB): not on the stack
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string pw(password);
  const char* out = crypt_r(pw.c_str(), "$2a$10$7EqJtq98hPqEX7fNZaFWoO", data.get());
  if (out == nullptr || out[0] == '*' || std::strlen(out) != 60) {
    return Status(ClientCode::client_error, "bcrypt of the password failed (libxcrypt crypt_r)");
  }
  return std::string(out);
#else
  (void)password;
  return Status(ClientCode::client_error,
                "password authentication needs bcrypt, which this platform's build lacks");
#endif
}

}  // namespace aero::auth
