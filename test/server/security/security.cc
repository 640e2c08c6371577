#include "test/server/security/security.h"

#include <crypt.h>

#include <algorithm>
#include <cstring>

#include "test/server/clock.h"
#include "test/server/wire.h"

namespace aero::testserver::security {

namespace {

// Admin commands (aerospike-client-c as_admin.c, AdminCommand.java).
enum : uint8_t {
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
  kSetWhitelist = 14,
  kSetQuotas = 15,
  kQueryRoles = 16,
  kLogin = 20,
};

// Field ids.
enum : uint8_t {
  kFieldUser = 0,
  kFieldPassword = 1,
  kFieldOldPassword = 2,
  kFieldCredential = 3,
  kFieldClearPassword = 4,
  kFieldSessionToken = 5,
  kFieldSessionTtl = 6,
  kFieldRoles = 10,
  kFieldRole = 11,
  kFieldPrivileges = 12,
};

constexpr size_t kAdminHeader = 16;
constexpr char kSalt[] = "$2a$10$7EqJtq98hPqEX7fNZaFWoO";

struct RoleName {
  const char* name;
  Privilege code;
};
// The server's predefined roles, one privilege each, global scope.
constexpr RoleName kPredefined[] = {
    {"user-admin", Privilege::kUserAdmin},   {"sys-admin", Privilege::kSysAdmin},
    {"data-admin", Privilege::kDataAdmin},   {"udf-admin", Privilege::kUdfAdmin},
    {"sindex-admin", Privilege::kSindexAdmin}, {"read", Privilege::kRead},
    {"read-write", Privilege::kReadWrite},   {"read-write-udf", Privilege::kReadWriteUdf},
    {"write", Privilege::kWrite},            {"truncate", Privilege::kTruncate},
};

// Appends one admin answer: proto header, 16-byte admin header, then `fields` (already
// encoded) when given.
void answer(std::vector<uint8_t>& sink, uint8_t result, uint8_t command,
            const std::vector<uint8_t>& fields = {}, uint8_t field_count = 0) {
  uint8_t h[wire::kProtoHeaderSize + kAdminHeader] = {};
  wire::encode_proto_header(h, wire::kTypeAdmin, kAdminHeader + fields.size());
  h[wire::kProtoHeaderSize + 1] = result;
  h[wire::kProtoHeaderSize + 2] = command;
  h[wire::kProtoHeaderSize + 3] = field_count;
  sink.insert(sink.end(), h, h + sizeof h);
  sink.insert(sink.end(), fields.begin(), fields.end());
}

void put_field(std::vector<uint8_t>& out, uint8_t id, const void* data, size_t size) {
  const uint32_t n = uint32_t(size + 1);
  const uint8_t len[4] = {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
  out.insert(out.end(), len, len + 4);
  out.push_back(id);
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}

void put_short_string(std::vector<uint8_t>& out, std::string_view s) {
  out.push_back(uint8_t(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Roles field: count, then (length, name) each.
bool parse_roles(std::string_view data, std::vector<std::string>& out) {
  if (data.empty()) return false;
  size_t n = uint8_t(data[0]);
  size_t i = 1;
  for (size_t k = 0; k < n; ++k) {
    if (i >= data.size()) return false;
    const size_t len = uint8_t(data[i++]);
    if (len == 0 || i + len > data.size()) return false;
    out.emplace_back(data.substr(i, len));
    i += len;
  }
  return i == data.size();
}

// Privileges field: count, then code, and for data privileges (code >= 10) the namespace and
// the set as (length, bytes).
uint8_t parse_privileges(std::string_view data, std::vector<PrivilegeGrant>& out) {
  if (data.empty()) return kInvalidField;
  size_t n = uint8_t(data[0]);
  size_t i = 1;
  for (size_t k = 0; k < n; ++k) {
    if (i >= data.size()) return kInvalidField;
    const uint8_t code = uint8_t(data[i++]);
    if (!valid_privilege(code)) return kInvalidPrivilege;
    PrivilegeGrant g;
    g.code = Privilege(code);
    if (code >= uint8_t(Privilege::kRead)) {
      for (std::string* s : {&g.ns, &g.set}) {
        if (i >= data.size()) return kInvalidField;
        const size_t len = uint8_t(data[i++]);
        if (i + len > data.size()) return kInvalidField;
        s->assign(data.substr(i, len));
        i += len;
      }
      if (g.ns.empty() && !g.set.empty()) return kInvalidPrivilege;
    }
    out.push_back(std::move(g));
  }
  return i == data.size() ? kOk : kInvalidField;
}

bool grants(Privilege have, Permission want) {
  switch (want) {
    case Permission::kRead:
      return have == Privilege::kRead || have == Privilege::kReadWrite ||
             have == Privilege::kReadWriteUdf;
    case Permission::kWrite:
      return have == Privilege::kWrite || have == Privilege::kReadWrite ||
             have == Privilege::kReadWriteUdf;
    case Permission::kUdf:
      return have == Privilege::kReadWriteUdf;
    case Permission::kUserAdmin:
      return have == Privilege::kUserAdmin;
  }
  return false;
}

}  // namespace

bool valid_privilege(uint8_t code) { return code <= 4 || (code >= 10 && code <= 14); }

std::string credential_of(std::string_view password) {
  crypt_data data;
  std::memset(&data, 0, sizeof data);
  const std::string pw(password);
  const char* out = crypt_r(pw.c_str(), kSalt, &data);
  if (out == nullptr || out[0] == '*') return std::string();
  return std::string(out);
}

// The fields of one admin message, by id (the first occurrence wins; unknown ids skipped).
struct Security::Fields {
  std::string_view value[32];
  bool present[32] = {};
  bool has(uint8_t id) const { return id < 32 && present[id]; }
  std::string_view get(uint8_t id) const { return has(id) ? value[id] : std::string_view(); }
};

Security::Security(Clock& clock, uint32_t session_ttl)
    : clock_(clock), session_ttl_(session_ttl == 0 ? 86400 : session_ttl), random_(std::random_device{}()) {
  for (const RoleName& r : kPredefined) {
    roles_[r.name] = {PrivilegeGrant{r.code, {}, {}}};
    predefined_.insert(r.name);
  }
  users_["admin"] = User{credential_of("admin"), {"user-admin"}};
}

uint64_t Security::logins() const {
  std::lock_guard<std::mutex> g(mutex_);
  return logins_;
}

uint64_t Security::authentications_refused() const {
  std::lock_guard<std::mutex> g(mutex_);
  return refused_;
}

void Security::handle_admin(const uint8_t* body, size_t size, ConnectionAuth& conn,
                            std::vector<uint8_t>& sink) {
  if (size < kAdminHeader) {
    answer(sink, kInvalidField, 0);
    return;
  }
  const uint8_t command = body[2];
  const size_t field_count = body[3];
  Fields f;
  size_t i = kAdminHeader;
  for (size_t k = 0; k < field_count; ++k) {
    if (size - i < 5) {
      answer(sink, kInvalidField, command);
      return;
    }
    const uint32_t len = wire::load_be32(body + i);
    if (len == 0 || len - 1 > size - i - 5) {
      answer(sink, kInvalidField, command);
      return;
    }
    const uint8_t id = body[i + 4];
    if (id < 32 && !f.present[id]) {
      f.present[id] = true;
      f.value[id] = std::string_view(reinterpret_cast<const char*>(body + i + 5), len - 1);
    }
    i += 4 + size_t(len);
  }
  if (i != size) {
    answer(sink, kInvalidField, command);
    return;
  }
  switch (command) {
    case kLogin: {
      std::string token;
      const uint8_t r = login(f, conn, &token);
      if (r != kOk) {
        answer(sink, r, command);
        return;
      }
      std::vector<uint8_t> fields;
      put_field(fields, kFieldSessionToken, token.data(), token.size());
      const uint32_t ttl = session_ttl_;
      const uint8_t t[4] = {uint8_t(ttl >> 24), uint8_t(ttl >> 16), uint8_t(ttl >> 8), uint8_t(ttl)};
      put_field(fields, kFieldSessionTtl, t, 4);
      answer(sink, kOk, command, fields, 2);
      return;
    }
    case kAuthenticate:
      answer(sink, authenticate(f, conn), command);
      return;
    case kQueryUsers:
      query_users(f, conn, sink);
      return;
    case kQueryRoles:
      query_roles(f, conn, sink);
      return;
    default:
      answer(sink, manage(command, f, conn), command);
      return;
  }
}

uint8_t Security::login(const Fields& f, ConnectionAuth& conn, std::string* token) {
  std::lock_guard<std::mutex> g(mutex_);
  std::string name(f.get(kFieldUser));
  if (!f.has(kFieldUser)) {
    // PKI: the identity is the TLS client certificate's; a connection without one has none.
    if (conn.certificate_user.empty()) {
      ++refused_;
      return kInvalidUser;
    }
    name = conn.certificate_user;
  }
  auto u = users_.find(name);
  if (u == users_.end()) {
    ++refused_;
    return kInvalidUser;
  }
  if (f.has(kFieldUser)) {
    // Internal and external modes send the credential (external adds the clear password,
    // which only an LDAP server would check; this server has no LDAP and checks the
    // credential as for an internal user).
    if (!f.has(kFieldCredential)) {
      ++refused_;
      return kInvalidCredential;
    }
    if (f.get(kFieldCredential) != u->second.credential) {
      ++refused_;
      return kInvalidPassword;
    }
  }
  token->resize(32);
  for (size_t k = 0; k < token->size(); k += 8) {
    const uint64_t r = random_();
    std::memcpy(token->data() + k, &r, 8);
  }
  const uint32_t now = clock_.now();
  // Forget expired sessions on the way.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  }
  sessions_[*token] = Session{name, now + session_ttl_};
  conn.user = name;
  ++logins_;
  return kOk;
}

uint8_t Security::authenticate(const Fields& f, ConnectionAuth& conn) {
  std::lock_guard<std::mutex> g(mutex_);
  if (f.has(kFieldSessionToken)) {
    auto s = sessions_.find(std::string(f.get(kFieldSessionToken)));
    if (s == sessions_.end() || (f.has(kFieldUser) && f.get(kFieldUser) != s->second.user)) {
      ++refused_;
      return kInvalidCredential;
    }
    if (s->second.expires <= clock_.now()) {
      sessions_.erase(s);
      ++refused_;
      return kExpiredSession;
    }
    if (users_.count(s->second.user) == 0) {
      ++refused_;
      return kInvalidUser;
    }
    conn.user = s->second.user;
    return kOk;
  }
  // Older clients authenticate with the credential itself.
  auto u = users_.find(std::string(f.get(kFieldUser)));
  if (u == users_.end()) {
    ++refused_;
    return kInvalidUser;
  }
  if (!f.has(kFieldCredential) || f.get(kFieldCredential) != u->second.credential) {
    ++refused_;
    return kInvalidCredential;
  }
  conn.user = u->first;
  return kOk;
}

uint8_t Security::manage(uint8_t command, const Fields& f, const ConnectionAuth& conn) {
  std::lock_guard<std::mutex> g(mutex_);
  auto self = users_.find(conn.user);
  if (!conn.authenticated() || self == users_.end()) return kNotAuthenticated;
  const bool admin = allows(self->second, Permission::kUserAdmin, {}, {});
  const std::string user(f.get(kFieldUser));
  const std::string role(f.get(kFieldRole));
  // Changing one's own password with the old one needs no privilege.
  if (command == kChangePassword) {
    auto u = users_.find(user);
    if (u == users_.end()) return kInvalidUser;
    if (user != conn.user && !admin) return kRoleViolation;
    if (!f.has(kFieldPassword)) return kInvalidField;
    if (!f.has(kFieldOldPassword) || f.get(kFieldOldPassword) != u->second.credential) {
      return kInvalidPassword;
    }
    u->second.credential.assign(f.get(kFieldPassword));
    return kOk;
  }
  if (!admin) return kRoleViolation;
  switch (command) {
    case kCreateUser: {
      if (user.empty() || !f.has(kFieldPassword)) return user.empty() ? kInvalidUser : kInvalidField;
      if (users_.count(user) != 0) return kUserExists;
      std::vector<std::string> roles;
      if (f.has(kFieldRoles) && !parse_roles(f.get(kFieldRoles), roles)) return kInvalidField;
      for (const std::string& r : roles) {
        if (roles_.count(r) == 0) return kInvalidRole;
      }
      users_[user] = User{std::string(f.get(kFieldPassword)), std::move(roles)};
      return kOk;
    }
    case kDropUser: {
      if (users_.erase(user) == 0) return kInvalidUser;
      for (auto it = sessions_.begin(); it != sessions_.end();) {
        it = it->second.user == user ? sessions_.erase(it) : std::next(it);
      }
      return kOk;
    }
    case kSetPassword: {
      auto u = users_.find(user);
      if (u == users_.end()) return kInvalidUser;
      if (!f.has(kFieldPassword)) return kInvalidField;
      u->second.credential.assign(f.get(kFieldPassword));
      return kOk;
    }
    case kGrantRoles:
    case kRevokeRoles: {
      auto u = users_.find(user);
      if (u == users_.end()) return kInvalidUser;
      std::vector<std::string> roles;
      if (!parse_roles(f.get(kFieldRoles), roles)) return kInvalidField;
      for (const std::string& r : roles) {
        if (roles_.count(r) == 0) return kInvalidRole;
      }
      std::vector<std::string>& have = u->second.roles;
      for (const std::string& r : roles) {
        auto it = std::find(have.begin(), have.end(), r);
        if (command == kGrantRoles && it == have.end()) have.push_back(r);
        if (command == kRevokeRoles && it != have.end()) have.erase(it);
      }
      return kOk;
    }
    case kCreateRole: {
      if (role.empty()) return kInvalidRole;
      if (roles_.count(role) != 0) return kRoleExists;
      std::vector<PrivilegeGrant> privileges;
      if (f.has(kFieldPrivileges)) {
        if (uint8_t r = parse_privileges(f.get(kFieldPrivileges), privileges); r != kOk) return r;
      }
      roles_[role] = std::move(privileges);
      return kOk;
    }
    case kDropRole: {
      if (roles_.count(role) == 0 || predefined_.count(role) != 0) return kInvalidRole;
      roles_.erase(role);
      for (auto& [name, u] : users_) {
        u.roles.erase(std::remove(u.roles.begin(), u.roles.end(), role), u.roles.end());
      }
      return kOk;
    }
    case kGrantPrivileges:
    case kRevokePrivileges: {
      auto r = roles_.find(role);
      if (r == roles_.end() || predefined_.count(role) != 0) return kInvalidRole;
      std::vector<PrivilegeGrant> privileges;
      if (uint8_t e = parse_privileges(f.get(kFieldPrivileges), privileges); e != kOk) return e;
      for (const PrivilegeGrant& p : privileges) {
        auto it = std::find(r->second.begin(), r->second.end(), p);
        if (command == kGrantPrivileges && it == r->second.end()) r->second.push_back(p);
        if (command == kRevokePrivileges && it != r->second.end()) r->second.erase(it);
      }
      return kOk;
    }
    case kSetWhitelist:
    case kSetQuotas:
      return roles_.count(role) != 0 ? kOk : kInvalidRole;  // accepted, not enforced
    default:
      return kInvalidCommand;
  }
}

namespace {

// One row of a query-users/query-roles answer: an admin header for `command` with two fields,
// the name and its list (roles, or privileges), appended to `frame`.
void append_row(std::vector<uint8_t>& frame, uint8_t command, uint8_t name_field,
                const std::string& name, uint8_t list_field, const std::vector<uint8_t>& list) {
  uint8_t h[kAdminHeader] = {};
  h[2] = command;
  h[3] = 2;
  frame.insert(frame.end(), h, h + kAdminHeader);
  put_field(frame, name_field, name.data(), name.size());
  put_field(frame, list_field, list.data(), list.size());
}

// The rows as one admin frame, then the frame that ends the query (as a real server answers).
void finish_rows(std::vector<uint8_t>& sink, const std::vector<uint8_t>& frame, uint8_t command) {
  uint8_t ph[wire::kProtoHeaderSize];
  wire::encode_proto_header(ph, wire::kTypeAdmin, frame.size());
  sink.insert(sink.end(), ph, ph + sizeof ph);
  sink.insert(sink.end(), frame.begin(), frame.end());
  answer(sink, kQueryEnd, command);
}

}  // namespace

void Security::query_users(const Fields& f, const ConnectionAuth& conn, std::vector<uint8_t>& sink) {
  std::lock_guard<std::mutex> g(mutex_);
  auto self = users_.find(conn.user);
  if (!conn.authenticated() || self == users_.end()) {
    answer(sink, kNotAuthenticated, kQueryUsers);
    return;
  }
  const bool admin = allows(self->second, Permission::kUserAdmin, {}, {});
  const std::string one(f.get(kFieldUser));
  if (!admin && (one.empty() || one != conn.user)) {
    answer(sink, kRoleViolation, kQueryUsers);
    return;
  }
  if (!one.empty() && users_.count(one) == 0) {
    answer(sink, kInvalidUser, kQueryUsers);
    return;
  }
  // One frame with a block (admin header + USER + ROLES) per user, then the end marker.
  std::vector<uint8_t> frame;
  for (const auto& [name, u] : users_) {
    if (!one.empty() && name != one) continue;
    std::vector<uint8_t> roles;
    roles.push_back(uint8_t(u.roles.size()));
    for (const std::string& r : u.roles) put_short_string(roles, r);
    append_row(frame, kQueryUsers, kFieldUser, name, kFieldRoles, roles);
  }
  finish_rows(sink, frame, kQueryUsers);
}

void Security::query_roles(const Fields& f, const ConnectionAuth& conn, std::vector<uint8_t>& sink) {
  std::lock_guard<std::mutex> g(mutex_);
  auto self = users_.find(conn.user);
  if (!conn.authenticated() || self == users_.end()) {
    answer(sink, kNotAuthenticated, kQueryRoles);
    return;
  }
  const std::string one(f.get(kFieldRole));
  if (!one.empty() && roles_.count(one) == 0) {
    answer(sink, kInvalidRole, kQueryRoles);
    return;
  }
  std::vector<uint8_t> frame;
  for (const auto& [name, privileges] : roles_) {
    if (!one.empty() && name != one) continue;
    std::vector<uint8_t> p;
    p.push_back(uint8_t(privileges.size()));
    for (const PrivilegeGrant& g2 : privileges) {
      p.push_back(uint8_t(g2.code));
      if (uint8_t(g2.code) >= uint8_t(Privilege::kRead)) {
        put_short_string(p, g2.ns);
        put_short_string(p, g2.set);
      }
    }
    append_row(frame, kQueryRoles, kFieldRole, name, kFieldPrivileges, p);
  }
  finish_rows(sink, frame, kQueryRoles);
}

bool Security::allows(const User& u, Permission what, std::string_view ns,
                      std::string_view set) const {
  for (const std::string& r : u.roles) {
    auto it = roles_.find(r);
    if (it == roles_.end()) continue;
    for (const PrivilegeGrant& p : it->second) {
      if (!grants(p.code, what)) continue;
      if (!p.ns.empty() && p.ns != ns) continue;
      if (!p.set.empty() && p.set != set) continue;
      return true;
    }
  }
  return false;
}

uint8_t Security::check(const ConnectionAuth& conn, Permission what, std::string_view ns,
                        std::string_view set) {
  if (!conn.authenticated()) return kNotAuthenticated;
  std::lock_guard<std::mutex> g(mutex_);
  auto u = users_.find(conn.user);
  if (u == users_.end()) return kNotAuthenticated;
  return allows(u->second, what, ns, set) ? kOk : kRoleViolation;
}

}  // namespace aero::testserver::security
