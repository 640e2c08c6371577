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
};

}  // namespace aero::cluster
