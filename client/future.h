// Future<T>: the result of an asynchronous command, for the future and coroutine styles.
//
//   auto f = client.get(key);          // returns at once
//   Result<Record> r = f.get();        // blocks (refused with ClientCode::would_block_loop
//                                      //   on a loop thread, where it would deadlock)
//   Record rec = co_await client.get(key);  // inside a CoTask: resumes on the completion
//                                           //   executor; throws Error on failure
//   auto res = co_await client.get(key);    // Result<Record>: no exception
//
// Threads: the producer (the command's completion, running on the completion executor)
// and one consumer (get(), then(), or one co_await) may be on different threads. A Future
// is consumed once: get(), then() and co_await each take the result.
#pragma once

#include <atomic>
#include <coroutine>
#include <optional>
#include <utility>

// libstdc++ 12 without a futex (mingw-w64: Windows) implements std::atomic::wait with a
// condition variable that its notify signals without taking the waiter's mutex, after the
// waiter compared the value outside it: a notify between the two is lost and the waiter
// sleeps for ever (seen under Wine: Future::get() hung with the result already set). There,
// FutureState waits on a mutex and condition variable of its own (AERO_FUTURE_CV_WAIT).
#if defined(__GLIBCXX__) && !defined(_GLIBCXX_HAVE_PLATFORM_WAIT)
#define AERO_FUTURE_CV_WAIT 1
#include <condition_variable>
#include <cstdint>
#include <mutex>
#else
#define AERO_FUTURE_CV_WAIT 0
#endif

#include "client/status.h"
#include "executor/unique_function.h"

namespace aero {

namespace detail {

// True on threads that run one of a client's loops (set by the client when it starts).
bool on_loop_thread();
void mark_loop_thread();

#if AERO_FUTURE_CV_WAIT
// Where a FutureState at `address` waits (a small table shared by all futures).
struct FutureWaitSlot {
  std::mutex mutex;
  std::condition_variable cv;
};
inline FutureWaitSlot& future_wait_slot(const void* address) {
  static FutureWaitSlot slots[16];
  return slots[(reinterpret_cast<std::uintptr_t>(address) >> 6) % 16];
}
#endif

template <class T>
class FutureState {
 public:
  void add_ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Producer: store the result and wake or resume the consumer (inline, on this thread).
  void set(Result<T>&& r) {
    value_.emplace(std::move(r));
    int prev = state_.exchange(kReady, std::memory_order_acq_rel);
    if (prev == kWaiting) {
      if (coroutine_) {
        coroutine_.resume();
      } else if (continuation_) {
        auto c = std::move(continuation_);
        c(std::move(*value_));
      }
    } else {
#if AERO_FUTURE_CV_WAIT
      // The state changed before the lock: a waiter either sees it under the lock or is
      // already waiting on the condition variable when this notifies.
      FutureWaitSlot& slot = future_wait_slot(this);
      { std::lock_guard<std::mutex> lock(slot.mutex); }
      slot.cv.notify_all();
#else
      state_.notify_all();
#endif
    }
  }

  bool ready() const { return state_.load(std::memory_order_acquire) == kReady; }

  // Consumer: returns true if it suspended (the producer will resume it).
  bool suspend(std::coroutine_handle<> h) {
    coroutine_ = h;
    int expected = kEmpty;
    return state_.compare_exchange_strong(expected, kWaiting, std::memory_order_acq_rel);
  }

  void then(UniqueFunction<void(Result<T>)> fn) {
    continuation_ = std::move(fn);
    int expected = kEmpty;
    if (!state_.compare_exchange_strong(expected, kWaiting, std::memory_order_acq_rel)) {
      auto c = std::move(continuation_);
      c(std::move(*value_));
    }
  }

  void wait() {
#if AERO_FUTURE_CV_WAIT
    FutureWaitSlot& slot = future_wait_slot(this);
    std::unique_lock<std::mutex> lock(slot.mutex);
    slot.cv.wait(lock, [this] { return state_.load(std::memory_order_acquire) == kReady; });
#else
    int s = state_.load(std::memory_order_acquire);
    while (s != kReady) {
      state_.wait(s, std::memory_order_acquire);
      s = state_.load(std::memory_order_acquire);
    }
#endif
  }

  Result<T> take() { return std::move(*value_); }

 private:
  static constexpr int kEmpty = 0, kWaiting = 1, kReady = 2;
  std::atomic<int> refs_{1};
  std::atomic<int> state_{kEmpty};
  std::optional<Result<T>> value_;
  std::coroutine_handle<> coroutine_;
  UniqueFunction<void(Result<T>)> continuation_;
};

}  // namespace detail

template <class T>
class Promise;

// The consuming side of one asynchronous result (a Result<T>), made by Promise::future().
// Move-only; consume it once with get(), then() or co_await.
template <class T>
class [[nodiscard]] Future {
 public:
  Future() = default;
  // Takes over o's result; o becomes empty (valid() false).
  Future(Future&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  // Drops this future's own result (if any) and takes over o's; o becomes empty.
  Future& operator=(Future&& o) noexcept {
    if (this != &o) {
      if (s_) s_->release();
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;
  ~Future() {
    if (s_) s_->release();
  }

  // False for a default-constructed or moved-from future (get() then fails with
  // ClientCode::invalid_argument).
  bool valid() const { return s_ != nullptr; }
  // True once the result has been set (get() will not block); false when not valid().
  bool ready() const { return s_ && s_->ready(); }

  // Blocks until the result is there. On a loop thread it would deadlock, so it refuses
  // with ClientCode::would_block_loop instead (unless the result is already there).
  Result<T> get() {
    if (!s_) return Status(ClientCode::invalid_argument, "Future::get on an empty future");
    if (!s_->ready() && detail::on_loop_thread()) {
      return Status(ClientCode::would_block_loop,
                    "blocking Future::get() called on a client loop thread would deadlock; "
                    "use a callback, then() or co_await there");
    }
    s_->wait();
    return s_->take();
  }

  // Runs `fn` with the result: on the completion executor, or inline if already done.
  void then(UniqueFunction<void(Result<T>)> fn) { s_->then(std::move(fn)); }

  // Awaitable: resumes the coroutine on the completion executor.
  bool await_ready() const { return s_->ready(); }
  // Suspends the coroutine unless the result arrived meanwhile (then returns false and the
  // coroutine goes on at once, on this thread).
  bool await_suspend(std::coroutine_handle<> h) { return s_->suspend(h); }
  // The result (moved out: one co_await per future).
  Result<T> await_resume() { return s_->take(); }

 private:
  friend class Promise<T>;
  explicit Future(detail::FutureState<T>* s) : s_(s) {}
  detail::FutureState<T>* s_ = nullptr;
};

// The producing side; set() exactly once.
template <class T>
class Promise {
 public:
  Promise() : s_(new detail::FutureState<T>()) {}
  // Takes over o's obligation to set the result; o is left without one.
  Promise(Promise&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Promise& operator=(Promise&&) = delete;
  Promise(const Promise&) = delete;
  ~Promise() {
    if (s_) {
      s_->set(Status(ClientCode::client_error, "promise dropped without a result"));
      s_->release();
    }
  }

  // The future that receives the result. Call it once, before set().
  Future<T> future() {
    s_->add_ref();
    return Future<T>(s_);
  }

  // Stores the result and wakes the future's consumer, running its then() continuation or
  // resuming its coroutine inline on this thread. Once only: the promise is empty after it.
  // A promise destroyed without set() sets ClientCode::client_error.
  void set(Result<T> r) {
    auto* s = std::exchange(s_, nullptr);
    s->set(std::move(r));
    s->release();
  }

 private:
  detail::FutureState<T>* s_;
};

}  // namespace aero
