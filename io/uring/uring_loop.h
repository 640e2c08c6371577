// UringLoop: the Linux io_uring backend of io::Loop, on the raw io_uring_setup /
// io_uring_enter system calls and <linux/io_uring.h> (no liburing).
//
// Use make_loop() / make_loop(LoopKind::io_uring) (io/loop.h) in library code: they fall back
// to epoll where the kernel refuses io_uring. make_uring_loop() exists for the conformance
// suite, the io_uring tests and benchmarks that name the backend; it returns nullptr (and says
// why) instead of falling back. Threads: as io::Loop (io/loop.h).
//
// Design (the contract itself is in io/loop.h; IOCP, io/iocp/iocp_loop.h, is the closest
// model: both are completion ports):
// - One ring per loop (io/uring/uring_ring.h). Every started operation is an Op record from
//   a free list owned by the loop; its address is the user_data of its submission queue
//   entry (SQE), so a completion queue entry (CQE) leads straight back to it. connect uses
//   IORING_OP_CONNECT on a blocking socket (io_uring never blocks on it), write IORING_OP_SEND
//   (one buffer) or IORING_OP_SENDMSG (up to kMaxIov), with MSG_NOSIGNAL, read IORING_OP_RECV,
//   accept IORING_OP_ACCEPT (io/uring/uring_accept.cc).
//   A partial transfer queues the next SQE for the rest.
// - Request/response in one enter: a read started on a socket right after a write on it,
//   while the write's SQE is still the newest in the SQ, is linked to it (a "linked pair"):
//   the send gets IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS and MSG_WAITALL, the recv follows.
//   The kernel starts the recv only once every byte went out, and a pair gives exactly one
//   CQE: the recv's (so the send succeeded: its completion is delivered first, then the
//   read's), or, when the send fails or is cancelled, the send's (with the error or a short
//   count; the recv then never ran and gets no CQE: the loop starts it again unlinked, or
//   completes it as cancelled). So a command costs one io_uring_enter that submits both and
//   waits for the answer, as a bare program would. Needs IORING_FEAT_CQE_SKIP and a kernel
//   whose send retries MSG_WAITALL (5.18; checked as IORING_FEAT_REG_REG_RING, 6.3).
// - Batching: SQEs are only written to the ring while the loop iterates; the kernel sees
//   them at the next io_uring_enter, which also reaps and, when there is nothing else to
//   do, waits (the only call counted in LoopStats::polls). When the queued SQEs include one
//   that usually completes at once (a send, a cancellation), the ready-list drain submits
//   them without waiting, so a small write is delivered in the same iteration, as with epoll.
//   A full SQ is submitted on the spot to make room.
// - Lifetimes, as with IOCP: the kernel owns an Op (and the caller's buffer) from its SQE to
//   its CQE. cancel() and close() only detach the Op from its socket, mark it with the error
//   its handler will get (operation_canceled, or timed_out for a connect deadline) and
//   retract it: an SQE the kernel has not consumed yet is rewritten into a NOP in place (so a
//   cancelled read can never eat bytes), a consumed one gets an IORING_OP_ASYNC_CANCEL. The
//   handler runs when the CQE arrives. An Op with a cancellation in flight is not reused
//   before that cancellation's own CQE (its user_data is the Op's address | 1), so a late
//   cancellation can never hit a newer operation.
// - close(): retracts what is pending, then closes the descriptor at once. io_uring holds its
//   own reference on a socket's file, so an in-flight operation never touches a reused
//   descriptor number, and its cancellation is by user_data, not by descriptor.
// - Completion queue overflow: the ring requires IORING_FEAT_NODROP; after reaping, a set
//   IORING_SQ_CQ_OVERFLOW flag makes the loop enter with GETEVENTS to flush the kernel's
//   overflow list into the ring, until it is clear.
// - Wake-ups: an eventfd with an IORING_OP_READ always pending on it (re-armed on each CQE).
//   As with the other backends, the executor's wake hook only sets a flag on the thread
//   inside run().
// - Timers: the shared TimerQueue; the earliest deadline becomes the timeout of the waiting
//   io_uring_enter (IORING_ENTER_EXT_ARG, nanoseconds).
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "executor/serial_executor.h"
#include "io/loop.h"
#include "io/socket_table.h"
#include "io/timer_queue.h"
#include "io/uring/uring_ring.h"

namespace aero::io {

struct UringOptions {
  unsigned sq_entries = 512;  // submission queue size (the kernel rounds up to a power of 2)
  unsigned cq_entries = 0;    // completion queue size; 0: the kernel's default (2x sq_entries)
  // Link a read started right after a write to it (see the top of this file), where the kernel
  // can. The environment variable AERO_URING_LINK=0 turns it off too (to measure it).
  bool link_reads_to_writes = true;
};

// A new io_uring loop, or nullptr when the kernel refuses io_uring (`error`, when given, then
// says why: ENOSYS without io_uring, EPERM where it is disabled by policy, or a missing
// feature this backend needs).
std::unique_ptr<Loop> make_uring_loop(const UringOptions& options,
                                      std::error_code* error = nullptr);

// Per-loop io_uring counters (the backend's own, beyond LoopStats), loop thread or any thread.
struct UringStats {
  std::uint64_t enters = 0;         // io_uring_enter calls of any kind
  std::uint64_t sqes = 0;           // SQEs handed to the kernel
  std::uint64_t sq_full = 0;        // times the SQ was full and submitted early to make room
  std::uint64_t cq_overflows = 0;   // times the kernel's overflow list had to be flushed
  std::uint64_t retracted = 0;      // SQEs turned into NOPs before the kernel saw them
  std::uint64_t async_cancels = 0;  // IORING_OP_ASYNC_CANCEL submitted
  std::uint64_t linked_pairs = 0;   // reads linked to the send before them (see the top)
};

class UringLoop final : public Loop {
 public:
  // Takes a ring that is already set up (UringRing::open); see UringOptions for the flag.
  UringLoop(std::unique_ptr<UringRing> ring, bool link_reads_to_writes);
  ~UringLoop() override;
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;

  Executor& executor() override { return executor_; }
  void stop() override;
  LoopStats stats() const override;
  UringStats uring_stats() const;
  // Whether reads started right after a write are linked to it (see the top): the option, and
  // a kernel that can. Any thread.
  bool links_reads_to_writes() const { return can_link_; }

  void run() override;
  bool in_loop_thread() const override {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }

  SocketId connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) override;
  void write(SocketId socket, std::span<const ConstBuffer> buffers, IoHandler handler) override;
  void read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
            IoHandler handler) override;
  ListenResult listen(const Endpoint& at, int backlog) override;  // uring_accept.cc
  void accept(SocketId listener, AcceptHandler handler) override;
  bool cancel(SocketId socket) override;
  void close(SocketId socket) override;

  void start_timer(Timer& timer, TimePoint deadline) override;
  bool cancel_timer(Timer& timer) override;
  TimePoint now() const override;

 private:
  static constexpr std::size_t kMaxIov = 16;

  // One started operation. Owned by the loop (ops_), handed to the kernel from SQE to CQE.
  struct Op {
    enum class Kind : std::uint8_t { connect, read, write, accept };
    Kind kind = Kind::read;
    bool in_kernel = false;        // an SQE for it is queued or submitted: a CQE will come
    bool finished = false;         // its handler was queued; freed once nothing refers to it
    bool nop = false;              // its SQE was rewritten into a NOP: its CQE carries no result
    std::uint32_t cancels = 0;     // its ASYNC_CANCELs whose CQE has not come yet
    std::uint32_t sqe_index = 0;   // the SQ position of its current SQE (for retracting)
    std::uint64_t socket = 0;      // id of the socket it belongs to
    std::error_code cancel_error;  // set when cancelled/timed out: what the handler gets
    std::size_t done = 0;          // bytes transferred so far
    Op* linked = nullptr;          // the other half of a linked pair in the kernel (see the top)
    std::size_t sqe_bytes = 0;     // a write: bytes its current SQE sends
    bool sqe_sends_rest = false;   // a write: its current SQE sends every byte left

    ConnectHandler on_connect;  // also an accept's handler (AcceptHandler is the same type)
    Timer connect_timer;        // the connect deadline; its handler is set once, at creation
    sockaddr_storage address{};
    socklen_t address_length = 0;

    IoHandler on_io;
    std::byte* read_data = nullptr;
    std::size_t read_size = 0;
    std::size_t read_min = 0;
    const ConstBuffer* write_buffers = nullptr;
    std::size_t write_count = 0;
    std::size_t write_index = 0;   // first buffer not completely written
    std::size_t write_offset = 0;  // bytes of it already written
    iovec iov[kMaxIov];
    msghdr message{};

    Op* next_free = nullptr;
  };

  // Per-socket state; lives in sockets_ (io/socket_table.h), reused (with a new generation)
  // after close.
  struct Socket {
    std::uint64_t id = 0;  // 0 while the slot is free
    std::uint64_t generation = 1;
    int fd = -1;
    Op* connecting = nullptr;  // the pending connect, read and write (null when none)
    Op* reading = nullptr;
    Op* writing = nullptr;
    Op* accepting = nullptr;  // the pending accept of a listener
    bool listening = false;   // made by listen(): accepts, never reads or writes
  };

  // A finished operation waiting on the ready list. Exactly one handler is set.
  struct Completion {
    IoHandler io;
    ConnectHandler connect;
    std::error_code error;
    std::size_t bytes = 0;
    SocketId socket;
  };

  static constexpr int kMaxReadyRounds = 16;
  // user_data values that are not an Op's address (Ops are 8-byte aligned).
  static constexpr std::uint64_t kCancelTag = 1;       // Op address | 1: its ASYNC_CANCEL
  static constexpr std::uint64_t kWakeData = 2;        // the eventfd read
  static constexpr std::uint64_t kWakeCancelData = 3;  // its ASYNC_CANCEL (wind-down)

  // Loop machinery (uring_loop.cc).
  void on_executor_wake();
  void send_wakeup();
  void arm_wake_read();
  // An SQE at the ring's tail for `user_data` (submitting early when the SQ is full); its
  // CQE is counted in in_flight_.
  io_uring_sqe* queue_sqe(std::uint64_t user_data, std::uint32_t& position);
  // Rewrites an SQE the kernel has not read into a NOP (same user_data) and returns true, or
  // returns false when the kernel already has it.
  bool retract_sqe(std::uint32_t position);
  // One io_uring_enter that submits what is queued and, when `wait`, waits for a CQE or the
  // earliest timer; then reaps.
  void poll(bool wait);
  void reap();
  void on_cqe(std::uint64_t user_data, std::int32_t result);
  void drain_ready(int max_rounds);
  void wind_down();
  void assert_loop_thread() const { assert(in_loop_thread() && "io::Loop: wrong thread"); }

  // Sockets and operations (uring_sockets.cc).
  Socket* find(std::uint64_t id) { return sockets_.find(id); }
  Socket* allocate_socket(int fd);
  void destroy_socket(Socket& s);  // cancels what is pending, closes, frees the slot
  bool cancel_operations(Socket& s, std::error_code error);  // detaches and retracts
  void abort(Op*& pending, std::error_code error);
  void retract(Op* op);
  Op* acquire_op(Op::Kind kind, std::uint64_t socket);
  void release_if_unused(Op* op);
  void on_op_cqe(Op* op, std::int32_t result);
  void on_connected(Op* op, std::error_code error);
  void on_connect_deadline(Op* op);
  // Server side (uring_accept.cc): queues the listener's IORING_OP_ACCEPT; its CQE.
  void queue_accept(Op* op, int listener_fd);
  void on_accepted(Op* op, std::int32_t result);
  // Queues the next SQE of a read or write, or finishes it when nothing is left to do.
  void progress(Op* op);
  // read(): links the new read `op` to the socket's write when that write's send is the
  // newest SQE (see the top); returns whether it did.
  bool link_to_write(Socket& s, Op* op);
  // The one CQE of a linked pair came, for `arrived`: settles the other half too, the write's
  // completion first.
  void on_linked_cqe(Op* arrived, std::int32_t result);
  // A retracted (NOP-ed) half of a linked pair: both halves complete on their own again.
  void unlink(Op* op);
  void finish_io(Op* op, std::error_code error);
  void complete(IoHandler& handler, std::error_code error, std::size_t bytes);
  void complete(ConnectHandler& handler, std::error_code error, SocketId socket);
  // Counts `n` system calls made on the loop thread besides io_uring_enter (socket setup and
  // close), for LoopStats::system_calls.
  void count_calls(std::uint64_t n = 1) {
    calls_.store(calls_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::unique_ptr<UringRing> ring_;
  int wake_fd_ = -1;
  std::uint64_t wake_value_ = 0;  // the eventfd read's buffer
  bool wake_armed_ = false;       // the eventfd read is in the kernel
  std::uint32_t wake_position_ = 0;
  // A queued SQE usually completes at once (a send, a NOP, a cancellation): the ready-list
  // drain submits before it gives up, so its completion comes in the same iteration.
  // Counted, not a flag: linking a send takes its eagerness back (its CQE is skipped).
  unsigned eager_ = 0;
  bool can_link_ = false;  // the kernel has what linked pairs need (see the top)
  std::atomic<std::thread::id> owner_;           // the loop thread (asserts, in_loop_thread)
  std::atomic<std::thread::id> running_thread_;  // the thread inside run(), else none
  std::atomic<bool> stop_requested_{false};
  bool running_ = false;     // inside run()
  bool stopping_ = false;    // winding down: new operations are cancelled at once
  bool local_wake_ = false;  // the executor got work from the loop thread itself
  mutable TimePoint now_;
  mutable bool now_valid_ = false;

  SocketTable<Socket> sockets_;
  std::vector<std::unique_ptr<Op>> ops_;  // every Op ever made; never shrinks
  Op* free_ops_ = nullptr;
  std::size_t in_flight_ = 0;  // SQEs queued or submitted whose CQE has not come yet
  TimerQueue timers_;
  std::vector<Completion> ready_;
  std::vector<Completion> draining_;

  std::atomic<std::uint64_t> wakeups_{0};
  std::atomic<std::uint64_t> polls_{0};
  std::atomic<std::uint64_t> sockets_opened_{0};
  std::atomic<std::uint64_t> sockets_closed_{0};
  std::atomic<std::uint64_t> calls_{0};  // see count_calls()
  std::atomic<std::uint64_t> retracted_{0};
  std::atomic<std::uint64_t> async_cancels_{0};
  std::atomic<std::uint64_t> linked_pairs_{0};

  // Last: destroyed first, after ~UringLoop has run every accepted task.
  SerialExecutor executor_;
};

}  // namespace aero::io
