// EchoServer: a plain blocking echo server on 127.0.0.1 for the ping-pong benchmarks.
//
// One helper thread accepts connections one after another and echoes each until the client
// closes, so the Loop client and the bare epoll client meet the very same server. Its CPU
// time is not the client's: the benchmarks measure the client thread's CPU time only.
//
// Threads: construct and destroy on one thread; the server works on its own thread.
#pragma once

#include <cstdint>
#include <thread>

namespace aero::bench {

class EchoServer {
 public:
  EchoServer();
  ~EchoServer();  // stops accepting and joins (after the current client closed)
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  void serve();
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd that tells serve() to return
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// CPU time consumed so far by the calling thread, in nanoseconds.
std::int64_t thread_cpu_ns();

}  // namespace aero::bench
