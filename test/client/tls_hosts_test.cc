// TLS against any cluster with TLS listeners, on every platform (the Windows build runs it
// under Wine over IOCP): AEROSPIKE_TEST_TLS_HOSTS=host:tls-name:port[,...] names the TLS seeds
// and AEROSPIKE_TEST_TLS_CA the CA file that signed the nodes' certificates. tools/test_external.sh
// and tools/test_windows.sh start the test server with TLS listeners and set both. Without
// them every test here is skipped, with that reason printed.
//
// Checked: tending and peer discovery over TLS (peers-tls-std), commands on every node, many
// in flight at once each completing once, and the two mistakes a user makes first (a wrong
// tls-name, a plaintext client on the TLS port) as clear errors.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/aerospike.h"

namespace aero {
namespace {

using namespace std::chrono_literals;

// "host:tls-name:port,..." -> seeds; empty when unset or malformed (the reason printed).
std::vector<Host> tls_hosts() {
  const char* text = std::getenv("AEROSPIKE_TEST_TLS_HOSTS");
  std::vector<Host> hosts;
  if (text == nullptr) return hosts;
  std::string all(text);
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find(',', start);
    if (end == std::string::npos) end = all.size();
    const std::string entry = all.substr(start, end - start);
    const std::size_t a = entry.find(':'), b = entry.rfind(':');
    const int port = (a != std::string::npos && b > a) ? std::atoi(entry.c_str() + b + 1) : 0;
    if (port <= 0 || port > 65535) {
      std::fprintf(stderr, "AEROSPIKE_TEST_TLS_HOSTS: bad entry '%s' (host:tls-name:port)\n",
                   entry.c_str());
      return {};
    }
    hosts.push_back(
        Host{entry.substr(0, a), static_cast<std::uint16_t>(port), entry.substr(a + 1, b - a - 1)});
    start = end + 1;
  }
  return hosts;
}

std::string tls_ca() {
  const char* ca = std::getenv("AEROSPIKE_TEST_TLS_CA");
  return ca != nullptr ? ca : "";
}

class TlsHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hosts_ = tls_hosts();
    if (hosts_.empty() || tls_ca().empty()) {
      GTEST_SKIP() << "needs a cluster with TLS listeners: AEROSPIKE_TEST_TLS_HOSTS "
                      "(host:tls-name:port,...) and AEROSPIKE_TEST_TLS_CA are not set";
    }
  }
  ClientConfig config() const {
    ClientConfig c;
    c.seeds = {hosts_.front()};
    c.tls.enabled = true;
    c.tls.ca_file = tls_ca();
    c.conn_timeout = 5000ms;
    c.tend_interval = 200ms;
    return c;
  }
  std::vector<Host> hosts_;
};

Key key(int i) { return Key("test", "tls_hosts", static_cast<std::int64_t>(i)); }

TEST_F(TlsHostsTest, TendPeersAndCommandsOverTls) {
  auto connected = Client::connect(config());
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  Client& c = **connected;
  EXPECT_EQ(c.stats().nodes, hosts_.size()) << "every node found through peers-tls-std";
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(c.put(key(i), {{"v", i}, {"s", std::string(static_cast<std::size_t>(i) * 40, 'x')}})
                    .get()
                    .ok())
        << i;
  }
  for (int i = 0; i < 100; ++i) {
    Result<Record> r = c.get(key(i)).get();
    ASSERT_TRUE(r.ok()) << i << " " << r.status().to_string();
    EXPECT_EQ(*r->find("v")->as_int(), i);
  }
  std::vector<Key> keys;
  for (int i = 0; i < 120; ++i) keys.push_back(key(i));
  auto rows = c.batch_get(keys).get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  for (int i = 0; i < 120; ++i) {
    EXPECT_EQ((*rows)[static_cast<std::size_t>(i)].code, i < 100 ? 0 : 2) << i;
  }
  // 300 commands in flight from callbacks (new TLS connections among them), each completing once.
  std::atomic<int> done{0}, failed{0};
  std::mutex m;
  std::string first_error;
  ReadPolicy patient;
  patient.total_timeout = 20000ms;
  patient.socket_timeout = 20000ms;
  for (int i = 0; i < 300; ++i) {
    c.get(key(i % 100), patient, [&](Result<Record> r) {
      if (!r.ok() && failed.fetch_add(1) == 0) {
        std::lock_guard<std::mutex> g(m);
        first_error = r.status().to_string();
      }
      done.fetch_add(1);
    });
  }
  for (int round = 0; round < 6000 && done.load() < 300; ++round) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(done.load(), 300);
  EXPECT_EQ(failed.load(), 0) << first_error;
}

TEST_F(TlsHostsTest, WrongTlsNameIsAClearError) {
  ClientConfig c = config();
  c.seeds.front().tls_name = "not-the-name.test";
  c.conn_timeout = 2000ms;
  auto client = Client::connect(c);
  ASSERT_FALSE(client.ok());
  const std::string m = client.status().message();
  EXPECT_NE(m.find("mismatch"), std::string::npos) << m;
}

TEST_F(TlsHostsTest, PlaintextClientOnTheTlsPortFails) {
  ClientConfig c = config();
  c.tls = TlsConfig{};
  c.conn_timeout = 2000ms;
  auto client = Client::connect(c);
  EXPECT_FALSE(client.ok());
}

}  // namespace
}  // namespace aero
