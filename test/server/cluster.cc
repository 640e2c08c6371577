#include "test/server/cluster.h"

#include <mutex>

#include "test/server/cluster_state.h"
#include "test/server/partition_map.h"
#include "test/server/tls.h"

namespace aero::testserver {

namespace {

bool validate(const ClusterOptions& o, std::string* error) {
  auto fail = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  if (o.nodes < 1 || o.nodes > kMaxNodes) return fail("nodes must be 1..8");
  if (o.replication_factor < 1) return fail("replication factor must be at least 1");
  if (o.namespaces.empty() || o.namespaces.size() > 32) return fail("1..32 namespaces");
  for (const std::string& ns : o.namespaces) {
    if (ns.empty() || ns.size() > 31) return fail("namespace names must be 1..31 bytes");
    if (ns.find_first_of(":;,\t\n") != std::string::npos) {
      return fail("namespace name has a separator character: " + ns);
    }
  }
  if (o.loops_per_node < 1 || o.loops_per_node > 64) return fail("loops_per_node 1..64");
  if (o.port != 0 && uint32_t(o.port) + uint32_t(o.nodes - 1) * o.port_step > 65535) {
    return fail("ports out of range");
  }
  if (o.tls_port != 0 && uint32_t(o.tls_port) + uint32_t(o.nodes - 1) * o.port_step > 65535) {
    return fail("TLS ports out of range");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) return fail("TLS needs both tls_cert and tls_key");
  if (o.tls_cert.empty() && (!o.tls_ca.empty() || o.tls_port != 0 || !o.tls_name.empty())) {
    return fail("TLS options given without tls_cert and tls_key");
  }
  if (o.tls_name.find_first_of(",[]:;\t\n") != std::string::npos) {
    return fail("tls_name has a separator character: " + o.tls_name);
  }
  return true;
}

// True if `node` holds a different set of (partition, column) cells in `a` and `b`.
bool share_changed(const PartitionMap& a, const PartitionMap& b, int node) {
  for (size_t ns = 0; ns < a.owners.size(); ++ns) {
    for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
      if (a.column_of(ns, pid, node) != b.column_of(ns, pid, node)) return true;
    }
  }
  return a.n_replicas != b.n_replicas;
}

}  // namespace

Cluster::Cluster(ClusterOptions options)
    : options_(std::move(options)), state_(std::make_unique<ClusterState>(options_)) {}

Cluster::~Cluster() { stop(); }

Clock& Cluster::clock() { return state_->clock(); }
security::Security* Cluster::security() { return state_->security(); }

bool Cluster::start(std::string* error) {
  std::lock_guard<std::mutex> lock(topology_mutex_);
  if (!nodes_.empty()) {  // started before: restart the nodes that are down
    for (auto& n : nodes_) {
      if (!n->start(error)) return false;
    }
    return true;
  }
  if (!validate(options_, error)) return false;
  if (!options_.tls_cert.empty()) {
    std::shared_ptr<TlsServerContext> tls = TlsServerContext::create(options_, error);
    if (!tls) return false;
    state_->set_tls(std::move(tls));
  }
  std::vector<uint64_t> ids;
  std::vector<bool> live(size_t(options_.nodes), true);
  for (int i = 0; i < options_.nodes; ++i) {
    ids.push_back(state_->advert(size_t(i)).id);
    // Mimics the captured cluster: each peer counts twice (it appears, then its address).
    state_->advert(size_t(i)).peers_generation.store(uint32_t(2 * (options_.nodes - 1)));
    state_->advert(size_t(i)).listed.store(true);
  }
  state_->set_map(balance_partitions(ids, live, options_.namespaces.size(),
                                     uint32_t(options_.replication_factor)));
  for (int i = 0; i < options_.nodes; ++i) {
    nodes_.push_back(std::make_unique<Node>(*state_, i));
  }
  for (auto& n : nodes_) {
    if (!n->start(error)) {
      for (auto& m : nodes_) m->stop();
      nodes_.clear();
      return false;
    }
  }
  return true;
}

void Cluster::stop() {
  std::lock_guard<std::mutex> lock(topology_mutex_);
  for (auto& n : nodes_) n->stop();
}

std::vector<std::string> Cluster::addresses() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n->address());
  return out;
}

std::vector<std::string> Cluster::user_agents(size_t i) const {
  return state_->user_agents(static_cast<int>(i));
}

size_t Cluster::record_count(std::string_view ns) {
    Namespace* n = state_->store().find(ns);
  return n == nullptr ? 0 : n->live_count(state_->clock().now());
}

std::optional<Record> Cluster::record(std::string_view ns, const uint8_t* digest) {
    Namespace* n = state_->store().find(ns);
  if (n == nullptr) return std::nullopt;
  Partition& p = n->partition(wire::partition_of(digest));
  std::lock_guard<std::mutex> lock(p.mutex);
  Record* r = find_live(p.records, digest_from(digest), state_->clock().now());
  if (r == nullptr) return std::nullopt;
  return *r;
}

bool Cluster::put_record(std::string_view ns, const uint8_t* digest, Record r) {
  Namespace* n = state_->store().find(ns);
  if (n == nullptr) return false;
  Partition& p = n->partition(wire::partition_of(digest));
  std::lock_guard<std::mutex> lock(p.mutex);
  p.records[digest_from(digest)] = std::move(r);
  return true;
}

bool Cluster::truncate(std::string_view ns, std::string_view set) {
    Namespace* n = state_->store().find(ns);
  if (n == nullptr) return false;
  n->truncate(set);
  return true;
}

bool Cluster::create_index(std::string_view ns, std::string_view set, std::string_view bin,
                           IndexType type, std::string_view name) {
  Namespace* n = state_->store().find(ns);
  if (n == nullptr) return false;
  IndexDef def;
  def.name = name;
  def.set = set;
  def.bin = bin;
  def.type = type;
  return n->create_index(def) == wire::result::kOk;
}

std::vector<int> Cluster::replicas(std::string_view ns, uint32_t pid) const {
  std::vector<int> out;
  if (pid >= wire::kPartitions) return out;
  const int nsi = state_->namespace_index(ns);
  auto map = state_->map();
  if (nsi < 0 || !map) return out;
  for (uint32_t c = 0; c < map->n_replicas; ++c) {
    const int owner = map->owners[size_t(nsi)][pid][c];
    if (owner >= 0) out.push_back(owner);
  }
  return out;
}

void Cluster::publish(std::shared_ptr<PartitionMap> map, const std::vector<bool>& listed) {
  auto old = state_->map();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodeAdvert& a = state_->advert(i);
    if (a.listed.load() != listed[i]) {
      a.listed.store(listed[i]);
      // Every other member's peer list changed.
      for (size_t j = 0; j < nodes_.size(); ++j) {
        if (j != i) state_->advert(j).peers_generation.fetch_add(1);
      }
    }
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!old || share_changed(*old, *map, int(i))) {
      state_->advert(i).partition_generation.fetch_add(1);
      state_->advert(i).rebalance_generation.fetch_add(1);
    }
  }
  state_->set_map(std::move(map));
}

bool Cluster::migrate_partition(std::string_view ns, uint32_t pid, size_t to_node) {
  std::lock_guard<std::mutex> lock(topology_mutex_);
  if (pid >= wire::kPartitions || to_node >= nodes_.size()) return false;
  const int nsi = state_->namespace_index(ns);
  auto old = state_->map();
  if (nsi < 0 || !old) return false;
  auto map = std::make_shared<PartitionMap>(*old);
  PartitionMap::Owners& o = map->owners[size_t(nsi)][pid];
  PartitionMap::Owners next;
  next.fill(-1);
  next[0] = int8_t(to_node);
  uint32_t c = 1;
  for (uint32_t k = 0; k < map->n_replicas && c < map->n_replicas; ++k) {
    if (o[k] >= 0 && o[k] != int8_t(to_node)) next[c++] = o[k];
  }
  o = next;
  std::vector<bool> listed;
  for (size_t i = 0; i < nodes_.size(); ++i) listed.push_back(state_->advert(i).listed.load());
  publish(std::move(map), listed);
  return true;
}

void Cluster::rebalance() {
  std::lock_guard<std::mutex> lock(topology_mutex_);
  if (nodes_.empty()) return;
  std::vector<uint64_t> ids;
  std::vector<bool> listed;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    ids.push_back(state_->advert(i).id);
    listed.push_back(nodes_[i]->running());
  }
  publish(balance_partitions(ids, listed, options_.namespaces.size(),
                             uint32_t(options_.replication_factor)),
          listed);
}

void Cluster::set_not_owner_policy(NotOwnerPolicy policy) {
  state_->set_not_owner_policy(policy);
}

}  // namespace aero::testserver
