// IocpLoop: the socket table, operation records and connect/read/write/cancel/close.
#include <algorithm>
#include <climits>

#include "io/iocp/iocp_loop.h"
#include "io/iocp/winsock_errors.h"
#include "io/posix_sockaddr.h"

namespace aero::io {
namespace {

std::error_code canceled() { return std::make_error_code(std::errc::operation_canceled); }
std::error_code last_error() { return winsock_error(::WSAGetLastError()); }

void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// One WSARecv asks for at most this much (a WSABUF's length is a ULONG).
constexpr std::size_t kMaxWsaBufLength = std::size_t{1} << 30;

// One WSASend carries at most this much; a larger write takes several sends. On Windows this
// only bounds how much of the caller's memory one send keeps locked. Under Wine (8.0) it is
// needed: a send left pending after the peer's FIN is never completed when the peer's RST
// then arrives (the connection is dead but the send waits forever), while a new send fails
// at once; bounded sends reach that new send while the socket buffer still has room.
constexpr std::size_t kMaxSendBytes = std::size_t{256} * 1024;

}  // namespace

// ---- the socket table ----

IocpLoop::Socket* IocpLoop::allocate_socket(SOCKET handle) {
  Socket* s = sockets_.allocate();
  if (s == nullptr) return nullptr;
  s->handle = handle;
  s->listening = false;
  s->family = 0;
  bump(sockets_opened_);
  return s;
}

void IocpLoop::destroy_socket(Socket& s) {
  abort(s, s.connecting, canceled());
  abort(s, s.reading, canceled());
  abort(s, s.writing, canceled());
  abort(s, s.accepting, canceled());
  // Closing aborts whatever the kernel still holds; those packets still arrive, find no
  // socket, and complete their (already cancelled) Ops.
  ::closesocket(s.handle);
  bump(sockets_closed_);
  s.handle = INVALID_SOCKET;
  sockets_.free(s);
}

void IocpLoop::abort(Socket& s, Op*& pending, std::error_code error) {
  Op* op = pending;
  if (op == nullptr) return;
  pending = nullptr;
  op->cancel_error = error;
  timers_.cancel(op->connect_timer);
  // ERROR_NOT_FOUND means the operation already finished: its packet is on its way and
  // will be reported with cancel_error all the same.
  ::CancelIoEx(reinterpret_cast<HANDLE>(s.handle), op);
}

bool IocpLoop::cancel_operations(Socket& s, std::error_code error) {
  if (s.connecting != nullptr) {
    // A connect that did not finish leaves no usable socket (io/loop.h).
    abort(s, s.connecting, error);
    destroy_socket(s);
    return true;
  }
  const bool any = s.reading != nullptr || s.writing != nullptr || s.accepting != nullptr;
  abort(s, s.accepting, error);
  abort(s, s.reading, error);
  abort(s, s.writing, error);
  return any;
}

// ---- operation records ----

IocpLoop::Op* IocpLoop::acquire_op(Op::Kind kind, std::uint64_t socket) {
  Op* op = free_ops_;
  if (op != nullptr) {
    free_ops_ = op->next_free;
  } else {
    ops_.push_back(std::make_unique<Op>());
    op = ops_.back().get();
    op->connect_timer.set_handler([this, op] { on_connect_deadline(op); });
  }
  static_cast<OVERLAPPED&>(*op) = OVERLAPPED{};
  op->kind = kind;
  op->issued = false;
  op->socket = socket;
  op->cancel_error = {};
  op->done = 0;
  op->next_free = nullptr;
  return op;
}

void IocpLoop::release_op(Op* op) {
  op->on_io = nullptr;
  op->on_connect = nullptr;
  op->read_data = nullptr;
  op->write_buffers = nullptr;
  op->next_free = free_ops_;
  free_ops_ = op;
}

void IocpLoop::complete(IoHandler& handler, std::error_code error, std::size_t bytes) {
  Completion& c = ready_.emplace_back();
  c.io = std::move(handler);
  c.error = error;
  c.bytes = bytes;
}

void IocpLoop::complete(ConnectHandler& handler, std::error_code error, SocketId socket) {
  Completion& c = ready_.emplace_back();
  c.connect = std::move(handler);
  c.error = error;
  c.socket = socket;
}

// ---- completion packets and progress ----

void IocpLoop::on_packet(Op* op, DWORD bytes) {
  op->issued = false;
  --issued_ops_;
  Socket* s = find(op->socket);
  std::error_code error = op->cancel_error;
  // Not cancelled means its socket is open and still points at it (close/cancel detach).
  if (!error && op->Internal != 0) {  // an NTSTATUS: ask Winsock for the matching number
    DWORD transferred = 0;
    DWORD flags = 0;
    if (!::WSAGetOverlappedResult(s->handle, op, &transferred, FALSE, &flags)) {
      error = last_error();
    }
  }
  if (op->kind == Op::Kind::connect) return on_connected(op, error);
  if (op->kind == Op::Kind::accept) return on_accepted(op, error);
  if (error) {
    op->done += bytes;  // a cancelled transfer may still have moved some bytes
    return finish_io(op, error);
  }
  progress(op, *s, bytes, true);
}

void IocpLoop::progress(Op* op, Socket& s, DWORD bytes, bool transferred) {
  while (true) {
    if (transferred) {
      op->done += bytes;
      if (op->kind == Op::Kind::read) {
        if (bytes == 0) return finish_io(op, make_error_code(Errc::eof));  // orderly close
      } else {
        if (bytes == 0) return finish_io(op, std::make_error_code(std::errc::io_error));
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
      }
    }
    if (op->kind == Op::Kind::read) {
      if (op->done >= op->read_min) return finish_io(op, std::error_code{});
    } else {
      while (op->write_index < op->write_count &&
             op->write_buffers[op->write_index].size == op->write_offset) {
        ++op->write_index;  // empty buffers
        op->write_offset = 0;
      }
      if (op->write_index == op->write_count) return finish_io(op, std::error_code{});
    }
    if (!issue(op, s, bytes)) return;  // pending (a packet will come) or failed
    transferred = true;
  }
}

bool IocpLoop::issue(Op* op, Socket& s, DWORD& bytes) {
  static_cast<OVERLAPPED&>(*op) = OVERLAPPED{};
  bytes = 0;
  int result;
  if (op->kind == Op::Kind::read) {
    WSABUF& w = op->wsabufs[0];
    w.buf = reinterpret_cast<char*>(op->read_data + op->done);
    w.len = static_cast<ULONG>(std::min(op->read_size - op->done, kMaxWsaBufLength));
    DWORD flags = 0;
    result = ::WSARecv(s.handle, &w, 1, &bytes, &flags, op, nullptr);
    s.reading = op;
  } else {
    DWORD count = 0;
    std::size_t room = kMaxSendBytes;
    for (std::size_t i = op->write_index;
         i < op->write_count && count < kMaxWsaBufs && room > 0; ++i) {
      const ConstBuffer& b = op->write_buffers[i];
      const std::size_t skip = (i == op->write_index) ? op->write_offset : 0;
      if (b.size == skip) continue;
      WSABUF& w = op->wsabufs[count++];
      w.buf = const_cast<char*>(static_cast<const char*>(b.data) + skip);
      w.len = static_cast<ULONG>(std::min(b.size - skip, room));
      room -= w.len;
    }
    result = ::WSASend(s.handle, op->wsabufs, count, &bytes, 0, op, nullptr);
    s.writing = op;
  }
  if (result == 0) {
    if (s.skips_port) return true;  // finished, and no packet will come
  } else if (::WSAGetLastError() != WSA_IO_PENDING) {
    finish_io(op, last_error());  // no packet comes for an immediate failure
    return false;
  }
  op->issued = true;
  ++issued_ops_;
  return false;
}

void IocpLoop::finish_io(Op* op, std::error_code error) {
  if (Socket* s = find(op->socket)) {
    if (s->reading == op) s->reading = nullptr;
    if (s->writing == op) s->writing = nullptr;
  }
  complete(op->on_io, error, op->done);
  release_op(op);
}

// ---- connect ----

SOCKET IocpLoop::open_socket(int family, std::error_code& error) {
  const SOCKET handle = ::WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (handle == INVALID_SOCKET) {
    error = last_error();
    return INVALID_SOCKET;
  }
  // Everything ConnectEx needs: the port, a bound socket, the function itself.
  sockaddr_storage wildcard{};
  wildcard.ss_family = static_cast<ADDRESS_FAMILY>(family);
  const int length = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  const BOOL one = TRUE;
  DWORD unused = 0;
  GUID connect_ex_id = WSAID_CONNECTEX;
  bool ok =
      ::CreateIoCompletionPort(reinterpret_cast<HANDLE>(handle), port_, 0, 0) != nullptr &&
      ::setsockopt(handle, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one),
                   sizeof one) == 0 &&
      ::bind(handle, reinterpret_cast<const sockaddr*>(&wildcard), length) == 0;
  if (ok && connect_ex_ == nullptr) {
    ok = ::WSAIoctl(handle, SIO_GET_EXTENSION_FUNCTION_POINTER, &connect_ex_id,
                    sizeof connect_ex_id, &connect_ex_, sizeof connect_ex_, &unused, nullptr,
                    nullptr) == 0;
  }
  if (!ok) {
    error = last_error();
    ::closesocket(handle);
    return INVALID_SOCKET;
  }
  return handle;
}

SocketId IocpLoop::connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) {
  assert_loop_thread();
  if (stopping_) {
    complete(handler, canceled(), SocketId{});
    return SocketId{};
  }
  sockaddr_storage address;
  const int length = static_cast<int>(to_sockaddr(to, address));
  std::error_code error;
  const SOCKET handle = open_socket(address.ss_family, error);
  if (handle == INVALID_SOCKET) {
    complete(handler, error, SocketId{});
    return SocketId{};
  }
  Socket* s = allocate_socket(handle);
  if (s == nullptr) {
    ::closesocket(handle);
    complete(handler, std::make_error_code(std::errc::too_many_files_open), SocketId{});
    return SocketId{};
  }
  s->skips_port = can_skip_port_ &&
                  ::SetFileCompletionNotificationModes(
                      reinterpret_cast<HANDLE>(handle),
                      FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE);
  const SocketId id{s->id};
  Op* op = acquire_op(Op::Kind::connect, s->id);
  op->on_connect = std::move(handler);
  s->connecting = op;
  if (connect_ex_(handle, reinterpret_cast<const sockaddr*>(&address), length, nullptr, 0,
                  nullptr, op)) {
    if (s->skips_port) {
      on_connected(op, std::error_code{});  // done at once, and no packet will come
      return id;
    }
  } else if (::WSAGetLastError() != ERROR_IO_PENDING) {
    on_connected(op, last_error());
    return id;
  }
  op->issued = true;
  ++issued_ops_;
  timers_.start(op->connect_timer, deadline);
  return id;
}

void IocpLoop::on_connected(Op* op, std::error_code error) {
  timers_.cancel(op->connect_timer);
  if (op->cancel_error) {
    // Cancelled, closed or past its deadline: the socket was destroyed when that happened.
    complete(op->on_connect, op->cancel_error, SocketId{});
    return release_op(op);
  }
  Socket& s = *find(op->socket);
  s.connecting = nullptr;
  // Without SO_UPDATE_CONNECT_CONTEXT, shutdown() and getpeername() fail on the socket.
  if (!error &&
      ::setsockopt(s.handle, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, nullptr, 0) != 0) {
    error = last_error();
  }
  if (error) {
    complete(op->on_connect, error, SocketId{});
    destroy_socket(s);
  } else {
    complete(op->on_connect, std::error_code{}, SocketId{s.id});
  }
  release_op(op);
}

void IocpLoop::on_connect_deadline(Op* op) {
  Socket* s = find(op->socket);
  if (s == nullptr || s->connecting != op) return;
  abort(*s, s->connecting, std::make_error_code(std::errc::timed_out));
  destroy_socket(*s);
}

// ---- read and write ----

void IocpLoop::read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
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
  progress(op, *s, 0, false);
}

void IocpLoop::write(SocketId socket, std::span<const ConstBuffer> buffers,
                     IoHandler handler) {
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
  progress(op, *s, 0, false);
}

// ---- cancel and close ----

bool IocpLoop::cancel(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return false;
  return cancel_operations(*s, canceled());
}

void IocpLoop::close(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket.value);
  if (s == nullptr) return;
  destroy_socket(*s);
}

}  // namespace aero::io
