// CoTask<T>: the coroutine type for writing client code in straight lines.
//
//   aero::CoTask<int> count_found(aero::Client& c, std::vector<aero::Key> keys) {
//     int found = 0;
//     for (auto& k : keys) {
//       auto r = co_await c.get(k);      // Result<Record>, no exception
//       if (r.ok()) ++found;
//     }
//     co_return found;
//   }
//   int n = aero::sync_wait(count_found(client, keys));   // from a non-loop thread
//   aero::spawn(count_found(client, keys));               // fire and forget
//
// A CoTask is lazy: it starts when awaited, spawned or sync_wait'ed, runs on the starting
// thread until its first suspension, and after each `co_await` of a client Future resumes
// on the completion executor (the loop's serial executor by default). An exception that
// escapes the body (e.g. Error from `Record r = co_await ...`) is stored and rethrown by
// whoever awaits the task or by sync_wait.
//
// Threads: a CoTask object is used by one thread at a time; the coroutine itself moves
// between threads only at co_await points.
#pragma once

#include <condition_variable>
#include <coroutine>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "client/status.h"

namespace aero {

template <class T = void>
class CoTask;

namespace detail {

// Wakes a thread blocked in sync_wait. The flag is set and notified under the mutex, so
// the waiter cannot return (and destroy this) before the notifier is done with it.
struct SyncSignal {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  void notify() {
    std::lock_guard<std::mutex> g(m);
    done = true;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [this] { return done; });
  }
};

struct CoPromiseBase {
  std::coroutine_handle<> continuation;
  SyncSignal* sync_signal = nullptr;
  std::exception_ptr error;
  bool detached = false;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto& p = h.promise();
      if (p.detached) {
        h.destroy();
        return std::noop_coroutine();
      }
      if (p.continuation) return p.continuation;
      if (p.sync_signal) p.sync_signal->notify();
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() {
    if (detached) std::terminate();  // nobody could ever see it; see spawn()
    error = std::current_exception();
  }
};

template <class T>
struct CoPromise : CoPromiseBase {
  std::optional<T> value;
  CoTask<T> get_return_object();
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T result() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct CoPromise<void> : CoPromiseBase {
  CoTask<void> get_return_object();
  void return_void() {}
  void result() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

// A lazy coroutine returning T (see the top of this file): write `co_await` and `co_return`
// in a function returning CoTask<T>, then co_await the task, sync_wait() it or spawn() it.
// Move-only; destroying a task that has not finished destroys its coroutine frame.
template <class T>
class [[nodiscard]] CoTask {
 public:
  // The coroutine promise the compiler uses for a function returning CoTask<T>.
  using promise_type = detail::CoPromise<T>;

  // Takes over o's coroutine; o is left empty.
  CoTask(CoTask&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  // Destroys this task's coroutine (if any) and takes over o's; o is left empty.
  CoTask& operator=(CoTask&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ~CoTask() {
    if (h_) h_.destroy();
  }

  // Awaiting a CoTask starts it; the awaiter resumes when it finishes.
  bool await_ready() const noexcept { return false; }
  // Records `awaiting` to resume when the task finishes and transfers control to the task
  // (symmetric transfer: the task starts on this thread).
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    h_.promise().continuation = awaiting;
    return h_;
  }
  // The task's co_return value, or rethrows the exception that escaped its body.
  T await_resume() { return h_.promise().result(); }

 private:
  template <class U>
  friend U sync_wait(CoTask<U> task);
  template <class U>
  friend void spawn(CoTask<U> task);
  friend struct detail::CoPromise<T>;
  explicit CoTask(std::coroutine_handle<promise_type> h) : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

template <class T>
CoTask<T> detail::CoPromise<T>::get_return_object() {
  return CoTask<T>(std::coroutine_handle<CoPromise<T>>::from_promise(*this));
}
inline CoTask<void> detail::CoPromise<void>::get_return_object() {
  return CoTask<void>(std::coroutine_handle<CoPromise<void>>::from_promise(*this));
}

// Runs `task` to completion, blocking the calling thread; returns its value or rethrows its
// exception. Must not be called on a loop thread whose loop the task needs (it would
// deadlock): the client's futures refuse that case with ClientCode::would_block_loop.
template <class T>
T sync_wait(CoTask<T> task) {
  detail::SyncSignal signal;
  task.h_.promise().sync_signal = &signal;
  task.h_.resume();
  signal.wait();
  return task.h_.promise().result();
}

// Starts `task` and lets it run to the end on its own; its frame frees itself. An
// exception escaping a spawned task terminates the program (there is no one to tell):
// handle errors inside, or use Results instead of the throwing conversion.
template <class T>
void spawn(CoTask<T> task) {
  auto h = std::exchange(task.h_, nullptr);
  h.promise().detached = true;
  h.resume();
}

}  // namespace aero
