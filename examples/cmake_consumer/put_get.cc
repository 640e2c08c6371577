// The smallest use of the installed client from a CMake project: start an embedded one-node test
// cluster, connect, write a record, read it back. Prints "put_get: ok" and exits 0 on success.
#include <cstdio>
#include <memory>
#include <string>

#include "client/aerospike.h"
#include "client/sync_client.h"
#include "test/server/cluster.h"

int main() {
  aero::testserver::Cluster cluster(aero::testserver::ClusterOptions{.nodes = 1});
  std::string error;
  if (!cluster.start(&error)) {
    std::fprintf(stderr, "cannot start the test cluster: %s\n", error.c_str());
    return 1;
  }

  aero::ClientConfig config;
  config.seeds.push_back({"127.0.0.1", cluster.seed_port()});
  auto connected = aero::Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect: %s\n", connected.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<aero::Client> client = std::move(connected).value();
  aero::SyncClient sync(*client);

  aero::Key key("test", "consumer", "hello");
  aero::Result<void> put = sync.put(key, {{"greeting", "hello"}, {"count", 42}});
  if (!put.ok()) {
    std::fprintf(stderr, "put: %s\n", put.status().to_string().c_str());
    return 1;
  }
  aero::Result<aero::Record> got = sync.get(key);
  if (!got.ok()) {
    std::fprintf(stderr, "get: %s\n", got.status().to_string().c_str());
    return 1;
  }
  const aero::Value* count = got->find("count");
  if (count == nullptr || count->as_int() == nullptr || *count->as_int() != 42) {
    std::fprintf(stderr, "get: unexpected record\n");
    return 1;
  }
  client->close();
  std::printf("put_get: ok (aerospike_async %s)\n", std::string(aero::kVersion).c_str());
  return 0;
}
