// End-to-end fixture for the collection, bit and HLL operations: one embedded test-server
// node (or the cluster named in AEROSPIKE_TEST_HOSTS) and a client over real sockets
// (test/client/fixture.h).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/aerospike.h"
#include "test/client/fixture.h"

namespace aero::cdt::testing {

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = aero::testing::ClusterClient::start({.nodes = 1});
    ASSERT_NE(cc_.client, nullptr);
  }
  Client& client() { return *cc_.client; }

  // operate, expecting success; failures carry the server's code and message.
  Record run(const Key& k, std::vector<Operation> ops) {
    Result<Record> r = client().operate(k, ops).get();
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : Record{};
  }
  // operate, expecting the server's result code `code`.
  void fails(const Key& k, std::vector<Operation> ops, int code) {
    Result<Record> r = client().operate(k, ops).get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), code) << r.status().to_string();
  }
  // The bin as stored now.
  Value stored(const Key& k, const std::string& bin) {
    Result<Record> r = client().get(k).get();
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    const Value* v = r.ok() ? r->find(bin) : nullptr;
    return v ? *v : Value();
  }

  aero::testing::ClusterClient cc_;
};

// The test's own set on an external cluster (test/client/test_cluster.h).
inline Key key(int64_t k) { return Key("test", aero::testing::test_set("cdt"), k); }
inline Value L(std::vector<Value> items) { return Value(List{std::move(items)}); }

}  // namespace aero::cdt::testing
