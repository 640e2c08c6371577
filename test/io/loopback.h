// Small blocking-socket helpers for the io tests: loopback listeners and servers that run a
// scripted session in a helper thread, independent of the Loop under test.
//
// Everything is bounded: accept waits at most kPatience, and accepted sockets get receive
// and send timeouts of kPatience, so a test that goes wrong fails instead of hanging.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "io/loop.h"

namespace aero::io::testing {

inline constexpr std::chrono::seconds kPatience{20};

// A TCP socket listening on 127.0.0.1 at a port the kernel picked.
class Listener {
 public:
  explicit Listener(int backlog = 16);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Endpoint endpoint() const { return Endpoint::loopback_v4(port_); }
  // The next connection (blocking, with timeouts set), or -1 after kPatience.
  int accept_one();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Accepts one connection and runs `session(fd)` on it in a helper thread; the socket is
// closed when the session returns. join() (or the destructor) waits for the session.
class OneShotServer {
 public:
  explicit OneShotServer(std::function<void(int fd)> session, int backlog = 16);
  ~OneShotServer() { join(); }
  Endpoint endpoint() const { return listener_.endpoint(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  Listener listener_;
  std::thread thread_;
};

// A port on 127.0.0.1 that is bound but not listening: connecting to it is refused.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  Endpoint endpoint() const { return Endpoint::loopback_v4(port_); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A listener whose accept queue is full, so the kernel drops further SYNs: a connect to it
// stays pending until its deadline (Linux; loopback only).
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  Endpoint endpoint() const { return Endpoint::loopback_v4(port_); }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> fillers_;
};

// Closes a descriptor these helpers (or Listener::accept_one) returned.
void close_socket(int fd);
// Closes a connected socket with a reset (SO_LINGER 0): the peer's next send or receive fails.
void reset_socket(int fd);

// Blocking helpers on a socket with timeouts. They return false / stop early on error.
bool send_all(int fd, const void* data, std::size_t size);
bool send_all(int fd, const std::string& text);
// Reads exactly `size` bytes (false on eof, error or timeout).
bool recv_exactly(int fd, void* data, std::size_t size);
// Echoes everything back until the peer closes.
void echo_until_eof(int fd);
// Reads until the peer closes; returns the byte count and a position-dependent checksum.
struct Drained {
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;
};
Drained drain_until_eof(int fd, std::chrono::milliseconds pause_first = {},
                        std::size_t chunk = 64 * 1024);
// The checksum drain_until_eof computes, over bytes at stream offsets [offset, offset+size).
std::uint64_t checksum_update(std::uint64_t sum, const std::uint8_t* data, std::size_t size,
                              std::uint64_t offset);
// The byte at stream offset `i` of the test pattern.
inline std::uint8_t pattern_byte(std::uint64_t i) {
  return static_cast<std::uint8_t>((i * 31 + (i >> 13)) % 251);
}

}  // namespace aero::io::testing
