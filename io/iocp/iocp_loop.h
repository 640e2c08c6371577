// IocpLoop: the Windows backend of io::Loop (one I/O completion port per loop).
//
// Use make_loop() (io/loop.h) in library code; make_iocp_loop() exists for the conformance
// suite and benchmarks that name the backend. Threads: as io::Loop (io/loop.h).
//
// Design (the contract itself is in io/loop.h):
// - Sockets are opened overlapped and associated with the loop's port. connect uses
//   ConnectEx (the socket is bound to the wildcard address first, as ConnectEx requires),
//   write uses WSASend over up to kMaxWsaBufs buffers at a time, read uses WSARecv. Every
//   operation is an Op record that derives from OVERLAPPED: the pointer the port hands back
//   is the record. Records come from a free list owned by the loop and are reused, so an
//   operation allocates nothing in steady state.
// - Lifetimes: the kernel owns an Op (and the caller's buffer) from the moment it is issued
//   until its completion packet is dequeued. cancel() and close() therefore only detach
//   the Op from its socket, mark it with the error its handler will get
//   (operation_canceled, or timed_out for a connect deadline) and ask the kernel to abort
//   it (CancelIoEx, or closesocket); the handler runs when the packet arrives. So a caller
//   may free its buffer as soon as the handler has run, exactly as with epoll, and a new
//   read or write may be started on the socket right after cancel() returns.
// - Socket ids are (generation << 24 | slot) as in the other backends; an Op remembers its
//   socket's id, and a packet whose socket was closed meanwhile finds no socket and just
//   completes the (already cancelled) handler.
// - Completions never run inside the call that started the operation: results known at
//   once (bad id, busy, immediate failure or success) and results of dequeued packets go
//   to the ready list, drained after each poll. Sockets use
//   FILE_SKIP_COMPLETION_PORT_ON_SUCCESS when every installed TCP provider is an IFS one
//   (the documented condition; otherwise a packet could still come and complete an Op
//   twice): an operation that succeeds at once posts no packet and is finished inline, so
//   a small write costs one WSASend and no extra GetQueuedCompletionStatusEx.
// - Wake-up: the loop's SerialExecutor calls the wake hook at most once until the loop
//   drains it; from the thread inside run() it only sets a flag (the loop does not block
//   while it is set), from any other thread it posts one packet with key kWakeKey
//   (PostQueuedCompletionStatus).
// - Timers: the shared TimerQueue; the earliest deadline bounds the wait of
//   GetQueuedCompletionStatusEx (milliseconds, rounded up).
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "executor/serial_executor.h"
#include "io/iocp/windows_headers.h"
#include "io/loop.h"
#include "io/socket_table.h"
#include "io/timer_queue.h"

namespace aero::io {

std::unique_ptr<Loop> make_iocp_loop();

class IocpLoop final : public Loop {
 public:
  IocpLoop();
  ~IocpLoop() override;
  IocpLoop(const IocpLoop&) = delete;
  IocpLoop& operator=(const IocpLoop&) = delete;

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
  static constexpr std::size_t kMaxWsaBufs = 16;

  // One started operation. Owned by the loop (ops_), handed to the kernel while issued.
  struct Op : OVERLAPPED {
    enum class Kind : std::uint8_t { connect, read, write, accept };
    Kind kind = Kind::read;
    bool issued = false;          // the kernel holds it: a packet will come
    std::uint64_t socket = 0;     // id of the socket it belongs to
    std::error_code cancel_error; // set when cancelled/timed out: what the handler gets
    std::size_t done = 0;         // bytes transferred so far

    ConnectHandler on_connect;  // connect and accept (the same handler type)
    Timer connect_timer;  // the connect deadline; its handler is set once, at creation

    IoHandler on_io;
    std::byte* read_data = nullptr;
    std::size_t read_size = 0;
    std::size_t read_min = 0;
    const ConstBuffer* write_buffers = nullptr;
    std::size_t write_count = 0;
    std::size_t write_index = 0;   // first buffer not completely written
    std::size_t write_offset = 0;  // bytes of it already written
    WSABUF wsabufs[kMaxWsaBufs];

    // accept: the socket AcceptEx fills, and the room it writes both addresses into.
    SOCKET accept_handle = INVALID_SOCKET;
    char accept_addresses[2 * (sizeof(sockaddr_storage) + 16)];

    Op* next_free = nullptr;
  };

  // Per-socket state; lives in sockets_ (io/socket_table.h), reused (with a new generation)
  // after close.
  struct Socket {
    std::uint64_t id = 0;  // 0 while the slot is free
    std::uint64_t generation = 1;
    SOCKET handle = INVALID_SOCKET;
    bool skips_port = false;   // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set on it
    Op* connecting = nullptr;  // the pending connect, read and write (null when none)
    Op* reading = nullptr;
    Op* writing = nullptr;
    Op* accepting = nullptr;  // listeners only
    bool listening = false;   // made by listen(): accept only
    int family = 0;           // listeners: the family of the sockets AcceptEx is given
  };

  // A finished operation waiting on the ready list. Exactly one handler is set.
  struct Completion {
    IoHandler io;
    ConnectHandler connect;
    std::error_code error;
    std::size_t bytes = 0;
    SocketId socket;
  };

  static constexpr ULONG_PTR kWakeKey = 1;  // sockets use key 0
  static constexpr ULONG kMaxEntries = 128;
  static constexpr int kMaxReadyRounds = 16;

  // Loop machinery (iocp_loop.cc).
  void on_executor_wake();
  void post_wake_packet();
  DWORD poll_timeout() const;
  void poll(DWORD timeout_ms);
  void drain_ready(int max_rounds);
  void wind_down();
  void assert_loop_thread() const { assert(in_loop_thread() && "io::Loop: wrong thread"); }

  // Sockets and operations (iocp_sockets.cc).
  Socket* find(std::uint64_t id) { return sockets_.find(id); }
  Socket* allocate_socket(SOCKET handle);
  void destroy_socket(Socket& s);  // cancels what is pending, closes, frees the slot
  bool cancel_operations(Socket& s, std::error_code error);  // detaches and aborts
  void abort(Socket& s, Op*& slot, std::error_code error);
  Op* acquire_op(Op::Kind kind, std::uint64_t socket);
  void release_op(Op* op);
  SOCKET open_socket(int family, std::error_code& error);
  void on_packet(Op* op, DWORD bytes);
  void on_connected(Op* op, std::error_code error);
  void on_connect_deadline(Op* op);
  // Accept (iocp_accept.cc): opens the socket for the next connection and issues AcceptEx.
  void start_accept(Socket& listener, Op* op);
  void on_accepted(Op* op, std::error_code error);
  // Reads or writes until the operation is done or waits in the kernel. `transferred`: a
  // transfer just finished and moved `bytes` (false when starting).
  void progress(Op* op, Socket& s, DWORD bytes, bool transferred);
  // Starts one WSARecv/WSASend. True when it finished at once (no packet will come) with
  // `bytes` moved; false when it is pending or failed (then `op` is finished).
  bool issue(Op* op, Socket& s, DWORD& bytes);
  void finish_io(Op* op, std::error_code error);
  void complete(IoHandler& handler, std::error_code error, std::size_t bytes);
  void complete(ConnectHandler& handler, std::error_code error, SocketId socket);

  HANDLE port_ = nullptr;
  LPFN_CONNECTEX connect_ex_ = nullptr;  // loaded once, on the first connect
  LPFN_ACCEPTEX accept_ex_ = nullptr;    // loaded once, on the first listen
  bool can_skip_port_ = false;  // every TCP provider is IFS: see the design note above
  std::atomic<std::thread::id> owner_;           // the loop thread (asserts, in_loop_thread)
  std::atomic<std::thread::id> running_thread_;  // the thread inside run(), else none
  std::atomic<bool> stop_requested_{false};
  bool running_ = false;     // inside run()
  bool stopping_ = false;    // winding down: new operations are cancelled at once
  bool local_wake_ = false;  // the executor got work from the loop thread itself
  mutable TimePoint now_;

  SocketTable<Socket> sockets_;
  std::vector<std::unique_ptr<Op>> ops_;  // every Op ever made; never shrinks
  Op* free_ops_ = nullptr;
  std::size_t issued_ops_ = 0;  // Ops the kernel holds: the loop cannot end before 0
  TimerQueue timers_;
  std::vector<Completion> ready_;
  std::vector<Completion> draining_;
  OVERLAPPED_ENTRY entries_[kMaxEntries];

  std::atomic<std::uint64_t> wakeups_{0};
  std::atomic<std::uint64_t> polls_{0};
  std::atomic<std::uint64_t> sockets_opened_{0};
  std::atomic<std::uint64_t> sockets_closed_{0};

  // Last: destroyed first, after ~IocpLoop has run every accepted task.
  SerialExecutor executor_;
};

}  // namespace aero::io
