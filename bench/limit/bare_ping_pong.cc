// A bare epoll ping-pong client: send, epoll_wait, recv; nothing else.
#include "bench/limit/bare_ping_pong.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "bench/limit/echo_server.h"

namespace aero::bench {

PingPongResult bare_epoll_ping_pong(std::uint16_t port, std::size_t message_size,
                                    std::int64_t round_trips) {
  PingPongResult result;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return result;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event);
  std::vector<char> request(message_size, 'q');
  char response[4096];

  const std::int64_t start = thread_cpu_ns();
  bool ok = true;
  for (std::int64_t i = 0; i < round_trips && ok; ++i) {
    // 64 bytes always fit in an idle socket's send buffer: one send() suffices.
    ok = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
         static_cast<ssize_t>(request.size());
    std::size_t got = 0;
    while (ok && got < message_size) {
      if (::epoll_wait(ep, &event, 1, -1) < 0 && errno != EINTR) ok = false;
      ++result.polls;
      const ssize_t n = ::recv(fd, response, sizeof response, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) ok = false;
    }
  }
  result.client_cpu_ns = thread_cpu_ns() - start;
  result.round_trips = round_trips;
  result.ok = ok;
  ::close(ep);
  ::close(fd);
  return result;
}

}  // namespace aero::bench
