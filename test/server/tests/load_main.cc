// server_load: measures the test server's throughput with a simple load.
//
//   bazel run -c opt //test/server:server_load -- --connections 16 --depth 1 --seconds 3
//
// Starts an in-process cluster (or targets --port of a running one), writes --records records,
// then drives --connections sockets from --client-threads epoll threads, each connection keeping
// --depth requests in flight (1 = plain request/response; more = pipelining), and prints
// completed requests per second. Every answer is checked (result code, frame type); a wrong
// answer aborts the run.
//
// --compare also runs the same load against a bare epoll loop that answers every request with
// the same canned bytes (no parsing, no store): the physical limit of this machine for this
// load, so the server's figure can be read as a ratio within one run.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test/server/cluster.h"
#include "test/server/tests/wire_client.h"

namespace {

using namespace testclient;

struct Options {
  int nodes = 1;
  int loops_per_node = 1;
  int connections = 16;
  int depth = 1;
  int client_threads = 1;
  double seconds = 3;
  int records = 10000;
  std::string op = "get";  // get | put
  int port = 0;            // 0: start an in-process cluster
  bool compare = false;
};

struct Conn {
  int fd = -1;
  std::string in;
  size_t in_used = 0;
  int in_flight = 0;
  uint64_t next_key = 0;
};

std::atomic<bool> g_stop{false};
std::atomic<bool> g_failed{false};

Bytes request_for(const Options& o, uint64_t key) {
  Msg m = keyed("test", "demo", digest_for(key % uint64_t(o.records)));
  if (o.op == "put") {
    m.info2 = 0x01;
    m.ops = {write_int("v", int64_t(key))};
  } else {
    m.info1 = 0x03;
  }
  return message_frame(m);
}

int connect_port(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& bytes);

// The bare loop for --compare: one thread, one epoll, answers each whole frame with `canned`.
class BareLoop {
 public:
  explicit BareLoop(std::string canned) : canned_(std::move(canned)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 1024);
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~BareLoop() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  uint16_t port() const { return port_; }

 private:
  struct Peer {
    int fd;
    std::string in;
    std::string out;
  };
  void run() {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = ~uint64_t{0};
    epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd_, &ev);
    std::vector<std::unique_ptr<Peer>> peers;
    std::vector<epoll_event> events(64);
    char buf[65536];
    while (!stop_) {
      const int n = epoll_wait(ep, events.data(), int(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        const uint64_t key = events[size_t(e)].data.u64;
        if (key == ~uint64_t{0}) {
          for (int fd; (fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            peers.push_back(std::make_unique<Peer>(Peer{fd, {}, {}}));
            epoll_event pe{};
            pe.events = EPOLLIN;
            pe.data.u64 = peers.size() - 1;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &pe);
            break;
          }
          continue;
        }
        Peer& p = *peers[key];
        const ssize_t r = ::recv(p.fd, buf, sizeof buf, 0);
        if (r <= 0) {
          epoll_ctl(ep, EPOLL_CTL_DEL, p.fd, nullptr);
          continue;
        }
        p.in.append(buf, size_t(r));
        size_t at = 0;
        while (p.in.size() - at >= 8) {
          const uint8_t* h = reinterpret_cast<const uint8_t*>(p.in.data() + at);
          const uint64_t size = (uint64_t(h[4]) << 24) | (uint64_t(h[5]) << 16) |
                                (uint64_t(h[6]) << 8) | h[7];
          if (p.in.size() - at < 8 + size) break;
          p.out += canned_;
          at += 8 + size_t(size);
        }
        p.in.erase(0, at);
        send_all(p.fd, p.out);
        p.out.clear();
      }
    }
    for (auto& p : peers) ::close(p->fd);
    ::close(ep);
  }
  std::string canned_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

bool send_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

// One client thread: its connections, one epoll. Returns completed requests.
uint64_t drive(const Options& o, std::vector<uint16_t> ports, int first, int count) {
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    Conn& c = conns[size_t(i)];
    c.fd = connect_port(ports[size_t(first + i) % ports.size()]);
    c.next_key = uint64_t(first + i) * 7919;
    c.in.resize(1 << 16);
    std::string burst;
    for (int d = 0; d < o.depth; ++d) burst += request_for(o, c.next_key++);
    c.in_flight = o.depth;
    if (!send_all(c.fd, burst)) g_failed = true;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = uint32_t(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  uint64_t done = 0;
  std::vector<epoll_event> events(64);
  std::string out;
  while (!g_stop.load(std::memory_order_relaxed) && !g_failed.load()) {
    const int n = epoll_wait(ep, events.data(), int(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      Conn& c = conns[events[size_t(e)].data.u32];
      if (c.in.size() - c.in_used < 4096) c.in.resize(c.in.size() * 2);
      const ssize_t r = ::recv(c.fd, c.in.data() + c.in_used, c.in.size() - c.in_used, 0);
      if (r <= 0) {
        g_failed = true;
        break;
      }
      c.in_used += size_t(r);
      size_t at = 0;
      int answered = 0;
      while (c.in_used - at >= 8) {
        const uint8_t* h = reinterpret_cast<const uint8_t*>(c.in.data() + at);
        const uint64_t size = (uint64_t(h[2]) << 40) | (uint64_t(h[3]) << 32) |
                              (uint64_t(h[4]) << 24) | (uint64_t(h[5]) << 16) |
                              (uint64_t(h[6]) << 8) | h[7];
        if (c.in_used - at < 8 + size) break;
        // Check the answer: a message frame with result 0.
        if (h[0] != 2 || h[1] != 3 || size < 22 || h[8 + 5] != 0) {
          std::fprintf(stderr, "unexpected answer (type %u, result %u)\n", h[1],
                       size >= 22 ? h[8 + 5] : 255);
          g_failed = true;
        }
        at += 8 + size_t(size);
        ++answered;
      }
      if (at > 0) {
        std::memmove(c.in.data(), c.in.data() + at, c.in_used - at);
        c.in_used -= at;
      }
      done += uint64_t(answered);
      out.clear();
      for (int k = 0; k < answered; ++k) out += request_for(o, c.next_key++);
      if (!out.empty() && !send_all(c.fd, out)) g_failed = true;
    }
  }
  for (Conn& c : conns) ::close(c.fd);
  ::close(ep);
  return done;
}

double measure(const Options& o, const std::vector<uint16_t>& ports, const char* what) {
  g_stop = false;
  std::vector<std::thread> threads;
  std::vector<uint64_t> done(size_t(o.client_threads), 0);
  const auto start = std::chrono::steady_clock::now();
  const int per = o.connections / o.client_threads;
  for (int t = 0; t < o.client_threads; ++t) {
    const int count = t == o.client_threads - 1 ? o.connections - per * t : per;
    threads.emplace_back([&, t, count] { done[size_t(t)] = drive(o, ports, per * t, count); });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  g_stop = true;
  for (auto& th : threads) th.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t total = 0;
  for (uint64_t d : done) total += d;
  if (g_failed) {
    std::fprintf(stderr, "FAILED: a connection broke or an answer was wrong\n");
    return -1;
  }
  std::printf("%s: op=%s nodes=%d loops/node=%d connections=%d depth=%d client_threads=%d: "
              "%llu requests in %.2f s = %.0f requests/s\n",
              what, o.op.c_str(), o.nodes, o.loops_per_node, o.connections, o.depth,
              o.client_threads, static_cast<unsigned long long>(total), elapsed,
              double(total) / elapsed);
  return double(total) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const char* v = argv[i + 1];
    if (a == "--nodes") o.nodes = std::atoi(v);
    else if (a == "--loops-per-node") o.loops_per_node = std::atoi(v);
    else if (a == "--connections") o.connections = std::atoi(v);
    else if (a == "--depth") o.depth = std::atoi(v);
    else if (a == "--client-threads") o.client_threads = std::atoi(v);
    else if (a == "--seconds") o.seconds = std::atof(v);
    else if (a == "--records") o.records = std::atoi(v);
    else if (a == "--op") o.op = v;
    else if (a == "--port") o.port = std::atoi(v);
    else if (a == "--compare") o.compare = std::atoi(v) != 0;
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::unique_ptr<aero::testserver::Cluster> cluster;
  std::vector<uint16_t> ports;
  if (o.port == 0) {
    aero::testserver::ClusterOptions co;
    co.nodes = o.nodes;
    co.loops_per_node = o.loops_per_node;
    cluster = std::make_unique<aero::testserver::Cluster>(co);
    std::string error;
    if (!cluster->start(&error)) {
      std::fprintf(stderr, "cannot start: %s\n", error.c_str());
      return 1;
    }
    for (size_t i = 0; i < cluster->size(); ++i) ports.push_back(cluster->node(i).port());
  } else {
    ports.push_back(uint16_t(o.port));
  }
  // Seed the records.
  {
    const int fd = connect_port(ports[0]);
    for (int k = 0; k < o.records; ++k) {
      Msg m = keyed("test", "demo", digest_for(uint64_t(k)));
      m.info2 = 0x01;
      m.ops = {write_int("v", k), write_str("s", std::string(64, 'x'))};
      if (!send_all(fd, message_frame(m))) return 1;
      char buf[64];
      if (::recv(fd, buf, 30, MSG_WAITALL) != 30) return 1;  // a write answer: 30 bytes
    }
    ::close(fd);
  }
  const double server_rate = measure(o, ports, "test server");
  if (server_rate < 0) return 1;
  if (o.compare) {
    // The canned answer: the server's real answer to the first request.
    const int fd = connect_port(ports[0]);
    const Bytes req = request_for(o, 0);
    send_all(fd, req);
    std::string head(8, '\0');
    ::recv(fd, head.data(), 8, MSG_WAITALL);
    const size_t size = (size_t(uint8_t(head[6])) << 8) | uint8_t(head[7]);
    std::string canned_body(size, '\0');
    ::recv(fd, canned_body.data(), size, MSG_WAITALL);
    ::close(fd);
    BareLoop bare(head + canned_body);
    const double bare_rate = measure(o, {bare.port()}, "bare epoll loop (canned answers)");
    if (bare_rate <= 0) return 1;
    std::printf("ratio test server / bare loop: %.2f\n", server_rate / bare_rate);
  }
  return 0;
}
