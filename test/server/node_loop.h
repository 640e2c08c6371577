// One event-loop thread of a node: its connections, its share of accepted sockets, and the
// timers for delayed answers. Loop 0 of a node also owns the listening socket.
//
// Threads: adopt(), set_listener(), close_listener(), shutdown() are called from control
// threads (they hop onto the loop thread); everything else runs on the loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "test/server/event_loop.h"
#include "test/server/partition_map.h"

namespace aero::testserver {

class Connection;
class Node;

class NodeLoop : public EventLoop::Handler {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  NodeLoop(Node& node, int index);
  ~NodeLoop() override;

  bool start(std::string* error);
  // Closes every connection and the listener, then ends the thread.
  void shutdown();

  // Control threads.
  void adopt(int fd, bool tls = false);  // hands an accepted socket to this loop
  // Loop 0: starts accepting on `listen_fd` (takes it); `tls`: the TLS listener.
  bool set_listener(int listen_fd, bool tls = false);
  void close_listener();              // loop 0: stops accepting and closes both listeners

  // Loop thread.
  Node& node() { return node_; }
  EventLoop& events() { return loop_; }
  void schedule(uint64_t key, TimePoint due);
  // The partition map, re-read only when the cluster published a new one.
  const PartitionMap& map();

  void on_event(uint64_t key, uint32_t events) override;
  int on_wake() override;

 private:
  static constexpr uint64_t kListenerKey = 1;
  static constexpr uint64_t kTlsListenerKey = 2;

  void add_connection(int fd, bool tls);
  void accept_ready(int listen_fd, bool tls);
  void close_listeners();

  Node& node_;
  const int index_;
  EventLoop loop_;
  int listen_fd_ = -1;
  int tls_listen_fd_ = -1;
  uint64_t next_key_ = 3;
  size_t next_target_ = 0;  // round-robin over the node's loops
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<uint64_t> closed_;
  using Timer = std::pair<TimePoint, uint64_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::shared_ptr<const PartitionMap> map_;
  uint64_t map_version_ = ~uint64_t{0};
};

}  // namespace aero::testserver
