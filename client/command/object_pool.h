// ObjectPool<T>: recycles command objects so that a command in steady state allocates
// nothing (its buffers keep their capacity from one use to the next). One pool per loop and
// command type; the loop's thread is the pool's owner.
//
// Why this shape. A command is taken on the submitting thread and given back wherever its
// last reference went (the loop thread, or the completion executor's thread). The common
// case is the loop thread submitting to its own loop with completions on its serial
// executor: there both ends run on the owner thread, and the pool takes no lock and executes
// no locked instruction (a vector push/pop and a plain counter). The other cases stay correct
// with a little more work, never more than before (a short mutex):
//
//   owner list    owner thread only, no synchronisation: objects taken on the owner thread
//                 and given back on it.
//   return stack  a lock-free multi-producer, single-consumer stack (Treiber push with a CAS;
//                 the owner takes the whole stack with one exchange, so there is no ABA and
//                 no pop race): objects the owner took but another thread gave back (e.g. a
//                 oneTBB completion held the last reference). The owner drains it into its
//                 list when that list runs empty.
//   shared list   a mutex-guarded list for objects taken off the owner thread (a user thread
//                 submitting through round robin). Such an object remembers it and always
//                 returns here, wherever it is given back: otherwise objects would pile up on
//                 the owner's side and every off-thread submit would allocate. The mutex is
//                 the one cost of that path, which already pays a cross-thread post.
//
// Thread-local caches were the alternative; they would need per-thread state keyed by pool
// and a way to hand objects back when a pool (or a thread) goes away, for no gain on the
// owner-thread path.
//
// Live count. `live` (the client's count of commands outstanding, which Client::close waits
// to see at zero) is incremented by every acquire() with a sequentially consistent RMW: it is
// also what makes a submitting call visible to close() (the caller checks the closed flag
// after it). Objects given back on another thread decrement it (RMW). Objects given back on
// the owner thread are counted in owner_released() instead (a plain store by the owner), so
// that the owner-thread path has no locked instruction there either; readers compute
// outstanding = live - sum of owner_released() over pools, reading the pools' counters first
// (see Client::outstanding_now).
//
// Threads: acquire() and release() from any thread; the owner list only ever on the owner
// thread, as told by the `owner` predicate (io::Loop::in_loop_thread).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "io/loop.h"

namespace aero::command {

// The pool's bookkeeping inside a pooled object (T derives from it): no side allocation.
class PoolLink {
 protected:
  PoolLink() = default;
  ~PoolLink() = default;

 private:
  template <class>
  friend class ObjectPool;
  PoolLink* pool_next_ = nullptr;  // link in the return stack
  bool pool_shared_ = false;       // taken off the owner thread: goes back to the shared list
};

template <class T>
class ObjectPool {
 public:
  // `owner`: the loop whose thread owns the pool (asked with in_loop_thread()). `live`
  // (optional): incremented per object taken, see the header comment.
  explicit ObjectPool(io::Loop& owner, std::atomic<std::int64_t>* live = nullptr,
                      std::size_t max_idle = 4096)
      : owner_(owner), live_(live), max_idle_(max_idle) {
    local_.reserve(64);
  }
  ~ObjectPool() {
    for (T* t : local_) delete t;
    for (T* t : shared_) delete t;
    PoolLink* p = returned_.exchange(nullptr, std::memory_order_acquire);
    while (p != nullptr) {
      PoolLink* next = p->pool_next_;
      delete static_cast<T*>(p);
      p = next;
    }
  }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  T* acquire() {
    if (live_ != nullptr) live_->fetch_add(1);  // seq_cst: see the header comment
    if (owner_.in_loop_thread()) {
      if (local_.empty()) take_returned();
      T* t;
      if (!local_.empty()) {
        t = local_.back();
        local_.pop_back();
      } else {
        t = new T();
      }
      t->pool_shared_ = false;
      return t;
    }
    T* t = nullptr;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (!shared_.empty()) {
        t = shared_.back();
        shared_.pop_back();
      }
    }
    if (t == nullptr) t = new T();
    t->pool_shared_ = true;
    return t;
  }

  void release(T* t) {
    if (t->pool_shared_) {
      bool kept = false;
      {
        std::lock_guard<std::mutex> g(mutex_);
        if (shared_.size() < max_idle_) {
          shared_.push_back(t);
          kept = true;
        }
      }
      if (!kept) delete t;
      count_remote_release();
      return;
    }
    if (owner_.in_loop_thread()) {
      if (local_.size() < max_idle_) {
        local_.push_back(t);
      } else {
        delete t;
      }
      // Last: whoever sees the count may destroy the pool right after.
      if (live_ != nullptr) {
        owner_released_.store(owner_released_.load(std::memory_order_relaxed) + 1,
                              std::memory_order_release);
      }
      return;
    }
    // Taken by the owner, given back elsewhere: push onto the return stack.
    PoolLink* node = t;
    PoolLink* head = returned_.load(std::memory_order_relaxed);
    do {
      node->pool_next_ = head;
    } while (!returned_.compare_exchange_weak(head, node, std::memory_order_release,
                                              std::memory_order_relaxed));
    count_remote_release();
  }

  // Objects given back on the owner thread so far (see the header comment). Any thread.
  std::int64_t owner_released() const { return owner_released_.load(std::memory_order_acquire); }

 private:
  void count_remote_release() {
    // Last: whoever waits for `live` to reach zero may destroy the pool right after.
    if (live_ != nullptr) live_->fetch_sub(1, std::memory_order_acq_rel);
  }

  // Owner thread: moves everything on the return stack to the owner list.
  void take_returned() {
    if (returned_.load(std::memory_order_relaxed) == nullptr) return;
    PoolLink* p = returned_.exchange(nullptr, std::memory_order_acquire);
    while (p != nullptr) {
      PoolLink* next = p->pool_next_;
      if (local_.size() < max_idle_) {
        local_.push_back(static_cast<T*>(p));
      } else {
        delete static_cast<T*>(p);
      }
      p = next;
    }
  }

  io::Loop& owner_;
  std::atomic<std::int64_t>* live_;
  std::size_t max_idle_;
  std::vector<T*> local_;                        // owner thread only
  std::atomic<PoolLink*> returned_{nullptr};     // the return stack
  std::atomic<std::int64_t> owner_released_{0};  // written by the owner thread only
  std::mutex mutex_;
  std::vector<T*> shared_;  // guarded by mutex_
};

}  // namespace aero::command
