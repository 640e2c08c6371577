// Blocking loopback helpers for the io tests.
#include "test/io/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aero::io::testing {
namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "test/io/loopback: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

// A TCP socket bound to 127.0.0.1:0; returns the fd and stores the port.
int bound_socket(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("bind");
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) die("getsockname");
  port = ntohs(address.sin_port);
  return fd;
}

void set_timeouts(int fd) {
  timeval tv{};
  tv.tv_sec = kPatience.count();
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

Listener::Listener(int backlog) {
  fd_ = bound_socket(port_);
  if (::listen(fd_, backlog) != 0) die("listen");
}

Listener::~Listener() { ::close(fd_); }

int Listener::accept_one() {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(kPatience.count() * 1000));
  if (ready <= 0) return -1;
  int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) set_timeouts(fd);
  return fd;
}

OneShotServer::OneShotServer(std::function<void(int fd)> session, int backlog)
    : listener_(backlog) {
  thread_ = std::thread([this, session = std::move(session)] {
    int fd = listener_.accept_one();
    if (fd < 0) return;
    session(fd);
    ::close(fd);
  });
}

RefusingPort::RefusingPort() { fd_ = bound_socket(port_); }
RefusingPort::~RefusingPort() { ::close(fd_); }

BlackHole::BlackHole() {
  listen_fd_ = bound_socket(port_);
  // Backlog 0: the accept queue holds one connection; with it full, Linux drops new SYNs
  // (they are retried after a second or more, longer than any test waits).
  if (::listen(listen_fd_, 0) != 0) die("listen");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port_);
  for (int i = 0; i < 3; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers_.push_back(fd);
  }
  // Let the fillers' handshakes settle (on loopback they complete within the connect call,
  // but waiting until the queue is visibly non-empty costs nothing).
  pollfd p{listen_fd_, POLLIN, 0};
  ::poll(&p, 1, 1000);
}

BlackHole::~BlackHole() {
  for (int fd : fillers_) ::close(fd);
  ::close(listen_fd_);
}

bool send_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
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
    ssize_t n = ::recv(fd, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void echo_until_eof(int fd) {
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
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
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return result;
    result.checksum = checksum_update(result.checksum, buffer.data(),
                                      static_cast<std::size_t>(n), result.bytes);
    result.bytes += static_cast<std::uint64_t>(n);
  }
}

}  // namespace aero::io::testing
