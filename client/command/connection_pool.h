// ConnectionPool: the connections of one node on one loop.
//
// Idle connections are reused newest first (warm ones, and the oldest age out). The pool
// counts every connection it allowed (idle, in use, or connecting) against `max`; a command
// that finds the pool at its limit waits in a FIFO until a connection comes back or a slot
// frees up, with its own timers still running. A broken connection is discarded, never
// pooled.
//
// Threads: the owning loop's thread only. No locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "client/metrics/metrics.h"
#include "client/metrics/recorder.h"
#include "io/loop.h"

namespace aero::command {

// A command waiting for a connection (intrusive: no allocation to wait).
class PoolWaiter {
 public:
  // `socket` is an idle connection handed over, or empty: then a slot was reserved for the
  // waiter, which must open a connection (or release the slot).
  virtual void on_pool_ready(io::SocketId socket) = 0;

 protected:
  ~PoolWaiter() = default;

 private:
  friend class ConnectionPool;
  PoolWaiter* prev_ = nullptr;
  PoolWaiter* next_ = nullptr;
  bool waiting_ = false;
};

struct PoolStats {
  std::uint64_t opened = 0;   // slots reserved for new connections
  std::uint64_t closed = 0;   // connections closed (broken, idle, or node removed)
  std::uint64_t reused = 0;   // connections taken from the idle list
  int idle = 0;
  int total = 0;              // idle + in use + connecting
};

class ConnectionPool {
 public:
  ConnectionPool(io::Endpoint address, int max, int min) : address_(address), max_(max), min_(min) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  const io::Endpoint& address() const { return address_; }
  int max() const { return max_; }
  int min() const { return min_; }

  // An idle connection, or an empty id. Connections idle longer than `max_idle` are closed
  // on the way.
  io::SocketId take(io::Loop& loop, io::TimePoint now, std::chrono::milliseconds max_idle);

  // Reserves a slot for a new connection; false at the limit.
  bool try_reserve();

  // Gives back a healthy connection after a complete exchange: to the first waiter, or to
  // the idle list. When the pool is closing, the connection is closed instead.
  void put_back(io::Loop& loop, io::SocketId socket, io::TimePoint now);

  // Closes a broken connection (or releases a reserved slot whose connect failed when
  // `socket` is empty: counted as a connect failure); a waiter then gets the freed slot.
  void discard(io::Loop& loop, io::SocketId socket);

  // Waiting for a connection or a slot.
  void add_waiter(PoolWaiter* w);
  bool remove_waiter(PoolWaiter* w);  // false if it was not waiting
  bool has_waiters() const { return head_ != nullptr; }

  // Closes idle connections beyond `min` that were idle longer than `max_idle`.
  void trim(io::Loop& loop, io::TimePoint now, std::chrono::milliseconds max_idle);

  // The node is gone: close every idle connection now and every in-use one when it comes
  // back; waiters get an empty id with no slot (they must re-route).
  void close_all(io::Loop& loop);
  bool closing() const { return closing_; }

  PoolStats stats() const;  // loop thread
  // Any thread: the counters (open = opened - closed: slots reserved and not yet given back).
  metrics::ConnectionMetrics metrics() const;

 private:
  struct Idle {
    io::SocketId socket;
    io::TimePoint since;
  };
  PoolWaiter* pop_waiter();

  io::Endpoint address_;
  int max_;
  int min_;
  int total_ = 0;
  bool closing_ = false;
  std::vector<Idle> idle_;  // back = newest
  PoolWaiter* head_ = nullptr;
  PoolWaiter* tail_ = nullptr;
  metrics::Counter opened_, closed_, reused_, broken_,
      connect_failures_;  // written on the loop thread, read anywhere
};

}  // namespace aero::command
