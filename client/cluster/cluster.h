// Cluster: holds the current ClusterSnapshot and publishes new ones.
//
// Routing reads the snapshot on loop threads: each loop caches it and checks version()
// (one relaxed atomic load) per command, so the shared pointer is copied only when the
// tender published a new snapshot.
//
// Threads: snapshot(), version() from any thread; publish() from the tender thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "client/cluster/partition_map.h"

namespace aero::cluster {

class Cluster {
 public:
  Cluster() : current_(std::make_shared<ClusterSnapshot>()) {}

  std::shared_ptr<const ClusterSnapshot> snapshot() const {
    std::lock_guard<std::mutex> g(mutex_);
    return current_;
  }
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // Nodes that left the view (or moved), kept for Client::metrics(): their counters stay
  // readable. Bounded: the oldest of more than kMaxRetired is dropped.
  static constexpr std::size_t kMaxRetired = 64;
  void retire(std::shared_ptr<Node> node) {
    std::lock_guard<std::mutex> g(mutex_);
    if (retired_.size() == kMaxRetired) retired_.erase(retired_.begin());
    retired_.push_back(std::move(node));
  }
  std::vector<std::shared_ptr<Node>> retired() const {
    std::lock_guard<std::mutex> g(mutex_);
    return retired_;
  }

  // Publishes `next` (its version is set here).
  void publish(std::shared_ptr<ClusterSnapshot> next) {
    std::lock_guard<std::mutex> g(mutex_);
    next->version = current_->version + 1;
    current_ = std::move(next);
    version_.store(current_->version, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ClusterSnapshot> current_;
  std::atomic<std::uint64_t> version_{0};
  std::vector<std::shared_ptr<Node>> retired_;  // guarded by mutex_
};

}  // namespace aero::cluster
