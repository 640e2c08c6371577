// Proves that posting a typical completion allocates nothing: this binary replaces the global
// operator new/delete with counting versions and counts around submit + run.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "executor/serial_executor.h"
#include "executor/strand.h"

namespace {
std::atomic<long> g_allocations{0};
std::atomic<long> g_deallocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& nt) noexcept {
  return operator new(size, nt);
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_deallocations.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
// The over-aligned forms are left to the library: nothing here allocates over-aligned types.

namespace aero {
namespace {

// Counts allocations made between construction and allocations().
class AllocationCounter {
 public:
  AllocationCounter() : start_(g_allocations.load()) {}
  long allocations() const { return g_allocations.load() - start_; }

 private:
  long start_;
};

struct Completion {
  int* sink;
  int a, b, c;
  void operator()() const { *sink += a + b + c; }
};

TEST(AllocationTest, SmallTaskOnSerialExecutorAllocatesNothing) {
  static_assert(Task::stored_inline<Completion>());
  SerialExecutor ex;
  int sink = 0;
  // Warm-up: the executor's two batch buffers grow to the burst size once.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    ex.run_pending();
  }
  {
    AllocationCounter counter;
    ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    EXPECT_EQ(ex.run_pending(), 1u);
    EXPECT_EQ(counter.allocations(), 0);
  }
  {
    AllocationCounter counter;
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    EXPECT_EQ(ex.run_pending(), 100u);
    EXPECT_EQ(counter.allocations(), 0);
  }
  // A lambda of the same shape as a completion callback.
  {
    int* p = &sink;
    int x = 1, y = 2, z = 3;
    AllocationCounter counter;
    ASSERT_TRUE(ex.submit([p, x, y, z] { *p += x + y + z; }));
    ex.run_pending();
    EXPECT_EQ(counter.allocations(), 0);
  }
  EXPECT_EQ(sink, 6 * 402);
}

TEST(AllocationTest, OwnerSubmitsAllocateNothingInSteadyState) {
  SerialExecutor ex;
  SerialExecutor::OwnerScope owner(ex);  // submits below take the local, lock-free path
  int sink = 0;
  // Warm-up: the local and batch buffers grow to the burst size once.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    ex.run_pending();
  }
  AllocationCounter counter;
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    EXPECT_EQ(ex.run_pending(), 1u);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(ex.submit(Completion{&sink, 1, 2, 3}));
    EXPECT_EQ(ex.run_pending(), 100u);
  }
  EXPECT_EQ(counter.allocations(), 0);
}

TEST(AllocationTest, LargeCaptureDoesAllocate) {
  // Shows the counter can see an allocation: this capture does not fit inline.
  struct Large {
    int* sink;
    std::array<char, 128> payload;
    void operator()() const { *sink += payload[0]; }
  };
  static_assert(!Task::stored_inline<Large>());
  SerialExecutor ex;
  int sink = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ex.submit(Large{&sink, {}}));
    ex.run_pending();
  }
  AllocationCounter counter;
  ASSERT_TRUE(ex.submit(Large{&sink, {1}}));
  ex.run_pending();
  EXPECT_EQ(counter.allocations(), 1);
  EXPECT_EQ(sink, 1);
}

TEST(AllocationTest, UniqueFunctionAllocatesOnlyForLargeCallables) {
  const long before_deallocations = g_deallocations.load();
  {
    AllocationCounter counter;
    int x = 0;
    Task small = [&x] { ++x; };
    Task moved = std::move(small);
    moved();
    EXPECT_EQ(counter.allocations(), 0);
  }
  {
    AllocationCounter counter;
    std::array<char, 64> big{};
    Task large = [big] { static_cast<void>(big); };
    Task moved = std::move(large);  // moves the pointer, not the callable
    moved();
    EXPECT_EQ(counter.allocations(), 1);
  }
  EXPECT_EQ(g_deallocations.load() - before_deallocations, 1);
}

TEST(AllocationTest, StrandOnSerialExecutorAllocatesNothingInSteadyState) {
  SerialExecutor loop;
  Strand strand(loop);
  int sink = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(strand.submit(Completion{&sink, 1, 1, 1}));
    loop.run_pending();
  }
  AllocationCounter counter;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(strand.submit(Completion{&sink, 1, 1, 1}));
  loop.run_pending();
  EXPECT_EQ(counter.allocations(), 0);
  EXPECT_EQ(sink, 3 * 400);
}

}  // namespace
}  // namespace aero
