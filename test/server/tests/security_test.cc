// The test server's security mode, driven over raw sockets by the independent test client:
// login, authenticate with the session token, refusals before authentication (80), role
// violations (81), session expiry on the server's clock, and user/role administration.
#include <crypt.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "test/server/cluster.h"
#include "test/server/security/security.h"
#include "test/server/tests/wire_client.h"

namespace {

using namespace testclient;
using aero::testserver::Cluster;
using aero::testserver::ClusterOptions;

// bcrypt with the protocol's fixed salt, computed here independently of the server.
std::string hash(const std::string& password) {
  crypt_data d;
  std::memset(&d, 0, sizeof d);
  const char* h = crypt_r(password.c_str(), "$2a$10$7EqJtq98hPqEX7fNZaFWoO", &d);
  return h ? std::string(h) : std::string();
}

struct AdminField {
  uint8_t id;
  Bytes data;
};

Bytes admin_frame(uint8_t command, const std::vector<AdminField>& fields) {
  Bytes body(16, '\0');
  body[2] = char(command);
  body[3] = char(fields.size());
  for (const AdminField& f : fields) body += be32(uint32_t(f.data.size() + 1)) + char(f.id) + f.data;
  return frame(2, body);
}

Bytes roles(const std::vector<std::string>& names) {
  Bytes b(1, char(names.size()));
  for (const std::string& n : names) b += char(n.size()) + n;
  return b;
}

struct AdminAnswer {
  uint8_t result = 255;
  std::vector<AdminField> fields;
  const Bytes* field(uint8_t id) const {
    for (const AdminField& f : fields) {
      if (f.id == id) return &f.data;
    }
    return nullptr;
  }
};

AdminAnswer parse_block(const Bytes& body, size_t* at) {
  AdminAnswer a;
  if (body.size() - *at < 16) return a;
  a.result = uint8_t(body[*at + 1]);
  const size_t n = uint8_t(body[*at + 3]);
  size_t i = *at + 16;
  for (size_t k = 0; k < n && i + 5 <= body.size(); ++k) {
    const uint32_t len = uint32_t(uint8_t(body[i])) << 24 | uint32_t(uint8_t(body[i + 1])) << 16 |
                         uint32_t(uint8_t(body[i + 2])) << 8 | uint8_t(body[i + 3]);
    a.fields.push_back({uint8_t(body[i + 4]), body.substr(i + 5, len - 1)});
    i += 4 + len;
  }
  *at = i;
  return a;
}

AdminAnswer admin(RawConnection& c, uint8_t command, const std::vector<AdminField>& fields) {
  auto f = c.call(admin_frame(command, fields));
  if (!f || f->type != 2) return {};
  size_t at = 0;
  return parse_block(f->body, &at);
}

// Query answers: blocks until the one with result 50 (end).
std::vector<AdminAnswer> admin_query(RawConnection& c, uint8_t command,
                                     const std::vector<AdminField>& fields) {
  std::vector<AdminAnswer> out;
  if (!c.send(admin_frame(command, fields))) return out;
  for (int frames = 0; frames < 100; ++frames) {
    Frame f;
    if (c.read_frame(&f) != ReadStatus::kOk) return out;
    size_t at = 0;
    while (at < f.body.size()) {
      AdminAnswer a = parse_block(f.body, &at);
      if (a.result != 0) {
        out.push_back(a);
        return out;
      }
      out.push_back(a);
    }
  }
  return out;
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.security = true;
    o.session_ttl = 600;
    cluster_ = std::make_unique<Cluster>(o);
    std::string error;
    ASSERT_TRUE(cluster_->start(&error)) << error;
  }

  RawConnection connect() {
    RawConnection c;
    EXPECT_TRUE(c.connect(cluster_->seed_port()));
    return c;
  }

  // Logs `user` in on a new connection; returns it (and the token).
  RawConnection login(const std::string& user, const std::string& password, Bytes* token = nullptr) {
    RawConnection c = connect();
    AdminAnswer a = admin(c, 20, {{0, user}, {3, hash(password)}});
    EXPECT_EQ(a.result, 0);
    if (token && a.field(5)) *token = *a.field(5);
    return c;
  }

  static uint8_t read_result(RawConnection& c, const char* set = "s") {
    Msg m = keyed("test", set, digest_for(7));
    m.info1 = 0x03;  // read all bins
    auto r = call_msg(c, m);
    if (r && r->result == 2) return 0;  // allowed: the record is just not there
    return r ? r->result : 255;
  }
  static uint8_t write_result(RawConnection& c, const char* set = "s") {
    Msg m = keyed("test", set, digest_for(7));
    m.info2 = 0x01;
    m.ops.push_back(write_int("a", 1));
    auto r = call_msg(c, m);
    return r ? r->result : 255;
  }

  std::unique_ptr<Cluster> cluster_;
};

TEST_F(SecurityTest, UnauthenticatedConnectionIsRefused) {
  RawConnection c = connect();
  auto info = call_info(c, {"node"});
  ASSERT_TRUE(info);
  EXPECT_EQ(*info, "ERROR:80:not authenticated\n");
  EXPECT_EQ(read_result(c), 80);
  EXPECT_EQ(write_result(c), 80);
  // A user admin command before login is refused too.
  EXPECT_EQ(admin(c, 2, {{0, "admin"}}).result, 80);
}

TEST_F(SecurityTest, LoginAnswersTokenAndTtlAndAuthenticatesTheConnection) {
  RawConnection c = connect();
  AdminAnswer a = admin(c, 20, {{0, "admin"}, {3, hash("admin")}});
  ASSERT_EQ(a.result, 0);
  ASSERT_NE(a.field(5), nullptr);
  ASSERT_NE(a.field(6), nullptr);
  EXPECT_FALSE(a.field(5)->empty());
  EXPECT_EQ(*a.field(6), be32(600));
  auto info = call_info(c, {"node"});
  ASSERT_TRUE(info);
  EXPECT_NE(info->find("node\t"), std::string::npos);

  // Another connection authenticates with the token.
  RawConnection d = connect();
  EXPECT_EQ(admin(d, 0, {{0, "admin"}, {5, *a.field(5)}}).result, 0);
  // admin has only user-admin: no data access until it grants itself read-write.
  EXPECT_EQ(read_result(d), 81);
  EXPECT_EQ(admin(d, 5, {{0, "admin"}, {10, roles({"read-write"})}}).result, 0);
  EXPECT_EQ(write_result(d), 0);
  EXPECT_EQ(read_result(d), 0);
}

TEST_F(SecurityTest, BadPasswordUnknownUserAndBadToken) {
  RawConnection c = connect();
  EXPECT_EQ(admin(c, 20, {{0, "admin"}, {3, hash("wrong")}}).result, 62);
  EXPECT_EQ(admin(c, 20, {{0, "nobody"}, {3, hash("admin")}}).result, 60);
  EXPECT_EQ(admin(c, 0, {{0, "admin"}, {5, Bytes(32, 'x')}}).result, 65);
  EXPECT_EQ(read_result(c), 80);
}

TEST_F(SecurityTest, SessionExpiresOnTheServerClock) {
  cluster_->clock().freeze();
  Bytes token;
  RawConnection c = login("admin", "admin", &token);
  RawConnection d = connect();
  EXPECT_EQ(admin(d, 0, {{0, "admin"}, {5, token}}).result, 0);
  cluster_->clock().advance(std::chrono::seconds(601));
  RawConnection e = connect();
  EXPECT_EQ(admin(e, 0, {{0, "admin"}, {5, token}}).result, 66);
  // Connections authenticated before the expiry stay authenticated.
  EXPECT_TRUE(call_info(d, {"node"})->find("node\t") != std::string::npos);
}

TEST_F(SecurityTest, UserAndRoleAdministration) {
  RawConnection c = login("admin", "admin");
  EXPECT_EQ(admin(c, 1, {{0, "reader"}, {1, hash("pw1")}, {10, roles({"read"})}}).result, 0);
  EXPECT_EQ(admin(c, 1, {{0, "reader"}, {1, hash("pw1")}, {10, roles({"read"})}}).result, 61);
  EXPECT_EQ(admin(c, 1, {{0, "x"}, {1, hash("pw1")}, {10, roles({"no-such-role"})}}).result, 70);

  RawConnection r = login("reader", "pw1");
  EXPECT_EQ(read_result(r), 0);
  EXPECT_EQ(write_result(r), 81);
  // reader may not manage users.
  EXPECT_EQ(admin(r, 2, {{0, "admin"}}).result, 81);

  // A role scoped to one set: write in set "w" only.
  Bytes privileges = Bytes(1, 1) + char(13) + char(4) + "test" + char(1) + "w";
  EXPECT_EQ(admin(c, 10, {{11, "set-writer"}, {12, privileges}}).result, 0);
  EXPECT_EQ(admin(c, 5, {{0, "reader"}, {10, roles({"set-writer"})}}).result, 0);
  EXPECT_EQ(write_result(r, "w"), 0);
  EXPECT_EQ(write_result(r, "other"), 81);

  auto users = admin_query(c, 9, {});
  ASSERT_GE(users.size(), 3u);
  EXPECT_EQ(users.back().result, 50);
  bool found = false;
  for (const AdminAnswer& u : users) {
    if (u.field(0) && *u.field(0) == "reader") {
      found = true;
      EXPECT_EQ(*u.field(10), roles({"read", "set-writer"}));
    }
  }
  EXPECT_TRUE(found);
  auto role = admin_query(c, 16, {{11, "set-writer"}});
  ASSERT_EQ(role.size(), 2u);
  EXPECT_EQ(*role[0].field(12), privileges);

  // Password changes: own password with the old one; the old credential stops working.
  EXPECT_EQ(admin(r, 4, {{0, "reader"}, {2, hash("pw1")}, {1, hash("pw2")}}).result, 0);
  RawConnection fresh = connect();
  EXPECT_EQ(admin(fresh, 20, {{0, "reader"}, {3, hash("pw1")}}).result, 62);
  EXPECT_EQ(admin(fresh, 20, {{0, "reader"}, {3, hash("pw2")}}).result, 0);

  EXPECT_EQ(admin(c, 6, {{0, "reader"}, {10, roles({"read"})}}).result, 0);
  EXPECT_EQ(read_result(r), 81);
  EXPECT_EQ(admin(c, 11, {{11, "set-writer"}}).result, 0);
  EXPECT_EQ(write_result(r, "w"), 81);
  EXPECT_EQ(admin(c, 2, {{0, "reader"}}).result, 0);
  EXPECT_EQ(read_result(r), 80);  // the user is gone
  EXPECT_EQ(admin(c, 2, {{0, "reader"}}).result, 60);
}

}  // namespace
