#include "test/server/event_loop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

namespace aero::testserver {

EventLoop::EventLoop(Handler& handler) : handler_(handler) {}

EventLoop::~EventLoop() { stop(); }

bool EventLoop::start(const std::string& thread_name, std::string* error) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    if (error) *error = std::string("epoll/eventfd: ") + std::strerror(errno);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeKey;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    accepting_ = true;
    quit_ = false;
  }
  std::promise<void> started;
  auto started_future = started.get_future();
  thread_ = std::thread([this, thread_name, &started] {
    thread_id_ = std::this_thread::get_id();
    pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
    started.set_value();
    run();
  });
  started_future.wait();
  return true;
}

bool EventLoop::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return accepting_;
}

void EventLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable()) return;
    accepting_ = false;
    quit_ = true;
  }
  wake();
  thread_.join();
  thread_id_ = {};
  ::close(epoll_fd_);
  ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
  tasks_.clear();
}

bool EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!accepting_) return false;
    tasks_.push_back(std::move(task));
  }
  wake();
  return true;
}

bool EventLoop::run_sync(std::function<void()> task) {
  std::promise<void> done;
  auto done_future = done.get_future();
  if (!post([&] {
        task();
        done.set_value();
      })) {
    return false;
  }
  done_future.wait();
  return true;
}

void EventLoop::wake() {
  const uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof one);
  (void)n;  // EAGAIN means a wake-up is already pending: coalesced
}

bool EventLoop::add(int fd, uint32_t events, uint64_t key) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = key;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::modify(int fd, uint32_t events, uint64_t key) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = key;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::run() {
  std::vector<epoll_event> events(256);
  std::vector<std::function<void()>> batch;
  int timeout = handler_.on_wake();
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events.data(), int(events.size()), timeout);
    for (int i = 0; i < n; ++i) {
      if (events[size_t(i)].data.u64 == kWakeKey) {
        uint64_t v;
        while (::read(wake_fd_, &v, sizeof v) > 0) {
        }
        continue;
      }
      handler_.on_event(events[size_t(i)].data.u64, events[size_t(i)].events);
    }
    bool quit;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch.swap(tasks_);  // only what was queued on entry: re-posting tasks cannot starve I/O
      quit = quit_;
    }
    for (auto& t : batch) t();
    batch.clear();
    if (quit) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (tasks_.empty()) return;
    }
    timeout = handler_.on_wake();
  }
}

}  // namespace aero::testserver
