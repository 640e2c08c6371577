#include "client/command/command.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "client/auth/auth_loop.h"
#include "client/command/drain.h"
#include "client/command/loop_context.h"
#include "client/wire/frame.h"
#include "client/wire/result_code.h"

namespace aero::command {

namespace {
constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kInitialReadBuffer = 16 * 1024;

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }
}  // namespace

Timing Timing::from(const Policy& p, bool is_write, io::TimePoint now) {
  Timing t;
  if (p.total_timeout.count() > 0) t.deadline = now + p.total_timeout;
  t.socket_timeout = p.socket_timeout;
  // A socket timeout no shorter than the total timeout (or none) never ends an attempt
  // before the total deadline does: every attempt starts after `now`. Then only the
  // deadline is armed, and a read's progress has no idle deadline to move.
  if (p.total_timeout.count() > 0 && t.socket_timeout >= p.total_timeout) {
    t.socket_timeout = std::chrono::milliseconds(0);
  }
  t.max_retries = std::max(0, p.max_retries);
  t.sleep_between_retries = p.sleep_between_retries;
  t.timeout_delay = p.timeout_delay;
  t.sleep_multiplier = p.sleep_multiplier;
  t.max_sleep_between_retries = p.max_sleep_between_retries;
  t.retry_jitter = p.retry_jitter;
  t.replica = p.replica;
  t.is_write = is_write;
  t.cancel = p.cancel;
  t.submitted = now;
  t.kind = is_write ? metrics::CommandKind::write : metrics::CommandKind::read;
  return t;
}

Status server_status(int code, const std::string& where) {
  std::string msg(wire::result_code_message(static_cast<wire::ResultCode>(code)));
  if (!where.empty()) msg += " (" + where + ")";
  return Status(code, std::move(msg));
}

Status unknown_namespace(const cluster::ClusterSnapshot& snapshot, std::string_view ns) {
  if (snapshot.namespaces.empty() || snapshot.find(ns) != nullptr) return Status();
  std::string names;
  for (const auto& m : snapshot.namespaces) names += (names.empty() ? "" : ", ") + m->name;
  return Status(20, "namespace '" + std::string(ns) + "' is not in the cluster (it has: " + names + ")");
}

bool Command::retryable_server_code(int code) {
  // Partition unavailable: the node no longer (or not yet) owns the partition, as during a
  // migration; the next replica, or the new owner after a tend, can answer.
  return code == result::partition_unavailable;
}

void Command::bind(LoopContext* ctx, const Timing& timing) {
  ctx_ = ctx;
  timing_ = timing;
  state_ = State::idle;
  attempt_ += 1;
  iteration_ = 0;
  replica_index_ = 0;
  sent_ = false;
  write_unconfirmed_ = false;
  read_with_write_ = false;
  early_read_ = {};
  pending_io_ = 0;
  finished_ = false;
  admitted_ = false;
  loop_done_ = false;
  node_.reset();
  pool_ = nullptr;
  socket_ = {};
  filled_ = 0;
  record_metrics_ = ctx->config().enable_metrics;
  client_timeout_ = false;
  if (!timer_.armed()) timer_.set_handler([this] { on_timer(); });
  cancel_requested_.store(false, std::memory_order_relaxed);
}

bool Command::arrive() {
  if (!timing_.cancel.stop_possible()) return true;
  if (timing_.cancel.stop_requested()) return false;
  // From here a stop on any thread posts on_cancel_task() (at once, if it came meanwhile).
  cancel_hook_.emplace(timing_.cancel, CancelHook{this});
  return true;
}

Status Command::cancelled_status() const {
  return Status(ClientCode::cancelled,
                node_ ? "cancelled by the caller (Policy::cancel) while at " + where()
                      : std::string("cancelled by the caller (Policy::cancel) before it was sent"),
                timing_.is_write && maybe_sent());
}

void Command::on_cancel_requested() {
  cancel_requested_.store(true, std::memory_order_release);
  cancel_tasks_.fetch_add(1, std::memory_order_relaxed);
  if (!ctx_->loop().post([this] { on_cancel_task(); })) {
    // The loop is closing: the client fails the command itself.
    cancel_tasks_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Command::on_cancel_task() {
  cancel_tasks_.fetch_sub(1, std::memory_order_relaxed);
  if (!finished_) {
    if (awaiting_answer() && timing_.timeout_delay.count() > 0 && answer_is_one_frame()) {
      // The answer is on its way: read it in the background and keep the connection.
      Status st = cancelled_status();
      end_attempt_draining();
      finish(std::move(st));
    } else {
      abort_now(cancelled_status());
    }
  }
  maybe_loop_done();
}

void Command::drop_cancel_hook() {
  // Waits for a hook running on another thread right now (it only posts a task).
  if (cancel_hook_) cancel_hook_.reset();
}

const std::string& Command::where() const {
  static const std::string no_node = "no node";
  return node_ ? node_->label() : no_node;
}

void Command::start() {
  admitted_ = true;
  if (cancel_requested_.load(std::memory_order_relaxed)) {
    finish(cancelled_status());  // queued, then cancelled: it never goes out
    return;
  }
  begin_attempt();
}

void Command::fail_before_start(Status status) {
  if (finished_) return;
  drop_cancel_hook();
  finished_ = true;
  state_ = State::done;
  if (timer_.armed()) ctx_->loop().cancel_timer(timer_);
  complete(std::move(status));
  maybe_loop_done();
}

void Command::enter_queue() {
  state_ = State::queued;
  if (timing_.deadline != io::TimePoint{}) {
    io_deadline_ = timing_.deadline;
    ctx_->loop().start_timer(timer_, io_deadline_);
  }
}

void Command::leave_queue() {
  if (timer_.armed()) ctx_->loop().cancel_timer(timer_);
  state_ = State::idle;
}

io::TimePoint Command::attempt_deadline() const {
  io::TimePoint t = timing_.deadline;
  if (timing_.socket_timeout.count() > 0) {
    io::TimePoint s = active_at_ + timing_.socket_timeout;
    if (t == io::TimePoint{} || s < t) t = s;
  }
  return t;
}

void Command::arm_timer() {
  io::Loop& loop = ctx_->loop();
  if (timing_.socket_timeout.count() > 0) active_at_ = loop.now();
  const io::TimePoint t = attempt_deadline();
  io_deadline_ = t;
  if (t != io::TimePoint{}) {
    loop.start_timer(timer_, t);
  } else if (timer_.armed()) {
    loop.cancel_timer(timer_);
  }
}

void Command::begin_attempt() {
  io::Loop& loop = ctx_->loop();
  if (timing_.deadline != io::TimePoint{} && loop.now() >= timing_.deadline) {
    finish(Status(result::timeout,
                  "total timeout expired before attempt " + std::to_string(iteration_ + 1),
                  timing_.is_write && sent_));
    return;
  }
  cluster::Node* n = select_node(ctx_->snapshot(), replica_index_);
  if (n == nullptr) {
    if (std::string_view ns = target_namespace(); !ns.empty()) {
      if (Status st = unknown_namespace(ctx_->snapshot(), ns); !st.ok()) {
        finish(std::move(st));
        return;
      }
    }
    retry_or_fail(Status(ClientCode::invalid_node,
                         "no active node serves the key's partition (the cluster has " +
                             std::to_string(ctx_->snapshot().nodes.size()) + " nodes)"));
    return;
  }
  if (Status st = check_error_rate(*n); !st.ok()) {
    retry_or_fail(std::move(st));
    return;
  }
  node_ = n->shared_from_this();
  pool_ = &node_->pool(ctx_->index());
  arm_timer();
  io::SocketId s = pool_->take(loop, loop.now(), ctx_->config().max_socket_idle);
  if (s) {
    use_connection(s);
  } else if (pool_->try_reserve()) {
    open_connection();
  } else {
    state_ = State::waiting_connection;
    pool_->add_waiter(this);
  }
}

void Command::on_pool_ready(io::SocketId socket) {
  if (socket) {
    use_connection(socket);
  } else if (pool_->closing()) {
    pool_ = nullptr;
    retry_or_fail(Status(ClientCode::invalid_node,
                         where() + " left the cluster while the command waited for a connection"));
  } else {
    open_connection();
  }
}

void Command::open_connection() {
  state_ = State::connecting;
  ++pending_io_;
  std::uint64_t a = attempt_;
  io::TimePoint deadline = io_deadline_;
  if (deadline == io::TimePoint{}) deadline = ctx_->loop().now() + ctx_->config().conn_timeout;
  ctx_->loop().connect(pool_->address(), deadline,
                       [this, a, node = node_](std::error_code ec, io::SocketId s) {
                         // `node` keeps the pool alive if the attempt was abandoned meanwhile.
                         if (a != attempt_) {
                           --pending_io_;
                           ConnectionPool& p = node->pool(ctx_->index());
                           if (!ec) {
                             p.put_back(ctx_->loop(), s, ctx_->loop().now());
                           } else {
                             p.discard(ctx_->loop(), {});
                           }
                           maybe_loop_done();
                           return;
                         }
                         on_connected(a, ec, s);
                       });
}

void Command::on_connected(std::uint64_t, std::error_code ec, io::SocketId socket) {
  --pending_io_;
  if (ec && ec.category() == auth::auth_category()) {
    // The node refused this connection's login (wrong password, user dropped, ...): the
    // server's code, not retried (another attempt would be refused the same way).
    pool_->discard(ctx_->loop(), {});
    std::string msg = "login to " + where() + " refused: " + ec.message();
    ++attempt_;
    pool_ = nullptr;
    state_ = State::idle;
    finish(Status(ec.value(), std::move(msg), timing_.is_write && sent_));
    return;
  }
  if (ec) {
    pool_->discard(ctx_->loop(), {});
    note_node_error();
    std::string msg = "connect to " + where() + " failed: " + ec.message();
    if (const ClientConfig& c = ctx_->config(); c.log && c.log_level >= LogLevel::warn) {
      c.log(LogLevel::warn, "connection", msg);
    }
    ++attempt_;
    pool_ = nullptr;
    retry_or_fail(Status(ec == std::errc::timed_out ? result::timeout
                                                    : static_cast<int>(ClientCode::connection_failed),
                         std::move(msg), timing_.is_write && sent_));
    return;
  }
  use_connection(socket);
}

void Command::use_connection(io::SocketId socket) {
  socket_ = socket;
  state_ = State::writing;
  std::span<const std::uint8_t> req = request();
  write_buffer_ = {req.data(), req.size()};
  // The answer's read starts with the request's write (io/loop.h, Loop::read: on io_uring
  // one system call submits both and waits for the answer), unless an abandoned attempt's
  // I/O is still out: its read may still be filling rbuf_ (a drain hand-off waits for it).
  read_with_write_ = pending_io_ == 0;
  write_unconfirmed_ = read_with_write_;
  ++pending_io_;
  std::uint64_t a = attempt_;
  ctx_->loop().write(socket_, std::span<const io::ConstBuffer>(&write_buffer_, 1),
                     [this, a](std::error_code ec, std::size_t n) { on_written(a, ec, n); });
  filled_ = 0;
  if (read_with_write_) read_more(kHeaderSize);
}

void Command::on_written(std::uint64_t a, std::error_code ec, std::size_t n) {
  --pending_io_;
  if (a != attempt_) {
    if (drain_.node && a == drain_.attempt && drain_.write_pending) {
      // The write of an attempt handed to a drain: the drain may start only if every byte
      // of the request went out (a cancellation may have come after the last one).
      const bool whole = n == drain_.request_size && (!ec || ec == std::errc::operation_canceled);
      if (whole) drain_.write_pending = false;
    }
    maybe_loop_done();
    return;
  }
  write_unconfirmed_ = false;
  if (ec) {
    std::string msg = "write to " + where() + " failed: " + ec.message();
    note_node_error();
    end_attempt(false);  // closes the connection: a read started with the write ends with it
    retry_or_fail(Status(ClientCode::connection_failed, std::move(msg), timing_.is_write && sent_));
    return;
  }
  sent_ = true;
  state_ = State::reading;
  if (!read_with_write_) {
    read_more(kHeaderSize);
    return;
  }
  if (early_read_.valid && early_read_.attempt == a) {
    const std::size_t n = early_read_.bytes;
    early_read_ = {};
    handle_read({}, n);
  }
}

void Command::read_more(std::size_t min_bytes) {
  if (rbuf_.size() < kInitialReadBuffer) rbuf_.resize(kInitialReadBuffer);
  if (rbuf_.size() - filled_ < min_bytes) rbuf_.resize(filled_ + min_bytes);
  ++pending_io_;
  std::uint64_t a = attempt_;
  ctx_->loop().read(socket_, io::MutableBuffer{rbuf_.data() + filled_, rbuf_.size() - filled_},
                    min_bytes,
                    [this, a](std::error_code ec, std::size_t n) { on_read(a, ec, n); });
}

void Command::on_read(std::uint64_t a, std::error_code ec, std::size_t n) {
  --pending_io_;
  if (a != attempt_) {
    if (drain_.node && a == drain_.attempt) hand_to_drain(ec, n);
    maybe_loop_done();
    return;
  }
  if (state_ == State::writing && !ec) {
    // The answer came before the write's completion: it follows shortly (the server answered,
    // so it had the whole request). The bytes wait in rbuf_.
    early_read_ = {true, a, n};
    return;
  }
  handle_read(ec, n);
}

void Command::handle_read(std::error_code ec, std::size_t n) {
  if (ec) {
    std::string msg = ec == io::make_error_code(io::Errc::eof)
                          ? where() + " closed the connection before the answer was complete"
                          : "read from " + where() + " failed: " + ec.message();
    note_node_error();
    end_attempt(false);
    retry_or_fail(Status(ClientCode::connection_failed, std::move(msg), timing_.is_write));
    return;
  }
  filled_ += n;
  // Progress: the socket (idle) timeout starts again; the total deadline does not move.
  // The timer stays as it is (no heap operation per read): when it fires, on_timer()
  // moves it to the idle deadline this sets, if that is later.
  if (timing_.socket_timeout.count() > 0 && io_deadline_ != timing_.deadline) {
    active_at_ = ctx_->loop().now();
  }
  process_frames();
}

bool Command::process_frames() {
  for (;;) {
    if (filled_ < kHeaderSize) {
      read_more(kHeaderSize - filled_);
      return false;
    }
    auto header = wire::parse_proto_header({rbuf_.data(), kHeaderSize}, expected_frame());
    if (!header.ok()) {
      std::string msg = "bad answer from " + where() + ": " + header.status().message();
      end_attempt(false);
      finish(Status(ClientCode::bad_response, std::move(msg), timing_.is_write));
      return false;
    }
    std::size_t need = kHeaderSize + header->body_size;
    if (filled_ < need) {
      read_more(need - filled_);
      return false;
    }
    std::span<const std::uint8_t> body{rbuf_.data() + kHeaderSize, header->body_size};
    if (header->type == wire::ProtoType::kCompressedMessage) {
      auto inner = wire::decompress_body(body, inflated_);
      if (!inner.ok()) {
        std::string msg = "bad compressed answer from " + where() + ": " + inner.status().message();
        end_attempt(false);
        finish(Status(ClientCode::bad_response, std::move(msg), timing_.is_write));
        return false;
      }
      body = *inner;
    }
    Result<bool> r = on_frame(body);
    if (!r.ok() && r.status().is(ClientCode::bad_response)) {
      Status st(ClientCode::bad_response, "bad answer from " + where() + ": " + r.status().message(),
                timing_.is_write);
      end_attempt(false);
      finish(std::move(st));
      return false;
    }
    if (!r.ok() || *r) {
      // The answer is complete: nothing may follow it on this connection.
      bool clean = filled_ == need;
      if (!clean) {
        std::string msg = "bad answer from " + where() + ": " + std::to_string(filled_ - need) +
                          " unexpected bytes after the last frame";
        end_attempt(false);
        finish(Status(ClientCode::bad_response, std::move(msg), timing_.is_write));
        return false;
      }
      if (r.ok()) {
        end_attempt(true);
        finish(Status());
        return false;
      }
      // A server result code: say which node answered it. One allocation: "record not
      // found" is a common answer, not an exceptional one.
      Status answer = std::move(r).status();
      const std::string& at = where();
      std::string msg;
      msg.reserve(answer.message().size() + at.size() + 3);
      msg.append(answer.message()).append(" (").append(at).append(")");
      Status st(answer.code(), std::move(msg), answer.in_doubt());
      if (st.code() == result::timeout || st.code() == result::device_overload) note_node_error();
      // Not authenticated: the server no longer trusts this connection (as the C client, it
      // is closed, and the command fails without retry).
      end_attempt(st.code() != result::not_authenticated);
      if (retryable_server_code(st.code())) {
        retry_or_fail(std::move(st));
      } else {
        finish(std::move(st));
      }
      return false;
    }
    // More frames to come: keep the bytes after this frame.
    std::memmove(rbuf_.data(), rbuf_.data() + need, filled_ - need);
    filled_ -= need;
    if (hold_reading()) {
      state_ = State::paused;
      io_deadline_ = timing_.deadline;
      if (io_deadline_ != io::TimePoint{}) {
        ctx_->loop().start_timer(timer_, io_deadline_);
      } else if (timer_.armed()) {
        ctx_->loop().cancel_timer(timer_);
      }
      return false;
    }
  }
}

void Command::resume_reading() {
  if (state_ != State::paused || finished_) return;
  state_ = State::reading;
  arm_timer();
  process_frames();
}

void Command::abort_now(Status status) {
  if (finished_) return;
  if (state_ == State::queued) {
    ctx_->remove_queued(this);
    fail_before_start(std::move(status));
    return;
  }
  end_attempt(false);
  finish(std::move(status));
}

void Command::on_timer() {
  if (state_ == State::sleeping) {
    begin_attempt();
    return;
  }
  if (state_ == State::queued) {
    ctx_->remove_queued(this);
    fail_before_start(Status(result::timeout,
                             "total timeout expired while the command waited in the loop's delay "
                             "queue (FlowControl::max_commands_in_process reached)"));
    return;
  }
  io::Loop& loop = ctx_->loop();
  if (timing_.socket_timeout.count() > 0 && io_deadline_ != timing_.deadline) {
    // An idle deadline: bytes that came after the timer was armed moved it (handle_read).
    const io::TimePoint later = attempt_deadline();
    if (later > loop.now()) {
      io_deadline_ = later;
      loop.start_timer(timer_, io_deadline_);
      return;
    }
  }
  bool total_expired = timing_.deadline != io::TimePoint{} && loop.now() >= timing_.deadline;
  client_timeout_ = true;
  Status st = timeout_status(total_expired);
  if (state_ != State::waiting_connection) note_node_error();  // a wait for the pool is not the node's fault
  if (awaiting_answer() && timing_.timeout_delay.count() > 0 && answer_is_one_frame()) {
    end_attempt_draining();
  } else {
    end_attempt(false);
  }
  if (total_expired) {
    finish(std::move(st));
  } else {
    retry_or_fail(std::move(st));
  }
}

Status Command::timeout_status(bool total_expired) const {
  const char* phase = "";
  switch (state_) {
    case State::waiting_connection: phase = "waiting for a free connection to "; break;
    case State::connecting: phase = "connecting to "; break;
    case State::writing:
      // With the answer's read started with the write, the request may well be out.
      phase = read_with_write_ ? "sending to (or awaiting the answer of) " : "writing to ";
      break;
    case State::reading: phase = "waiting for the answer of "; break;
    default: phase = "at "; break;
  }
  std::string msg = total_expired ? "total timeout expired " : "socket timeout (" +
                                                                   ms(timing_.socket_timeout) +
                                                                   ") expired ";
  msg += std::string(phase) + where() + " (attempt " + std::to_string(iteration_ + 1);
  if (state_ == State::reading && filled_ > 0) {
    // Part of the answer came: say how much (a frame cut short looks like this).
    msg += ", " + std::to_string(filled_) + " bytes of the answer received";
    if (filled_ >= kHeaderSize) {
      auto header = wire::parse_proto_header({rbuf_.data(), kHeaderSize}, wire::ExpectedFrame::kMessage);
      if (header.ok()) msg += " of a " + std::to_string(kHeaderSize + header->body_size) + "-byte frame";
    }
  }
  msg += ")";
  return Status(result::timeout, std::move(msg), timing_.is_write && maybe_sent());
}

void Command::end_attempt(bool connection_healthy) {
  io::Loop& loop = ctx_->loop();
  if (write_unconfirmed_) sent_ = true;  // abandoned before its write's completion: maybe sent
  write_unconfirmed_ = false;
  switch (state_) {
    case State::waiting_connection:
      if (pool_) pool_->remove_waiter(this);
      break;
    case State::connecting:
      break;  // the connect completes later, as a stale attempt, and settles its slot
    case State::writing:
    case State::reading:
    case State::paused:
      if (connection_healthy) {
        pool_->put_back(loop, socket_, loop.now());
      } else {
        pool_->discard(loop, socket_);
      }
      break;
    default:
      break;
  }
  socket_ = {};
  ++attempt_;
  state_ = State::idle;
}

void Command::end_attempt_draining() {
  // The read pending now completes (cancelled, or with the result it already had) as a
  // stale read of this attempt; on_read passes it to hand_to_drain(). Until then the bytes
  // it got sit in rbuf_ after the `filled_` already counted, and nothing else reads into
  // rbuf_: while this read is out (pending_io_ > 0) the next attempt does not start its read
  // with its write (use_connection) but after it, and that write completes after this
  // cancellation (the loop delivers completions in order).
  drain_.node = node_;
  drain_.socket = socket_;
  drain_.attempt = attempt_;
  drain_.have = filled_;
  drain_.write_pending = state_ == State::writing;  // its completion has not come yet
  drain_.request_size = write_buffer_.size;
  if (write_unconfirmed_) sent_ = true;  // maybe sent
  write_unconfirmed_ = false;
  ctx_->loop().cancel(socket_);
  socket_ = {};
  ++attempt_;
  state_ = State::idle;
}

void Command::hand_to_drain(std::error_code ec, std::size_t n) {
  DrainHandoff d = std::move(drain_);
  drain_ = {};
  io::Loop& loop = ctx_->loop();
  if ((ec && ec != std::errc::operation_canceled) || d.write_pending) {
    // Broken (eof, reset), or the request did not all go out: the answer may never come.
    d.node->pool(ctx_->index()).discard(loop, d.socket);
    return;
  }
  start_drain(*ctx_, std::move(d.node), d.socket, {rbuf_.data(), d.have + n},
              loop.now() + timing_.timeout_delay);
}

void Command::retry_or_fail(Status status) {
  io::Loop& loop = ctx_->loop();
  if (iteration_ >= timing_.max_retries) {
    finish(std::move(status));
    return;
  }
  io::TimePoint now = loop.now();
  ++iteration_;
  const std::chrono::milliseconds sleep = retry_sleep();
  if (timing_.deadline != io::TimePoint{} && now + sleep >= timing_.deadline) {
    finish(std::move(status));
    return;
  }
  // Reads move to the next replica on any error; writes stay on the master after a
  // timeout (not a sign of migration), as the official clients do.
  bool timeout_like = status.is_timeout() || status.is(ClientCode::no_more_connections);
  if (!timing_.is_write || !timeout_like) ++replica_index_;
  node_.reset();
  pool_ = nullptr;
  prepare_retry();
  state_ = State::sleeping;
  if (sleep.count() > 0) {
    loop.start_timer(timer_, now + sleep);
    return;
  }
  if (timer_.armed()) loop.cancel_timer(timer_);
  ++pending_io_;
  std::uint64_t a = attempt_;
  bool posted = loop.post([this, a] {
    --pending_io_;
    if (a == attempt_ && state_ == State::sleeping) {
      begin_attempt();
    } else {
      maybe_loop_done();
    }
  });
  if (!posted) {
    --pending_io_;
    finish(Status(ClientCode::client_closed, "the client closed before the retry could run"));
  }
}

void Command::note_node_error() {
  if (node_ && ctx_->config().max_error_rate > 0) node_->add_error();
}

Status Command::check_error_rate(cluster::Node& node) const {
  const int limit = ctx_->config().max_error_rate;
  if (limit <= 0) return Status();
  const int errors = node.window_errors();
  if (errors <= limit) return Status();
  node.add_rejection();
  const int window = ctx_->config().error_rate_window;
  return Status(ClientCode::max_error_rate,
                "node " + node.name() + " at " + node.address().to_string() + " had " +
                    std::to_string(errors) + " errors in the current window of " +
                    std::to_string(window) + (window == 1 ? " tend" : " tends") +
                    " (ClientConfig::max_error_rate " + std::to_string(limit) +
                    "): commands to it fail until the window ends");
}

std::chrono::milliseconds backoff_sleep(const Timing& t, int retry, double unit_random) {
  double ms = static_cast<double>(t.sleep_between_retries.count());
  if (ms <= 0) return std::chrono::milliseconds(0);
  const double cap = static_cast<double>(t.max_sleep_between_retries.count());
  for (int k = 1; k < retry && t.sleep_multiplier > 1.0 && (cap <= 0 || ms < cap); ++k) {
    ms *= t.sleep_multiplier;
  }
  if (cap > 0) ms = std::min(ms, cap);
  // Equal jitter: half fixed, half random, so the retries of commands that failed together
  // spread out.
  if (t.retry_jitter) ms = ms / 2 + unit_random * (ms / 2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::chrono::milliseconds Command::retry_sleep() const {
  double unit_random = 0;
  if (timing_.retry_jitter) {
    thread_local std::minstd_rand rng{std::random_device{}()};  // the loop thread's own
    unit_random = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }
  return backoff_sleep(timing_, iteration_, unit_random);  // iteration_: the retry about to run
}

void Command::finish(Status status) {
  if (finished_) return;
  drop_cancel_hook();
  if (state_ != State::idle && state_ != State::sleeping && state_ != State::done) end_attempt(false);
  finished_ = true;
  state_ = State::done;
  if (timer_.armed()) ctx_->loop().cancel_timer(timer_);
  if (record_metrics_ && node_) record_outcome(status);
  node_.reset();
  pool_ = nullptr;
  bool admitted = admitted_;
  admitted_ = false;
  complete(std::move(status));
  if (admitted) ctx_->on_command_done();
  maybe_loop_done();
}

void Command::record_outcome(const Status& status) {
  metrics::CommandOutcome o;
  o.kind = timing_.kind;
  // The loop's time for this iteration: when the answer's wake-up came (no second clock read
  // per command; the loop refreshed it once for every completion of the iteration).
  const auto elapsed = ctx_->loop().now() - timing_.submitted;
  o.latency_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
  o.code = status.code();
  o.client_timeout = client_timeout_ && status.is_timeout();
  o.retries = iteration_;
  o.in_doubt = !status.ok() && status.in_doubt();
  node_->recorder(ctx_->index()).record(o);
}

void Command::maybe_loop_done() {
  if (finished_ && pending_io_ == 0 && !loop_done_ &&
      cancel_tasks_.load(std::memory_order_relaxed) == 0) {
    loop_done_ = true;
    on_loop_done();
  }
}

}  // namespace aero::command
