// UringLoop: the socket table, operation records and connect/read/write/cancel/close.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/posix_sockaddr.h"
#include "io/uring/uring_loop.h"

namespace aero::io {
namespace {

std::error_code errno_code(int value) { return {value, std::generic_category()}; }
std::error_code canceled() { return std::make_error_code(std::errc::operation_canceled); }

void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// One SQE moves at most this much (its length field is 32 bits).
constexpr std::size_t kMaxTransfer = std::size_t{1} << 30;

}  // namespace

// ---- the socket table ----

UringLoop::Socket* UringLoop::allocate_socket(int fd) {
  Socket* s = sockets_.allocate();
  if (s == nullptr) return nullptr;
  s->fd = fd;
  bump(sockets_opened_);
  return s;
}

void UringLoop::destroy_socket(Socket& s) {
  abort(s.connecting, canceled());
  abort(s.reading, canceled());
  abort(s.writing, canceled());
  abort(s.accepting, canceled());
  // The kernel holds its own reference on the file of every operation it has, so closing
  // the number now is safe: those operations end through their ASYNC_CANCEL (by user_data).
  ::close(s.fd);
  count_calls();
  bump(sockets_closed_);
  s.fd = -1;
  s.listening = false;
  sockets_.free(s);
}

void UringLoop::abort(Op*& pending, std::error_code error) {
  Op* op = pending;
  if (op == nullptr) return;
  pending = nullptr;
  op->cancel_error = error;
  timers_.cancel(op->connect_timer);
  retract(op);
}

void UringLoop::retract(Op* op) {
  // Every attached Op is in the kernel (progress() either queues its next SQE or finishes).
  if (retract_sqe(op->sqe_index)) {  // the kernel never saw it: it completes as a NOP
    op->nop = true;
    if (op->linked != nullptr) unlink(op);
    return;
  }
  // A linked pair the kernel has: its cancellation still gives the pair's one CQE.
  std::uint32_t unused;
  io_uring_sqe* sqe = queue_sqe(reinterpret_cast<std::uint64_t>(op) | kCancelTag, unused);
  sqe->opcode = IORING_OP_ASYNC_CANCEL;
  sqe->addr = reinterpret_cast<std::uint64_t>(op);
  ++op->cancels;
  ++eager_;
  bump(async_cancels_);
}

void UringLoop::unlink(Op* op) {
  // Both halves are still in the SQ (they are submitted together): each now gives its own CQE.
  Op* other = op->linked;
  op->linked = nullptr;
  other->linked = nullptr;
  Op* write = op->kind == Op::Kind::write ? op : other;
  if (!write->nop && !ring_->consumed(write->sqe_index)) {
    io_uring_sqe* send = ring_->sqe_at(write->sqe_index);
    send->flags &= static_cast<std::uint8_t>(~(IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS));
    send->msg_flags &= ~static_cast<std::uint32_t>(MSG_WAITALL);
    ++eager_;
  }
}

bool UringLoop::link_to_write(Socket& s, Op* op) {
  Op* write = s.writing;
  if (!can_link_ || write == nullptr || write->linked != nullptr || !write->in_kernel ||
      write->nop || !write->sqe_sends_rest || !ring_->is_newest_queued(write->sqe_index) ||
      !ring_->has_room()) {
    return false;
  }
  io_uring_sqe* send = ring_->sqe_at(write->sqe_index);
  send->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
  send->msg_flags |= MSG_WAITALL;  // the kernel sends every byte or fails: never a short success
  write->linked = op;
  op->linked = write;
  if (eager_ > 0) --eager_;  // the send's CQE is skipped: nothing to deliver early
  bump(linked_pairs_);
  return true;
}

void UringLoop::on_linked_cqe(Op* arrived, std::int32_t result) {
  Op* other = arrived->linked;
  arrived->linked = nullptr;
  other->linked = nullptr;
  other->in_kernel = false;
  --in_flight_;  // the other half's SQE gives no CQE of its own
  if (arrived->kind == Op::Kind::read) {
    // The recv ran, so the send had sent every byte: the write completes first.
    other->done += other->sqe_bytes;
    other->write_index = other->write_count;
    other->write_offset = 0;
    finish_io(other, other->cancel_error);
    return on_op_cqe(arrived, result);
  }
  // The send failed, was cancelled or came up short; the recv never ran.
  on_op_cqe(arrived, result);
  if (other->cancel_error) return finish_io(other, other->cancel_error);
  progress(other);  // the read still wants its bytes: a recv of its own, unlinked
}

bool UringLoop::cancel_operations(Socket& s, std::error_code error) {
  if (s.connecting != nullptr) {
    // A connect that did not finish leaves no usable socket (io/loop.h).
    abort(s.connecting, error);
    destroy_socket(s);
    return true;
  }
  const bool any = s.reading != nullptr || s.writing != nullptr || s.accepting != nullptr;
  abort(s.reading, error);
  abort(s.writing, error);
  abort(s.accepting, error);
  return any;
}

// ---- operation records ----

UringLoop::Op* UringLoop::acquire_op(Op::Kind kind, std::uint64_t socket) {
  Op* op = free_ops_;
  if (op != nullptr) {
    free_ops_ = op->next_free;
  } else {
    ops_.push_back(std::make_unique<Op>());
    op = ops_.back().get();
    op->connect_timer.set_handler([this, op] { on_connect_deadline(op); });
  }
  op->kind = kind;
  op->in_kernel = false;
  op->finished = false;
  op->nop = false;
  op->socket = socket;
  op->cancel_error = {};
  op->done = 0;
  op->linked = nullptr;
  op->sqe_bytes = 0;
  op->sqe_sends_rest = false;
  op->next_free = nullptr;
  return op;
}

void UringLoop::release_if_unused(Op* op) {
  if (!op->finished || op->in_kernel || op->cancels != 0) return;
  op->on_io = nullptr;
  op->on_connect = nullptr;
  op->read_data = nullptr;
  op->write_buffers = nullptr;
  op->next_free = free_ops_;
  free_ops_ = op;
}

void UringLoop::complete(IoHandler& handler, std::error_code error, std::size_t bytes) {
  Completion& c = ready_.emplace_back();
  c.io = std::move(handler);
  c.error = error;
  c.bytes = bytes;
}

void UringLoop::complete(ConnectHandler& handler, std::error_code error, SocketId socket) {
  Completion& c = ready_.emplace_back();
  c.connect = std::move(handler);
  c.error = error;
  c.socket = socket;
}

// ---- completions and progress ----

void UringLoop::on_op_cqe(Op* op, std::int32_t result) {
  op->in_kernel = false;
  if (op->linked != nullptr) return on_linked_cqe(op, result);
  if (op->kind == Op::Kind::connect) {
    return on_connected(op, result < 0 ? errno_code(-result) : std::error_code{});
  }
  if (op->kind == Op::Kind::accept) return on_accepted(op, result);
  if (op->cancel_error) {
    // Cancelled or closed: a transfer that raced the cancellation may still have moved bytes
    // (a retracted SQE completes as a NOP with 0).
    if (result > 0) op->done += static_cast<std::size_t>(result);
    return finish_io(op, op->cancel_error);
  }
  if (result == -EINTR || result == -EAGAIN) return progress(op);
  if (result < 0) return finish_io(op, errno_code(-result));
  const auto bytes = static_cast<std::size_t>(result);
  if (op->kind == Op::Kind::read) {
    if (bytes == 0) return finish_io(op, make_error_code(Errc::eof));  // orderly close
    op->done += bytes;
    return progress(op);
  }
  if (bytes == 0) return finish_io(op, std::make_error_code(std::errc::io_error));
  op->done += bytes;
  std::size_t left = bytes;
  while (left > 0) {  // step over what went out
    const ConstBuffer& b = op->write_buffers[op->write_index];
    const std::size_t step = std::min(left, b.size - op->write_offset);
    op->write_offset += step;
    left -= step;
    if (op->write_offset == b.size) {
      ++op->write_index;
      op->write_offset = 0;
    }
  }
  progress(op);
}

void UringLoop::progress(Op* op) {
  const Socket& s = *find(op->socket);  // not cancelled: its socket is open and points at it
  if (op->kind == Op::Kind::read) {
    if (op->done >= op->read_min) return finish_io(op, std::error_code{});
    io_uring_sqe* sqe = queue_sqe(reinterpret_cast<std::uint64_t>(op), op->sqe_index);
    sqe->opcode = IORING_OP_RECV;
    sqe->fd = s.fd;
    sqe->addr = reinterpret_cast<std::uint64_t>(op->read_data + op->done);
    sqe->len = static_cast<std::uint32_t>(std::min(op->read_size - op->done, kMaxTransfer));
    op->in_kernel = true;
    return;
  }
  while (op->write_index < op->write_count &&
         op->write_buffers[op->write_index].size == op->write_offset) {
    ++op->write_index;  // empty buffers
    op->write_offset = 0;
  }
  if (op->write_index == op->write_count) return finish_io(op, std::error_code{});
  std::size_t count = 0;
  std::size_t room = kMaxTransfer;
  std::size_t left = 0;  // bytes not yet written, in this SQE or after it
  for (std::size_t i = op->write_index; i < op->write_count; ++i) {
    const ConstBuffer& b = op->write_buffers[i];
    const std::size_t skip = (i == op->write_index) ? op->write_offset : 0;
    left += b.size - skip;
    if (b.size == skip || count == kMaxIov || room == 0) continue;
    iovec& v = op->iov[count++];
    v.iov_base = const_cast<char*>(static_cast<const char*>(b.data) + skip);
    v.iov_len = std::min(b.size - skip, room);
    room -= v.iov_len;
  }
  op->sqe_bytes = kMaxTransfer - room;
  op->sqe_sends_rest = op->sqe_bytes == left;  // a read may be linked behind it
  io_uring_sqe* sqe = queue_sqe(reinterpret_cast<std::uint64_t>(op), op->sqe_index);
  sqe->fd = s.fd;
  sqe->msg_flags = MSG_NOSIGNAL;  // a gone peer is an EPIPE error, not a SIGPIPE
  if (count == 1) {
    sqe->opcode = IORING_OP_SEND;
    sqe->addr = reinterpret_cast<std::uint64_t>(op->iov[0].iov_base);
    sqe->len = static_cast<std::uint32_t>(op->iov[0].iov_len);
  } else {
    op->message = msghdr{};
    op->message.msg_iov = op->iov;
    op->message.msg_iovlen = count;
    sqe->opcode = IORING_OP_SENDMSG;
    sqe->addr = reinterpret_cast<std::uint64_t>(&op->message);
    sqe->len = 1;
  }
  op->in_kernel = true;
  ++eager_;  // a send usually completes during submission
}

void UringLoop::finish_io(Op* op, std::error_code error) {
  if (Socket* s = find(op->socket)) {
    if (s->reading == op) s->reading = nullptr;
    if (s->writing == op) s->writing = nullptr;
  }
  complete(op->on_io, error, op->done);
  op->finished = true;
  release_if_unused(op);
}

// ---- connect ----

SocketId UringLoop::connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) {
  assert_loop_thread();
  if (stopping_) {
    complete(handler, canceled(), SocketId{});
    return SocketId{};
  }
  sockaddr_storage address;
  const socklen_t length = to_sockaddr(to, address);
  // Blocking: io_uring never blocks on it, and ops on an O_NONBLOCK file may come back EAGAIN.
  const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  count_calls(2);  // socket() and setsockopt() (or a failed socket())
  if (fd < 0) {
    complete(handler, errno_code(errno), SocketId{});
    return SocketId{};
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Socket* s = allocate_socket(fd);
  if (s == nullptr) {
    ::close(fd);
    complete(handler, std::make_error_code(std::errc::too_many_files_open), SocketId{});
    return SocketId{};
  }
  const SocketId id{s->id};
  Op* op = acquire_op(Op::Kind::connect, s->id);
  op->on_connect = std::move(handler);
  op->address = address;
  op->address_length = length;
  s->connecting = op;
  io_uring_sqe* sqe = queue_sqe(reinterpret_cast<std::uint64_t>(op), op->sqe_index);
  sqe->opcode = IORING_OP_CONNECT;
  sqe->fd = fd;
  sqe->addr = reinterpret_cast<std::uint64_t>(&op->address);
  sqe->off = op->address_length;
  op->in_kernel = true;
  timers_.start(op->connect_timer, deadline);
  return id;
}

void UringLoop::on_connected(Op* op, std::error_code error) {
  timers_.cancel(op->connect_timer);
  op->finished = true;
  if (op->cancel_error) {
    // Cancelled, closed or past its deadline: the socket was destroyed when that happened.
    complete(op->on_connect, op->cancel_error, SocketId{});
    return release_if_unused(op);
  }
  Socket& s = *find(op->socket);
  s.connecting = nullptr;
  if (error) {
    complete(op->on_connect, error, SocketId{});
    destroy_socket(s);
  } else {
    complete(op->on_connect, std::error_code{}, SocketId{s.id});
  }
  release_if_unused(op);
}

void UringLoop::on_connect_deadline(Op* op) {
  Socket* s = find(op->socket);
  if (s == nullptr || s->connecting != op) return;
  abort(s->connecting, std::make_error_code(std::errc::timed_out));
  destroy_socket(*s);
}

// ---- read and write ----

void UringLoop::read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
                     IoHandler handler) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), 0);
  if (stopping_) return complete(handler, canceled(), 0);
  if (min_bytes == 0 || min_bytes > buffer.size || buffer.data == nullptr) {
    return complete(handler, std::make_error_code(std::errc::invalid_argument), 0);
  }
  if (s->reading != nullptr) return complete(handler, make_error_code(Errc::busy), 0);
  if (s->connecting != nullptr || s->listening) {
    return complete(handler, std::make_error_code(std::errc::not_connected), 0);
  }
  Op* op = acquire_op(Op::Kind::read, s->id);
  op->on_io = std::move(handler);
  op->read_data = static_cast<std::byte*>(buffer.data);
  op->read_size = buffer.size;
  op->read_min = min_bytes;
  s->reading = op;
  link_to_write(*s, op);  // request/response: one enter for both (see uring_loop.h)
  progress(op);
}

void UringLoop::write(SocketId socket, std::span<const ConstBuffer> buffers, IoHandler handler) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), 0);
  if (stopping_) return complete(handler, canceled(), 0);
  if (s->writing != nullptr) return complete(handler, make_error_code(Errc::busy), 0);
  if (s->connecting != nullptr || s->listening) {
    return complete(handler, std::make_error_code(std::errc::not_connected), 0);
  }
  Op* op = acquire_op(Op::Kind::write, s->id);
  op->on_io = std::move(handler);
  op->write_buffers = buffers.data();
  op->write_count = buffers.size();
  op->write_index = 0;
  op->write_offset = 0;
  s->writing = op;
  progress(op);
}

// ---- cancel and close ----

bool UringLoop::cancel(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return false;
  return cancel_operations(*s, canceled());
}

void UringLoop::close(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return;
  destroy_socket(*s);
}

}  // namespace aero::io
