#include "test/server/node_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "test/server/connection.h"
#include "test/server/node.h"

namespace aero::testserver {

NodeLoop::NodeLoop(Node& node, int index) : node_(node), index_(index), loop_(*this) {}

NodeLoop::~NodeLoop() { shutdown(); }

bool NodeLoop::start(std::string* error) {
  return loop_.start("as-n" + std::to_string(node_.index()) + "-l" + std::to_string(index_),
                     error);
}

void NodeLoop::shutdown() {
  loop_.run_sync([this] {
    if (listen_fd_ >= 0) {
      loop_.remove(listen_fd_);
      ::close(listen_fd_);
      listen_fd_ = -1;
    }
    for (auto& [key, conn] : connections_) conn->close();
    connections_.clear();
    closed_.clear();
    timers_ = {};
  });
  loop_.stop();
  map_.reset();
}

void NodeLoop::adopt(int fd) {
  if (!loop_.post([this, fd] { add_connection(fd); })) ::close(fd);
}

bool NodeLoop::set_listener(int listen_fd) {
  bool ok = false;
  const bool ran = loop_.run_sync([&] {
    listen_fd_ = listen_fd;
    ok = loop_.add(listen_fd, EPOLLIN, kListenerKey);
  });
  if (!ran) ::close(listen_fd);
  return ran && ok;
}

void NodeLoop::close_listener() {
  loop_.run_sync([this] {
    if (listen_fd_ < 0) return;
    loop_.remove(listen_fd_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  });
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

void NodeLoop::add_connection(int fd) {
  const uint64_t key = next_key_++;
  auto conn = std::make_unique<Connection>(*this, fd, key);
  NodeCounters::bump(node_.counters().connections_opened);
  if (!conn->open()) {
    conn->close();
    return;
  }
  connections_.emplace(key, std::move(conn));
}

void NodeLoop::accept_ready() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: try again on the next event
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const size_t target = next_target_++ % node_.loop_count();
    if (target == size_t(index_)) {
      add_connection(fd);
    } else {
      node_.loop(target).adopt(fd);
    }
  }
}

void NodeLoop::on_event(uint64_t key, uint32_t events) {
  if (key == kListenerKey) {
    if (listen_fd_ >= 0) accept_ready();
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
