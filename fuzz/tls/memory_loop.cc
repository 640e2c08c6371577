#include "fuzz/tls/memory_loop.h"

#include <algorithm>
#include <cstring>

namespace aero::fuzz {

MemoryLoop::MemoryLoop() : now_(io::TimePoint() + std::chrono::hours(1)) {}

MemoryLoop::~MemoryLoop() {
  stop();
  drain();
}

bool MemoryLoop::submit(Task&& task) {
  ready_.push_back([t = std::move(task)]() mutable { t(); });
  return true;
}

void MemoryLoop::later(UniqueFunction<void()> fn) { ready_.push_back(std::move(fn)); }

void MemoryLoop::drain() {
  while (!ready_.empty()) {
    UniqueFunction<void()> fn = std::move(ready_.front());
    ready_.pop_front();
    fn();
  }
}

void MemoryLoop::stop() {
  stopped_ = true;
  for (auto& [id, s] : sockets_) {
    if (s.read_pending) finish_read(s, std::make_error_code(std::errc::operation_canceled));
  }
  timers_.disarm_all();
}

void MemoryLoop::peer_send(const std::uint8_t* data, std::size_t size) {
  inbound_.insert(inbound_.end(), data, data + size);
}

void MemoryLoop::finish_read(Socket& s, std::error_code ec) {
  s.read_pending = false;
  later([h = std::move(s.read.handler), ec, n = s.read.filled]() mutable { h(ec, n); });
}

std::size_t MemoryLoop::deliver(std::size_t max) {
  std::size_t moved = 0;
  for (auto& [id, s] : sockets_) {
    if (!s.read_pending) continue;
    PendingRead& r = s.read;
    const std::size_t n = std::min({max - moved, inbound_.size(), r.buffer.size - r.filled});
    std::memcpy(static_cast<std::uint8_t*>(r.buffer.data) + r.filled, inbound_.data(), n);
    inbound_.erase(inbound_.begin(), inbound_.begin() + static_cast<std::ptrdiff_t>(n));
    r.filled += n;
    moved += n;
    if (r.filled >= r.min_bytes) {
      finish_read(s, {});
    } else if (inbound_.empty() && peer_closed_) {
      finish_read(s, io::Errc::eof);
    }
  }
  return moved;
}

void MemoryLoop::advance(std::chrono::milliseconds by) {
  now_ += by;
  timers_.run_expired(now_);
}

io::SocketId MemoryLoop::connect(const io::Endpoint&, io::TimePoint, io::ConnectHandler handler) {
  if (stopped_) {
    later([h = std::move(handler)]() mutable {
      h(std::make_error_code(std::errc::operation_canceled), io::SocketId{});
    });
    return io::SocketId{};
  }
  const io::SocketId id{next_id_++};
  sockets_[id.value];
  ++stats_.sockets_opened;
  later([h = std::move(handler), id]() mutable { h({}, id); });
  return id;
}

void MemoryLoop::write(io::SocketId socket, std::span<const io::ConstBuffer> buffers,
                       io::IoHandler handler) {
  if (sockets_.find(socket.value) == sockets_.end()) {
    later([h = std::move(handler)]() mutable { h(io::Errc::bad_socket, 0); });
    return;
  }
  std::size_t total = 0;
  for (const io::ConstBuffer& b : buffers) {
    if (on_client_bytes) on_client_bytes(static_cast<const std::uint8_t*>(b.data), b.size);
    total += b.size;
  }
  later([h = std::move(handler), total]() mutable { h({}, total); });
}

void MemoryLoop::read(io::SocketId socket, io::MutableBuffer buffer, std::size_t min_bytes,
                      io::IoHandler handler) {
  auto it = sockets_.find(socket.value);
  std::error_code refused;
  if (it == sockets_.end()) {
    refused = io::Errc::bad_socket;
  } else if (min_bytes < 1 || min_bytes > buffer.size) {
    refused = std::make_error_code(std::errc::invalid_argument);
  } else if (it->second.read_pending) {
    refused = io::Errc::busy;
  } else if (stopped_) {
    refused = std::make_error_code(std::errc::operation_canceled);
  }
  if (refused) {
    later([h = std::move(handler), refused]() mutable { h(refused, 0); });
    return;
  }
  Socket& s = it->second;
  s.read_pending = true;
  s.read = PendingRead{buffer, min_bytes, 0, std::move(handler)};
  if (inbound_.empty() && peer_closed_) finish_read(s, io::Errc::eof);
}

bool MemoryLoop::cancel(io::SocketId socket) {
  auto it = sockets_.find(socket.value);
  if (it == sockets_.end() || !it->second.read_pending) return false;
  finish_read(it->second, std::make_error_code(std::errc::operation_canceled));
  return true;
}

void MemoryLoop::close(io::SocketId socket) {
  auto it = sockets_.find(socket.value);
  if (it == sockets_.end()) return;
  cancel(socket);
  sockets_.erase(it);
  ++stats_.sockets_closed;
}

}  // namespace aero::fuzz
