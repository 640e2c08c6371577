// UringRing (see uring_ring.h): setup, mapping and io_uring_enter. The layout and the flags
// follow the kernel's UAPI header <linux/io_uring.h> and the io_uring_setup(2) and
// io_uring_enter(2) manual pages.
#include "io/uring/uring_ring.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aero::io {
namespace {

std::atomic<int> forced_setup_failure{0};

int sys_setup(unsigned entries, io_uring_params* params) {
  return static_cast<int>(::syscall(__NR_io_uring_setup, entries, params));
}

int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags, const void* arg,
              std::size_t arg_size) {
  return static_cast<int>(
      ::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, arg_size));
}

int sys_register(int fd, unsigned opcode, const void* arg, unsigned count) {
  return static_cast<int>(::syscall(__NR_io_uring_register, fd, opcode, arg, count));
}

[[noreturn]] void fatal(const char* what, int error) {
  std::fprintf(stderr, "aero::io::UringRing: %s failed: %s\n", what, std::strerror(error));
  std::abort();
}

// Flags tried first, then without the optional ones (older kernels reject unknown flags with
// EINVAL). SUBMIT_ALL: one bad SQE does not hold back the rest. COOP_TASKRUN: completion work
// runs when the loop enters the kernel, which it does every iteration, instead of
// interrupting it.
constexpr unsigned kOptionalFlags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;

}  // namespace

void set_uring_setup_failure_for_testing(int error_number) {
  forced_setup_failure.store(error_number, std::memory_order_relaxed);
}

std::unique_ptr<UringRing> UringRing::open(unsigned sq_entries, unsigned cq_entries,
                                           std::error_code& error) {
  if (const int forced = forced_setup_failure.load(std::memory_order_relaxed); forced != 0) {
    error = {forced, std::generic_category()};
    return nullptr;
  }
  io_uring_params params{};
  int fd = -1;
  for (const unsigned optional : {kOptionalFlags, 0u}) {
    params = io_uring_params{};
    params.flags = IORING_SETUP_CLAMP | optional;
    if (cq_entries != 0) {
      params.flags |= IORING_SETUP_CQSIZE;
      params.cq_entries = cq_entries;
    }
    fd = sys_setup(sq_entries, &params);
    if (fd >= 0 || errno != EINVAL) break;
  }
  if (fd < 0) {
    error = {errno, std::generic_category()};
    return nullptr;
  }
  std::unique_ptr<UringRing> ring(new UringRing);
  ring->fd_ = fd;
  ring->features_ = params.features;
  constexpr unsigned kNeeded = IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG;
  if ((params.features & kNeeded) != kNeeded) {
    error = std::make_error_code(std::errc::not_supported);
    return nullptr;  // the destructor closes fd
  }
  ring->sq_map_size_ = params.sq_off.array + params.sq_entries * sizeof(std::uint32_t);
  ring->cq_map_size_ = params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe);
  const bool single = (params.features & IORING_FEAT_SINGLE_MMAP) != 0;
  if (single) {
    ring->sq_map_size_ = ring->cq_map_size_ = std::max(ring->sq_map_size_, ring->cq_map_size_);
  }
  auto map = [fd](std::size_t size, off_t offset) -> void* {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
    return p == MAP_FAILED ? nullptr : p;
  };
  ring->sq_map_ = map(ring->sq_map_size_, IORING_OFF_SQ_RING);
  ring->cq_map_ = single ? ring->sq_map_ : map(ring->cq_map_size_, IORING_OFF_CQ_RING);
  ring->sqes_size_ = params.sq_entries * sizeof(io_uring_sqe);
  ring->sqes_ = static_cast<io_uring_sqe*>(map(ring->sqes_size_, IORING_OFF_SQES));
  if (ring->sq_map_ == nullptr || ring->cq_map_ == nullptr || ring->sqes_ == nullptr) {
    error = {errno, std::generic_category()};
    return nullptr;
  }
  auto* sq = static_cast<std::byte*>(ring->sq_map_);
  auto* cq = static_cast<std::byte*>(ring->cq_map_);
  ring->sq_head_ = reinterpret_cast<std::uint32_t*>(sq + params.sq_off.head);
  ring->sq_tail_ = reinterpret_cast<std::uint32_t*>(sq + params.sq_off.tail);
  ring->sq_flags_ = reinterpret_cast<std::uint32_t*>(sq + params.sq_off.flags);
  ring->sq_mask_ = *reinterpret_cast<std::uint32_t*>(sq + params.sq_off.ring_mask);
  ring->sq_entries_ = *reinterpret_cast<std::uint32_t*>(sq + params.sq_off.ring_entries);
  ring->cq_head_ = reinterpret_cast<std::uint32_t*>(cq + params.cq_off.head);
  ring->cq_tail_ = reinterpret_cast<std::uint32_t*>(cq + params.cq_off.tail);
  ring->cq_mask_ = *reinterpret_cast<std::uint32_t*>(cq + params.cq_off.ring_mask);
  ring->cqes_ = reinterpret_cast<io_uring_cqe*>(cq + params.cq_off.cqes);
  // The SQ's index array maps ring position i to SQE i, once and for all.
  auto* array = reinterpret_cast<std::uint32_t*>(sq + params.sq_off.array);
  for (std::uint32_t i = 0; i < ring->sq_entries_; ++i) array[i] = i;
  ring->sqe_tail_ = *ring->sq_tail_;
  return ring;
}

UringRing::~UringRing() {
  if (sqes_ != nullptr) ::munmap(sqes_, sqes_size_);
  if (cq_map_ != nullptr && cq_map_ != sq_map_) ::munmap(cq_map_, cq_map_size_);
  if (sq_map_ != nullptr) ::munmap(sq_map_, sq_map_size_);
  if (fd_ >= 0) ::close(fd_);
}

io_uring_sqe* UringRing::next_sqe(std::uint32_t& position) {
  if (sqe_tail_ - load_acquire(sq_head_) >= sq_entries_) return nullptr;
  position = sqe_tail_++;
  io_uring_sqe* sqe = &sqes_[position & sq_mask_];
  std::memset(sqe, 0, sizeof *sqe);
  return sqe;
}

int UringRing::enter(unsigned min_complete, bool get_events, std::int64_t timeout_ns) {
  const std::uint32_t to_submit = sqe_tail_ - load_acquire(sq_head_);
  store_release(sq_tail_, sqe_tail_);
  unsigned flags = get_events ? IORING_ENTER_GETEVENTS : 0;
  __kernel_timespec ts{};
  io_uring_getevents_arg arg{};
  const void* argp = nullptr;
  std::size_t arg_size = _NSIG / 8;
  if (get_events && timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
    arg.ts = reinterpret_cast<std::uint64_t>(&ts);
    arg.sigmask_sz = _NSIG / 8;
    flags |= IORING_ENTER_EXT_ARG;
    argp = &arg;
    arg_size = sizeof arg;
  }
  const std::uint32_t head_before = load_acquire(sq_head_);
  const int result = sys_enter(fd_, to_submit, min_complete, flags, argp, arg_size);
  const int error = result < 0 ? errno : 0;
  bump(enters_);
  bump(sqes_submitted_, load_acquire(sq_head_) - head_before);
  if (result >= 0) return 0;
  if (error == EINTR || error == ETIME || error == EBUSY || error == EAGAIN) return -error;
  fatal("io_uring_enter", error);
}

int UringRing::register_files(const int* fds, unsigned count) {
  return sys_register(fd_, IORING_REGISTER_FILES, fds, count) < 0 ? -errno : 0;
}

int UringRing::register_buffer_ring(void* ring, unsigned entries, unsigned short group) {
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uint64_t>(ring);
  reg.ring_entries = entries;
  reg.bgid = group;
  return sys_register(fd_, IORING_REGISTER_PBUF_RING, &reg, 1) < 0 ? -errno : 0;
}

void UringRing::make_room() {
  bump(sq_full_);
  const std::uint32_t before = queued();
  for (int attempt = 0; queued() == before; ++attempt) {
    // The kernel takes every SQE it can; EBUSY/EAGAIN (short of memory, or an old kernel's
    // CQ overflow) clear once completions are flushed.
    if (attempt > 0) {
      if (attempt > 100000) fatal("making room in the submission queue", EBUSY);
      enter(0, true);
      ::sched_yield();
    }
    enter(0, false);
  }
}

UringRing::Counters UringRing::counters() const {
  Counters c;
  c.enters = enters_.load(std::memory_order_relaxed);
  c.sqes = sqes_submitted_.load(std::memory_order_relaxed);
  c.sq_full = sq_full_.load(std::memory_order_relaxed);
  c.cq_overflows = cq_overflows_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace aero::io
