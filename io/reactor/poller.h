// Poller: the platform part of the readiness backends, epoll (Linux) and kqueue (BSD, macOS).
//
// ReactorLoop (io/reactor/reactor_loop.h) does everything else (sockets, partial reads and
// writes, timers, the ready list, wake-up coalescing) once for both; a poller only watches
// descriptors and wakes the loop. Each socket is registered once, edge-triggered, for both
// directions, when it is created: starting or finishing an operation costs no system call
// on the poller.
//
// Threads: wake() from any thread; everything else on the loop thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace aero::io {

// One readiness report for the socket registered with `id`. An error or a hang-up counts as
// readable and writable too: the next recv/send (or SO_ERROR) tells what happened.
struct ReadinessEvent {
  std::uint64_t id = 0;
  bool readable = false;  // data, the peer's FIN, a hang-up or an error
  bool writable = false;  // room to send, a finished connect, a hang-up or an error
  bool hangup = false;    // the peer closed (FIN) or the connection is gone: no more edges
};

class Poller {
 public:
  virtual ~Poller() = default;

  // Watches `fd` (non-blocking) for readability and writability, edge-triggered, until
  // remove(); its events carry `id` (never 0). Returns 0, or the errno value of a failure.
  virtual int add(int fd, std::uint64_t id) = 0;

  // Stops watching `fd`; called just before it is closed.
  virtual void remove(int fd) = 0;

  // Any thread: makes the current (or next) wait() return. The loop coalesces wake-ups, so
  // this is called at most once per wait.
  virtual void wake() = 0;

  // Waits for events, a wake(), or `timeout_ms` milliseconds (-1: no limit), and stores the
  // sockets' events in `out` (a wake-up is consumed, not reported). Returns how many were
  // stored; 0 after a timeout, a wake-up or an interrupted wait.
  virtual std::size_t wait(int timeout_ms, std::span<ReadinessEvent> out) = 0;

  // Any thread: the system calls this poller made on the loop thread (its waits, add,
  // remove, the read of a wake-up), for LoopStats::system_calls. wake()'s own call is
  // counted by the loop (LoopStats::wakeups).
  std::uint64_t system_calls() const { return calls_.load(std::memory_order_relaxed); }

 protected:
  // Counts one system call; loop thread only (a relaxed load and store, no locked add).
  void count_call() {
    calls_.store(calls_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> calls_{0};
};

}  // namespace aero::io
