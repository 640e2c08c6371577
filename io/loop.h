// io::Loop: the event-loop contract every backend (epoll, kqueue, IOCP) implements.
//
// The contract is completion-shaped (proactor): "connect, tell me when done", "write all of
// these bytes, tell me when done", "read at least N bytes into this buffer, tell me how
// many arrived". IOCP is natively like that; epoll and kqueue implement it with readiness
// plus non-blocking system calls. client/ uses only this header, never a backend.
//
// Threads: a Loop is owned by exactly one thread, the loop thread: the thread inside run(), or,
// before run() is first called, the thread that created the loop (so a test or a program can
// set up sockets and timers before running). post(), stop(), executor().submit() and
// stats() may be called from any thread; everything else only on the loop thread (checked
// by assert in debug builds).
//
// Completions: every started operation (connect, accept, write, read) completes exactly once: done,
// failed with an error code, or cancelled (std::errc::operation_canceled); an armed timer
// either fires once or is cancelled/disarmed. Handlers run on the loop thread, never inside
// the call that started the operation: a result known at once (a write that went out
// completely, a bad socket id) is queued on the loop's ready list and delivered later in
// the same loop iteration, so it costs no extra system call or wake-up (on io_uring, a write
// with a read started right behind it completes with that read instead: see read()).
#pragma once

#include <array>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "executor/executor.h"
#include "executor/unique_function.h"

namespace aero::io {

// The loops' clock: monotonic, so timers and deadlines ignore wall-clock changes.
using Clock = std::chrono::steady_clock;
// A point on Clock: timer deadlines, Loop::now().
using TimePoint = Clock::time_point;

// Outcomes that have no std::errc equivalent. Everything else is reported as a
// std::errc value in std::generic_category() on every platform (e.g. connection_refused,
// timed_out, connection_reset, operation_canceled), so callers compare portably:
// `if (ec == std::errc::connection_refused)`.
enum class Errc {
  eof = 1,           // the peer closed the connection before the read was satisfied
  bad_socket = 2,    // the socket id is unknown or already closed
  busy = 3,          // an operation of the same kind is already pending on the socket
};
// The category of Errc codes (name "aero.io"); a process-wide singleton, any thread.
const std::error_category& io_category() noexcept;
// Errc as a std::error_code of io_category(); lets `ec == Errc::eof` compile.
std::error_code make_error_code(Errc e) noexcept;

// An IPv4 or IPv6 address and port.
struct Endpoint {
  // IPv4 or IPv6.
  enum class Family : std::uint8_t { v4, v6 };
  Family family = Family::v4;              // which of the two `address` holds
  std::array<std::uint8_t, 16> address{};  // network order; v4 uses the first 4 bytes
  std::uint16_t port = 0;                   // host order
  std::uint32_t scope_id = 0;               // v6 only

  // The IPv4 endpoint a.b.c.d:port (port in host order).
  static Endpoint v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                     std::uint16_t port);
  // 127.0.0.1:port, the address tests listen and connect on.
  static Endpoint loopback_v4(std::uint16_t port) { return v4(127, 0, 0, 1, port); }
  // Parses a numeric address ("127.0.0.1", "::1", "fe80::1%2"); no name resolution.
  static std::optional<Endpoint> parse(std::string_view address, std::uint16_t port);
  // Numeric form with the port: "127.0.0.1:3000", "[::1]:3000" (for messages and logs).
  std::string to_string() const;
  // Same family, address bytes, port and scope id.
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Identifies a socket owned by a Loop. Ids are never reused within one loop, so a stale id
// fails cleanly with Errc::bad_socket instead of touching another connection.
struct SocketId {
  std::uint64_t value = 0;  // the loop's number for the socket; 0 = no socket
  // True for an id a loop handed out (not the empty default).
  explicit operator bool() const { return value != 0; }
  // The same socket of the same loop.
  friend bool operator==(SocketId, SocketId) = default;
};

// Bytes to write: borrowed, they must stay valid and unchanged until the write completes.
struct ConstBuffer {
  const void* data;  // first byte
  std::size_t size;  // number of bytes
};

// Room to read into: borrowed, it must stay valid until the read completes.
struct MutableBuffer {
  void* data;        // first byte
  std::size_t size;  // capacity in bytes
};

// Connect completion: the new socket on success (owned by the loop until close()).
using ConnectHandler = UniqueFunction<void(std::error_code, SocketId)>;
// Accept completion: the accepted connection (a new socket, TCP_NODELAY set, owned by the loop
// until close(), used with read/write/cancel/close like a connected one) on success; an empty
// id on failure or cancellation.
using AcceptHandler = UniqueFunction<void(std::error_code, SocketId)>;
// Read and write completions: bytes transferred (all of them, for a successful write).
using IoHandler = UniqueFunction<void(std::error_code, std::size_t)>;

// A one-shot timer embedded in its owner (e.g. a command). Starting and cancelling never
// allocate; both are O(log n) in the number of armed timers, except that moving an armed
// timer to a later deadline is O(1) (an idle timeout pushed forward on every read: the heap
// entry keeps its old place, and is moved once, when that earlier time comes). A Timer must stay at
// the same address while armed and must be cancelled (or have fired) before it is destroyed. Timers
// with equal deadlines fire in the order they were started. The handler may re-arm its own
// timer (periodic timers) but must not call set_handler() on it.
class Timer {
 public:
  // A timer that runs `on_expire` on the loop thread when it fires. Not armed.
  explicit Timer(UniqueFunction<void()> on_expire) : on_expire_(std::move(on_expire)) {}
  // A timer without a handler (set_handler() before starting it). Not armed.
  Timer() = default;
  ~Timer() { assert(!armed() && "destroying an armed Timer"); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Replaces the handler; only while the timer is not armed. Loop thread.
  void set_handler(UniqueFunction<void()> on_expire) { on_expire_ = std::move(on_expire); }
  // Started and neither fired nor cancelled yet. Loop thread.
  bool armed() const { return heap_index_ != kNotArmed; }
  // When it fires (the last start_timer() deadline); meaningful while armed(). Loop thread.
  TimePoint deadline() const { return deadline_; }

 private:
  friend class TimerQueue;
  static constexpr std::size_t kNotArmed = static_cast<std::size_t>(-1);
  static constexpr std::size_t kInRun = kNotArmed - 1;  // in the queue's run, not its heap
  UniqueFunction<void()> on_expire_;
  TimePoint deadline_{};
  std::uint64_t sequence_ = 0;  // start order, breaks ties between equal deadlines
  // Where the timer sits in the queue's heap: (deadline_, sequence_) as of its last move
  // there, never later than them (a later re-arm leaves the heap alone; see TimerQueue).
  TimePoint key_deadline_{};
  std::uint64_t key_sequence_ = 0;
  std::size_t heap_index_ = kNotArmed;  // or kInRun
  Timer* run_prev_ = nullptr;           // neighbours in the queue's run (when kInRun)
  Timer* run_next_ = nullptr;
};

// listen()'s result: the listening socket and the address it is bound to (the port the system
// chose when the requested port was 0), or the error that prevented it.
struct ListenResult {
  std::error_code error;  // why there is no listener (empty on success)
  SocketId socket;        // the listener; empty on error
  Endpoint local;         // the address and port it is bound to
};

// Counters for tests and benchmarks. Read from any thread (relaxed: a snapshot, not a sync).
struct LoopStats {
  std::uint64_t wakeups = 0;  // cross-thread wake-ups sent (eventfd writes, posted packets)
  std::uint64_t polls = 0;    // calls into the kernel's wait (epoll_wait, GetQueued..., kevent,
                              // the io_uring_enter that ends an iteration)
  std::uint64_t sockets_opened = 0;  // sockets the loop created (connects, accepts, listeners)
  std::uint64_t sockets_closed = 0;  // sockets the loop closed
  // System calls the loop made, counted where it makes them (exact, not sampled): its waits
  // (epoll_wait, io_uring_enter), sends and receives, wake-up eventfd writes (by whichever
  // thread posted) and reads, and socket setup and teardown (socket, connect, setsockopt,
  // getsockopt, accept, epoll_ctl, close). Calls of the vDSO (clock_gettime) are not system
  // calls and not counted. The epoll, kqueue and io_uring backends count; IOCP reports 0.
  std::uint64_t system_calls = 0;
};

// The event loop one thread runs (see the top of this file for the threading and completion
// rules). Backends: io/reactor (epoll, kqueue), io/iocp, io/uring; //io's make_loop() picks one.
class Loop {
 public:
  virtual ~Loop() = default;

  // ---- any thread ----

  // The loop's SerialExecutor: tasks run on the loop thread between I/O batches, in FIFO
  // order. A burst of submits from other threads wakes the loop once.
  virtual Executor& executor() = 0;

  // Same as executor().submit(). Returns false once the loop is stopped.
  bool post(Task&& task) { return executor().submit(std::move(task)); }

  // Asks run() to return; final (a stopped loop does not run again). Tasks accepted before
  // stop() still run before run() returns; later posts are refused (return false). Pending
  // I/O operations complete with operation_canceled before run() returns; armed timers are
  // disarmed without running. Operations started while run() winds down (from those tasks
  // or handlers) complete with operation_canceled; timers started then are not armed.
  // Sockets stay open until close() or the loop's destruction.
  virtual void stop() = 0;

  // Counters (see LoopStats), for tests and benchmarks.
  virtual LoopStats stats() const = 0;

  // ---- loop thread only ----

  // Runs the loop on the calling thread, which becomes the loop thread, until stop().
  virtual void run() = 0;

  // True when called on the thread currently inside run().
  virtual bool in_loop_thread() const = 0;

  // Starts a non-blocking TCP connect (TCP_NODELAY set). Fails with std::errc::timed_out
  // if not connected by `deadline`. Returns the id the socket has from now on, so the
  // pending connect can be cancelled (cancel() or close()); on success the handler gets the
  // same id. When the connect fails or is cancelled, the socket is closed, the handler gets
  // an empty SocketId and the id is invalid. Returns an empty id when the socket could not
  // even be created (the handler then reports why).
  virtual SocketId connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) = 0;

  // Writes every byte of `buffers` in order, across partial writes. The buffers and the
  // span itself must stay valid until the handler runs. At most one write pending per socket
  // (a second one fails with Errc::busy). On failure or cancellation the handler gets the
  // bytes written so far.
  virtual void write(SocketId socket, std::span<const ConstBuffer> buffers,
                     IoHandler handler) = 0;

  // Reads into `buffer` until at least `min_bytes` (1 <= min_bytes <= buffer.size, else
  // std::errc::invalid_argument) have arrived; may return more, up to buffer.size. At most
  // one read pending per socket (a second one fails with Errc::busy). When the peer closes
  // first, the handler gets Errc::eof and the bytes that did arrive. Reads and writes on a
  // socket whose connect is still pending fail with std::errc::not_connected.
  //
  // A read and a write may be pending on one socket at once. Request/response: start the
  // answer's read right after the request's write, before the write completes. Every backend
  // takes it; io_uring links the read to the write in the kernel (one system call submits
  // both and waits for the answer), and then delivers the write's completion only with the
  // read's, write first (a cancellation or close still completes both, each once; after a
  // failed send the two complete independently). Elsewhere the two complete independently, a
  // small write usually at once.
  virtual void read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
                    IoHandler handler) = 0;

  // Server side (tests, examples, small embedded servers; the client never listens).
  //
  // listen(): a non-blocking TCP socket bound to `at` (port 0: the system picks one, see
  // ListenResult::local; SO_REUSEADDR on POSIX, SO_EXCLUSIVEADDRUSE on Windows), listening
  // with `backlog` (<= 0: the system's default). The result is known at once (no handler);
  // the listener counts as a socket (stats) and is closed with close(). Backends and
  // decorators that cannot listen return std::errc::operation_not_supported (the default
  // below; the TLS decorator has no server side).
  virtual ListenResult listen(const Endpoint& at, int backlog);

  // accept(): completes once with the next connection on `listener` (a connection already
  // waiting is taken at once, the handler still runs later). At most one accept pending per
  // listener (a second one fails with Errc::busy); accept again from the handler for the
  // next connection. cancel(listener) or close(listener) completes a pending accept with
  // operation_canceled. An unknown or closed listener fails with Errc::bad_socket; a socket
  // that is not a listener with std::errc::invalid_argument; reads and writes on a listener
  // with std::errc::not_connected. Transient per-connection failures (a client that reset
  // before it was accepted) are skipped, not reported; other errors (e.g. out of
  // descriptors) complete the accept with that error. The default implementation completes
  // with Errc::bad_socket (no listener can exist).
  virtual void accept(SocketId listener, AcceptHandler handler);

  // Completes the socket's pending connect/accept/read/write with operation_canceled. The
  // socket stays open, except after a cancelled connect (see connect()). Returns true if anything
  // was pending; false for an idle socket or an unknown id. Cancellation races honestly: an
  // operation whose result is already decided (waiting on the ready list) is not pending
  // any more and is delivered with that result. A cancelled write may have sent part of its
  // bytes (the handler says how many): the stream should then be closed.
  virtual bool cancel(SocketId socket) = 0;

  // Cancels what is pending (as cancel()) and closes the socket; the id is then invalid
  // (later calls with it fail with Errc::bad_socket; close() of an unknown id does nothing).
  virtual void close(SocketId socket) = 0;

  // Timers: on expiry the timer's handler runs on the loop thread (a deadline already past
  // fires in the next loop iteration, never inside start_timer()). Re-arming an armed timer
  // moves its deadline. Timers started by an expiring handler wait for the next iteration.
  // cancel_timer() returns false if the timer was not armed (it already fired, or was never
  // started): then its handler has run or will never run.
  virtual void start_timer(Timer& timer, TimePoint deadline) = 0;
  // Disarms `timer` (see above); its handler will not run. Loop thread.
  virtual bool cancel_timer(Timer& timer) = 0;

  // The loop's view of now, refreshed once per loop iteration (cheap).
  virtual TimePoint now() const = 0;
};

// The backend for this platform: epoll on Linux, kqueue on BSD/macOS, IOCP on Windows.
// On Linux the environment variable AERO_IO_BACKEND=uring selects io_uring instead (as
// make_loop(LoopKind::io_uring) does).
std::unique_ptr<Loop> make_loop();

// Which backend make_loop(LoopKind) builds. automatic: as make_loop(). io_uring (Linux):
// where the kernel refuses it (ENOSYS, or EPERM when disabled by policy or a seccomp filter),
// the loop is epoll instead and one line says so on stderr (once per process). On other
// platforms every kind gives the platform's backend.
enum class LoopKind : std::uint8_t { automatic, epoll, io_uring };
// The backend `kind` names on this platform (see LoopKind for the fallback).
std::unique_ptr<Loop> make_loop(LoopKind kind);

}  // namespace aero::io

namespace std {
template <>
struct is_error_code_enum<aero::io::Errc> : true_type {};
}  // namespace std
