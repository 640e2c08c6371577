// Command: the per-command state machine every single-record and batch command runs on.
//
// One attempt: pick a node (subclass), take a pooled connection or open one, write the
// request, read frames until the subclass says the answer is complete. Around it: one
// deadline for the whole command (checked before every attempt, at every read and while
// queued), a socket (idle) timeout per attempt, retries along the replica sequence, and
// the guarantee that complete() is called exactly once.
//
// Threads: created on any thread, then owned by one loop: every method below runs on that
// loop's thread. The subclass's complete() hands the result to the completion executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>

#include "client/cluster/node.h"
#include "client/cluster/partition_map.h"
#include "client/metrics/metrics.h"
#include "client/command/connection_pool.h"
#include "client/policy.h"
#include "client/status.h"
#include "client/wire/buffer.h"
#include "client/wire/frame.h"
#include "io/loop.h"

namespace aero::command {

class LoopContext;

// The Status for a server result code, with the code table's one-line message.
Status server_status(int code, const std::string& where);

// Error 20 for a namespace `snapshot` does not have, naming those it has; ok when it has it
// (or has no namespaces at all: then no node is known yet).
Status unknown_namespace(const cluster::ClusterSnapshot& snapshot, std::string_view ns);

// Timing and retry settings copied from the policy at submission.
struct Timing {
  io::TimePoint deadline{};      // zero: no total timeout
  std::chrono::milliseconds socket_timeout{0};  // zero: none (then only the deadline)
  int max_retries = 0;
  std::chrono::milliseconds sleep_between_retries{0};
  std::chrono::milliseconds timeout_delay{0};
  double sleep_multiplier = 1.0;
  std::chrono::milliseconds max_sleep_between_retries{0};
  bool retry_jitter = false;
  Replica replica = Replica::sequence;
  bool is_write = false;
  std::stop_token cancel;  // Policy::cancel (empty: not cancellable)
  io::TimePoint submitted{};  // for the latency metrics
  metrics::CommandKind kind = metrics::CommandKind::read;

  static Timing from(const Policy& p, bool is_write, io::TimePoint now);
};

// The sleep before retry `retry` (1 for the first): Policy's backoff (sleep_between_retries
// times sleep_multiplier^(retry-1), capped), with equal jitter drawn from `unit_random` in
// [0, 1) when retry_jitter is set.
std::chrono::milliseconds backoff_sleep(const Timing& t, int retry, double unit_random);

class Command : public PoolWaiter {
 public:
  Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  // Loop thread: begin (called by LoopContext when flow control lets the command run).
  void start();
  // Loop thread: the command waited in the delay queue past its deadline, or the client is
  // closing: fail it without I/O.
  void fail_before_start(Status status);

  LoopContext* context() const { return ctx_; }
  const Timing& timing() const { return timing_; }
  // Loop thread, when the command reaches its loop (LoopContext::admit): false when
  // Policy::cancel was already requested (then fail it with cancelled_status()); otherwise
  // the command listens for a cancel from now until it finishes.
  bool arrive();
  // The status a cancelled command completes with.
  Status cancelled_status() const;

 protected:
  virtual ~Command() = default;

  // Prepares the command to run on `ctx` (call before submitting it).
  void bind(LoopContext* ctx, const Timing& timing);

  // The node to try at this attempt, or nullptr when no node serves the request.
  virtual cluster::Node* select_node(const cluster::ClusterSnapshot& snapshot,
                                     unsigned replica_index) = 0;
  // The request bytes (one whole frame); valid until complete().
  virtual std::span<const std::uint8_t> request() = 0;
  // A complete frame arrived (type 3, or type 4 already inflated). Returns true when the
  // answer is complete, false to read the next frame, or an error: the connection is then
  // discarded and the error final (a malformed answer is not retried).
  virtual Result<bool> on_frame(std::span<const std::uint8_t> body) = 0;
  // Retryable server answers (e.g. partition unavailable during a migration): the subclass
  // reports them through on_frame as an error with this flag.
  // The final outcome, exactly once. The subclass delivers the user's completion and calls
  // release() when it no longer needs the object.
  virtual void complete(Status status) = 0;
  // Called before a retry, so a batch can re-split the keys still unanswered.
  virtual void prepare_retry() {}

  // The namespace the command addresses (empty: none). When no node serves the request and
  // the cluster does not have this namespace, the command fails at once with 20, naming the
  // namespaces the cluster has, instead of retrying for a node.
  virtual std::string_view target_namespace() const { return {}; }
  // True when the answer is exactly one message frame (single-record commands): then a
  // connection that timed out mid-answer can be drained (Policy::timeout_delay).
  virtual bool answer_is_one_frame() const { return false; }
  // The frame type of the answer (info commands read type-1 frames).
  virtual wire::ExpectedFrame expected_frame() const { return wire::ExpectedFrame::kMessage; }
  // Streams (scan/query): asked after each frame that did not end the answer; true stops
  // reading this connection (backpressure) until resume_reading(). While paused only the
  // total deadline runs (a slow consumer is not a socket timeout).
  virtual bool hold_reading() { return false; }
  // Loop thread: continues a paused answer (frames already buffered first).
  void resume_reading();
  // Loop thread: ends the command now with `status`; a connection in the middle of an
  // answer is closed, never reused. No effect once finished.
  void abort_now(Status status);

  // Decides whether a server-side error from on_frame should be retried (on the next
  // replica) rather than returned.
  static bool retryable_server_code(int code);

  // The loop side is done with the object (after complete() and once no I/O is pending):
  // the subclass's release hook runs.
  virtual void on_loop_done() = 0;

 private:
  enum class State : std::uint8_t {
    idle, queued, waiting_connection, connecting, writing, reading, paused, sleeping, done
  };

  void begin_attempt();
  void use_connection(io::SocketId socket);
  void open_connection();
  void on_connected(std::uint64_t attempt, std::error_code ec, io::SocketId socket);
  void on_written(std::uint64_t attempt, std::error_code ec, std::size_t n);
  void read_more(std::size_t min_bytes);
  void on_read(std::uint64_t attempt, std::error_code ec, std::size_t n);
  void handle_read(std::error_code ec, std::size_t n);  // on_read for the current attempt
  bool process_frames();  // false when the command moved on (done, error, retry)
  void on_timer();
  void enter_queue();  // LoopContext: waits in the delay queue, deadline timer running
  void leave_queue();
  void on_pool_ready(io::SocketId socket) override;

  // The attempt's timer deadline: the total deadline, or the idle one (active_at_ plus the
  // socket timeout) when that comes first; none when neither is set.
  io::TimePoint attempt_deadline() const;
  void arm_timer();
  // Ends the current attempt: a healthy connection goes back to the pool, a broken one is
  // closed; I/O still pending for the attempt completes later and is ignored.
  void end_attempt(bool connection_healthy);
  // Ends the current attempt after a timeout but keeps its connection: the pending read is
  // cancelled, and when its completion arrives (with the bytes it got) the connection goes
  // to a drain (client/command/drain.h).
  void end_attempt_draining();
  // A stale read completed: if it belongs to the attempt handed to a drain, start it.
  void hand_to_drain(std::error_code ec, std::size_t n);
  Status timeout_status(bool total_expired) const;
  // In-doubt writes: the request went out, or may have (its write's completion not yet seen).
  bool maybe_sent() const { return sent_ || write_unconfirmed_; }
  // The answer's read is pending (its write done, or started with it): a timeout or cancel
  // may keep the connection by draining the answer (Timing::timeout_delay).
  bool awaiting_answer() const {
    return state_ == State::reading || (state_ == State::writing && read_with_write_);
  }
  const std::string& where() const;  // "node BB9... at 127.0.0.1:3000" for messages
  void retry_or_fail(Status status);
  // The circuit breaker: counts an error against the attempt's node; refuses a node over
  // the rate (then the status to fail or retry with; ok when the node may be used).
  void note_node_error();
  Status check_error_rate(cluster::Node& node) const;
  // The sleep before the next retry (backoff and jitter applied).
  std::chrono::milliseconds retry_sleep() const;
  void finish(Status status);
  void maybe_loop_done();
  void record_outcome(const Status& status);  // metrics of the node last tried
  // Cancellation (Policy::cancel). The stop callback is registered when the command reaches
  // its loop and unregistered when it finishes (the unregistering waits for a callback
  // running on another thread at that moment). It runs on the thread that requests the stop
  // and only sets the flag and posts on_cancel_task() to the loop; each posted task is
  // counted, and the object is not released (on_loop_done) before every one has run.
  struct CancelHook {
    Command* command;
    void operator()() const noexcept { command->on_cancel_requested(); }
  };
  void on_cancel_requested();  // any thread
  void on_cancel_task();       // loop thread
  void drop_cancel_hook();

  LoopContext* ctx_ = nullptr;
  Timing timing_;
  State state_ = State::idle;
  std::uint64_t attempt_ = 0;  // bumps whenever an attempt is abandoned: stale I/O is ignored
  int iteration_ = 0;
  unsigned replica_index_ = 0;
  bool sent_ = false;          // the request was written at least once (in-doubt writes)
  // This attempt's answer read started together with its write (io/loop.h, Loop::read), and
  // the write's completion has not come yet: the request may have gone out.
  bool write_unconfirmed_ = false;
  bool read_with_write_ = false;  // this attempt's answer read started with its write
  // A successful read that completed before its attempt's write did (possible where the two
  // complete independently): handled once the write's completion comes.
  struct EarlyRead {
    bool valid = false;
    std::uint64_t attempt = 0;
    std::size_t bytes = 0;
  } early_read_;
  int pending_io_ = 0;
  bool finished_ = false;
  bool admitted_ = false;      // counted in the loop's commands in process
  bool loop_done_ = false;
  bool record_metrics_ = false;  // ClientConfig::enable_metrics
  bool client_timeout_ = false;  // the command's own timer ended an attempt
  std::atomic<bool> cancel_requested_{false};
  std::atomic<int> cancel_tasks_{0};  // posted on_cancel_task() calls not yet run
  std::optional<std::stop_callback<CancelHook>> cancel_hook_;
  std::shared_ptr<cluster::Node> node_;
  ConnectionPool* pool_ = nullptr;
  io::SocketId socket_;
  io::ConstBuffer write_buffer_{nullptr, 0};
  wire::Buffer rbuf_;       // response bytes; capacity reused across commands
  wire::Buffer inflated_;   // a compressed frame's inner frame
  std::size_t filled_ = 0;
  io::TimePoint io_deadline_{};  // what the timer is armed for
  io::TimePoint active_at_{};    // the attempt's last progress: its idle deadline's start
  io::Timer timer_;
  // The attempt whose connection waits for its cancelled read before draining (node set).
  struct DrainHandoff {
    std::shared_ptr<cluster::Node> node;
    io::SocketId socket;
    std::uint64_t attempt = 0;
    std::size_t have = 0;  // bytes of the answer in rbuf_ before the cancelled read's
    // The request's write had not completed at the hand-off: only a write that then reports
    // every byte sent (cancelled or not) leaves a stream a drain can read the answer from.
    bool write_pending = false;
    std::size_t request_size = 0;
  } drain_;

  friend class LoopContext;
  // Delay queue links (LoopContext).
  Command* queue_prev_ = nullptr;
  Command* queue_next_ = nullptr;
  bool queued_ = false;
};

}  // namespace aero::command
