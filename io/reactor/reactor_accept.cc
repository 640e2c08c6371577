// ReactorLoop: the server side, listen() and accept() (contract in io/loop.h).
//
// A listener is a socket slot like any other, registered with the poller once; "readable"
// means a connection may be waiting. accept() takes one at once when the listener is known
// readable, else waits for the next edge; EAGAIN clears the flag, as for reads.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "io/posix_sockaddr.h"
#include "io/reactor/reactor_loop.h"

namespace aero::io {
namespace {

std::error_code errno_code(int value) { return {value, std::generic_category()}; }

// accept() with the accepted socket non-blocking and close-on-exec; -1 with errno set.
int accept_nonblocking(int listener) {
#if defined(__linux__) || defined(__FreeBSD__)
  return ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  const int fd = ::accept(listener, nullptr, nullptr);  // macOS: no accept4
  if (fd < 0) return fd;
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
#ifdef SO_NOSIGPIPE
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  return fd;
#endif
}

}  // namespace

ListenResult ReactorLoop::listen(const Endpoint& at, int backlog) {
  assert_loop_thread();
  ListenResult result;
  sockaddr_storage address;
  const socklen_t length = to_sockaddr(at, address);
  const int fd = open_stream_socket(address.ss_family);
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
  if (const int err = poller_->add(fd, s->id); err != 0) {
    destroy_socket(*s);
    result.error = errno_code(err);
    return result;
  }
  s->listening = true;
  s->readable = true;  // a connection may already wait: the first accept() looks at once
  result.socket = SocketId{s->id};
  result.local = local.value_or(at);
  return result;
}

void ReactorLoop::accept(SocketId listener, AcceptHandler handler) {
  assert_loop_thread();
  Socket* s = find(listener);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), SocketId{});
  if (stopping_) {
    return complete(handler, std::make_error_code(std::errc::operation_canceled), SocketId{});
  }
  if (!s->listening) {
    return complete(handler, std::make_error_code(std::errc::invalid_argument), SocketId{});
  }
  if (s->on_accept) return complete(handler, make_error_code(Errc::busy), SocketId{});
  s->on_accept = std::move(handler);
  if (s->readable) try_accept(*s);
}

void ReactorLoop::try_accept(Socket& s) {
  while (true) {
    const int fd = accept_nonblocking(s.fd);
    count_calls();
    if (fd < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        s.readable = false;
        return;
      }
      // The connection went away before it was taken (or a signal came): try the next one.
      if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
      return complete(s.on_accept, errno_code(err), SocketId{});
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    count_calls();
    // allocate_socket may grow the socket table: `s` stays valid (heap objects), but the
    // listener's id is re-read from it after, never cached across the call.
    Socket* accepted = allocate_socket(fd);
    if (accepted == nullptr) {
      ::close(fd);
      return complete(s.on_accept, std::make_error_code(std::errc::too_many_files_open),
                      SocketId{});
    }
    if (const int err = poller_->add(fd, accepted->id); err != 0) {
      destroy_socket(*accepted);
      return complete(s.on_accept, errno_code(err), SocketId{});
    }
    // Registration reports the current state and every edge after it; until then assume
    // both directions may be ready (one speculative recv at most, and an empty send buffer).
    accepted->readable = true;
    accepted->writable = true;
    return complete(s.on_accept, std::error_code{}, SocketId{accepted->id});
  }
}

}  // namespace aero::io
