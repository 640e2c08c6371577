// The admin (security) protocol codec, client/wire/admin.h: request layouts byte by byte (as
// aerospike-client-c as_admin.c writes them) and the answer decoders on good and bad input.
#include "client/wire/admin.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aero::wire::admin {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes field(std::uint8_t id, const std::string& data) {
  const std::uint32_t n = std::uint32_t(data.size() + 1);
  Bytes b(5 + data.size());
  b[0] = std::uint8_t(n >> 24);
  b[1] = std::uint8_t(n >> 16);
  b[2] = std::uint8_t(n >> 8);
  b[3] = std::uint8_t(n);
  b[4] = id;
  for (std::size_t i = 0; i < data.size(); ++i) b[5 + i] = std::uint8_t(data[i]);
  return b;
}

Bytes header(std::uint8_t result, std::uint8_t command, std::uint8_t fields) {
  Bytes h(kAdminHeaderSize, 0);
  h[1] = result;
  h[2] = command;
  h[3] = fields;
  return h;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(AdminWireTest, LoginLayout) {
  const std::string credential = "$2a$10$7EqJtq98hPqEX7fNZaFWoOabcdefghijklmnopqrstuvwxyz01234";
  Bytes frame = encode_login("admin", credential, "");
  Bytes body = cat({header(0, kLogin, 2), field(kUser, "admin"), field(kCredential, credential)});
  ASSERT_EQ(frame.size(), 8 + body.size());
  EXPECT_EQ(frame[0], 2);  // version
  EXPECT_EQ(frame[1], 2);  // type: admin
  EXPECT_EQ(frame[7], std::uint8_t(body.size()));
  EXPECT_EQ(Bytes(frame.begin() + 8, frame.end()), body);

  Bytes external = encode_login("u", "c", "clear");
  EXPECT_EQ(external[8 + 3], 3);  // user, credential, clear password
  Bytes pki = encode_login("", "", "");
  EXPECT_EQ(pki.size(), 8 + kAdminHeaderSize);  // no field: the certificate is the identity
}

TEST(AdminWireTest, AuthenticateLayout) {
  Bytes frame = encode_authenticate("admin", std::string("\x01\x02\x03", 3));
  Bytes body = cat({header(0, kAuthenticate, 2), field(kUser, "admin"), field(kSessionToken, std::string("\x01\x02\x03", 3))});
  EXPECT_EQ(Bytes(frame.begin() + 8, frame.end()), body);
  Bytes pki = encode_authenticate("", "t");
  EXPECT_EQ(pki[8 + 3], 1);
}

TEST(AdminWireTest, RolesAndPrivilegesEncoding) {
  auto frame = RequestBuilder(kCreateRole)
                   .field(kRole, "r")
                   .privileges({{13, "test", "demo"}, {0, "", ""}})
                   .finish();
  ASSERT_TRUE(frame.ok());
  std::string p = std::string("\x02\x0d\x04test\x04" "demo\x00", 13);
  Bytes body = cat({header(0, kCreateRole, 2), field(kRole, "r"), field(kPrivileges, p)});
  EXPECT_EQ(Bytes(frame->begin() + 8, frame->end()), body);

  auto roles = RequestBuilder(kGrantRoles).field(kUser, "u").roles({"read", "write"}).finish();
  ASSERT_TRUE(roles.ok());
  Bytes rbody = cat({header(0, kGrantRoles, 2), field(kUser, "u"), field(kRoles, std::string("\x02\x04read\x05write", 12))});
  EXPECT_EQ(Bytes(roles->begin() + 8, roles->end()), rbody);

  // Admin privileges are global: a scope is refused before anything is sent.
  EXPECT_FALSE(RequestBuilder(kCreateRole).privileges({{1, "test", ""}}).finish().ok());
  EXPECT_FALSE(RequestBuilder(kGrantRoles).roles({std::string(256, 'r')}).finish().ok());
  EXPECT_FALSE(RequestBuilder(kGrantRoles).roles({""}).finish().ok());
}

TEST(AdminWireTest, LoginAnswer) {
  auto ok = parse_login_answer(cat({header(0, kLogin, 2), field(kSessionToken, "tok"),
                                    field(kSessionTtl, std::string("\x00\x01\x51\x80", 4))}));
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->result, 0);
  EXPECT_EQ(ok->token, "tok");
  EXPECT_EQ(ok->ttl_seconds, 86400u);

  auto refused = parse_login_answer(header(62, kLogin, 0));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->result, 62);
  auto no_security = parse_login_answer(header(52, kLogin, 0));
  ASSERT_TRUE(no_security.ok());
  EXPECT_TRUE(no_security->token.empty());

  EXPECT_EQ(parse_login_answer(header(0, kLogin, 0)).status().code(), ResultCode::kBadResponse);  // no token
  EXPECT_EQ(parse_login_answer(cat({header(0, kLogin, 1), field(kSessionTtl, "abc")})).status().code(),
            ResultCode::kBadResponse);
  Bytes truncated = cat({header(0, kLogin, 1), field(kSessionToken, "token")});
  truncated.pop_back();
  EXPECT_EQ(parse_login_answer(truncated).status().code(), ResultCode::kBadResponse);
  EXPECT_EQ(parse_login_answer(Bytes(5, 0)).status().code(), ResultCode::kBadResponse);
}

TEST(AdminWireTest, QueryAnswersAcrossFrames) {
  std::vector<UserInfo> users;
  auto first = parse_users_frame(cat({header(0, kQueryUsers, 2), field(kUser, "admin"),
                                      field(kRoles, std::string("\x01\x0auser-admin", 12))}),
                                 users);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(*first);  // more frames follow
  auto last = parse_users_frame(cat({header(0, kQueryUsers, 1), field(kUser, "bob"), header(50, kQueryUsers, 0)}), users);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(*last);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].roles, std::vector<std::string>{"user-admin"});
  EXPECT_TRUE(users[1].roles.empty());

  std::vector<UserInfo> none;
  auto err = parse_users_frame(header(60, kQueryUsers, 0), none);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(static_cast<int>(err.status().code()), 60);
  EXPECT_EQ(parse_users_frame(cat({header(0, kQueryUsers, 1), field(kRoles, std::string("\x02\x01r", 3))}), none)
                .status().code(),
            ResultCode::kBadResponse);

  std::vector<RoleInfo> roles;
  auto r = parse_roles_frame(cat({header(0, kQueryRoles, 2), field(kRole, "w"),
                                  field(kPrivileges, std::string("\x02\x0d\x04test\x00\x01", 9)),
                                  header(50, kQueryRoles, 0)}),
                             roles);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(roles.size(), 1u);
  ASSERT_EQ(roles[0].privileges.size(), 2u);
  EXPECT_EQ(roles[0].privileges[0], (PrivilegeSpec{13, "test", ""}));
  EXPECT_EQ(roles[0].privileges[1], (PrivilegeSpec{1, "", ""}));
  std::vector<RoleInfo> bad;
  EXPECT_FALSE(parse_roles_frame(cat({header(0, kQueryRoles, 1), field(kPrivileges, std::string("\x01\x0d\x09te", 4))}), bad).ok());
}

}  // namespace
}  // namespace aero::wire::admin
