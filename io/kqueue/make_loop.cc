// make_loop() for FreeBSD and macOS: the kqueue backend. Linked in by //io through a
// select() on the OS.
#include "io/kqueue/kqueue_poller.h"

namespace aero::io {

std::unique_ptr<Loop> make_loop() { return make_kqueue_loop(); }
std::unique_ptr<Loop> make_loop(LoopKind) { return make_kqueue_loop(); }

}  // namespace aero::io
