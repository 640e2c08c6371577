// State shared by every node of one test cluster: options, the record store, the clock, the
// partition map, and what each node advertises (id, port, generations).
//
// Threads: everything here may be read from any thread. The partition map is swapped as a
// whole snapshot under a mutex; counters are atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "test/server/clock.h"
#include "test/server/jobs.h"
#include "test/server/options.h"
#include "test/server/partition_map.h"
#include "test/server/security/security.h"
#include "test/server/store.h"

namespace aero::testserver {

namespace udf {
class UdfRegistry;
}
class BackgroundRunner;
class TlsServerContext;

// What one node advertises to clients and to its peers.
struct NodeAdvert {
  uint64_t id = 0;
  std::string id_hex;  // "BB9000000000001": how `node` and peers lists print it
  std::atomic<uint16_t> port{0};
  std::atomic<uint16_t> tls_port{0};  // 0 when TLS is off (or before the first start)
  std::atomic<bool> listed{true};  // part of the cluster (peers lists, partition balance)
  std::atomic<int64_t> partition_generation{0};
  std::atomic<uint32_t> rebalance_generation{1};
  std::atomic<uint32_t> peers_generation{0};
};

class ClusterState {
 public:
  explicit ClusterState(const ClusterOptions& options);
  ~ClusterState();

  const ClusterOptions& options() const { return options_; }
  Store& store() { return store_; }
  Clock& clock() { return clock_; }
  // Users, roles and sessions (ClusterOptions::security); nullptr without security.
  security::Security* security() { return security_.get(); }
  size_t node_count() const { return adverts_.size(); }
  NodeAdvert& advert(size_t i) { return *adverts_[i]; }
  const NodeAdvert& advert(size_t i) const { return *adverts_[i]; }

  // Index of a namespace in options().namespaces, or -1.
  int namespace_index(std::string_view name) const;

  std::shared_ptr<const PartitionMap> map() const;
  void set_map(std::shared_ptr<const PartitionMap> map);
  // Changes whenever set_map() publishes a new map (cheap check before map()).
  uint64_t map_version() const { return map_version_.load(std::memory_order_acquire); }

  NotOwnerPolicy not_owner_policy() const { return policy_.load(std::memory_order_acquire); }
  void set_not_owner_policy(NotOwnerPolicy p) { policy_.store(p, std::memory_order_release); }

  // Node `i`'s scan and query jobs (query-show).
  JobTable& jobs(size_t i) { return *jobs_[i]; }
  // The UDF modules registered on the cluster (udf/registry.h).
  udf::UdfRegistry& udfs() { return *udfs_; }
  // Runs background scans and queries asynchronously (background.h).
  BackgroundRunner& background() { return *background_; }

  // The TLS context of the cluster's TLS listeners (null when TLS is off); set once by
  // Cluster::start before any node starts.
  void set_tls(std::shared_ptr<TlsServerContext> tls) { tls_ = std::move(tls); }
  const TlsServerContext* tls() const { return tls_.get(); }

  // Seconds since the cluster object was created (the `uptime` statistic).
  int64_t uptime_seconds() const;

  // User agents (`user-agent-set:value=<base64>`, sent by 8.1+ clients): what each open
  // connection of node `node` sent, decoded. `connection` identifies the connection while it
  // is open; forget_user_agent() when it closes. Any thread.
  void set_user_agent(int node, std::uintptr_t connection, std::string agent);
  void forget_user_agent(int node, std::uintptr_t connection);
  // The agents of node `node`'s open connections, one per connection that sent one, sorted.
  std::vector<std::string> user_agents(int node) const;

 private:
  const ClusterOptions options_;
  Store store_;
  Clock clock_;
  std::unique_ptr<security::Security> security_;
  std::vector<std::unique_ptr<NodeAdvert>> adverts_;
  std::vector<std::unique_ptr<JobTable>> jobs_;
  mutable std::mutex map_mutex_;
  std::shared_ptr<const PartitionMap> map_;
  std::atomic<uint64_t> map_version_{0};
  std::atomic<NotOwnerPolicy> policy_;
  const std::chrono::steady_clock::time_point created_;
  std::shared_ptr<TlsServerContext> tls_;
  std::unique_ptr<udf::UdfRegistry> udfs_;
  mutable std::mutex user_agents_mutex_;
  std::map<std::pair<int, std::uintptr_t>, std::string> user_agents_;
  std::unique_ptr<BackgroundRunner> background_;  // last: its thread stops first
};

std::string node_id_hex(uint64_t id);

}  // namespace aero::testserver
