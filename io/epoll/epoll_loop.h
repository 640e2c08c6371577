// The Linux backend of io::Loop: ReactorLoop (io/reactor/reactor_loop.h) over an EpollPoller
// (epoll + eventfd). Use make_loop() (io/loop.h) in library code; make_epoll_loop() exists for
// the conformance suite and benchmarks that name the backend.
//
// Threads: as io::Loop (io/loop.h).
#pragma once

#include <memory>

#include "io/loop.h"

namespace aero::io {

std::unique_ptr<Loop> make_epoll_loop();

}  // namespace aero::io
