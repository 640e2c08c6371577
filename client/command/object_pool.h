// ObjectPool<T>: recycles command objects so that a command in steady state allocates
// nothing (its buffers keep their capacity from one use to the next).
//
// Threads: acquire() and release() from any thread (a short mutex; commands are taken on
// the submitting thread and given back wherever their completion ran).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace aero::command {

template <class T>
class ObjectPool {
 public:
  // `live` (optional) counts objects taken and not yet given back.
  explicit ObjectPool(std::atomic<std::int64_t>* live = nullptr, std::size_t max_idle = 4096)
      : live_(live), max_idle_(max_idle) {}
  ~ObjectPool() {
    for (T* t : free_) delete t;
  }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  T* acquire() {
    if (live_ != nullptr) live_->fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (!free_.empty()) {
        T* t = free_.back();
        free_.pop_back();
        return t;
      }
    }
    return new T();
  }

  void release(T* t) {
    bool kept = false;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (free_.size() < max_idle_) {
        free_.push_back(t);
        kept = true;
      }
    }
    if (!kept) delete t;
    // Last: whoever waits for `live` to reach zero may destroy the pool right after.
    if (live_ != nullptr) live_->fetch_sub(1, std::memory_order_acq_rel);
  }

 private:
  std::mutex mutex_;
  std::vector<T*> free_;
  std::atomic<std::int64_t>* live_;
  std::size_t max_idle_;
};

}  // namespace aero::command
