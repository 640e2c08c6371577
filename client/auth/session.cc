#include "client/auth/session.h"

#include <algorithm>
#include <tuple>

namespace aero::auth {

bool Session::Key::operator<(const Key& o) const {
  return std::tie(endpoint.family, endpoint.address, endpoint.port, endpoint.scope_id) <
         std::tie(o.endpoint.family, o.endpoint.address, o.endpoint.port, o.endpoint.scope_id);
}

std::optional<Token> Session::token(const io::Endpoint& node, io::TimePoint now) const {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = tokens_.find(Key{node});
  if (it == tokens_.end() || now >= it->second.stale_at) return std::nullopt;
  return it->second;
}

void Session::store(const io::Endpoint& node, std::string token, std::uint32_t ttl_seconds,
                    io::TimePoint now) {
  // The official clients treat the token as stale 60 s before the server's TTL; a short TTL
  // (test servers) keeps three quarters of it.
  std::chrono::seconds ttl(ttl_seconds == 0 ? 86400 : ttl_seconds);
  std::chrono::seconds margin = std::min<std::chrono::seconds>(std::chrono::seconds(60), ttl / 4);
  std::lock_guard<std::mutex> g(mutex_);
  tokens_[Key{node}] = Token{std::move(token), now + (ttl - margin)};
}

void Session::forget(const io::Endpoint& node, const std::string& token) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = tokens_.find(Key{node});
  if (it != tokens_.end() && it->second.value == token) tokens_.erase(it);
}

void Session::forget(const io::Endpoint& node) {
  std::lock_guard<std::mutex> g(mutex_);
  tokens_.erase(Key{node});
}

bool Session::expiring(const io::Endpoint& node, io::TimePoint now,
                       io::Clock::duration ahead) const {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = tokens_.find(Key{node});
  return it != tokens_.end() && !it->second.value.empty() && now + ahead >= it->second.stale_at;
}

SessionCounters Session::counters() const {
  return SessionCounters{logins_.load(std::memory_order_relaxed),
                         authentications_.load(std::memory_order_relaxed),
                         renewals_.load(std::memory_order_relaxed)};
}

}  // namespace aero::auth
