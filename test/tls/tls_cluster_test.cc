// TLS end to end: the client (ClientConfig::tls) against the embedded test cluster's TLS
// listeners (test/server/tls.h). Tending, peer discovery (peers-tls-std, whose entries carry
// the tls-name) and commands all over TLS on a 3-node cluster; and every way TLS can be set
// up wrong, each a clear error naming the host and OpenSSL's reason, no socket left open,
// every command completing once.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

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

testserver::ClusterOptions tls_options(int nodes) {
  testserver::ClusterOptions o;
  o.nodes = nodes;
  o.replication_factor = nodes > 1 ? 2 : 1;
  o.tls_cert = pki().server_cert;
  o.tls_key = pki().server_key;
  o.tls_name = kTlsName;
  return o;
}

ClientConfig tls_config(const testserver::Cluster& cluster_unused, std::uint16_t port,
                        const std::string& tls_name = kTlsName) {
  (void)cluster_unused;
  ClientConfig c;
  c.seeds = {Host{"127.0.0.1", port, tls_name}};
  c.tls.enabled = true;
  c.tls.ca_file = pki().ca_cert;
  c.conn_timeout = 2000ms;
  c.tend_interval = 200ms;
  return c;
}

Key key(int i) { return Key("test", "tls", i); }

// Every connection the cluster accepted is closed again (up to a bounded wait: the server
// sees the client's close a moment later).
void expect_server_connections_closed(testserver::Cluster& cluster) {
  for (int round = 0; round < 2000; ++round) {
    std::uint64_t open = 0;
    for (std::size_t n = 0; n < cluster.size(); ++n) open += cluster.node(n).stats().open_connections();
    if (open == 0) return;
    std::this_thread::sleep_for(5ms);
  }
  for (std::size_t n = 0; n < cluster.size(); ++n) {
    EXPECT_EQ(cluster.node(n).stats().open_connections(), 0u) << "node " << n;
  }
}

class TlsClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
};

TEST_F(TlsClusterTest, ThreeNodesTendPeersAndCommandsOverTls) {
  testserver::Cluster cluster(tls_options(3));
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  ClientConfig config = tls_config(cluster, cluster.node(0).tls_port());
  config.loops = 2;
  auto connected = Client::connect(config);
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  std::unique_ptr<Client> client = std::move(*connected);
  Client& c = *client;
  EXPECT_EQ(c.stats().nodes, 3u) << "peers found through peers-tls-std";
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(c.put(key(i), {{"v", i}, {"s", std::string(i * 50, 'x')}}).get().ok()) << i;
  }
  int nodes_with_writes = 0;
  for (std::size_t n = 0; n < cluster.size(); ++n) {
    if (cluster.node(n).stats().record_requests > 0) ++nodes_with_writes;
  }
  EXPECT_EQ(nodes_with_writes, 3);
  for (int i = 0; i < 200; ++i) {
    Result<Record> r = c.get(key(i)).get();
    ASSERT_TRUE(r.ok()) << i << " " << r.status().to_string();
    EXPECT_EQ(*r->find("v")->as_int(), i);
  }
  std::vector<Key> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(key(i));
  auto rows = c.batch_get(keys).get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), keys.size());
  for (int i = 0; i < 300; ++i) {
    const BatchRecord& row = (*rows)[static_cast<std::size_t>(i)];
    if (i < 200) {
      ASSERT_EQ(row.code, 0) << i << " " << row.message;
      EXPECT_EQ(*row.record.find("v")->as_int(), i);
    } else {
      EXPECT_EQ(row.code, 2) << i;
    }
  }
  // Many commands in flight at once, from callbacks, each completing once. The burst opens a
  // few hundred TLS connections at once (a handshake each) on a busy machine, under sanitizers
  // too: a generous timeout, as this checks completions, not speed.
  std::atomic<int> done{0}, failed{0};
  std::mutex m;
  std::string first_error;
  for (int i = 0; i < 500; ++i) {
    ReadPolicy slow;
    slow.total_timeout = std::chrono::milliseconds(20000);
    slow.socket_timeout = std::chrono::milliseconds(20000);
    c.get(key(i % 200), slow, [&](Result<Record> r) {
      if (!r.ok() && failed.fetch_add(1) == 0) {
        std::lock_guard<std::mutex> g(m);
        first_error = r.status().to_string();
      }
      done.fetch_add(1);
    });
  }
  for (int round = 0; round < 4000 && done.load() < 500; ++round) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(done.load(), 500);
  EXPECT_EQ(failed.load(), 0) << first_error;
  client.reset();  // closes, then destroys the loops and with them the pooled connections
  expect_server_connections_closed(cluster);
}

// The client's failure to connect: a clear message naming the host and the reason.
std::string connect_error(ClientConfig config) {
  config.conn_timeout = 1000ms;
  auto client = Client::connect(config);
  EXPECT_FALSE(client.ok());
  const std::string m = client.ok() ? std::string() : client.status().message();
  std::printf("connect error: %s\n", m.c_str());
  return m;
}

TEST_F(TlsClusterTest, WrongTlsName) {
  testserver::Cluster cluster(tls_options(1));
  ASSERT_TRUE(cluster.start());
  const std::string port = std::to_string(cluster.node(0).tls_port());
  const std::string m = connect_error(tls_config(cluster, cluster.node(0).tls_port(), "other.test"));
  EXPECT_NE(m.find("127.0.0.1:" + port), std::string::npos) << m;
  EXPECT_NE(m.find("hostname mismatch"), std::string::npos) << m;
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, UnknownCa) {
  testserver::Cluster cluster(tls_options(1));
  ASSERT_TRUE(cluster.start());
  ClientConfig config = tls_config(cluster, cluster.node(0).tls_port());
  config.tls.ca_file = pki().other_ca_cert;
  const std::string m = connect_error(config);
  EXPECT_NE(m.find("certificate refused"), std::string::npos) << m;
  EXPECT_NE(m.find("issuer"), std::string::npos) << m;
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, ExpiredServerCertificate) {
  testserver::ClusterOptions o = tls_options(1);
  o.tls_cert = pki().expired_cert;
  o.tls_key = pki().expired_key;
  testserver::Cluster cluster(o);
  ASSERT_TRUE(cluster.start());
  const std::string m = connect_error(tls_config(cluster, cluster.node(0).tls_port()));
  EXPECT_NE(m.find("expired"), std::string::npos) << m;
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, TlsClientToClearPort) {
  testserver::Cluster cluster(tls_options(1));
  ASSERT_TRUE(cluster.start());
  const std::string m = connect_error(tls_config(cluster, cluster.node(0).port()));
  EXPECT_NE(m.find("127.0.0.1:" + std::to_string(cluster.node(0).port())), std::string::npos) << m;
  EXPECT_NE(m.find("TLS"), std::string::npos) << m;
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, ClearClientToTlsPort) {
  testserver::Cluster cluster(tls_options(1));
  ASSERT_TRUE(cluster.start());
  ClientConfig config = tls_config(cluster, cluster.node(0).tls_port());
  config.tls.enabled = false;
  const std::string m = connect_error(config);
  EXPECT_NE(m.find("127.0.0.1:" + std::to_string(cluster.node(0).tls_port())), std::string::npos) << m;
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, MutualTls) {
  testserver::ClusterOptions o = tls_options(3);
  o.tls_ca = pki().ca_cert;
  testserver::Cluster cluster(o);
  ASSERT_TRUE(cluster.start());
  ClientConfig config = tls_config(cluster, cluster.node(0).tls_port());
  // Without a client certificate: refused (TLS 1.3 reports it on the first read).
  const std::string m = connect_error(config);
  EXPECT_NE(m.find("certificate"), std::string::npos) << m;
  // With one: served.
  config.tls.cert_file = pki().client_cert;
  config.tls.key_file = pki().client_key;
  {
    auto client = Client::connect(config);
    ASSERT_TRUE(client.ok()) << client.status().to_string();
    EXPECT_EQ((*client)->stats().nodes, 3u);
    ASSERT_TRUE((*client)->put(key(1), {{"v", 1}}).get().ok());
    EXPECT_TRUE((*client)->get(key(1)).get().ok());
  }
  expect_server_connections_closed(cluster);
}

TEST_F(TlsClusterTest, BadConfigurationIsAClearError) {
  ClientConfig config;
  config.seeds = {Host{"127.0.0.1", 1}};
  config.tls.enabled = true;
  config.tls.ca_file = "/nonexistent/ca.pem";
  auto client = Client::connect(config);
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("/nonexistent/ca.pem"), std::string::npos)
      << client.status().message();
}

}  // namespace
}  // namespace aero
