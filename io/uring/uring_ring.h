// UringRing: one io_uring instance on the raw system calls (io_uring_setup, io_uring_enter;
// no liburing): the mapped submission and completion queues and the calls that move them.
//
// Only what UringLoop needs: SQEs are handed out at the local tail and reach the kernel at
// the next enter() (the tail is published there), CQEs are reaped in order. The ring
// requires IORING_FEAT_NODROP (a full CQ never loses a completion: the kernel keeps the rest
// on an overflow list and raises IORING_SQ_CQ_OVERFLOW) and IORING_FEAT_EXT_ARG (a timeout
// on the wait) — both since Linux 5.11; open() refuses a kernel without them.
//
// Threads: one thread at a time (the loop thread); counters() from any thread.
#pragma once

#include <linux/io_uring.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>
#include <type_traits>

namespace aero::io {

// Test hook: while non-zero, every UringRing::open fails as if io_uring_setup had failed with
// this errno (e.g. EPERM), so the fallback to epoll can be tested where io_uring works.
void set_uring_setup_failure_for_testing(int error_number);

class UringRing {
 public:
  struct Counters {
    std::uint64_t enters = 0;
    std::uint64_t sqes = 0;
    std::uint64_t sq_full = 0;
    std::uint64_t cq_overflows = 0;
  };

  // A ring with `sq_entries` SQEs (and `cq_entries` CQEs, 0 for the kernel's default), or
  // nullptr with `error` set.
  static std::unique_ptr<UringRing> open(unsigned sq_entries, unsigned cq_entries,
                                         std::error_code& error);
  ~UringRing();
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;

  // A zeroed SQE at the tail and its position (for sqe_at/consumed), or nullptr when the SQ
  // is full (submit() then makes room).
  io_uring_sqe* next_sqe(std::uint32_t& position);
  // The SQE at `position`, valid while !consumed(position).
  io_uring_sqe* sqe_at(std::uint32_t position) { return &sqes_[position & sq_mask_]; }
  // True once the kernel has read the SQE at `position` (it then belongs to the kernel).
  bool consumed(std::uint32_t position) const {
    return static_cast<std::int32_t>(position - load_acquire(sq_head_)) < 0;
  }
  // SQEs handed out and not yet consumed by the kernel.
  std::uint32_t queued() const { return sqe_tail_ - load_acquire(sq_head_); }
  // The SQE at `position` is the newest one handed out and the kernel has not read it: an SQE
  // queued next would follow it in the same submission (when has_room()).
  bool is_newest_queued(std::uint32_t position) const {
    return position + 1 == sqe_tail_ && !consumed(position);
  }
  // next_sqe() would succeed without submitting first.
  bool has_room() const { return queued() < sq_entries_; }

  // io_uring_enter: submits every queued SQE; with `get_events`, also runs completion work
  // and waits until `min_complete` CQEs are ready or `timeout_ns` (when >= 0) has passed.
  // Returns 0 or a negated errno the caller may see in normal operation (EINTR, ETIME, EBUSY,
  // EAGAIN); any other failure is fatal (the ring itself is broken).
  int enter(unsigned min_complete, bool get_events, std::int64_t timeout_ns = -1);
  // Submits without waiting, after next_sqe() found the SQ full.
  void make_room();
  // io_uring_register(IORING_REGISTER_FILES): registers `count` descriptors, so that an SQE
  // with IOSQE_FIXED_FILE names one by its index. Returns 0 or a negated errno.
  int register_files(const int* fds, unsigned count);
  // io_uring_register(IORING_REGISTER_PBUF_RING): `ring` (page-aligned; `entries`, a power of
  // 2, of io_uring_buf) becomes buffer group `group`, which a receive with IOSQE_BUFFER_SELECT
  // takes its buffer from. Returns 0 or a negated errno.
  int register_buffer_ring(void* ring, unsigned entries, unsigned short group);

  // Calls f(user_data, result) for every ready CQE, in order (or f(user_data, result, flags),
  // the CQE's IORING_CQE_F_* flags, when f takes three arguments); returns how many. f may
  // queue SQEs (and so submit); CQEs that arrive meanwhile wait for the next reap().
  template <class F>
  std::size_t reap(F&& f) {
    std::uint32_t head = *cq_head_;
    std::size_t count = 0;
    while (head != load_acquire(cq_tail_)) {
      const io_uring_cqe& cqe = cqes_[head & cq_mask_];
      const std::uint64_t user_data = cqe.user_data;
      const std::int32_t result = cqe.res;
      const std::uint32_t flags = cqe.flags;
      ++head;
      store_release(cq_head_, head);  // the slot is free before f runs (f may submit)
      if constexpr (std::is_invocable_v<F, std::uint64_t, std::int32_t, std::uint32_t>) {
        f(user_data, result, flags);
      } else {
        f(user_data, result);
      }
      ++count;
    }
    return count;
  }

  // The kernel holds CQEs that did not fit the CQ: enter(0, true) moves them in.
  bool overflowed() const { return (load_acquire(sq_flags_) & IORING_SQ_CQ_OVERFLOW) != 0; }
  void note_overflow() { bump(cq_overflows_); }

  Counters counters() const;
  // IORING_FEAT_* of this kernel (io_uring_params::features).
  std::uint32_t features() const { return features_; }

 private:
  UringRing() = default;
  static std::uint32_t load_acquire(const std::uint32_t* p) {
    return std::atomic_ref<std::uint32_t>(*const_cast<std::uint32_t*>(p))
        .load(std::memory_order_acquire);
  }
  static void store_release(std::uint32_t* p, std::uint32_t value) {
    std::atomic_ref<std::uint32_t>(*p).store(value, std::memory_order_release);
  }
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  int fd_ = -1;
  std::uint32_t features_ = 0;
  void* sq_map_ = nullptr;
  std::size_t sq_map_size_ = 0;
  void* cq_map_ = nullptr;  // == sq_map_ with IORING_FEAT_SINGLE_MMAP
  std::size_t cq_map_size_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  std::size_t sqes_size_ = 0;

  std::uint32_t* sq_head_ = nullptr;
  std::uint32_t* sq_tail_ = nullptr;
  std::uint32_t* sq_flags_ = nullptr;
  std::uint32_t sq_mask_ = 0;
  std::uint32_t sq_entries_ = 0;
  std::uint32_t sqe_tail_ = 0;  // local tail: SQEs handed out
  std::uint32_t* cq_head_ = nullptr;
  std::uint32_t* cq_tail_ = nullptr;
  std::uint32_t cq_mask_ = 0;
  io_uring_cqe* cqes_ = nullptr;

  std::atomic<std::uint64_t> enters_{0};
  std::atomic<std::uint64_t> sqes_submitted_{0};
  std::atomic<std::uint64_t> sq_full_{0};
  std::atomic<std::uint64_t> cq_overflows_{0};
};

}  // namespace aero::io
