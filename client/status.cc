#include "client/status.h"

#include "client/wire/result_code.h"

namespace aero {

const char* result_code_name(int code) {
  switch (static_cast<ClientCode>(code)) {
    case ClientCode::client_closed: return "ERR_CLIENT_CLOSED";
    case ClientCode::would_block_loop: return "ERR_WOULD_BLOCK_LOOP";
    case ClientCode::cancelled: return "ERR_CANCELLED";
    default: break;
  }
  // The codec's table names every code it knows and answers "UNKNOWN" for the rest; its
  // names are string literals, so data() is null-terminated.
  return wire::result_code_name(static_cast<wire::ResultCode>(code)).data();
}

std::string Status::to_string() const {
  std::string s = result_code_name(code_);
  s += " (" + std::to_string(code_) + ")";
  if (!message_.empty()) s += ": " + message_;
  if (in_doubt_) s += " [in doubt: the write may have been applied]";
  return s;
}

}  // namespace aero
