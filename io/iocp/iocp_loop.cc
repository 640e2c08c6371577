// IocpLoop: lifecycle, the run loop, wake-ups, timers and the ready list.
// Socket operations are in iocp_sockets.cc.
#include "io/iocp/iocp_loop.h"

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace aero::io {
namespace {

// Failures of the loop's own port (not of sockets) leave nothing sane to do.
[[noreturn]] void fatal(const char* what, unsigned long error) {
  std::fprintf(stderr, "aero::io::IocpLoop: %s failed: Windows error %lu\n", what, error);
  std::abort();
}

// Counters written by the loop thread only: a relaxed load and store, no locked instruction.
void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// While winding down, how long to wait for aborted operations before closing every socket
// (which aborts whatever CancelIoEx did not), and before giving up. An Op the kernel still
// holds cannot be freed, so giving up means abort(), never a silent use-after-free.
constexpr auto kCloseAllAfter = std::chrono::seconds(5);
constexpr auto kGiveUpAfter = std::chrono::seconds(60);

// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is only reliable when no layered service provider
// without IFS handles sits in the TCP/IP stack (Microsoft's documentation of
// SetFileCompletionNotificationModes); with one, an immediate success may still post a packet.
bool all_tcp_providers_are_ifs() {
  DWORD size = 0;
  if (::WSAEnumProtocolsW(nullptr, nullptr, &size) != SOCKET_ERROR ||
      ::WSAGetLastError() != WSAENOBUFS) {
    return false;
  }
  std::vector<WSAPROTOCOL_INFOW> protocols(size / sizeof(WSAPROTOCOL_INFOW) + 1);
  size = static_cast<DWORD>(protocols.size() * sizeof(WSAPROTOCOL_INFOW));
  const int count = ::WSAEnumProtocolsW(nullptr, protocols.data(), &size);
  if (count == SOCKET_ERROR) return false;
  for (int i = 0; i < count; ++i) {
    const WSAPROTOCOL_INFOW& p = protocols[static_cast<std::size_t>(i)];
    const bool tcp = (p.iAddressFamily == AF_INET || p.iAddressFamily == AF_INET6) &&
                     p.iProtocol == IPPROTO_TCP;
    if (tcp && (p.dwServiceFlags1 & XP1_IFS_HANDLES) == 0) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Loop> make_iocp_loop() { return std::make_unique<IocpLoop>(); }

IocpLoop::IocpLoop()
    : owner_(std::this_thread::get_id()),
      now_(Clock::now()),
      executor_([this] { on_executor_wake(); }) {
  WSADATA data;
  if (const int error = ::WSAStartup(MAKEWORD(2, 2), &data); error != 0) {
    fatal("WSAStartup", static_cast<unsigned long>(error));
  }
  port_ = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  if (port_ == nullptr) fatal("CreateIoCompletionPort", ::GetLastError());
  can_skip_port_ = all_tcp_providers_are_ifs();
  ready_.reserve(64);
  draining_.reserve(64);
}

IocpLoop::~IocpLoop() {
  // Whoever destroys the loop owns it now: accepted tasks and the last completions run here.
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = false;
  executor_.shutdown();
  wind_down();
  sockets_.for_each_open([this](Socket& s) { destroy_socket(s); });
  wind_down();  // nothing was pending any more; this only drains what closing queued
  ::CloseHandle(port_);
  ::WSACleanup();
}

void IocpLoop::stop() {
  stop_requested_.store(true, std::memory_order_release);
  executor_.shutdown();
  // The thread inside run() checks the flag before it blocks again; anyone else must wake it.
  if (running_thread_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    post_wake_packet();
  }
}

LoopStats IocpLoop::stats() const {
  LoopStats s;
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  s.polls = polls_.load(std::memory_order_relaxed);
  s.sockets_opened = sockets_opened_.load(std::memory_order_relaxed);
  s.sockets_closed = sockets_closed_.load(std::memory_order_relaxed);
  return s;
}

void IocpLoop::on_executor_wake() {
  // Only the thread inside run() may skip the packet: before run() starts (say on a
  // LoopThread), the creating thread owns the loop but a flag it set would be a lost wake-up.
  if (running_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    local_wake_ = true;  // the loop checks it before blocking; no system call needed
  } else {
    post_wake_packet();
  }
}

void IocpLoop::post_wake_packet() {
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  if (!::PostQueuedCompletionStatus(port_, 0, kWakeKey, nullptr)) {
    fatal("PostQueuedCompletionStatus", ::GetLastError());
  }
}

void IocpLoop::run() {
  SerialExecutor::OwnerScope executor_owner(executor_);  // its submits skip the lock
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = true;
  now_ = Clock::now();  // the first wait's timeout is computed from it
  while (!stop_requested_.load(std::memory_order_acquire)) {
    poll(poll_timeout());
    timers_.run_expired(now_);
    drain_ready(kMaxReadyRounds);
    local_wake_ = false;
    if (executor_.run_pending() > 0) drain_ready(kMaxReadyRounds);
  }
  wind_down();
  running_ = false;
  running_thread_.store(std::thread::id{}, std::memory_order_relaxed);
}

DWORD IocpLoop::poll_timeout() const {
  if (!ready_.empty() || local_wake_) return 0;
  if (timers_.empty()) return INFINITE;
  // The iteration's time (now_, read when the last wait returned), as in the reactor
  // (ReactorLoop::poll_timeout): a timer fires late by at most the iteration's work.
  const auto wait = timers_.next_deadline() - now_;
  if (wait <= Clock::duration::zero()) return 0;
  // Round up: waking before the deadline would only spin.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return ms >= static_cast<long long>(INFINITE) ? INFINITE - 1 : static_cast<DWORD>(ms);
}

void IocpLoop::poll(DWORD timeout_ms) {
  ULONG count = 0;
  const BOOL ok =
      ::GetQueuedCompletionStatusEx(port_, entries_, kMaxEntries, &count, timeout_ms, FALSE);
  bump(polls_);
  now_ = Clock::now();
  if (!ok) {
    const DWORD error = ::GetLastError();
    if (error == WAIT_TIMEOUT) return;
    fatal("GetQueuedCompletionStatusEx", error);
  }
  for (ULONG i = 0; i < count; ++i) {
    const OVERLAPPED_ENTRY& entry = entries_[i];
    if (entry.lpOverlapped == nullptr) continue;  // a wake-up packet: its job is done
    on_packet(static_cast<Op*>(entry.lpOverlapped), entry.dwNumberOfBytesTransferred);
  }
}

void IocpLoop::drain_ready(int max_rounds) {
  // Handlers append to ready_ while draining_ is walked, so neither vector moves under us.
  for (int round = 0; round < max_rounds && !ready_.empty(); ++round) {
    draining_.swap(ready_);
    for (Completion& c : draining_) {
      if (c.io) {
        c.io(c.error, c.bytes);
      } else {
        c.connect(c.error, c.socket);
      }
    }
    draining_.clear();
  }
}

void IocpLoop::wind_down() {
  stopping_ = true;
  const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
  sockets_.for_each_open([&](Socket& s) { cancel_operations(s, canceled); });
  timers_.disarm_all();
  const auto start = Clock::now();
  bool closed_all = false;
  while (true) {
    drain_ready(INT_MAX);
    local_wake_ = false;
    const std::size_t ran = executor_.run_pending();
    if (issued_ops_ > 0) {
      // Aborted operations still have to hand their Op back through the port.
      const auto waited = Clock::now() - start;
      if (waited > kGiveUpAfter) fatal("waiting for aborted operations", 0);
      if (waited > kCloseAllAfter && !closed_all) {
        closed_all = true;
        sockets_.for_each_open([this](Socket& s) { destroy_socket(s); });
      }
      poll(100);
      continue;
    }
    if (ran == 0 && ready_.empty()) break;
  }
}

void IocpLoop::start_timer(Timer& timer, TimePoint deadline) {
  assert_loop_thread();
  if (stopping_) {
    timers_.cancel(timer);
    return;
  }
  timers_.start(timer, deadline);
}

bool IocpLoop::cancel_timer(Timer& timer) {
  assert_loop_thread();
  return timers_.cancel(timer);
}

TimePoint IocpLoop::now() const {
  if (!running_) now_ = Clock::now();
  return now_;
}

}  // namespace aero::io
