// ReactorLoop: the socket table and the connect/read/write/cancel/close operations.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "io/posix_sockaddr.h"
#include "io/reactor/direct_calls.h"
#include "io/reactor/reactor_loop.h"

namespace aero::io {
namespace {

std::error_code errno_code(int value) { return {value, std::generic_category()}; }
std::error_code canceled() { return std::make_error_code(std::errc::operation_canceled); }

void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// How many iovecs one sendmsg() gets; longer lists take several calls.
constexpr std::size_t kMaxIov = 64;

// A peer that is gone must turn a send into an EPIPE error, not a SIGPIPE: per call where
// MSG_NOSIGNAL exists (Linux, the BSDs), per socket (SO_NOSIGPIPE) on macOS.
#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;
#endif

}  // namespace

// A non-blocking, close-on-exec TCP socket; -1 with errno set on failure.
int ReactorLoop::open_stream_socket(int family) {
#ifdef SOCK_NONBLOCK
  return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
#else
  const int fd = ::socket(family, SOCK_STREAM, IPPROTO_TCP);  // macOS: no SOCK_NONBLOCK
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

// ---- the socket table ----

ReactorLoop::Socket* ReactorLoop::allocate_socket(int fd) {
  Socket* s = sockets_.allocate([this](Socket& fresh) {
    fresh.connect_timer.set_handler([this, &fresh] {
      if (fresh.connecting) fail_connect(fresh, std::make_error_code(std::errc::timed_out));
    });
  });
  if (s == nullptr) return nullptr;
  s->fd = fd;
  s->readable = s->writable = s->peer_closed = s->connecting = s->listening = false;
  s->write_queued = false;
  bump(sockets_opened_);
  return s;
}

void ReactorLoop::destroy_socket(Socket& s) {
  // Pending operations were completed by the caller; only the descriptor and slot remain.
  timers_.cancel(s.connect_timer);
  // Explicit removal (epoll): a copy of the descriptor in another process (fork) would keep
  // the registration alive past close().
  poller_->remove(s.fd);
  ::close(s.fd);
  count_calls();
  bump(sockets_closed_);
  s.fd = -1;
  s.connecting = false;
  s.listening = false;
  s.read_data = nullptr;
  s.write_buffers = nullptr;
  sockets_.free(s);
}

void ReactorLoop::complete(IoHandler& handler, std::error_code error, std::size_t bytes) {
  Completion& c = ready_.emplace_back();
  c.io = std::move(handler);
  c.error = error;
  c.bytes = bytes;
}

void ReactorLoop::complete(ConnectHandler& handler, std::error_code error, SocketId socket) {
  Completion& c = ready_.emplace_back();
  c.connect = std::move(handler);
  c.error = error;
  c.socket = socket;
}

bool ReactorLoop::fail_operations(Socket& s, std::error_code error) {
  if (s.connecting) {
    fail_connect(s, error);  // a connect that did not finish leaves no usable socket
    return true;
  }
  bool any = false;
  if (s.on_accept) {
    complete(s.on_accept, error, SocketId{});
    any = true;
  }
  if (s.on_read) {
    complete(s.on_read, error, s.read_done);
    any = true;
  }
  if (s.on_write) {
    complete(s.on_write, error, s.write_done);
    any = true;
  }
  return any;
}

// ---- connect ----

SocketId ReactorLoop::connect(const Endpoint& to, TimePoint deadline, ConnectHandler handler) {
  assert_loop_thread();
  if (stopping_) {
    complete(handler, canceled(), SocketId{});
    return SocketId{};
  }
  sockaddr_storage address;
  const socklen_t length = to_sockaddr(to, address);
  const int fd = open_stream_socket(address.ss_family);
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
  // EINTR from a non-blocking connect means it goes on in the background, like EINPROGRESS.
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  count_calls();
  if (!connected && errno != EINPROGRESS && errno != EINTR) {
    const int err = errno;
    destroy_socket(*s);
    complete(handler, errno_code(err), SocketId{});
    return id;
  }
  // Registered after connect(), never before: with epoll (Linux 6.18, edge-triggered), a socket
  // registered while still unconnected was seen to miss its connect-completion edge about once
  // in 300,000 loopback connects (the connect stayed "pending" while the socket was established
  // and writable). Registering a socket that is already connecting reports its state at
  // registration and every edge after it, as kqueue does anyway.
  if (const int err = poller_->add(fd, s->id); err != 0) {
    destroy_socket(*s);
    complete(handler, errno_code(err), SocketId{});
    return SocketId{};
  }
  if (connected) {
    s->writable = true;
    complete(handler, std::error_code{}, id);
    return id;
  }
  s->connecting = true;
  s->on_connect = std::move(handler);
  timers_.start(s->connect_timer, deadline);
  return id;
}

void ReactorLoop::finish_connect(Socket& s) {
  int err = 0;
  socklen_t length = sizeof err;
  count_calls();
  if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
  if (err == EINPROGRESS || err == EALREADY || err == EINTR) return;  // not decided yet
  if (err != 0) {
    fail_connect(s, errno_code(err));
    return;
  }
  s.connecting = false;
  timers_.cancel(s.connect_timer);
  complete(s.on_connect, std::error_code{}, SocketId{s.id});
}

void ReactorLoop::fail_connect(Socket& s, std::error_code error) {
  s.connecting = false;
  complete(s.on_connect, error, SocketId{});
  destroy_socket(s);
}

// ---- read ----

void ReactorLoop::read(SocketId socket, MutableBuffer buffer, std::size_t min_bytes,
                     IoHandler handler) {
  assert_loop_thread();
  Socket* s = find(socket);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), 0);
  if (stopping_) return complete(handler, canceled(), 0);
  if (min_bytes == 0 || min_bytes > buffer.size || buffer.data == nullptr) {
    return complete(handler, std::make_error_code(std::errc::invalid_argument), 0);
  }
  if (s->on_read) return complete(handler, make_error_code(Errc::busy), 0);
  if (s->connecting || s->listening)
    return complete(handler, std::make_error_code(std::errc::not_connected), 0);
  s->on_read = std::move(handler);
  s->read_data = static_cast<std::byte*>(buffer.data);
  s->read_size = buffer.size;
  s->read_min = min_bytes;
  s->read_done = 0;
  if (s->readable) try_read(*s);
}

void ReactorLoop::try_read(Socket& s) {
  while (true) {
    const std::size_t want = s.read_size - s.read_done;
    const ssize_t n = direct::recv(s.fd, s.read_data + s.read_done, want, 0);
    count_calls();
    if (n > 0) {
      s.read_done += static_cast<std::size_t>(n);
      // A short TCP read emptied the receive queue, and data arriving later raises a new
      // edge: no need to spend a recv() on EAGAIN. Not so after the peer's FIN, which may
      // already sit behind the data and raises no further edge: then read on to the eof.
      if (static_cast<std::size_t>(n) < want && !s.peer_closed) s.readable = false;
      if (s.read_done >= s.read_min) return complete(s.on_read, std::error_code{}, s.read_done);
      if (!s.readable) return;
      continue;
    }
    if (n == 0) return complete(s.on_read, make_error_code(Errc::eof), s.read_done);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      s.readable = false;
      return;
    }
    return complete(s.on_read, errno_code(errno), s.read_done);
  }
}

// ---- write ----

void ReactorLoop::write(SocketId socket, std::span<const ConstBuffer> buffers,
                      IoHandler handler) {
  assert_loop_thread();
  Socket* s = find(socket);
  if (s == nullptr) return complete(handler, make_error_code(Errc::bad_socket), 0);
  if (stopping_) return complete(handler, canceled(), 0);
  if (s->on_write) return complete(handler, make_error_code(Errc::busy), 0);
  if (s->connecting || s->listening)
    return complete(handler, std::make_error_code(std::errc::not_connected), 0);
  s->on_write = std::move(handler);
  s->write_buffers = buffers.data();
  s->write_count = buffers.size();
  s->write_index = 0;
  s->write_offset = 0;
  s->write_done = 0;
  // Sent before the loop next waits, with the iteration's other writes (see the header).
  // A socket not known to be writable waits for its edge instead.
  if (s->writable && !s->write_queued) {
    s->write_queued = true;
    pending_writes_.push_back(socket);
  }
}

void ReactorLoop::try_write(Socket& s) {
  while (true) {
    while (s.write_index < s.write_count &&
           s.write_buffers[s.write_index].size == s.write_offset) {
      ++s.write_index;
      s.write_offset = 0;
    }
    if (s.write_index == s.write_count) {
      return complete(s.on_write, std::error_code{}, s.write_done);
    }
    iovec iov[kMaxIov];
    std::size_t count = 0;
    for (std::size_t i = s.write_index; i < s.write_count && count < kMaxIov; ++i) {
      const ConstBuffer& b = s.write_buffers[i];
      const std::size_t skip = (i == s.write_index) ? s.write_offset : 0;
      if (b.size == skip) continue;
      iov[count].iov_base = const_cast<char*>(static_cast<const char*>(b.data) + skip);
      iov[count].iov_len = b.size - skip;
      ++count;
    }
    // sendmsg is writev with flags: kSendFlags turns SIGPIPE into an EPIPE error.
    ssize_t n;
    count_calls();
    if (count == 1) {
      n = direct::send(s.fd, iov[0].iov_base, iov[0].iov_len, kSendFlags);
    } else {
      msghdr message{};
      message.msg_iov = iov;
      message.msg_iovlen = count;
      n = direct::sendmsg(s.fd, &message, kSendFlags);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        s.writable = false;
        return;
      }
      return complete(s.on_write, errno_code(errno), s.write_done);
    }
    auto left = static_cast<std::size_t>(n);
    s.write_done += left;
    while (left > 0) {
      const std::size_t rest = s.write_buffers[s.write_index].size - s.write_offset;
      if (left >= rest) {
        left -= rest;
        ++s.write_index;
        s.write_offset = 0;
      } else {
        s.write_offset += left;
        left = 0;
      }
    }
    // After a partial write the next call usually sees EAGAIN; it is made anyway (rather than
    // waiting for a writable edge at once) so no edge can be missed. Only writes larger
    // than the socket buffer take this path.
  }
}

// ---- cancel and close ----

void ReactorLoop::send_queued_write(Socket& s) {
  // A write still waiting for the end of the iteration gets the one try it would have had
  // in write() itself, so write-then-close (a last message, TLS's close_notify) sends it.
  if (s.write_queued && s.on_write && s.writable) try_write(s);
}

bool ReactorLoop::cancel(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket);
  if (s == nullptr) return false;
  send_queued_write(*s);
  return fail_operations(*s, canceled());
}

void ReactorLoop::close(SocketId socket) {
  assert_loop_thread();
  Socket* s = find(socket);
  if (s == nullptr) return;
  send_queued_write(*s);
  const bool was_connecting = s->connecting;
  fail_operations(*s, canceled());
  if (!was_connecting) destroy_socket(*s);
}

}  // namespace aero::io
