// Fuzzes the decoders of admin (security) answers: LOGIN answers, admin headers, and the
// blocks of query-users / query-roles answers (client/wire/admin.h). The first input byte
// picks the decoder. Properties: no crash or overread; a decoded user or role list,
// re-encoded as blocks ending in the end-of-list block, decodes back to the same list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "client/wire/admin.h"

using namespace aero::wire;
using namespace aero::wire::admin;

namespace {

void put_field(std::vector<uint8_t>& out, uint8_t id, const std::string& data) {
  const uint32_t n = uint32_t(data.size() + 1);
  out.insert(out.end(), {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n), id});
  out.insert(out.end(), data.begin(), data.end());
}

void block(std::vector<uint8_t>& out, uint8_t result, uint8_t fields) {
  std::vector<uint8_t> h(kAdminHeaderSize, 0);
  h[1] = result;
  h[3] = fields;
  out.insert(out.end(), h.begin(), h.end());
}

std::string short_string(const std::string& s) { return std::string(1, char(s.size())) + s; }

std::vector<uint8_t> encode_users(const std::vector<UserInfo>& users) {
  std::vector<uint8_t> out;
  for (const UserInfo& u : users) {
    block(out, 0, 2);
    put_field(out, kUser, u.name);
    std::string roles(1, char(u.roles.size()));
    for (const std::string& r : u.roles) roles += short_string(r);
    put_field(out, kRoles, roles);
  }
  block(out, kResultQueryEnd, 0);
  return out;
}

std::vector<uint8_t> encode_roles(const std::vector<RoleInfo>& roles) {
  std::vector<uint8_t> out;
  for (const RoleInfo& r : roles) {
    block(out, 0, 2);
    put_field(out, kRole, r.name);
    std::string p(1, char(r.privileges.size()));
    for (const PrivilegeSpec& s : r.privileges) {
      p.push_back(char(s.code));
      if (s.code >= 10) p += short_string(s.ns) + short_string(s.set);
    }
    put_field(out, kPrivileges, p);
  }
  block(out, kResultQueryEnd, 0);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> body(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)parse_login_answer(body);
      break;
    case 1:
      (void)header_result(body);
      break;
    case 2: {
      std::vector<UserInfo> users;
      Result<bool> end = parse_users_frame(body, users);
      if (end.ok() && *end) {
        std::vector<UserInfo> again;
        std::vector<uint8_t> bytes = encode_users(users);
        Result<bool> end2 = parse_users_frame(bytes, again);
        if (!end2.ok() || !*end2 || again.size() != users.size()) std::abort();
        for (size_t i = 0; i < users.size(); ++i) {
          if (again[i].name != users[i].name || again[i].roles != users[i].roles) std::abort();
        }
      }
      break;
    }
    default: {
      std::vector<RoleInfo> roles;
      Result<bool> end = parse_roles_frame(body, roles);
      if (end.ok() && *end) {
        std::vector<RoleInfo> again;
        std::vector<uint8_t> bytes = encode_roles(roles);
        Result<bool> end2 = parse_roles_frame(bytes, again);
        if (!end2.ok() || !*end2 || again.size() != roles.size()) std::abort();
        for (size_t i = 0; i < roles.size(); ++i) {
          if (again[i].name != roles[i].name || again[i].privileges != roles[i].privileges) std::abort();
        }
      }
      break;
    }
  }
  return 0;
}
