// TaskRing: a FIFO of Tasks in one growable circular buffer (internal to executor/).
//
// Push and pop move Tasks in and out of slots that are reused, so once the ring has grown to
// the largest backlog seen it allocates nothing. Not thread-safe: the owner guards it with
// its own lock.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

#include "executor/executor.h"

namespace aero::detail {

class TaskRing {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push(Task&& task) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(task);
    ++size_;
  }

  // Precondition: !empty().
  Task& front() {
    assert(size_ > 0);
    return slots_[head_];
  }

  // Precondition: !empty().
  Task pop() {
    assert(size_ > 0);
    Task task = std::move(slots_[head_]);
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return task;
  }

  // Exchanges contents (and buffers) with `other`: O(1), no allocation.
  void swap(TaskRing& other) noexcept {
    slots_.swap(other.slots_);
    std::swap(head_, other.head_);
    std::swap(size_, other.size_);
  }

 private:
  void grow() {
    std::vector<Task> bigger(slots_.empty() ? kInitialCapacity : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) {
      bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    }
    slots_.swap(bigger);
    head_ = 0;
  }

  static constexpr std::size_t kInitialCapacity = 64;  // a power of two, like every size
  std::vector<Task> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aero::detail
