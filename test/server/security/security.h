// Security mode of the test server: an Enterprise server with `security {}` configured.
//
// Users (bcrypt credential as the clients send it, roles), roles (privileges scoped to a
// namespace and set), session tokens with a TTL on the cluster's freezable clock, and the
// admin protocol (message type 2) that manages them: LOGIN, AUTHENTICATE, create/drop user,
// set/change password, grant/revoke roles, create/drop role, grant/revoke privileges, query
// users and roles. Data and info requests on a connection that has not authenticated are
// refused (80), and commands the user's roles do not allow get 81 (role violation).
//
// It starts as a real server does: one user `admin`, password `admin`, role `user-admin`
// (which manages users and roles but reads and writes no data: grant `read-write` first).
//
// Result codes: aerospike-server as/include/base/security.h names (SEC_ERR_*), the same
// numbers as the clients' ResultCode.java / as_status.h. Privilege codes: the C client's
// as_admin.h (as_privilege_code). Layouts: aerospike-client-c as_admin.c and
// aerospike-client-java AdminCommand.java (fields, roles and privileges encodings).
//
// Threads: one Security per cluster, shared by every node's loop threads; every method takes
// the internal mutex. A ConnectionAuth belongs to its connection (one loop thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aero::testserver {

class Clock;

namespace security {

// Admin result codes (server SEC_ERR_*).
inline constexpr uint8_t kOk = 0;
inline constexpr uint8_t kQueryEnd = 50;          // SEC_OK_LAST
inline constexpr uint8_t kNotConfigured = 52;     // SEC_ERR_NOT_CONFIGURED
inline constexpr uint8_t kInvalidCommand = 54;    // SEC_ERR_COMMAND
inline constexpr uint8_t kInvalidField = 55;      // SEC_ERR_FIELD
inline constexpr uint8_t kInvalidUser = 60;       // SEC_ERR_USER
inline constexpr uint8_t kUserExists = 61;        // SEC_ERR_USER_EXISTS
inline constexpr uint8_t kInvalidPassword = 62;   // SEC_ERR_PASSWORD
inline constexpr uint8_t kInvalidCredential = 65; // SEC_ERR_CREDENTIAL
inline constexpr uint8_t kExpiredSession = 66;    // SEC_ERR_EXPIRED_SESSION
inline constexpr uint8_t kInvalidRole = 70;       // SEC_ERR_ROLE
inline constexpr uint8_t kRoleExists = 71;        // SEC_ERR_ROLE_EXISTS
inline constexpr uint8_t kInvalidPrivilege = 72;  // SEC_ERR_PRIVILEGE
inline constexpr uint8_t kNotAuthenticated = 80;  // SEC_ERR_NOT_AUTHENTICATED
inline constexpr uint8_t kRoleViolation = 81;     // SEC_ERR_ROLE_VIOLATION

// Privilege codes (C client as_privilege_code). Codes >= kRead may be scoped.
enum class Privilege : uint8_t {
  kUserAdmin = 0,
  kSysAdmin = 1,
  kDataAdmin = 2,
  kUdfAdmin = 3,
  kSindexAdmin = 4,
  kRead = 10,
  kReadWrite = 11,
  kReadWriteUdf = 12,
  kWrite = 13,
  kTruncate = 14,
};
bool valid_privilege(uint8_t code);

struct PrivilegeGrant {
  Privilege code = Privilege::kRead;
  std::string ns;   // empty: every namespace
  std::string set;  // empty: every set
  friend bool operator==(const PrivilegeGrant&, const PrivilegeGrant&) = default;
};

// What a request needs.
enum class Permission : uint8_t {
  kRead,       // reads, scans, queries, batch reads
  kWrite,      // writes, deletes, operate with writes
  kUdf,        // record UDF apply, background UDF
  kUserAdmin,  // user and role management
};

// Per connection: who authenticated on it (empty: nobody).
struct ConnectionAuth {
  std::string user;
  // The identity of the connection's TLS client certificate (PKI login), set by a TLS
  // listener; empty on plain connections.
  std::string certificate_user;
  bool authenticated() const { return !user.empty(); }
};

// The credential (bcrypt with the protocol's fixed salt) of `password`, as the clients
// compute it: "$2a$10$7EqJtq98hPqEX7fNZaFWoO" + 31 characters. Empty if bcrypt failed.
std::string credential_of(std::string_view password);

class Security {
 public:
  // `session_ttl`: seconds a login token stays valid (server `session-ttl`, default 86400).
  Security(Clock& clock, uint32_t session_ttl);

  // Answers one admin message (`body` = the 16-byte admin header and fields) into `sink` as
  // complete type-2 frames; LOGIN and AUTHENTICATE update `conn`.
  void handle_admin(const uint8_t* body, size_t size, ConnectionAuth& conn,
                    std::vector<uint8_t>& sink);

  // 0 when the connection's user may do `what` in ns/set; else 80 (not authenticated: no user,
  // or the user was dropped) or 81 (role violation).
  uint8_t check(const ConnectionAuth& conn, Permission what, std::string_view ns,
                std::string_view set);

  // Counters, for tests.
  uint64_t logins() const;
  uint64_t authentications_refused() const;

  uint32_t session_ttl() const { return session_ttl_; }

 private:
  struct User {
    std::string credential;
    std::vector<std::string> roles;
  };
  struct Session {
    std::string user;
    uint32_t expires = 0;  // clock seconds
  };
  struct Fields;

  uint8_t login(const Fields& f, ConnectionAuth& conn, std::string* token);
  uint8_t authenticate(const Fields& f, ConnectionAuth& conn);
  uint8_t manage(uint8_t command, const Fields& f, const ConnectionAuth& conn);
  void query_users(const Fields& f, const ConnectionAuth& conn, std::vector<uint8_t>& sink);
  void query_roles(const Fields& f, const ConnectionAuth& conn, std::vector<uint8_t>& sink);
  bool allows(const User& u, Permission what, std::string_view ns, std::string_view set) const;

  Clock& clock_;
  const uint32_t session_ttl_;
  mutable std::mutex mutex_;
  std::map<std::string, User> users_;
  std::map<std::string, std::vector<PrivilegeGrant>> roles_;
  std::set<std::string> predefined_;
  std::map<std::string, Session> sessions_;  // token -> session
  std::mt19937_64 random_;
  uint64_t logins_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace security
}  // namespace aero::testserver
