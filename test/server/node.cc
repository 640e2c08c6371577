#include "test/server/node.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "test/server/node_loop.h"

namespace aero::testserver {

Node::Node(ClusterState& cluster, int index) : cluster_(cluster), index_(index) {}

Node::~Node() { stop(); }

const std::string& Node::id() const { return cluster_.advert(size_t(index_)).id_hex; }

uint16_t Node::port() const { return cluster_.advert(size_t(index_)).port.load(); }

uint16_t Node::tls_port() const { return cluster_.advert(size_t(index_)).tls_port.load(); }

std::string Node::address() const {
  return cluster_.options().host + ":" + std::to_string(port());
}

int64_t Node::partition_generation() const {
  return cluster_.advert(size_t(index_)).partition_generation.load();
}

uint32_t Node::peers_generation() const {
  return cluster_.advert(size_t(index_)).peers_generation.load();
}

int Node::open_listener(bool tls, std::string* error) {
  const ClusterOptions& o = cluster_.options();
  uint16_t port = tls ? tls_port() : this->port();
  const uint16_t base = tls ? o.tls_port : o.port;
  if (new_port_) {
    port = 0;
  } else if (port == 0 && base != 0) {
    port = uint16_t(base + index_ * o.port_step);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) {
    if (error) *error = "bad host address " + o.host;
    return -1;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
    if (error) {
      *error = "bind/listen " + o.host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    }
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  (tls ? cluster_.advert(size_t(index_)).tls_port : cluster_.advert(size_t(index_)).port)
      .store(ntohs(addr.sin_port));
  return fd;
}

bool Node::open_listeners(std::string* error) {
  const int fd = open_listener(false, error);
  if (fd < 0) return false;
  int tls_fd = -1;
  if (cluster_.tls() != nullptr) {
    tls_fd = open_listener(true, error);
    if (tls_fd < 0) {
      ::close(fd);
      return false;
    }
  }
  loops_[0]->set_listener(fd);
  if (tls_fd >= 0) loops_[0]->set_listener(tls_fd, true);
  return true;
}

bool Node::start(std::string* error) {
  std::lock_guard<std::mutex> lock(control_mutex_);
  if (running()) return true;
  const int n_loops = cluster_.options().loops_per_node < 1 ? 1 : cluster_.options().loops_per_node;
  for (int i = 0; i < n_loops; ++i) {
    auto loop = std::make_unique<NodeLoop>(*this, i);
    if (!loop->start(error)) {
      for (auto& l : loops_) l->shutdown();
      loops_.clear();
      return false;
    }
    loops_.push_back(std::move(loop));
  }
  if (!open_listeners(error)) {
    for (auto& l : loops_) l->shutdown();
    loops_.clear();
    return false;
  }
  refusing_ = false;
  running_.store(true, std::memory_order_release);
  return true;
}

void Node::stop() {
  std::lock_guard<std::mutex> lock(control_mutex_);
  if (!running()) return;
  loops_[0]->close_listener();  // first: no new socket can be handed to a stopping loop
  for (auto& l : loops_) l->shutdown();
  loops_.clear();
  running_.store(false, std::memory_order_release);
  std::lock_guard<std::mutex> tasks_lock(tasks_mutex_);
  tasks_.clear();
  cluster().jobs(size_t(index())).clear();  // a restarted node has no job history
}

bool Node::restart_on_new_port(std::string* error) {
  stop();
  {
    std::lock_guard<std::mutex> lock(control_mutex_);
    new_port_ = true;
  }
  bool ok = start(error);
  std::lock_guard<std::mutex> lock(control_mutex_);
  new_port_ = false;
  return ok;
}

bool Node::refuse_connections(bool refuse, std::string* error) {
  std::lock_guard<std::mutex> lock(control_mutex_);
  if (!running()) {
    if (error) *error = "node is not running";
    return false;
  }
  if (refuse == refusing_) return true;
  if (refuse) {
    loops_[0]->close_listener();
    refusing_ = true;
    return true;
  }
  if (!open_listeners(error)) return false;
  refusing_ = false;
  return true;
}

bool Node::register_task(uint64_t id) {
  if (id == 0) return true;
  std::lock_guard<std::mutex> lock(tasks_mutex_);
  return tasks_.insert(id).second;
}

void Node::unregister_task(uint64_t id) {
  if (id == 0) return;
  std::lock_guard<std::mutex> lock(tasks_mutex_);
  tasks_.erase(id);
}

}  // namespace aero::testserver
