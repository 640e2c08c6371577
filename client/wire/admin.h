// The admin (security) protocol, message type 2: encoding of LOGIN, AUTHENTICATE and the user
// and role administration commands, and decoding of their answers. Pure code, no I/O.
//
// Layout (protocol reference §10.8; aerospike-client-c as_admin.c, aerospike-client-java
// AdminCommand.java): 8-byte proto header (type 2), 16-byte admin header (byte 1 result,
// byte 2 command, byte 3 field count), then fields: 4-byte big-endian size (1 + data), id,
// data. Query answers are blocks (admin header + fields) in one or more frames, ended by a
// block whose result is 50 (end of list).
//
// Threads: plain functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire/status.h"

namespace aero::wire::admin {

inline constexpr std::size_t kAdminHeaderSize = 16;

// Commands.
enum Command : std::uint8_t {
  kAuthenticate = 0,
  kCreateUser = 1,
  kDropUser = 2,
  kSetPassword = 3,
  kChangePassword = 4,
  kGrantRoles = 5,
  kRevokeRoles = 6,
  kQueryUsers = 9,
  kCreateRole = 10,
  kDropRole = 11,
  kGrantPrivileges = 12,
  kRevokePrivileges = 13,
  kQueryRoles = 16,
  kLogin = 20,
};

// Field ids.
enum FieldId : std::uint8_t {
  kUser = 0,
  kPassword = 1,
  kOldPassword = 2,
  kCredential = 3,
  kClearPassword = 4,
  kSessionToken = 5,
  kSessionTtl = 6,
  kRoles = 10,
  kRole = 11,
  kPrivileges = 12,
};

// Answer codes with a meaning for the protocol itself.
inline constexpr std::uint8_t kResultQueryEnd = 50;
inline constexpr std::uint8_t kResultSecurityNotEnabled = 52;

// A privilege: code (as_privilege_code: 0 user-admin .. 4 sindex-admin global only; 10 read,
// 11 read-write, 12 read-write-udf, 13 write, 14 truncate, scoped to namespace and set).
struct PrivilegeSpec {
  std::uint8_t code = 0;
  std::string ns;
  std::string set;
  friend bool operator==(const PrivilegeSpec&, const PrivilegeSpec&) = default;
};

// Builds one admin request: call field()/roles()/privileges() in order, then finish().
class RequestBuilder {
 public:
  explicit RequestBuilder(std::uint8_t command);
  RequestBuilder& field(std::uint8_t id, std::string_view data);
  RequestBuilder& roles(const std::vector<std::string>& roles);  // id kRoles
  RequestBuilder& privileges(const std::vector<PrivilegeSpec>& privileges);  // id kPrivileges
  // The whole frame (proto header patched); an error when a name is longer than 255 bytes,
  // there are more than 255 roles/privileges, or a global privilege has a scope.
  Result<std::vector<std::uint8_t>> finish();

 private:
  std::vector<std::uint8_t> out_;
  std::string error_;
};

// LOGIN: internal mode sends user + credential; external adds the clear password; PKI sends
// no field (the TLS certificate is the identity).
std::vector<std::uint8_t> encode_login(std::string_view user, std::string_view credential,
                                       std::string_view clear_password);
// AUTHENTICATE with a session token (PKI: empty user, token only).
std::vector<std::uint8_t> encode_authenticate(std::string_view user, std::string_view token);

// The result byte of a 16-byte admin header (the body of a type-2 frame starts with it).
Result<std::uint8_t> header_result(std::span<const std::uint8_t> body);

struct LoginAnswer {
  std::uint8_t result = 0;
  std::string token;           // empty when the server has no security (52)
  std::uint32_t ttl_seconds = 0;  // 0: not sent
};
// Decodes a LOGIN answer body (admin header + fields). Malformed: ClientCode::bad_response.
Result<LoginAnswer> parse_login_answer(std::span<const std::uint8_t> body);

struct UserInfo {
  std::string name;
  std::vector<std::string> roles;
};
struct RoleInfo {
  std::string name;
  std::vector<PrivilegeSpec> privileges;
};

// Decodes the blocks of one query-answer frame, appending to `out`. Returns true when the end
// block (50) was seen, false when more frames follow; a block with another non-zero result is
// returned as that server status (e.g. 60 invalid user); malformed input as bad_response.
Result<bool> parse_users_frame(std::span<const std::uint8_t> body, std::vector<UserInfo>& out);
Result<bool> parse_roles_frame(std::span<const std::uint8_t> body, std::vector<RoleInfo>& out);

}  // namespace aero::wire::admin
