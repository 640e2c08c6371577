// IocpLoop: the server side, listen() and accept() (contract in io/loop.h).
//
// accept() opens the socket for the next connection and issues AcceptEx on the listener
// (no receive data: it completes as soon as a connection is there). Listeners never use
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, so every AcceptEx, even one that succeeds at once,
// reports through the port: one path. On completion SO_UPDATE_ACCEPT_CONTEXT gives the new
// socket the listener's properties (getpeername, shutdown work), as Microsoft's AcceptEx
// documentation requires; then it joins the port like a connected socket. Cancel and close
// reuse abort() (CancelIoEx on the listener with the Op); the socket AcceptEx was given is
// closed when the aborted packet comes back.
#include "io/iocp/iocp_loop.h"
#include "io/iocp/winsock_errors.h"
#include "io/posix_sockaddr.h"

namespace aero::io {
namespace {

std::error_code last_error() { return winsock_error(::WSAGetLastError()); }

// The peer went away between its connect and our accept: take the next one instead.
bool transient(std::error_code error) {
  return error == std::errc::connection_reset || error == std::errc::connection_aborted;
}

constexpr DWORD kAddressLength = sizeof(sockaddr_storage) + 16;  // what AcceptEx requires

}  // namespace

ListenResult IocpLoop::listen(const Endpoint& at, int backlog) {
  assert_loop_thread();
  ListenResult result;
  sockaddr_storage address;
  const int length = static_cast<int>(to_sockaddr(at, address));
  const SOCKET handle = ::WSASocketW(address.ss_family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (handle == INVALID_SOCKET) {
    result.error = last_error();
    return result;
  }
  // SO_EXCLUSIVEADDRUSE: no other socket may bind the same port while we listen on it.
  const BOOL one = TRUE;
  DWORD unused = 0;
  GUID accept_ex_id = WSAID_ACCEPTEX;
  sockaddr_storage bound{};
  int bound_length = sizeof bound;
  bool ok = ::setsockopt(handle, SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
                         reinterpret_cast<const char*>(&one), sizeof one) == 0 &&
            ::bind(handle, reinterpret_cast<const sockaddr*>(&address), length) == 0 &&
            ::listen(handle, backlog > 0 ? backlog : SOMAXCONN) == 0 &&
            ::getsockname(handle, reinterpret_cast<sockaddr*>(&bound), &bound_length) == 0 &&
            ::CreateIoCompletionPort(reinterpret_cast<HANDLE>(handle), port_, 0, 0) != nullptr;
  if (ok && accept_ex_ == nullptr) {
    ok = ::WSAIoctl(handle, SIO_GET_EXTENSION_FUNCTION_POINTER, &accept_ex_id, sizeof accept_ex_id,
                    &accept_ex_, sizeof accept_ex_, &unused, nullptr, nullptr) == 0;
  }
  if (!ok) {
    result.error = last_error();
    ::closesocket(handle);
    return result;
  }
  Socket* s = allocate_socket(handle);
  if (s == nullptr) {
    ::closesocket(handle);
    result.error = std::make_error_code(std::errc::too_many_files_open);
    return result;
  }
  s->skips_port = false;
  s->listening = true;
  s->family = address.ss_family;
  const std::optional<Endpoint> local =
      from_sockaddr(reinterpret_cast<const sockaddr*>(&bound), bound_length);
  result.socket = SocketId{s->id};
  result.local = local.value_or(at);
  return result;
}

void IocpLoop::accept(SocketId listener, AcceptHandler handler) {
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
  start_accept(*s, op);
}

void IocpLoop::start_accept(Socket& listener, Op* op) {
  while (true) {
    const SOCKET handle = ::WSASocketW(listener.family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                       WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    std::error_code error;
    if (handle == INVALID_SOCKET) {
      error = last_error();
    } else {
      static_cast<OVERLAPPED&>(*op) = OVERLAPPED{};
      op->accept_handle = handle;
      listener.accepting = op;
      DWORD received = 0;
      // TRUE (a connection was waiting) still posts a packet: listeners do not skip the port.
      if (accept_ex_(listener.handle, handle, op->accept_addresses, 0, kAddressLength,
                     kAddressLength, &received, op) ||
          ::WSAGetLastError() == ERROR_IO_PENDING) {
        op->issued = true;
        ++issued_ops_;
        return;
      }
      error = last_error();
      listener.accepting = nullptr;
      ::closesocket(handle);
      op->accept_handle = INVALID_SOCKET;
      if (transient(error)) continue;
    }
    complete(op->on_connect, error, SocketId{});
    return release_op(op);
  }
}

void IocpLoop::on_accepted(Op* op, std::error_code error) {
  const SOCKET handle = op->accept_handle;
  op->accept_handle = INVALID_SOCKET;
  if (op->cancel_error) {
    // Cancelled or its listener closed (abort() detached it from the listener).
    ::closesocket(handle);
    complete(op->on_connect, op->cancel_error, SocketId{});
    return release_op(op);
  }
  Socket& listener = *find(op->socket);
  listener.accepting = nullptr;
  const BOOL one = TRUE;
  if (!error &&
      (::setsockopt(handle, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                    reinterpret_cast<const char*>(&listener.handle), sizeof listener.handle) != 0 ||
       ::setsockopt(handle, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one),
                    sizeof one) != 0 ||
       ::CreateIoCompletionPort(reinterpret_cast<HANDLE>(handle), port_, 0, 0) == nullptr)) {
    error = last_error();
  }
  if (error) {
    ::closesocket(handle);
    if (transient(error)) return start_accept(listener, op);
    complete(op->on_connect, error, SocketId{});
    return release_op(op);
  }
  Socket* s = allocate_socket(handle);
  if (s == nullptr) {
    ::closesocket(handle);
    complete(op->on_connect, std::make_error_code(std::errc::too_many_files_open), SocketId{});
    return release_op(op);
  }
  s->skips_port =
      can_skip_port_ && ::SetFileCompletionNotificationModes(
                            reinterpret_cast<HANDLE>(handle),
                            FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE);
  complete(op->on_connect, std::error_code{}, SocketId{s->id});
  release_op(op);
}

}  // namespace aero::io
