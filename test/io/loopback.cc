// Blocking loopback helpers for the io tests (POSIX sockets, or Winsock on Windows: the few
// calls that differ are wrapped just below, everything after them is shared).
#include "test/io/loopback.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aero::io::testing {
namespace {

#ifdef _WIN32
// Descriptors are Winsock SOCKETs carried in an int (their values fit).
SOCKET as_socket(int fd) { return static_cast<SOCKET>(fd); }
// Winsock needs WSAStartup before the first socket call; a helper may run before any loop.
const bool winsock_started = [] {
  WSADATA data;
  return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
}();
int last_error() { return ::WSAGetLastError(); }
bool interrupted() { return false; }
int new_socket(bool non_blocking) {
  if (!winsock_started) return -1;
  const SOCKET s = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) return -1;
  u_long mode = non_blocking ? 1 : 0;
  ::ioctlsocket(s, FIONBIO, &mode);
  return static_cast<int>(s);
}
bool wait_readable(int fd, int timeout_ms) {
  WSAPOLLFD p{as_socket(fd), POLLRDNORM, 0};
  return ::WSAPoll(&p, 1, timeout_ms) > 0;
}
int accept_socket(int fd) {
  const SOCKET s = ::accept(as_socket(fd), nullptr, nullptr);
  return s == INVALID_SOCKET ? -1 : static_cast<int>(s);
}
void set_timeouts(int fd) {
  const DWORD ms = static_cast<DWORD>(kPatience.count() * 1000);
  const char* value = reinterpret_cast<const char*>(&ms);
  ::setsockopt(as_socket(fd), SOL_SOCKET, SO_RCVTIMEO, value, sizeof ms);
  ::setsockopt(as_socket(fd), SOL_SOCKET, SO_SNDTIMEO, value, sizeof ms);
}
int clamp(std::size_t size) { return size > (1u << 30) ? (1 << 30) : static_cast<int>(size); }
long send_some(int fd, const void* data, std::size_t size) {
  return ::send(as_socket(fd), static_cast<const char*>(data), clamp(size), 0);
}
long recv_some(int fd, void* data, std::size_t size) {
  return ::recv(as_socket(fd), static_cast<char*>(data), clamp(size), 0);
}
#else
int as_socket(int fd) { return fd; }
int last_error() { return errno; }
bool interrupted() { return errno == EINTR; }
// macOS has neither SOCK_NONBLOCK/SOCK_CLOEXEC nor accept4 nor MSG_NOSIGNAL: fcntl and
// SO_NOSIGPIPE instead (the kqueue suite runs there).
int new_socket(bool non_blocking) {
#ifdef SOCK_NONBLOCK
  return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0), 0);
#else
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd >= 0) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (non_blocking) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
  return fd;
#endif
}
bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}
int accept_socket(int fd) {
#ifdef SOCK_CLOEXEC
  return ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
#else
  const int accepted = ::accept(fd, nullptr, nullptr);
  if (accepted >= 0) {
    ::fcntl(accepted, F_SETFD, FD_CLOEXEC);
    const int one = 1;
    ::setsockopt(accepted, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
  return accepted;
#endif
}
void set_timeouts(int fd) {
  timeval tv{};
  tv.tv_sec = kPatience.count();
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}
long send_some(int fd, const void* data, std::size_t size) {
#ifdef MSG_NOSIGNAL
  return ::send(fd, data, size, MSG_NOSIGNAL);
#else
  return ::send(fd, data, size, 0);  // SO_NOSIGPIPE is set on the socket
#endif
}
long recv_some(int fd, void* data, std::size_t size) { return ::recv(fd, data, size, 0); }
#endif

[[noreturn]] void die(const char* what) {
  const int error = last_error();
  std::fprintf(stderr, "test/io/loopback: %s: error %d (%s)\n", what, error, std::strerror(error));
  std::abort();
}

// A TCP socket bound to 127.0.0.1:0; returns the fd and stores the port.
int bound_socket(std::uint16_t& port) {
  int fd = new_socket(false);
  if (fd < 0) die("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(as_socket(fd), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    die("bind");
  }
  socklen_t length = sizeof address;
  if (::getsockname(as_socket(fd), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    die("getsockname");
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

void close_socket(int fd) {
#ifdef _WIN32
  ::closesocket(as_socket(fd));
#else
  ::close(fd);
#endif
}

void reset_socket(int fd) {
  linger hard{};
  hard.l_onoff = 1;
  hard.l_linger = 0;
  ::setsockopt(as_socket(fd), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&hard),
               sizeof hard);
  close_socket(fd);
}

Listener::Listener(int backlog) {
  fd_ = bound_socket(port_);
  if (::listen(as_socket(fd_), backlog) != 0) die("listen");
}

Listener::~Listener() { close_socket(fd_); }

int Listener::accept_one() {
  if (!wait_readable(fd_, static_cast<int>(kPatience.count() * 1000))) return -1;
  int fd = accept_socket(fd_);
  if (fd >= 0) set_timeouts(fd);
  return fd;
}

OneShotServer::OneShotServer(std::function<void(int fd)> session, int backlog)
    : listener_(backlog) {
  thread_ = std::thread([this, session = std::move(session)] {
    int fd = listener_.accept_one();
    if (fd < 0) return;
    session(fd);
    close_socket(fd);
  });
}

RefusingPort::RefusingPort() { fd_ = bound_socket(port_); }
RefusingPort::~RefusingPort() { close_socket(fd_); }

BlackHole::BlackHole() {
  listen_fd_ = bound_socket(port_);
  // Backlog 0: the accept queue holds one connection; with it full, Linux drops new SYNs
  // (they are retried after a second or more, longer than any test waits). Under Wine the
  // Linux kernel does the same. (Real Windows answers a full backlog with a reset instead:
  // there the connect-deadline tests would see connection_refused; not covered by CI.)
  if (::listen(as_socket(listen_fd_), 0) != 0) die("listen");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port_);
  for (int i = 0; i < 3; ++i) {
    int fd = new_socket(true);
    if (fd < 0) die("socket");
    ::connect(as_socket(fd), reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers_.push_back(fd);
  }
  // Let the fillers' handshakes settle (on loopback they complete within the connect call,
  // but waiting until the queue is visibly non-empty costs nothing).
  wait_readable(listen_fd_, 1000);
}

BlackHole::~BlackHole() {
  for (int fd : fillers_) close_socket(fd);
  close_socket(listen_fd_);
}

bool send_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const long n = send_some(fd, p, size);
    if (n < 0 && interrupted()) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool send_all(int fd, const std::string& text) { return send_all(fd, text.data(), text.size()); }

bool recv_exactly(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const long n = recv_some(fd, p, size);
    if (n < 0 && interrupted()) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void echo_until_eof(int fd) {
  char buffer[64 * 1024];
  while (true) {
    const long n = recv_some(fd, buffer, sizeof buffer);
    if (n < 0 && interrupted()) continue;
    if (n <= 0) return;
    if (!send_all(fd, buffer, static_cast<std::size_t>(n))) return;
  }
}

std::uint64_t checksum_update(std::uint64_t sum, const std::uint8_t* data, std::size_t size,
                              std::uint64_t offset) {
  for (std::size_t i = 0; i < size; ++i) {
    sum = sum * 1099511628211ULL + (data[i] ^ ((offset + i) & 0xff));
  }
  return sum;
}

Drained drain_until_eof(int fd, std::chrono::milliseconds pause_first, std::size_t chunk) {
  if (pause_first.count() > 0) std::this_thread::sleep_for(pause_first);
  std::vector<std::uint8_t> buffer(chunk);
  Drained result;
  while (true) {
    const long n = recv_some(fd, buffer.data(), buffer.size());
    if (n < 0 && interrupted()) continue;
    if (n <= 0) return result;
    result.checksum = checksum_update(result.checksum, buffer.data(),
                                      static_cast<std::size_t>(n), result.bytes);
    result.bytes += static_cast<std::uint64_t>(n);
  }
}

}  // namespace aero::io::testing
