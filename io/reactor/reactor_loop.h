// ReactorLoop: io::Loop over non-blocking sockets and a readiness Poller. The epoll (Linux)
// and kqueue (BSD, macOS) backends are this class with their own Poller (io/reactor/poller.h),
// so the socket logic below exists once.
//
// Use make_loop() (io/loop.h) in library code; make_epoll_loop() / make_kqueue_loop() exist
// for the conformance suite and benchmarks that name the backend.
//
// Design (the contract itself is in io/loop.h):
// - Edge-triggered. Each socket is registered with the poller once, for both directions
//   (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET; EVFILT_READ and EVFILT_WRITE with EV_CLEAR), when
//   it is created, and never modified: starting or finishing an operation costs no poller
//   call. The loop remembers per socket whether it may be readable/writable (an edge
//   was seen and no EAGAIN since), so a read started while the socket is known to be empty
//   waits for the next edge without a speculative recv(), and a write on a writable socket
//   is tried before the loop next waits (below). Level triggering would either report idle
//   sockets on every wait (busy loop) or need a poller call per operation to switch interest
//   on and off.
// - Socket ids are (generation << 24 | slot). The slot indexes a table of per-socket state;
//   the generation increments every time the slot is freed, and a slot whose generation
//   would wrap is retired, so an id is never reused. Every poller event carries the id (not
//   a pointer), and a lookup whose generation does not match is ignored: state can be
//   freed and its slot reused while events for the old socket are still in the current
//   poller batch.
// - Completions never run inside the call that started the operation: a finished operation
//   moves its handler and result onto the ready list (a vector reused across iterations).
//   One iteration: the poller's wait, progress sockets (no user code runs), expire timers, drain
//   the ready list, run the executor's tasks, drain again, then send what the iteration
//   wrote and drain those completions before the next wait. A write that completes at once
//   is thus delivered in the same iteration, with no extra wait or wake-up.
// - Writes leave at the end of the iteration, back to back, not inside the call that starts
//   them (as Redis writes its replies just before it sleeps, and Netty flushes when a read
//   batch ends). A client that answers a batch of responses with a batch of requests then
//   hands the server a burst it reads in one wake-up, instead of a trickle spaced by the
//   client's own work per response: that is the pattern a bare request/response program
//   has, and on the io_uring backend the one enter per iteration gives the same.
// - post(): the loop's SerialExecutor calls the wake hook at most once until the loop
//   drains it; from the thread inside run() the hook only sets a flag (the loop does not
//   block while it is set), from any other thread it calls Poller::wake() (an eventfd write, an
//   EVFILT_USER trigger). (Not "the owner":
//   before run() starts on a LoopThread, the creating thread still owns the loop, and a
//   flag set there would be a lost wake-up.)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "executor/serial_executor.h"
#include "io/loop.h"
#include "io/reactor/poller.h"
#include "io/socket_table.h"
#include "io/timer_queue.h"

namespace aero::io {

class ReactorLoop final : public Loop {
 public:
  explicit ReactorLoop(std::unique_ptr<Poller> poller);
  ~ReactorLoop() override;
  ReactorLoop(const ReactorLoop&) = delete;
  ReactorLoop& operator=(const ReactorLoop&) = delete;

  Executor& executor() override { return executor_; }
  void stop() override;
  LoopStats stats() const override;

  void run() override;
  bool in_loop_thread() const override {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }

  SocketId connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) override;
  void write(SocketId socket, std::span<const ConstBuffer> buffers, IoHandler handler) override;
  void read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
            IoHandler handler) override;
  ListenResult listen(const Endpoint& at, int backlog) override;
  void accept(SocketId listener, AcceptHandler handler) override;
  bool cancel(SocketId socket) override;
  void close(SocketId socket) override;

  void start_timer(Timer& timer, TimePoint deadline) override;
  bool cancel_timer(Timer& timer) override;
  TimePoint now() const override;

 private:
  // Per-socket state; lives in sockets_ (io/socket_table.h), reused (with a new generation)
  // after close.
  struct Socket {
    std::uint64_t id = 0;  // 0 while the slot is free
    std::uint64_t generation = 1;
    int fd = -1;
    bool readable = false;  // an edge was seen and no EAGAIN / short read since
    bool peer_closed = false;  // EPOLLRDHUP/HUP/ERR seen: recv() will not block any more
    bool writable = false;
    bool connecting = false;
    bool listening = false;  // a listen() socket: accept only, readable = a connection waits
    bool write_queued = false;  // in pending_writes_: its write goes out before the next wait

    AcceptHandler on_accept;  // non-empty while an accept is pending

    ConnectHandler on_connect;
    Timer connect_timer;  // its handler is set once, when the slot is created

    IoHandler on_read;  // non-empty while a read is pending
    std::byte* read_data = nullptr;
    std::size_t read_size = 0;
    std::size_t read_min = 0;
    std::size_t read_done = 0;

    IoHandler on_write;  // non-empty while a write is pending
    const ConstBuffer* write_buffers = nullptr;
    std::size_t write_count = 0;
    std::size_t write_index = 0;   // first buffer not completely written
    std::size_t write_offset = 0;  // bytes of it already written
    std::size_t write_done = 0;
  };

  // A finished operation waiting on the ready list. Exactly one handler is set.
  struct Completion {
    IoHandler io;
    ConnectHandler connect;
    std::error_code error;
    std::size_t bytes = 0;
    SocketId socket;
  };

  static constexpr int kMaxEvents = 256;
  static constexpr int kMaxReadyRounds = 16;

  // Loop machinery (reactor_loop.cc).
  void on_executor_wake();
  void send_wakeup();
  int poll_timeout();
  void poll(int timeout_ms);
  void dispatch(const ReadinessEvent& event);
  void drain_ready(int max_rounds);
  // Sends the writes started since the last wait (pending_writes_): each completes onto the
  // ready list, or waits for a writable edge if the socket buffer is full.
  void flush_writes();
  void wind_down();
  void assert_loop_thread() const { assert(in_loop_thread() && "io::Loop: wrong thread"); }

  // Sockets (reactor_sockets.cc).
  static int open_stream_socket(int family);
  Socket* find(SocketId id) { return sockets_.find(id.value); }
  Socket* allocate_socket(int fd);
  void destroy_socket(Socket& s);  // deregisters, closes, frees the slot
  bool fail_operations(Socket& s, std::error_code error);  // completes what is pending
  void finish_connect(Socket& s);
  void fail_connect(Socket& s, std::error_code error);
  void try_read(Socket& s);
  void try_write(Socket& s);
  void send_queued_write(Socket& s);  // before a cancel or close: see there
  void try_accept(Socket& s);  // reactor_accept.cc
  void complete(IoHandler& handler, std::error_code error, std::size_t bytes);
  void complete(ConnectHandler& handler, std::error_code error, SocketId socket);
  // Counts `n` system calls made on the loop thread (LoopStats::system_calls).
  void count_calls(std::uint64_t n = 1) {
    calls_.store(calls_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::unique_ptr<Poller> poller_;
  std::atomic<std::thread::id> owner_;           // the loop thread (asserts, in_loop_thread)
  std::atomic<std::thread::id> running_thread_;  // the thread inside run(), else none
  std::atomic<bool> stop_requested_{false};
  bool running_ = false;   // inside run()
  bool stopping_ = false;  // winding down: new operations are cancelled at once
  bool local_wake_ = false;  // the executor got work from the loop thread itself
  // now(): the clock is read at most once per iteration, and only when someone asks (a
  // clock read costs ~150 ns on a VM's kvm-clock: a tenth of the loop's own overhead).
  mutable TimePoint now_;
  mutable bool now_valid_ = false;

  SocketTable<Socket> sockets_;
  TimerQueue timers_;
  std::vector<Completion> ready_;
  std::vector<Completion> draining_;
  std::vector<SocketId> pending_writes_;  // sockets with a write not yet tried, in start order
  ReadinessEvent events_[kMaxEvents];

  std::atomic<std::uint64_t> wakeups_{0};
  std::atomic<std::uint64_t> polls_{0};
  std::atomic<std::uint64_t> sockets_opened_{0};
  std::atomic<std::uint64_t> sockets_closed_{0};
  std::atomic<std::uint64_t> calls_{0};  // loop-thread system calls outside the poller

  // Last: destroyed first, after ~ReactorLoop has run every accepted task.
  SerialExecutor executor_;
};

}  // namespace aero::io
