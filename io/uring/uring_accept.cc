// UringLoop: the server side, listen() and accept() (contract in io/loop.h).
//
// A listener is a socket slot like any other, marked `listening`. accept() is one
// IORING_OP_ACCEPT on it, an Op record like a connect's (cancelled, retracted and closed the
// same way, see uring_loop.h): the kernel waits for the connection, so a connection already
// queued is taken at once and a later one wakes the loop's io_uring_enter. A transient
// per-connection failure (a client that reset before it was accepted) queues the same SQE
// again instead of completing, as the reactor's accept loop does (io/reactor/reactor_accept.cc).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "io/posix_sockaddr.h"
#include "io/uring/uring_loop.h"

namespace aero::io {
namespace {

std::error_code errno_code(int value) { return {value, std::generic_category()}; }

// Failures that belong to one connection, not to the listener: skipped (io/loop.h).
bool transient(int err) {
  return err == EINTR || err == EAGAIN || err == ECONNABORTED || err == EPROTO;
}

}  // namespace

ListenResult UringLoop::listen(const Endpoint& at, int backlog) {
  assert_loop_thread();
  ListenResult result;
  sockaddr_storage address;
  const socklen_t length = to_sockaddr(at, address);
  // Blocking mode, as for connect (uring_sockets.cc): io_uring never blocks on it, and an
  // accept on an O_NONBLOCK file may come back EAGAIN instead of waiting. Nothing else ever
  // calls accept() on it directly, so the contract's "non-blocking" holds for the loop.
  const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    result.error = errno_code(errno);
    return result;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage bound;
  socklen_t bound_length = sizeof bound;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd, backlog > 0 ? backlog : SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) {
    result.error = errno_code(errno);
    ::close(fd);
    return result;
  }
  const std::optional<Endpoint> local =
      from_sockaddr(reinterpret_cast<const sockaddr*>(&bound), bound_length);
  Socket* s = allocate_socket(fd);
  if (s == nullptr) {
    ::close(fd);
    result.error = std::make_error_code(std::errc::too_many_files_open);
    return result;
  }
  s->listening = true;
  result.socket = SocketId{s->id};
  result.local = local.value_or(at);
  return result;
}

void UringLoop::accept(SocketId listener, AcceptHandler handler) {
  assert_loop_thread();
  Socket* s = find(listener.value);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), SocketId{});
  if (stopping_) {
    return complete(handler, std::make_error_code(std::errc::operation_canceled), SocketId{});
  }
  if (!s->listening) {
    return complete(handler, std::make_error_code(std::errc::invalid_argument), SocketId{});
  }
  if (s->accepting != nullptr) {
    return complete(handler, make_error_code(Errc::busy), SocketId{});
  }
  Op* op = acquire_op(Op::Kind::accept, s->id);
  op->on_connect = std::move(handler);
  s->accepting = op;
  queue_accept(op, s->fd);
}

void UringLoop::queue_accept(Op* op, int listener_fd) {
  io_uring_sqe* sqe = queue_sqe(reinterpret_cast<std::uint64_t>(op), op->sqe_index);
  sqe->opcode = IORING_OP_ACCEPT;
  sqe->fd = listener_fd;
  sqe->addr = 0;  // the peer's address is not wanted
  sqe->addr2 = 0;
  // Blocking mode like every socket of this loop (see listen()), closed on exec.
  sqe->accept_flags = SOCK_CLOEXEC;
  op->in_kernel = true;
}

void UringLoop::on_accepted(Op* op, std::int32_t result) {
  if (op->cancel_error) {
    // Cancelled, closed or stopped: the listener no longer points at it. A connection the
    // kernel took while the cancellation was on its way is closed (the client sees a reset);
    // a retracted SQE completed as a NOP, whose 0 is no descriptor.
    if (result >= 0 && !op->nop) ::close(result);
    op->finished = true;
    complete(op->on_connect, op->cancel_error, SocketId{});
    return release_if_unused(op);
  }
  Socket& listener = *find(op->socket);  // not cancelled: open, and accepting == op
  if (result < 0 && transient(-result)) return queue_accept(op, listener.fd);
  listener.accepting = nullptr;
  op->finished = true;
  if (result < 0) {
    complete(op->on_connect, errno_code(-result), SocketId{});
    return release_if_unused(op);
  }
  const int one = 1;
  ::setsockopt(result, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  count_calls();
  // allocate_socket may grow the socket table (`listener` stays valid: heap objects).
  Socket* accepted = allocate_socket(result);
  if (accepted == nullptr) {
    ::close(result);
    complete(op->on_connect, std::make_error_code(std::errc::too_many_files_open), SocketId{});
  } else {
    complete(op->on_connect, std::error_code{}, SocketId{accepted->id});
  }
  release_if_unused(op);
}

}  // namespace aero::io
