// The password credential of the Aerospike admin protocol: bcrypt of the password with the
// fixed salt every official client uses ("$2a$10$7EqJtq98hPqEX7fNZaFWoO"; C as_password.c,
// Java AdminCommand.hashPassword), computed with libxcrypt's crypt_r (Debian libcrypt-dev).
//
// Threads: any thread (crypt_r keeps its state in the caller's buffer).
#pragma once

#include <string>
#include <string_view>

#include "client/status.h"

namespace aero::auth {

// The 60-character credential of `password`. Fails (client_error) where the platform has no
// bcrypt (Windows builds: no libxcrypt).
Result<std::string> credential_of(std::string_view password);

}  // namespace aero::auth
