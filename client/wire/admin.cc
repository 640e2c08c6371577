#include "client/wire/admin.h"

#include "client/wire/frame.h"

namespace aero::wire::admin {

namespace {

constexpr std::size_t kProto = 8;

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(std::uint8_t(v >> 24));
  out.push_back(std::uint8_t(v >> 16));
  out.push_back(std::uint8_t(v >> 8));
  out.push_back(std::uint8_t(v));
}

// One block: admin header at `*at`, then its fields. Calls `on_field(id, data)` for each.
template <class OnField>
Result<std::uint8_t> read_block(std::span<const std::uint8_t> body, std::size_t* at, OnField&& on_field) {
  if (body.size() - *at < kAdminHeaderSize) return bad_response("admin block shorter than its header");
  const std::uint8_t result = body[*at + 1];
  const std::size_t count = body[*at + 3];
  std::size_t i = *at + kAdminHeaderSize;
  for (std::size_t k = 0; k < count; ++k) {
    if (body.size() - i < 5) return bad_response("admin field header runs past the answer");
    const std::uint32_t len = be32(body.data() + i);
    if (len == 0 || len - 1 > body.size() - i - 5) {
      return bad_response("admin field of " + std::to_string(len) + " bytes runs past the answer");
    }
    if (Status st = on_field(body[i + 4], body.subspan(i + 5, len - 1)); !st.ok()) return st;
    i += 4 + std::size_t(len);
  }
  *at = i;
  return result;
}

std::string as_string(std::span<const std::uint8_t> d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// (length byte, bytes) at `*i`.
bool short_string(std::span<const std::uint8_t> d, std::size_t* i, std::string* out) {
  if (*i >= d.size()) return false;
  const std::size_t len = d[(*i)++];
  if (len > d.size() - *i) return false;
  *out = as_string(d.subspan(*i, len));
  *i += len;
  return true;
}

Result<bool> server_error(std::uint8_t result) {
  return Status(static_cast<ResultCode>(result),
                std::string(result_code_message(static_cast<ResultCode>(result))));
}

}  // namespace

RequestBuilder::RequestBuilder(std::uint8_t command) : out_(kProto + kAdminHeaderSize, 0) {
  out_[kProto + 2] = command;
}

RequestBuilder& RequestBuilder::field(std::uint8_t id, std::string_view data) {
  put_be32(out_, std::uint32_t(data.size() + 1));
  out_.push_back(id);
  out_.insert(out_.end(), data.begin(), data.end());
  ++out_[kProto + 3];
  return *this;
}

RequestBuilder& RequestBuilder::roles(const std::vector<std::string>& roles) {
  std::string d;
  if (roles.size() > 255) error_ = "more than 255 roles";
  d.push_back(char(roles.size()));
  for (const std::string& r : roles) {
    if (r.empty() || r.size() > 255) error_ = "a role name must be 1 to 255 bytes";
    d.push_back(char(r.size()));
    d += r;
  }
  return field(kRoles, d);
}

RequestBuilder& RequestBuilder::privileges(const std::vector<PrivilegeSpec>& privileges) {
  std::string d;
  if (privileges.size() > 255) error_ = "more than 255 privileges";
  d.push_back(char(privileges.size()));
  for (const PrivilegeSpec& p : privileges) {
    d.push_back(char(p.code));
    if (p.code >= 10) {
      if (p.ns.size() > 255 || p.set.size() > 255) error_ = "namespace or set name too long";
      d.push_back(char(p.ns.size()));
      d += p.ns;
      d.push_back(char(p.set.size()));
      d += p.set;
    } else if (!p.ns.empty() || !p.set.empty()) {
      // as_admin.c: admin privileges have global scope only.
      error_ = "privilege " + std::to_string(p.code) + " is global: it takes no namespace or set";
    }
  }
  return field(kPrivileges, d);
}

Result<std::vector<std::uint8_t>> RequestBuilder::finish() {
  if (!error_.empty()) return param_error(error_);
  write_proto_header(out_.data(), ProtoType::kAdmin, out_.size() - kProto);
  return std::move(out_);
}

std::vector<std::uint8_t> encode_login(std::string_view user, std::string_view credential,
                                       std::string_view clear_password) {
  RequestBuilder b(kLogin);
  if (!user.empty()) {
    b.field(kUser, user).field(kCredential, credential);
    if (!clear_password.empty()) b.field(kClearPassword, clear_password);
  }
  return std::move(*b.finish());
}

std::vector<std::uint8_t> encode_authenticate(std::string_view user, std::string_view token) {
  RequestBuilder b(kAuthenticate);
  if (!user.empty()) b.field(kUser, user);
  b.field(kSessionToken, token);
  return std::move(*b.finish());
}

Result<std::uint8_t> header_result(std::span<const std::uint8_t> body) {
  if (body.size() < kAdminHeaderSize) return bad_response("admin answer shorter than its header");
  return body[1];
}

Result<LoginAnswer> parse_login_answer(std::span<const std::uint8_t> body) {
  LoginAnswer a;
  std::size_t at = 0;
  auto r = read_block(body, &at, [&](std::uint8_t id, std::span<const std::uint8_t> d) -> Status {
    if (id == kSessionToken) {
      a.token = as_string(d);
    } else if (id == kSessionTtl) {
      if (d.size() != 4) return bad_response("session TTL field is not 4 bytes");
      a.ttl_seconds = be32(d.data());
    }
    return Status();
  });
  if (!r.ok()) return r.status();
  if (at != body.size()) return bad_response("bytes after the login answer's fields");
  a.result = *r;
  if (a.result == 0 && a.token.empty()) return bad_response("login answer without a session token");
  return a;
}

Result<bool> parse_users_frame(std::span<const std::uint8_t> body, std::vector<UserInfo>& out) {
  std::size_t at = 0;
  while (at < body.size()) {
    UserInfo u;
    auto r = read_block(body, &at, [&](std::uint8_t id, std::span<const std::uint8_t> d) -> Status {
      if (id == kUser) {
        u.name = as_string(d);
      } else if (id == kRoles) {
        if (d.empty()) return bad_response("empty roles field");
        std::size_t i = 1;
        for (std::size_t k = 0; k < d[0]; ++k) {
          std::string role;
          if (!short_string(d, &i, &role)) return bad_response("roles field runs past its end");
          u.roles.push_back(std::move(role));
        }
        if (i != d.size()) return bad_response("bytes after the roles");
      }
      return Status();
    });
    if (!r.ok()) return r.status();
    if (*r == kResultQueryEnd) return at == body.size() ? Result<bool>(true) : bad_response("bytes after the end of the user list");
    if (*r != 0) return server_error(*r);
    if (!u.name.empty()) out.push_back(std::move(u));
  }
  return false;
}

Result<bool> parse_roles_frame(std::span<const std::uint8_t> body, std::vector<RoleInfo>& out) {
  std::size_t at = 0;
  while (at < body.size()) {
    RoleInfo role;
    auto r = read_block(body, &at, [&](std::uint8_t id, std::span<const std::uint8_t> d) -> Status {
      if (id == kRole) {
        role.name = as_string(d);
      } else if (id == kPrivileges) {
        if (d.empty()) return bad_response("empty privileges field");
        std::size_t i = 1;
        for (std::size_t k = 0; k < d[0]; ++k) {
          if (i >= d.size()) return bad_response("privileges field runs past its end");
          PrivilegeSpec p;
          p.code = d[i++];
          if (p.code >= 10 && (!short_string(d, &i, &p.ns) || !short_string(d, &i, &p.set))) {
            return bad_response("privilege scope runs past its end");
          }
          role.privileges.push_back(std::move(p));
        }
        if (i != d.size()) return bad_response("bytes after the privileges");
      }
      return Status();
    });
    if (!r.ok()) return r.status();
    if (*r == kResultQueryEnd) return at == body.size() ? Result<bool>(true) : bad_response("bytes after the end of the role list");
    if (*r != 0) return server_error(*r);
    if (!role.name.empty()) out.push_back(std::move(role));
  }
  return false;
}

}  // namespace aero::wire::admin
