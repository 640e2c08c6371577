#include "client/command/connection_pool.h"

namespace aero::command {

io::SocketId ConnectionPool::take(io::Loop& loop, io::TimePoint now,
                                  std::chrono::milliseconds max_idle) {
  while (!idle_.empty()) {
    Idle c = idle_.back();
    idle_.pop_back();
    if (max_idle.count() > 0 && now - c.since > max_idle) {
      loop.close(c.socket);
      --total_;
      closed_.add();
      continue;
    }
    reused_.add();
    return c.socket;
  }
  return {};
}

bool ConnectionPool::try_reserve() {
  if (closing_ || total_ >= max_) return false;
  ++total_;
  opened_.add();
  return true;
}

void ConnectionPool::put_back(io::Loop& loop, io::SocketId socket, io::TimePoint now) {
  if (closing_) {
    loop.close(socket);
    --total_;
    closed_.add();
    return;
  }
  if (PoolWaiter* w = pop_waiter()) {
    w->on_pool_ready(socket);
    return;
  }
  idle_.push_back({socket, now});
}

void ConnectionPool::discard(io::Loop& loop, io::SocketId socket) {
  if (socket) {
    loop.close(socket);
    closed_.add();
    broken_.add();
  } else {
    connect_failures_.add();  // the reserved slot's connect (or its login) failed
  }
  --total_;
  if (!closing_) {
    if (PoolWaiter* w = pop_waiter()) {
      ++total_;  // the freed slot goes straight to the waiter
      opened_.add();
      w->on_pool_ready({});
    }
  }
}

void ConnectionPool::add_waiter(PoolWaiter* w) {
  w->waiting_ = true;
  w->next_ = nullptr;
  w->prev_ = tail_;
  if (tail_) tail_->next_ = w; else head_ = w;
  tail_ = w;
}

bool ConnectionPool::remove_waiter(PoolWaiter* w) {
  if (!w->waiting_) return false;
  if (w->prev_) w->prev_->next_ = w->next_; else head_ = w->next_;
  if (w->next_) w->next_->prev_ = w->prev_; else tail_ = w->prev_;
  w->prev_ = w->next_ = nullptr;
  w->waiting_ = false;
  return true;
}

PoolWaiter* ConnectionPool::pop_waiter() {
  PoolWaiter* w = head_;
  if (w) remove_waiter(w);
  return w;
}

void ConnectionPool::trim(io::Loop& loop, io::TimePoint now, std::chrono::milliseconds max_idle) {
  // Oldest first (front of the vector); keep at least min_ connections in total.
  std::size_t removed = 0;
  while (removed < idle_.size() && total_ > min_ && now - idle_[removed].since > max_idle) {
    loop.close(idle_[removed].socket);
    --total_;
    closed_.add();
    ++removed;
  }
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(removed));
}

void ConnectionPool::close_all(io::Loop& loop) {
  closing_ = true;
  for (const Idle& c : idle_) {
    loop.close(c.socket);
    --total_;
    closed_.add();
  }
  idle_.clear();
  while (PoolWaiter* w = pop_waiter()) w->on_pool_ready({});
}

PoolStats ConnectionPool::stats() const {
  PoolStats s;
  s.opened = opened_.get();
  s.closed = closed_.get();
  s.reused = reused_.get();
  s.idle = static_cast<int>(idle_.size());
  s.total = total_;
  return s;
}

metrics::ConnectionMetrics ConnectionPool::metrics() const {
  metrics::ConnectionMetrics m;
  m.opened = opened_.get();
  m.closed = closed_.get();
  m.reused = reused_.get();
  m.broken = broken_.get();
  m.connect_failures = connect_failures_.get();
  m.open = static_cast<std::int64_t>(m.opened) - static_cast<std::int64_t>(m.closed) -
           static_cast<std::int64_t>(m.connect_failures);
  return m;
}

}  // namespace aero::command
