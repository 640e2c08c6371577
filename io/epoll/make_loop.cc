// make_loop() for Linux: the epoll backend. Linked in by //io through a select() on the OS.
#include "io/epoll/epoll_loop.h"

namespace aero::io {

std::unique_ptr<Loop> make_loop() { return make_epoll_loop(); }

}  // namespace aero::io
