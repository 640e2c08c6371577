// io::Loop's default listen/accept: for loops without a server side (see io/loop.h).
#include "io/loop.h"

namespace aero::io {

ListenResult Loop::listen(const Endpoint&, int) {
  ListenResult result;
  result.error = std::make_error_code(std::errc::operation_not_supported);
  return result;
}

void Loop::accept(SocketId, AcceptHandler handler) {
  // No listener can exist on such a loop. The handler runs later, on the loop thread; only a
  // stopped loop (which refuses tasks) gets it inline, rather than never.
  Task task([handler = std::move(handler)]() mutable {
    handler(make_error_code(Errc::bad_socket), SocketId{});
  });
  if (!post(std::move(task))) task();
}

}  // namespace aero::io
