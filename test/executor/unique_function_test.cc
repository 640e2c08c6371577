#include "executor/unique_function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <utility>

#include "test/executor/counted.h"

namespace aero {
namespace {

using test::Counted;
using test::Counters;

using Fn = UniqueFunction<int(int), 48>;

TEST(UniqueFunctionTest, EmptyByDefaultAndFromNullptr) {
  Fn a;
  Fn b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_FALSE(b);
}

TEST(UniqueFunctionTest, NullFunctionPointerMakesAnEmptyFunction) {
  int (*null_fn)(int) = nullptr;
  Fn f = null_fn;
  EXPECT_FALSE(f);
}

int twice(int x) { return 2 * x; }

TEST(UniqueFunctionTest, CallsFunctionPointersAndLambdas) {
  Fn f = twice;
  EXPECT_TRUE(f);
  EXPECT_EQ(f(21), 42);
  int base = 10;
  Fn g = [base](int x) { return base + x; };
  EXPECT_EQ(g(5), 15);
}

TEST(UniqueFunctionTest, CallsMemberPointers) {
  UniqueFunction<std::size_t(const std::string&)> size = &std::string::size;
  EXPECT_EQ(size(std::string("abcd")), 4u);
}

TEST(UniqueFunctionTest, VoidSignatureDiscardsAResult) {
  // Pins a bug: storing a value-returning callable in a void() function did not compile.
  int calls = 0;
  UniqueFunction<void()> f = [&calls] { return ++calls; };
  f();
  EXPECT_EQ(calls, 1);
}

TEST(UniqueFunctionTest, HoldsMoveOnlyCaptures) {
  auto p = std::make_unique<int>(7);
  Fn f = [p = std::move(p)](int x) { return *p * x; };
  EXPECT_EQ(f(3), 21);
}

TEST(UniqueFunctionTest, SmallCapturesAreInlineLargeOnesOnTheHeap) {
  struct Small {
    void* p;
    int a, b, c;
    int operator()(int) { return 0; }
  };
  struct Large {
    std::array<char, 49> bytes;
    int operator()(int) { return 0; }
  };
  struct ThrowingMove {
    ThrowingMove() = default;
    ThrowingMove(ThrowingMove&&) noexcept(false) {}
    int operator()(int) { return 0; }
  };
  struct alignas(64) OverAligned {
    int operator()(int) { return 0; }
  };
  EXPECT_TRUE(Fn::stored_inline<Small>());
  EXPECT_FALSE(Fn::stored_inline<Large>());
  EXPECT_FALSE(Fn::stored_inline<ThrowingMove>());
  EXPECT_FALSE(Fn::stored_inline<OverAligned>());
  EXPECT_TRUE((UniqueFunction<int(int), 64>::stored_inline<Large>()));
}

TEST(UniqueFunctionTest, MoveLeavesSourceEmpty) {
  int base = 1;
  Fn a = [base](int x) { return base + x; };
  Fn b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_EQ(b(1), 2);
  Fn c;
  c = std::move(b);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c(2), 3);
}

TEST(UniqueFunctionTest, SelfMoveAssignmentKeepsTheCallable) {
  Fn a = [](int x) { return x + 1; };
  Fn& alias = a;
  a = std::move(alias);
  ASSERT_TRUE(a);
  EXPECT_EQ(a(1), 2);
}

// Both storage kinds must destroy a captured object exactly once, however often the
// function is moved, and not before the function itself goes away.
template <std::size_t Pad>
void check_destroyed_exactly_once() {
  Counters counters;
  {
    Counted counted(counters);
    std::array<char, Pad> pad{};
    auto lambda = [c = std::move(counted), pad](int) { return static_cast<int>(pad.size()); };
    static_assert(Fn::stored_inline<decltype(lambda)>() == (Pad < 32));
    Fn a = std::move(lambda);
    Fn b = std::move(a);
    Fn c;
    c = std::move(b);
    Fn d(std::move(c));
    EXPECT_EQ(d(0), static_cast<int>(Pad));
    EXPECT_EQ(counters.destroyed.load(), 0);
  }
  EXPECT_EQ(counters.destroyed.load(), 1);
  EXPECT_EQ(counters.live.load(), 0);
}

TEST(UniqueFunctionTest, InlineCaptureDestroyedExactlyOnce) {
  check_destroyed_exactly_once<8>();
}

TEST(UniqueFunctionTest, HeapCaptureDestroyedExactlyOnce) {
  check_destroyed_exactly_once<128>();
}

TEST(UniqueFunctionTest, ResetAndReassignDestroyTheOldCallable) {
  Counters first;
  Counters second;
  Fn f = [c = Counted(first)](int x) { return x; };
  f = [c = Counted(second)](int x) { return -x; };
  EXPECT_EQ(first.destroyed.load(), 1);
  EXPECT_EQ(second.destroyed.load(), 0);
  EXPECT_EQ(f(3), -3);
  f = nullptr;
  EXPECT_FALSE(f);
  EXPECT_EQ(second.destroyed.load(), 1);
  f.reset();  // resetting an empty function is harmless
  EXPECT_EQ(first.live.load() + second.live.load(), 0);
}

}  // namespace
}  // namespace aero
