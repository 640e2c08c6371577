#include "test/server/node_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "test/server/connection.h"
#include "test/server/node.h"
#include "test/server/tls.h"

namespace aero::testserver {

NodeLoop::NodeLoop(Node& node, int index) : node_(node), index_(index), loop_(*this) {}

NodeLoop::~NodeLoop() { shutdown(); }

bool NodeLoop::start(std::string* error) {
  return loop_.start("as-n" + std::to_string(node_.index()) + "-l" + std::to_string(index_),
                     error);
}

void NodeLoop::shutdown() {
  loop_.run_sync([this] {
    close_listeners();
    for (auto& [key, conn] : connections_) conn->close();
    connections_.clear();
    closed_.clear();
    timers_ = {};
  });
  loop_.stop();
  map_.reset();
}

void NodeLoop::adopt(int fd, bool tls) {
  if (!loop_.post([this, fd, tls] { add_connection(fd, tls); })) ::close(fd);
}

bool NodeLoop::set_listener(int listen_fd, bool tls) {
  bool ok = false;
  const bool ran = loop_.run_sync([&] {
    (tls ? tls_listen_fd_ : listen_fd_) = listen_fd;
    ok = loop_.add(listen_fd, EPOLLIN, tls ? kTlsListenerKey : kListenerKey);
  });
  if (!ran) ::close(listen_fd);
  return ran && ok;
}

void NodeLoop::close_listeners() {
  for (int* fd : {&listen_fd_, &tls_listen_fd_}) {
    if (*fd < 0) continue;
    loop_.remove(*fd);
    ::close(*fd);
    *fd = -1;
  }
}

void NodeLoop::close_listener() {
  loop_.run_sync([this] { close_listeners(); });
}

void NodeLoop::schedule(uint64_t key, TimePoint due) { timers_.emplace(due, key); }

const PartitionMap& NodeLoop::map() {
  const uint64_t v = node_.cluster().map_version();
  if (v != map_version_ || !map_) {
    map_ = node_.cluster().map();
    map_version_ = v;
  }
  return *map_;
}

void NodeLoop::add_connection(int fd, bool tls) {
  const uint64_t key = next_key_++;
  std::unique_ptr<TlsStream> stream;
  if (tls) {
    const TlsServerContext* ctx = node_.cluster().tls();
    if (ctx != nullptr) stream = std::make_unique<TlsStream>(*ctx, fd);
    if (!stream || !stream->ok()) {
      ::close(fd);
      return;
    }
  }
  auto conn = std::make_unique<Connection>(*this, fd, key, std::move(stream));
  NodeCounters::bump(node_.counters().connections_opened);
  if (!conn->open()) {
    conn->close();
    return;
  }
  connections_.emplace(key, std::move(conn));
}

void NodeLoop::accept_ready(int listen_fd, bool tls) {
  for (;;) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: try again on the next event
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const size_t target = next_target_++ % node_.loop_count();
    if (target == size_t(index_)) {
      add_connection(fd, tls);
    } else {
      node_.loop(target).adopt(fd, tls);
    }
  }
}

void NodeLoop::on_event(uint64_t key, uint32_t events) {
  if (key == kListenerKey) {
    if (listen_fd_ >= 0) accept_ready(listen_fd_, false);
    return;
  }
  if (key == kTlsListenerKey) {
    if (tls_listen_fd_ >= 0) accept_ready(tls_listen_fd_, true);
    return;
  }
  auto it = connections_.find(key);
  if (it == connections_.end()) return;
  it->second->on_event(events);
  if (it->second->closed()) closed_.push_back(key);
}

int NodeLoop::on_wake() {
  const TimePoint now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.top().first <= now) {
    const uint64_t key = timers_.top().second;
    timers_.pop();
    auto it = connections_.find(key);
    if (it == connections_.end()) continue;
    it->second->on_timer(now);
    if (it->second->closed()) closed_.push_back(key);
  }
  for (uint64_t key : closed_) connections_.erase(key);
  closed_.clear();
  if (timers_.empty()) return -1;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.top().first -
                                                                          now) +
                    std::chrono::milliseconds(1);
  return int(wait.count());
}

}  // namespace aero::testserver
