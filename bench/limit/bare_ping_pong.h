// The physical limit: a closed-loop ping-pong over one loopback TCP connection with a bare
// epoll loop and no abstraction at all. bench/io compares io::Loop against it.
//
// Threads: call on any thread; it blocks until done.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aero::bench {

struct PingPongResult {
  std::int64_t round_trips = 0;
  std::int64_t client_cpu_ns = 0;  // CPU time of the calling thread during the round trips
  std::int64_t polls = 0;          // epoll_wait calls (or the Loop's polls) in that time
  bool ok = false;
};

// `round_trips` requests of `message_size` bytes to the echo server on 127.0.0.1:port, each
// sent once the previous response has fully arrived.
PingPongResult bare_epoll_ping_pong(std::uint16_t port, std::size_t message_size,
                                    std::int64_t round_trips);

}  // namespace aero::bench
