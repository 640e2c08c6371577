// The io error category: outcomes with no std::errc equivalent (see io/loop.h).
#include <string>
#include <system_error>

#include "io/loop.h"

namespace aero::io {
namespace {

class IoCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "aero.io"; }

  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::eof:
        return "connection closed by peer";
      case Errc::bad_socket:
        return "unknown or closed socket id";
      case Errc::busy:
        return "an operation of the same kind is already pending on this socket";
    }
    return "unknown aero.io error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& io_category() noexcept {
  static const IoCategory category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), io_category()};
}

}  // namespace aero::io
