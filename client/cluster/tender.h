// Tender: keeps the client's view of the cluster current (protocol reference §7.5).
//
// Seeds -> validated nodes -> peers -> partition maps. The first tend runs inside
// Client::connect(); then a thread tends every ClientConfig::tend_interval: it refreshes
// every node (`node`, `peers-generation`, `partition-generation`), re-reads peers only when a
// peers generation changed or a node failed, re-reads a node's `replicas` only when its
// partition generation changed, removes nodes that left or keep failing, and publishes a
// new immutable ClusterSnapshot when anything changed. It also trims idle connections.
//
// Threads: start()/stop() from the client's controlling thread; everything else runs on the
// tender's own thread. Loops are reached only by posting tasks to them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/cluster/cluster.h"
#include "client/cluster/info_client.h"
#include "client/cluster/node.h"
#include "client/metrics/metrics.h"
#include "client/wire/peers.h"
#include "client/policy.h"
#include "client/status.h"
#include "io/loop.h"

namespace aero::cluster {

// Partitions one node claims in one namespace (from its `replicas` answer).
struct NodeOwnership {
  std::string ns;
  std::uint32_t regime = 0;
  int replicas = 0;
  std::vector<std::array<std::uint8_t, kPartitions / 8>> columns;  // bitmap per replica column
};

// With TLS (ClientConfig::tls) the client hands the tender its TLS pieces, so the tender
// itself never sees OpenSSL: the info loop (a TLS loop) and where to note each node's
// tls-name (seeds' Host::tls_name, peers-tls-std entries).
struct TlsHooks {
  bool enabled = false;
  std::function<void(const io::Endpoint&, const std::string&)> set_name;
  std::unique_ptr<io::Loop> info_loop;
};

class Tender {
 public:
  // `session`: the login state when the client has a user (nullptr otherwise); tend
  // connections log in through it and the tender renews tokens before they go stale.
  // `tls`: set when the client speaks TLS (the tend loop, and where tls-names go).
  Tender(const ClientConfig& config, Cluster& cluster, std::vector<io::Loop*> loops,
         std::shared_ptr<auth::Session> session = nullptr, TlsHooks tls = {});
  ~Tender();

  // Seeds the cluster and runs the first full tend on the calling thread. Fails when no
  // seed answers (if fail_if_not_connected), or when no node could be validated.
  Status connect();
  // Starts the periodic tend thread.
  void start();
  // Stops the thread and closes the tend connections.
  void stop();

  // Runs one tend now, on the calling thread (tests; the thread must not be running).
  void tend_once();

  std::uint64_t tend_count() const { return tends_.load(std::memory_order_relaxed); }
  // Nodes followed to a new address (a restart elsewhere, or a seed name that moved).
  std::uint64_t nodes_moved() const { return nodes_moved_.load(std::memory_order_relaxed); }
  // Any thread: tends, failed node refreshes, maps published, nodes added and removed.
  metrics::ClusterMetrics metrics() const {
    metrics::ClusterMetrics m;
    m.tends = tend_count();
    m.tend_failures = tend_failures_.load(std::memory_order_relaxed);
    m.partition_map_changes = map_changes_.load(std::memory_order_relaxed);
    m.nodes_added = nodes_added_.load(std::memory_order_relaxed);
    m.nodes_removed = nodes_removed_.load(std::memory_order_relaxed);
    return m;
  }

 private:
  struct NodeInfo {
    NodePtr node;
    InfoConnection conn;
    std::vector<NodeOwnership> ownership;
    // When `ownership` was fetched (Tender::ownership_fetches_ at that moment; 0 = never).
    // publish() applies older claims first, so a fresher claim on a partition wins over a
    // stale one (e.g. of a node that stopped answering and still claims what it had).
    std::uint64_t ownership_fetched = 0;
    std::vector<std::pair<std::string, int>> racks;  // namespace -> rack (rack-aware only)
  };

  void run();
  // Validates the node at `address`: answers `node` (optionally equal to `expected_name`),
  // a partition generation other than -1, and the configured cluster name.
  Result<std::string> validate(const io::Endpoint& address, const std::string& expected_name,
                               InfoConnection& conn);
  NodeInfo* add_node(const std::string& name, const io::Endpoint& address, InfoConnection conn);
  // Validates the seeds (host names resolved again) and adds the nodes not known yet; a known
  // node that is failing and answers under a seed's new address is moved there.
  void seed(std::string& errors);
  // The node `info` answers at `address` now: its old Node retires (pools closed) and a new
  // one with the same name takes its place.
  void move_node(NodeInfo& info, const io::Endpoint& address, InfoConnection conn);
  void follow_moved_peer(NodeInfo& known, const wire::Peer& peer);
  // Deactivates the node and closes its tend connection and (on each loop) its pools.
  void retire(NodeInfo& info);
  NodeInfo* find(const std::string& name);
  void refresh_nodes();
  // Security: a node whose token goes stale within two tends gets a new login now (its
  // token is forgotten and its tend connection reopened, which logs in).
  void renew_sessions();
  bool refresh_peers();
  bool refresh_partitions();
  bool remove_nodes();
  void publish();
  // Per loop: closes idle connections past max_socket_idle and opens connections up to
  // async_min_conns_per_node.
  void balance_pools();
  // Circuit breaker: every ClientConfig::error_rate_window tends, the nodes' error counts
  // start again from zero.
  void end_error_window();
  // The info command listing the peers' addresses (ClientConfig::use_services_alternate).
  const char* peers_command() const;
  std::vector<io::Endpoint> resolve_seeds(std::string& errors);
  void note_tls_name(const io::Endpoint& address, const std::string& tls_name);

  ClientConfig config_;
  Cluster& cluster_;
  std::vector<io::Loop*> loops_;
  std::shared_ptr<auth::Session> session_;
  std::vector<int> max_conns_;
  std::vector<int> min_conns_;
  TlsHooks tls_;
  InfoClient info_;
  std::vector<std::unique_ptr<NodeInfo>> nodes_;
  bool nodes_changed_ = false;
  int seed_refused_ = 0;  // the last seed(): the security code every failing seed answered
  int tends_in_error_window_ = 0;
  std::uint64_t ownership_fetches_ = 0;

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> tends_{0};
  std::atomic<std::uint64_t> nodes_moved_{0};
  std::atomic<std::uint64_t> tend_failures_{0};
  std::atomic<std::uint64_t> map_changes_{0};
  std::atomic<std::uint64_t> nodes_added_{0};
  std::atomic<std::uint64_t> nodes_removed_{0};
  static void bump(std::atomic<std::uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  // ClientConfig::log, when set and `level` is enabled.
  bool logs(LogLevel level) const { return config_.log && level <= config_.log_level; }
  void log(LogLevel level, const std::string& message) const {
    if (logs(level)) config_.log(level, "tend", message);
  }
};

}  // namespace aero::cluster
