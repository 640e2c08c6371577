// Security over TLS end to end: the login modes that need TLS, against the embedded test
// cluster in security mode with TLS listeners. PKI: the user is the Common Name of the client
// certificate the server verified (mutual TLS), no password is sent. External: the clear
// password travels inside TLS (this server has no LDAP and checks it like an internal user's).
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "client/admin.h"
#include "client/aerospike.h"
#include "test/certs/certs.h"
#include "test/server/cluster.h"

namespace aero {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTlsName = "cluster.test";

const testcerts::Pki& pki() {
  static const testcerts::Pki p = [] {
    std::string error;
    testcerts::Pki made = testcerts::make_pki(kTlsName, &error);
    EXPECT_TRUE(error.empty()) << error;
    return made;
  }();
  return p;
}

// A secure cluster with TLS listeners; `mutual`: client certificates required.
testserver::ClusterOptions secure_tls(int nodes, bool mutual) {
  testserver::ClusterOptions o;
  o.nodes = nodes;
  o.replication_factor = nodes > 1 ? 2 : 1;
  o.tls_cert = pki().server_cert;
  o.tls_key = pki().server_key;
  o.tls_name = kTlsName;
  if (mutual) o.tls_ca = pki().ca_cert;
  o.security = true;
  o.session_ttl = 600;
  return o;
}

// TLS with the test CA and the client certificate (CN "client").
ClientConfig tls_config(std::uint16_t port) {
  ClientConfig c;
  c.seeds = {Host{"127.0.0.1", port, kTlsName}};
  c.tls.enabled = true;
  c.tls.ca_file = pki().ca_cert;
  c.tls.cert_file = pki().client_cert;
  c.tls.key_file = pki().client_key;
  c.conn_timeout = 2000ms;
  c.tend_interval = 200ms;
  return c;
}

Key key(int i) { return Key("test", "tls-auth", static_cast<std::int64_t>(i)); }

class TlsAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
};

TEST_F(TlsAuthTest, PkiLoginIsTheClientCertificatesCommonName) {
  testserver::Cluster cluster(secure_tls(2, /*mutual=*/true));
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  ClientConfig pki_config = tls_config(cluster.node(0).tls_port());
  pki_config.auth_mode = AuthMode::pki;

  // No user "client" yet: the server refuses the certificate's identity with its own code.
  auto refused = Client::connect(pki_config);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), result::invalid_user) << refused.status().to_string();

  {
    // The administrator logs in with a password over the same TLS listeners and creates it.
    ClientConfig admin_config = tls_config(cluster.node(0).tls_port());
    admin_config.user = "admin";
    admin_config.password = "admin";
    auto admin_client = Client::connect(admin_config);
    ASSERT_TRUE(admin_client.ok()) << admin_client.status().to_string();
    Admin admin(**admin_client);
    ASSERT_TRUE(admin.create_user("client", "never-used", {"read-write"}).get().ok());
  }

  auto connected = Client::connect(pki_config);
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  Client& c = **connected;
  EXPECT_EQ(c.stats().nodes, 2u);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.put(key(i), {{"v", i}}).get().ok()) << i;
  for (int i = 0; i < 20; ++i) {
    Result<Record> r = c.get(key(i)).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("v")->as_int(), i);
  }
  EXPECT_GE(c.stats().logins, 2u) << "one login per node at least";
  // The identity is the certificate's, with the rights of that user: it cannot manage users.
  Admin self(c);
  EXPECT_EQ(self.create_user("intruder", "x", {"read-write"}).get().code(), result::role_violation);
}

TEST_F(TlsAuthTest, PkiWithoutAVerifiedClientCertificateIsRefused) {
  // The server does not ask for client certificates: the client's is never sent, so the
  // connection has no identity and a PKI login has no user.
  testserver::Cluster cluster(secure_tls(1, /*mutual=*/false));
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  {
    ClientConfig admin_config = tls_config(cluster.node(0).tls_port());
    admin_config.user = "admin";
    admin_config.password = "admin";
    auto admin_client = Client::connect(admin_config);
    ASSERT_TRUE(admin_client.ok()) << admin_client.status().to_string();
    ASSERT_TRUE(Admin(**admin_client).create_user("client", "x", {"read-write"}).get().ok());
  }
  ClientConfig pki_config = tls_config(cluster.node(0).tls_port());
  pki_config.auth_mode = AuthMode::pki;
  auto refused = Client::connect(pki_config);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), result::invalid_user) << refused.status().to_string();
}

TEST_F(TlsAuthTest, ExternalLoginSendsThePasswordInsideTls) {
  testserver::Cluster cluster(secure_tls(2, /*mutual=*/false));
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  ClientConfig config = tls_config(cluster.node(0).tls_port());
  config.auth_mode = AuthMode::external;
  config.user = "admin";
  config.password = "wrong";
  auto bad = Client::connect(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), result::invalid_password) << bad.status().to_string();

  config.password = "admin";
  auto connected = Client::connect(config);
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  EXPECT_EQ((*connected)->stats().nodes, 2u);
  // admin has user-admin only: data commands are refused with the server's code, named.
  Result<void> put = (*connected)->put(key(1), {{"v", 1}}).get();
  EXPECT_EQ(put.code(), result::role_violation) << put.status().to_string();
  ASSERT_TRUE(Admin(**connected).grant_roles("admin", {"read-write"}).get().ok());
  EXPECT_TRUE((*connected)->put(key(1), {{"v", 1}}).get().ok());
}

}  // namespace
}  // namespace aero
