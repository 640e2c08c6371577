// SocketTable<Socket>: the socket ids of one loop and the per-socket state they lead to, shared
// by the backends (io/reactor, io/uring, io/iocp).
//
// An id is (generation << 24 | slot). The slot indexes a table of per-socket state objects,
// each on the heap of its own (a pointer to one stays valid while the table grows); the
// generation increments every time the slot is freed, and a slot whose generation would wrap
// is retired instead of reused, so an id is never issued twice (io/loop.h: SocketId). A lookup
// whose generation does not match finds nothing: events or completions for a closed socket
// are recognised as stale even after its slot was reused. Freed slots are reused last in,
// first out (the most recently used state is the warmest in the cache).
//
// `Socket` is the backend's per-socket struct; it needs `std::uint64_t id` (0 while the slot
// is free) and `std::uint64_t generation` (starting at 1) members. The table sets them; the
// backend resets the rest of its state on allocate().
//
// Threads: loop thread only (the owning loop asserts it; this class does not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace aero::io {

template <typename Socket>
class SocketTable {
 public:
  static constexpr unsigned kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static constexpr std::uint64_t kMaxGeneration = std::uint64_t{1} << (64 - kSlotBits);

  // The open socket with this id, or nullptr (0, never issued, or closed since).
  Socket* find(std::uint64_t id) const {
    const std::uint64_t slot = id & kSlotMask;
    if (id == 0 || slot >= slots_.size()) return nullptr;
    Socket* s = slots_[slot].get();
    return s->id == id ? s : nullptr;
  }

  // A free slot with its new id set, or nullptr when all 2^24 slots are in use.
  // `on_new_slot(Socket&)` runs once for a slot made now (not for a reused one), so state that
  // lives as long as the slot (say a timer whose handler captures the Socket) is set up once.
  template <typename OnNewSlot>
  Socket* allocate(OnNewSlot&& on_new_slot) {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      if (slot > kSlotMask) return nullptr;
      slots_.push_back(std::make_unique<Socket>());
      on_new_slot(*slots_.back());
    }
    Socket& s = *slots_[slot];
    s.id = s.generation << kSlotBits | slot;
    return &s;
  }
  Socket* allocate() {
    return allocate([](Socket&) {});
  }

  // Frees the slot of the open socket `s`: its id becomes 0 (find() no longer finds it) and
  // its generation moves on. The object itself stays (reused by a later allocate()).
  void free(Socket& s) {
    const auto slot = static_cast<std::uint32_t>(s.id & kSlotMask);
    s.id = 0;
    // A slot whose generation would wrap is retired instead of reused: ids stay unique.
    if (++s.generation < kMaxGeneration) free_.push_back(slot);
  }

  // Calls f(Socket&) for every open socket, in slot order. `f` may free the socket it is
  // given (or any other) and allocate new ones (those may or may not be visited).
  template <typename F>
  void for_each_open(F&& f) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i]->id != 0) f(*slots_[i]);
    }
  }

 private:
  std::vector<std::unique_ptr<Socket>> slots_;
  std::vector<std::uint32_t> free_;  // free slots; the last one freed is reused first
};

}  // namespace aero::io
