#include "client/wire/status.h"

namespace aero::wire {

std::string Status::to_string() const {
  std::string out(result_code_name(code_));
  out += '(';
  out += std::to_string(to_int(code_));
  out += ')';
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace aero::wire
