// MemoryLoop: an in-memory io::Loop with no sockets and no threads, for fuzzing the loop
// decorators (client/tls TlsLoop) deterministically. The test plays the peer: what the
// client writes goes to `on_client_bytes`; what the peer sends waits in a queue until
// deliver() moves it into the pending read, in whatever pieces the test chooses; time moves
// only when advance() says so. Completions are queued and run by drain(), never inside the
// call that started them, as the io::Loop contract requires.
//
// Threads: one thread does everything (in_loop_thread() is always true).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "io/loop.h"
#include "io/timer_queue.h"

namespace aero::fuzz {

class MemoryLoop final : public io::Loop, private Executor {
 public:
  MemoryLoop();
  ~MemoryLoop() override;

  // What the client side wrote, in order (called inside write()).
  std::function<void(const std::uint8_t*, std::size_t)> on_client_bytes;

  // The peer's side of the one stream: bytes queued for the client, then end of stream.
  void peer_send(const std::uint8_t* data, std::size_t size);
  void peer_close() { peer_closed_ = true; }
  std::vector<std::uint8_t>& queued() { return inbound_; }
  // Moves up to `max` queued bytes into the pending read of every open socket (there is one
  // in practice) and completes it when it has its min_bytes, or on end of stream. Returns the
  // bytes moved.
  std::size_t deliver(std::size_t max);
  // Moves the clock forward and fires the timers that are due.
  void advance(std::chrono::milliseconds by);
  // Runs queued tasks and completions until none is left.
  void drain();

  Executor& executor() override { return *this; }
  void stop() override;
  io::LoopStats stats() const override { return stats_; }
  void run() override { drain(); }
  bool in_loop_thread() const override { return true; }
  io::SocketId connect(const io::Endpoint& to, io::TimePoint deadline,
                       io::ConnectHandler handler) override;
  void write(io::SocketId socket, std::span<const io::ConstBuffer> buffers,
             io::IoHandler handler) override;
  void read(io::SocketId socket, io::MutableBuffer buffer, std::size_t min_bytes,
            io::IoHandler handler) override;
  bool cancel(io::SocketId socket) override;
  void close(io::SocketId socket) override;
  void start_timer(io::Timer& timer, io::TimePoint deadline) override {
    timers_.start(timer, deadline);
  }
  bool cancel_timer(io::Timer& timer) override { return timers_.cancel(timer); }
  io::TimePoint now() const override { return now_; }

 private:
  struct PendingRead {
    io::MutableBuffer buffer{};
    std::size_t min_bytes = 0;
    std::size_t filled = 0;
    io::IoHandler handler;
  };
  struct Socket {
    bool read_pending = false;
    PendingRead read;
  };

  bool submit(Task&& task) override;
  void later(UniqueFunction<void()> fn);
  void finish_read(Socket& s, std::error_code ec);

  std::deque<UniqueFunction<void()>> ready_;
  std::map<std::uint64_t, Socket> sockets_;
  std::uint64_t next_id_ = 1;
  std::vector<std::uint8_t> inbound_;
  bool peer_closed_ = false;
  bool stopped_ = false;
  io::TimerQueue timers_;
  io::TimePoint now_;
  io::LoopStats stats_;
};

}  // namespace aero::fuzz
