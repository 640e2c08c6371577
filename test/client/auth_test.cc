// Security end to end, client -> embedded test server in security mode (user admin/admin,
// role user-admin): login at connect, errors a person can act on (wrong password, unknown
// user, a role without write privilege), user and role administration through client/admin.h,
// and a session that expires on the server while commands run (none fails: the connection
// that meets the expired token logs in again).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "client/admin.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"
#include "test/server/security/security.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;

testserver::ClusterOptions secure(int nodes = 1) {
  testserver::ClusterOptions o;
  o.nodes = nodes;
  o.security = true;
  o.session_ttl = 600;
  return o;
}

ClientConfig as(const std::string& user, const std::string& password) {
  ClientConfig c = testing::patient({});
  c.user = user;
  c.password = password;
  return c;
}

Key key(int i) { return Key("test", "auth", static_cast<std::int64_t>(i)); }

TEST(AuthTest, AdminLogsInAndNeedsADataRoleToWrite) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start(secure(2), as("admin", "admin"));
  ASSERT_NE(cc.client, nullptr);
  EXPECT_EQ(cc.client->nodes().size(), 2u);
  Result<void> put = cc.client->put(key(1), {{"v", 1}}).get();
  EXPECT_EQ(put.code(), result::role_violation) << put.status().to_string();
  Admin admin(*cc.client);
  ASSERT_TRUE(admin.grant_roles("admin", {"read-write"}).get().ok());
  ASSERT_TRUE(cc.client->put(key(1), {{"v", 1}}).get().ok());
  Result<Record> got = cc.client->get(key(1)).get();
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GE(cc.client->stats().logins, 2u);  // at least one per node
}

TEST(AuthTest, WrongPasswordAndUnknownUserAreNamed) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start_cluster(secure());
  ClientConfig c = as("admin", "not-the-password");
  c.seeds = cc.seeds;
  auto bad = Client::connect(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), result::invalid_password) << bad.status().to_string();
  EXPECT_NE(bad.status().to_string().find("INVALID_PASSWORD"), std::string::npos) << bad.status().to_string();

  c.user = "nobody";
  auto unknown = Client::connect(c);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.code(), result::invalid_user) << unknown.status().to_string();

  // Without a user the client sends no login: the server refuses the tend (80).
  ClientConfig none = testing::patient({});
  none.seeds = cc.seeds;
  auto anonymous = Client::connect(none);
  EXPECT_FALSE(anonymous.ok());
}

TEST(AuthTest, ExternalAndPkiModesNeedTls) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start_cluster(secure());
  ClientConfig c = as("admin", "admin");
  c.seeds = cc.seeds;
  c.auth_mode = AuthMode::external;
  EXPECT_EQ(Client::connect(c).code(), static_cast<int>(ClientCode::invalid_argument));
  c.auth_mode = AuthMode::pki;
  EXPECT_EQ(Client::connect(c).code(), static_cast<int>(ClientCode::invalid_argument));
  // external_insecure sends the clear password too, over plain TCP (this server checks the
  // credential as for an internal user).
  c.auth_mode = AuthMode::external_insecure;
  auto ok = Client::connect(c);
  EXPECT_TRUE(ok.ok()) << ok.status().to_string();
}

TEST(AuthTest, UserAndRoleAdministrationRoundTrips) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start(secure(), as("admin", "admin"));
  ASSERT_NE(cc.client, nullptr);
  Admin admin(*cc.client);
  ASSERT_TRUE(admin.create_user("reader", "pw1", {"read"}).get().ok());
  EXPECT_EQ(admin.create_user("reader", "pw1", {"read"}).get().code(), result::user_already_exists);
  EXPECT_EQ(admin.create_user("x", "pw", {"no-such-role"}).get().code(), result::invalid_role);

  const std::vector<PrivilegeGrant> privileges = {{Privilege::write, "test", "auth"},
                                                  {Privilege::read, "test", ""}};
  ASSERT_TRUE(admin.create_role("auth-writer", privileges).get().ok());
  EXPECT_EQ(admin.create_role("auth-writer", privileges).get().code(), result::role_already_exists);
  EXPECT_EQ(admin.create_role("bad", {{Privilege::sys_admin, "test", ""}}).get().code(),
            static_cast<int>(ClientCode::invalid_argument));

  auto roles = admin.query_roles("auth-writer").get();
  ASSERT_TRUE(roles.ok()) << roles.status().to_string();
  ASSERT_EQ(roles->size(), 1u);
  EXPECT_EQ((*roles)[0].privileges, privileges);
  auto all_roles = admin.query_roles().get();
  ASSERT_TRUE(all_roles.ok());
  EXPECT_GE(all_roles->size(), 11u);  // ten predefined and ours

  ASSERT_TRUE(admin.grant_roles("reader", {"auth-writer"}).get().ok());
  auto users = admin.query_users().get();
  ASSERT_TRUE(users.ok()) << users.status().to_string();
  auto reader = std::find_if(users->begin(), users->end(), [](const UserRoles& u) { return u.name == "reader"; });
  ASSERT_NE(reader, users->end());
  EXPECT_EQ(reader->roles, (std::vector<std::string>{"read", "auth-writer"}));
  EXPECT_EQ(admin.query_users("nobody").get().code(), result::invalid_user);

  ASSERT_TRUE(admin.revoke_roles("reader", {"auth-writer"}).get().ok());
  ASSERT_TRUE(admin.set_password("reader", "pw2").get().ok());
  ASSERT_TRUE(admin.grant_privileges("auth-writer", {{Privilege::read_write_udf, "", ""}}).get().ok());
  ASSERT_TRUE(admin.revoke_privileges("auth-writer", {{Privilege::read_write_udf, "", ""}}).get().ok());
  ASSERT_TRUE(admin.drop_role("auth-writer").get().ok());
  EXPECT_EQ(admin.drop_role("auth-writer").get().code(), result::invalid_role);

  // The reader logs in with the new password and changes it with the old one.
  ClientConfig rc = as("reader", "pw2");
  rc.seeds = cc.seeds;
  auto rclient = Client::connect(rc);
  ASSERT_TRUE(rclient.ok()) << rclient.status().to_string();
  Admin self(**rclient);
  EXPECT_EQ(self.drop_user("admin").get().code(), result::role_violation);
  ASSERT_TRUE(self.change_password("reader", "pw2", "pw3").get().ok());
  ASSERT_TRUE(admin.drop_user("reader").get().ok());
  EXPECT_EQ(admin.drop_user("reader").get().code(), result::invalid_user);
}

TEST(AuthTest, UserWithoutWritePrivilegeGetsRoleViolation) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start(secure(), as("admin", "admin"));
  ASSERT_NE(cc.client, nullptr);
  Admin admin(*cc.client);
  ASSERT_TRUE(admin.grant_roles("admin", {"read-write"}).get().ok());
  ASSERT_TRUE(cc.client->put(key(2), {{"v", 2}}).get().ok());
  ASSERT_TRUE(admin.create_user("ro", "ro-pw", {"read"}).get().ok());

  ClientConfig c = as("ro", "ro-pw");
  c.seeds = cc.seeds;
  auto ro = Client::connect(c);
  ASSERT_TRUE(ro.ok()) << ro.status().to_string();
  Result<Record> got = (*ro)->get(key(2)).get();
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  Result<void> put = (*ro)->put(key(2), {{"v", 3}}).get();
  EXPECT_EQ(put.code(), result::role_violation);
  EXPECT_NE(put.status().to_string().find("ROLE_VIOLATION"), std::string::npos) << put.status().to_string();
}

TEST(AuthTest, SessionExpiringOnTheServerFailsNoCommand) {
  AERO_EMBEDDED_ONLY("moves the server's clock");
  ClientConfig config = as("admin", "admin");
  // Every command takes a new connection after a millisecond of idleness: new connections
  // keep authenticating while the server's clock jumps past the session TTL.
  config.max_socket_idle = 1ms;
  auto cc = ClusterClient::start(secure(), config);
  ASSERT_NE(cc.client, nullptr);
  cc.cluster->clock().freeze();
  Admin admin(*cc.client);
  ASSERT_TRUE(admin.grant_roles("admin", {"read-write"}).get().ok());

  std::atomic<int> failed{0};
  std::atomic<int> done{0};
  std::string first_error;
  std::mutex m;
  constexpr int kRounds = 4;
  constexpr int kPerRound = 200;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kPerRound; ++i) {
      cc.client->put(key(i), {{"v", round}}, cc.client->config().write, [&](Result<void> r) {
        if (!r.ok()) {
          std::lock_guard<std::mutex> g(m);
          if (failed.fetch_add(1) == 0) first_error = r.status().to_string();
        }
        done.fetch_add(1);
      });
      if (i == kPerRound / 2) cc.cluster->clock().advance(std::chrono::seconds(601));  // mid-load
    }
    ASSERT_TRUE(testing::wait_until([&] { return done.load() == (round + 1) * kPerRound; }, 30s));
  }
  EXPECT_EQ(failed.load(), 0) << first_error;
  const ClientStats s = cc.client->stats();
  EXPECT_GE(s.session_renewals, 1u);  // the server did refuse expired tokens
  EXPECT_GE(s.logins, 2u);
  EXPECT_GE(cc.cluster->security()->authentications_refused(), 1u);
}

TEST(AuthTest, TenderRenewsTokensBeforeTheyGoStale) {
  AERO_EMBEDDED_ONLY("a test server with a short session TTL");
  testserver::ClusterOptions o = secure();
  o.session_ttl = 2;  // the client treats the token as stale after 1.5 s and renews before
  ClientConfig config = as("admin", "admin");
  config.tend_interval = 100ms;
  auto cc = ClusterClient::start(o, config);
  ASSERT_NE(cc.client, nullptr);
  const std::uint64_t logins = cc.client->stats().logins;
  ASSERT_TRUE(testing::wait_until([&] { return cc.client->stats().logins >= logins + 2; }, 20s));
  // Renewed ahead of time: the server never had to refuse an expired token.
  EXPECT_EQ(cc.client->stats().session_renewals, 0u);
  Admin admin(*cc.client);
  auto users = admin.query_users("admin").get();
  EXPECT_TRUE(users.ok()) << users.status().to_string();
}

TEST(AuthTest, DroppedUserIsRefusedWithTheServersCode) {
  AERO_EMBEDDED_ONLY("a test server in security mode");
  auto cc = ClusterClient::start(secure(), as("admin", "admin"));
  ASSERT_NE(cc.client, nullptr);
  Admin admin(*cc.client);
  ASSERT_TRUE(admin.create_user("temp", "pw", {"read-write"}).get().ok());
  ClientConfig c = as("temp", "pw");
  c.seeds = cc.seeds;
  auto temp = Client::connect(c);
  ASSERT_TRUE(temp.ok()) << temp.status().to_string();
  ASSERT_TRUE((*temp)->put(key(5), {{"v", 5}}).get().ok());
  ASSERT_TRUE(admin.drop_user("temp").get().ok());
  // The pooled connection is no longer trusted (80); a new one cannot log in (60).
  WritePolicy once = cc.client->config().write;
  for (int expected : {result::not_authenticated, result::invalid_user}) {
    Result<void> put = (*temp)->put(key(5), {{"v", 6}}, once).get();
    EXPECT_EQ(put.code(), expected) << put.status().to_string();
  }
}

}  // namespace
}  // namespace aero
