// make_loop() for Windows: the IOCP backend. Linked in by //io through a select() on the OS.
#include "io/iocp/iocp_loop.h"

namespace aero::io {

std::unique_ptr<Loop> make_loop() { return make_iocp_loop(); }
std::unique_ptr<Loop> make_loop(LoopKind) { return make_iocp_loop(); }

}  // namespace aero::io
