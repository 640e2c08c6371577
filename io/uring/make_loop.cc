// make_loop() for Linux: epoll by default, io_uring on request (LoopKind::io_uring or
// AERO_IO_BACKEND=uring), epoll again when the kernel refuses io_uring. Linked in by //io
// through a select() on the OS.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "io/epoll/epoll_loop.h"
#include "io/uring/uring_loop.h"

namespace aero::io {
namespace {

LoopKind from_environment() {
  const char* value = std::getenv("AERO_IO_BACKEND");
  if (value == nullptr) return LoopKind::epoll;
  if (std::strcmp(value, "uring") == 0 || std::strcmp(value, "io_uring") == 0) {
    return LoopKind::io_uring;
  }
  if (std::strcmp(value, "epoll") != 0 && value[0] != '\0') {
    static std::once_flag warned;
    std::call_once(warned, [value] {
      std::fprintf(stderr, "aero::io: AERO_IO_BACKEND=%s is not epoll or uring; using epoll\n",
                   value);
    });
  }
  return LoopKind::epoll;
}

}  // namespace

std::unique_ptr<Loop> make_loop() { return make_loop(LoopKind::automatic); }

std::unique_ptr<Loop> make_loop(LoopKind kind) {
  if (kind == LoopKind::automatic) kind = from_environment();
  if (kind == LoopKind::io_uring) {
    std::error_code why;
    if (std::unique_ptr<Loop> loop = make_uring_loop(UringOptions{}, &why)) return loop;
    static std::once_flag logged;
    std::call_once(logged, [&why] {
      std::fprintf(stderr, "aero::io: io_uring is not available (%s); using epoll\n",
                   why.message().c_str());
    });
  }
  return make_epoll_loop();
}

}  // namespace aero::io
