// A small epoll loop on its own thread, private to the test server (it deliberately shares
// nothing with io/, so a bug in the client's loop cannot hide in the server's).
//
// Threads: start(), stop(), post() and run_sync() may be called from any thread except the
// loop's own (stop() and run_sync() wait for it). add()/modify()/remove() and every Handler
// callback happen on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aero::testserver {

class EventLoop {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // An epoll event for the descriptor registered with `key`.
    virtual void on_event(uint64_t key, uint32_t events) = 0;
    // After every wake-up (events, posted tasks or timeout): runs due timers and returns the
    // milliseconds until the next one (-1 = none).
    virtual int on_wake() = 0;
  };

  explicit EventLoop(Handler& handler);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool start(const std::string& thread_name, std::string* error);
  // Runs the tasks already posted, then ends the thread and joins it.
  void stop();
  // Queues `task` to run on the loop thread; false if the loop is not running.
  bool post(std::function<void()> task);
  // Runs `task` on the loop thread and waits for it; false if the loop is not running.
  bool run_sync(std::function<void()> task);
  bool running() const;

  // Loop thread only.
  bool add(int fd, uint32_t events, uint64_t key);
  bool modify(int fd, uint32_t events, uint64_t key);
  void remove(int fd);
  bool in_loop_thread() const { return std::this_thread::get_id() == thread_id_; }

  static constexpr uint64_t kWakeKey = 0;

 private:
  void run();
  void wake();

  Handler& handler_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::thread::id thread_id_;
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  bool accepting_ = false;  // guarded by mutex_
  bool quit_ = false;       // guarded by mutex_
};

}  // namespace aero::testserver
