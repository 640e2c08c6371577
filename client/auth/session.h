// Session: the client's login state, shared by the tend thread and every loop.
//
// Holds the credentials (user, bcrypt credential, clear password for external mode, the
// mode) and, per node address, the session token the last LOGIN answered with and when the
// client considers it stale (the server's TTL minus a margin: 60 s as the official clients,
// or a quarter of a short TTL). A new connection authenticates with the token; without a
// fresh token it logs in itself and stores the answer, so any connection (command, tend,
// drain) can renew an expired session without failing.
//
// Threads: every method may be called from any thread (one mutex; tokens are copied out).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "client/policy.h"
#include "io/loop.h"

namespace aero::auth {

struct Credentials {
  AuthMode mode = AuthMode::internal;
  std::string user;
  std::string credential;      // bcrypt of the password (internal, external)
  std::string clear_password;  // external modes only
};

struct Token {
  std::string value;         // empty: the server has no security (answered 52)
  io::TimePoint stale_at{};  // log in again from then on
};

struct SessionCounters {
  std::uint64_t logins = 0;           // successful LOGIN exchanges
  std::uint64_t authentications = 0;  // successful AUTHENTICATE exchanges
  std::uint64_t renewals = 0;         // AUTHENTICATE refused as expired/invalid, then re-login
};

class Session {
 public:
  explicit Session(Credentials credentials) : credentials_(std::move(credentials)) {}

  const Credentials& credentials() const { return credentials_; }

  // The token for `node`, if one is fresh at `now`.
  std::optional<Token> token(const io::Endpoint& node, io::TimePoint now) const;
  // Stores a LOGIN answer (ttl 0: the server sent none; 52: empty token).
  void store(const io::Endpoint& node, std::string token, std::uint32_t ttl_seconds,
             io::TimePoint now);
  // Forgets `token` for `node` (if still the current one): the server refused it.
  void forget(const io::Endpoint& node, const std::string& token);
  // Forgets whatever token `node` has (the tender renews it).
  void forget(const io::Endpoint& node);
  // True when `node` has a token that will be stale within `ahead` (the tender re-logs in).
  bool expiring(const io::Endpoint& node, io::TimePoint now, io::Clock::duration ahead) const;

  void count_login() { logins_.fetch_add(1, std::memory_order_relaxed); }
  void count_authentication() { authentications_.fetch_add(1, std::memory_order_relaxed); }
  void count_renewal() { renewals_.fetch_add(1, std::memory_order_relaxed); }
  SessionCounters counters() const;

 private:
  struct Key {
    io::Endpoint endpoint;
    bool operator<(const Key& o) const;
  };
  const Credentials credentials_;
  mutable std::mutex mutex_;
  std::map<Key, Token> tokens_;
  std::atomic<std::uint64_t> logins_{0};
  std::atomic<std::uint64_t> authentications_{0};
  std::atomic<std::uint64_t> renewals_{0};
};

}  // namespace aero::auth
