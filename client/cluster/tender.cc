#include "client/cluster/tender.h"

#include <algorithm>
#include <charconv>

#include "client/auth/session.h"
#include "client/cluster/user_agent.h"
#include "client/wire/info.h"
#include "client/wire/peers.h"
#include "client/wire/replicas.h"
#include "io/resolve.h"

namespace aero::cluster {

namespace {

std::int64_t to_int(std::string_view s, std::int64_t fallback) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

// The value of `name` in an info answer, or nullopt.
std::optional<std::string> info_value(const std::string& body, std::string_view name) {
  auto parsed = wire::parse_info_response(body);
  if (!parsed.ok()) return std::nullopt;
  auto v = wire::find_info(*parsed, name);
  if (!v) return std::nullopt;
  return std::string(*v);
}

// Splits `total` over `parts`, the remainder to the first parts (as the C client).
std::vector<int> split(int total, std::size_t parts) {
  std::vector<int> out(parts, 0);
  for (std::size_t i = 0; i < parts; ++i) {
    out[i] = total / static_cast<int>(parts) + (static_cast<int>(i) < total % static_cast<int>(parts) ? 1 : 0);
  }
  return out;
}

}  // namespace

Tender::Tender(const ClientConfig& config, Cluster& cluster, std::vector<io::Loop*> loops,
               std::shared_ptr<auth::Session> session, TlsHooks tls)
    : config_(config),
      cluster_(cluster),
      loops_(std::move(loops)),
      session_(session),
      max_conns_(split(std::max(1, config.async_max_conns_per_node), loops_.size())),
      min_conns_(split(std::max(0, config.async_min_conns_per_node), loops_.size())),
      tls_(std::move(tls)),
      info_(config.conn_timeout, std::move(tls_.info_loop), std::move(session)) {
  for (int& m : max_conns_) m = std::max(m, 1);
}

Tender::~Tender() { stop(); }

std::vector<io::Endpoint> Tender::resolve_seeds(std::string& errors) {
  std::vector<io::Endpoint> out;
  for (const Host& h : config_.seeds) {
    std::error_code ec;
    std::vector<io::Endpoint> found = io::resolve(h.name, h.port, ec);
    if (ec) {
      errors += "\n  seed " + h.name + ":" + std::to_string(h.port) +
                ": the host name does not resolve";
      continue;
    }
    for (const io::Endpoint& address : found) note_tls_name(address, h.tls_name);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

void Tender::note_tls_name(const io::Endpoint& address, const std::string& tls_name) {
  if (tls_.enabled && tls_.set_name && !tls_name.empty()) tls_.set_name(address, tls_name);
}

Result<std::string> Tender::validate(const io::Endpoint& address, const std::string& expected,
                                     InfoConnection& conn) {
  std::string request = "node\npartition-generation\nbuild\n";
  if (!config_.cluster_name.empty()) request += "cluster-name\n";
  auto answer = info_.call(conn, address, request);
  if (!answer.ok()) return answer.status();
  auto name = info_value(*answer, "node");
  if (!name || name->empty()) {
    return Status(ClientCode::bad_response, address.to_string() + " did not tell its node name");
  }
  if (!expected.empty() && *name != expected) {
    return Status(ClientCode::invalid_node, address.to_string() + " is node " + *name +
                                                ", not the expected " + expected);
  }
  auto gen = info_value(*answer, "partition-generation");
  if (!gen || to_int(*gen, -1) == -1) {
    return Status(ClientCode::invalid_node,
                  "node " + *name + " at " + address.to_string() +
                      " has not finished its first partition balance (partition-generation -1)");
  }
  if (!config_.cluster_name.empty()) {
    auto cn = info_value(*answer, "cluster-name");
    if (!cn || *cn != config_.cluster_name) {
      return Status(ClientCode::invalid_node,
                    "node " + *name + " at " + address.to_string() + " belongs to cluster '" +
                        cn.value_or("") + "', not '" + config_.cluster_name + "'");
    }
  }
  // Once per validated tend connection, as the official clients (client/cluster/user_agent.h).
  // The answer does not matter: a node that refuses it is still a good node.
  if (server_takes_user_agent(info_value(*answer, "build").value_or(""))) {
    (void)info_.call(conn, address, user_agent_request(config_.user));
  }
  return *name;
}

Tender::NodeInfo* Tender::find(const std::string& name) {
  for (auto& n : nodes_) {
    if (n->node->name() == name) return n.get();
  }
  return nullptr;
}

Tender::NodeInfo* Tender::add_node(const std::string& name, const io::Endpoint& address,
                                   InfoConnection conn) {
  auto info = std::make_unique<NodeInfo>();
  info->node = std::make_shared<Node>(name, address, max_conns_, min_conns_);
  info->conn = conn;
  nodes_.push_back(std::move(info));
  nodes_changed_ = true;
  bump(nodes_added_);
  log(LogLevel::info, "node " + name + " added at " + address.to_string());
  return nodes_.back().get();
}

void Tender::renew_sessions() {
  const io::TimePoint now = io::Clock::now();
  const auto ahead = 2 * std::max(config_.tend_interval, std::chrono::milliseconds(100));
  for (auto& n : nodes_) {
    if (!session_->expiring(n->node->address(), now, ahead)) continue;
    session_->forget(n->node->address());
    info_.close(n->conn);  // the next tend exchange opens a connection, which logs in
  }
}

void Tender::seed(std::string& errors) {
  std::vector<io::Endpoint> seeds = resolve_seeds(errors);  // resolved again every time
  int refused = 0;  // a security code every failing seed answered (wrong password, ...)
  bool all_refused = true;
  for (const io::Endpoint& address : seeds) {
    InfoConnection conn;
    auto name = validate(address, "", conn);
    if (!name.ok()) {
      const int code = name.status().code();
      if (code >= 50 && code < 100) {
        refused = code;
      } else {
        all_refused = false;
      }
      errors += "\n  " + address.to_string() + ": " + name.status().message();
      info_.close(conn);
      continue;
    }
    NodeInfo* known = find(*name);
    if (known == nullptr) {
      add_node(*name, address, conn);
    } else if (known->node->address() != address && !known->node->refreshed) {
      move_node(*known, address, conn);  // the seed's name now points at the node's new address
    } else {
      info_.close(conn);
    }
  }
  seed_refused_ = all_refused ? refused : 0;
}

void Tender::move_node(NodeInfo& info, const io::Endpoint& address, InfoConnection conn) {
  // The old Node (and its pools) retires as a removed node does; a fresh one takes its
  // place under the same name, so commands are never routed to both.
  log(LogLevel::info, "node " + info.node->name() + " moved from " + info.node->address().to_string() +
                          " to " + address.to_string());
  retire(info);
  info.node = std::make_shared<Node>(info.node->name(), address, max_conns_, min_conns_);
  info.conn = conn;
  info.ownership.clear();
  info.ownership_fetched = 0;
  info.racks.clear();
  nodes_changed_ = true;
  bump(nodes_moved_);
}

void Tender::retire(NodeInfo& info) {
  info.node->deactivate();
  info_.close(info.conn);
  NodePtr gone = info.node;
  cluster_.retire(gone);
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    io::Loop* loop = loops_[i];
    loop->post([gone, i, loop] { gone->pool(i).close_all(*loop); });
  }
}

Status Tender::connect() {
  std::string errors;
  seed(errors);
  if (nodes_.empty() && seed_refused_ != 0) {
    // Every seed refused the login: the server's code (60, 62, ...) is what a person acts on.
    return Status(seed_refused_, "the cluster refused the login of user '" + config_.user + "':" + errors);
  }
  if (nodes_.empty()) {
    Status st(ClientCode::connection_failed,
              "could not connect to any seed of the cluster:" + (errors.empty() ? std::string(" no seeds given") : errors));
    if (config_.fail_if_not_connected) return st;
  }
  // Discover peers until no new node appears (bounded: each round adds at least one).
  for (int round = 0; round < 16; ++round) {
    std::size_t before = nodes_.size();
    tend_once();
    if (nodes_.size() == before) break;
  }
  return Status();
}

void Tender::start() {
  thread_ = std::thread([this] { run(); });
}

void Tender::stop() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& n : nodes_) info_.close(n->conn);
}

void Tender::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    cv_.wait_for(lock, config_.tend_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    tend_once();
    lock.lock();
  }
}

void Tender::tend_once() {
  tends_.fetch_add(1, std::memory_order_relaxed);
  if (session_) renew_sessions();
  refresh_nodes();
  bool any_failed = false;
  bool peers_changed = false;
  for (auto& n : nodes_) {
    if (!n->node->refreshed) any_failed = true;
    if (n->node->peers_changed) peers_changed = true;
  }
  if (peers_changed || any_failed) refresh_peers();
  bool removed = remove_nodes();
  // Every node lost, or none answering: go back to the seeds, their names resolved again
  // (a cluster that moved to new addresses is found; a node met under a new address is
  // moved there, not added twice).
  bool none_refreshed = true;
  for (auto& n : nodes_) none_refreshed = none_refreshed && !n->node->refreshed;
  if (none_refreshed && !config_.seeds.empty()) {
    std::string errors;
    seed(errors);
    if (nodes_.empty() || !errors.empty()) {
      log(LogLevel::warn, "no node answers; seeds tried again:" + (errors.empty() ? std::string(" no answer") : errors));
    }
  }
  bool maps_changed = refresh_partitions();
  if (nodes_changed_ || removed || maps_changed) publish();
  balance_pools();
  end_error_window();
}

const char* Tender::peers_command() const {
  if (tls_.enabled) return config_.use_services_alternate ? "peers-tls-alt" : "peers-tls-std";
  return config_.use_services_alternate ? "peers-clear-alt" : "peers-clear-std";
}

void Tender::end_error_window() {
  if (++tends_in_error_window_ < config_.error_rate_window) return;
  tends_in_error_window_ = 0;
  for (auto& n : nodes_) n->node->reset_error_window();
}

void Tender::refresh_nodes() {
  std::vector<InfoCall> calls(nodes_.size());
  std::vector<InfoCall*> ptrs;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    calls[i].connection = &nodes_[i]->conn;
    calls[i].address = nodes_[i]->node->address();
    calls[i].request = "node\npeers-generation\npartition-generation\n";
    ptrs.push_back(&calls[i]);
  }
  info_.call_all(ptrs);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = *nodes_[i]->node;
    node.peers_changed = false;
    node.partition_changed = false;
    if (!calls[i].answer.ok()) {
      ++node.tend_failures;
      bump(tend_failures_);
      node.refreshed = false;
      continue;
    }
    const std::string& body = *calls[i].answer;
    auto name = info_value(body, "node");
    if (!name || *name != node.name()) {
      node.deactivate();  // a different server answers at this address now
      node.refreshed = false;
      continue;
    }
    bool had_failures = node.tend_failures > 0;
    node.tend_failures = 0;
    node.refreshed = true;
    std::int64_t peers_gen = to_int(info_value(body, "peers-generation").value_or(""), -2);
    std::int64_t part_gen = to_int(info_value(body, "partition-generation").value_or(""), -2);
    if (peers_gen != node.peers_generation || had_failures) node.peers_changed = true;
    if ((part_gen != node.partition_generation && part_gen != -1) || had_failures) {
      node.partition_changed = true;
    }
  }
}

bool Tender::refresh_peers() {
  for (auto& n : nodes_) n->node->friends = 0;
  std::vector<NodeInfo*> healthy;
  for (auto& n : nodes_) {
    if (n->node->refreshed && n->node->active()) healthy.push_back(n.get());
  }
  std::vector<InfoCall> calls(healthy.size());
  std::vector<InfoCall*> ptrs;
  for (std::size_t i = 0; i < healthy.size(); ++i) {
    calls[i].connection = &healthy[i]->conn;
    calls[i].address = healthy[i]->node->address();
    calls[i].request = std::string("peers-generation\n") + peers_command() + "\n";
    ptrs.push_back(&calls[i]);
  }
  info_.call_all(ptrs);
  for (std::size_t i = 0; i < healthy.size(); ++i) {
    Node& node = *healthy[i]->node;
    if (!calls[i].answer.ok()) {
      ++node.tend_failures;
      bump(tend_failures_);
      node.refreshed = false;
      continue;
    }
    auto gen = info_value(*calls[i].answer, "peers-generation");
    auto value = info_value(*calls[i].answer, peers_command());
    auto peers = wire::parse_peers(value.value_or(""));
    if (!peers.ok()) continue;  // keep the old generation: retried next tend
    node.peer_count = static_cast<int>(peers->peers.size());
    bool all_known = true;
    for (const auto& peer : peers->peers) {
      if (NodeInfo* known = find(peer.node_name)) {
        known->node->friends++;
        // A node that stopped answering and is now listed under another address has moved
        // (restarted elsewhere): follow it there.
        if (!known->node->refreshed) follow_moved_peer(*known, peer);
        continue;
      }
      bool added = false;
      for (const auto& host : peer.hosts) {
        std::error_code ec;
        std::vector<io::Endpoint> resolved = io::resolve(host.name, host.port, ec);
        for (const io::Endpoint& address : resolved) {
          note_tls_name(address, peer.tls_name);
          InfoConnection conn;
          auto name = validate(address, peer.node_name, conn);
          if (!name.ok()) {
            info_.close(conn);
            continue;
          }
          NodeInfo* info = add_node(*name, address, conn);
          info->node->friends = 1;
          added = true;
          break;
        }
        if (added) break;
      }
      if (!added) all_known = false;
    }
    // Only when every peer is known: otherwise the next tend tries again.
    if (all_known) node.peers_generation = to_int(gen.value_or(""), -1);
  }
  return true;
}

void Tender::follow_moved_peer(NodeInfo& known, const wire::Peer& peer) {
  std::vector<io::Endpoint> listed;
  for (const auto& host : peer.hosts) {
    std::error_code ec;
    std::vector<io::Endpoint> resolved = io::resolve(host.name, host.port, ec);
    if (!ec) listed.insert(listed.end(), resolved.begin(), resolved.end());
  }
  if (listed.empty()) return;
  for (const io::Endpoint& address : listed) {
    if (address == known.node->address()) return;  // still listed where we know it
  }
  for (const io::Endpoint& address : listed) {
    InfoConnection conn;
    auto name = validate(address, peer.node_name, conn);
    if (name.ok()) {
      move_node(known, address, conn);
      known.node->friends = 1;
      return;
    }
    info_.close(conn);
  }
}

bool Tender::remove_nodes() {
  int refreshed = 0;
  for (auto& n : nodes_) refreshed += n->node->refreshed ? 1 : 0;
  std::vector<std::unique_ptr<NodeInfo>> keep;
  bool removed = false;
  for (auto& n : nodes_) {
    Node& node = *n->node;
    bool remove = !node.active();
    if (!remove && refreshed == 0 && node.tend_failures >= config_.max_tend_failures) remove = true;
    if (!remove && nodes_.size() > 1 && refreshed > 0 && node.friends == 0 &&
        !node.refreshed && node.tend_failures >= config_.max_tend_failures) {
      remove = true;
    }
    if (!remove) {
      keep.push_back(std::move(n));
      continue;
    }
    removed = true;
    bump(nodes_removed_);
    log(LogLevel::info, "node " + node.name() + " at " + node.address().to_string() + " removed (" +
                            (node.active() ? std::to_string(node.tend_failures) + " failed tends" : "left the cluster") + ")");
    retire(*n);
  }
  nodes_ = std::move(keep);
  return removed;
}

bool Tender::refresh_partitions() {
  int refreshed = 0;
  for (auto& n : nodes_) refreshed += n->node->refreshed ? 1 : 0;
  std::vector<NodeInfo*> targets;
  for (auto& n : nodes_) {
    Node& node = *n->node;
    if (node.partition_changed && node.refreshed && node.active() &&
        (node.peer_count > 0 || nodes_.size() == 1 || refreshed == 1)) {
      targets.push_back(n.get());
    }
  }
  std::vector<InfoCall> calls(targets.size());
  std::vector<InfoCall*> ptrs;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    calls[i].connection = &targets[i]->conn;
    calls[i].address = targets[i]->node->address();
    calls[i].request = "partition-generation\nreplicas\n";
    if (config_.rack_id >= 0) calls[i].request += "rack-ids\n";
    ptrs.push_back(&calls[i]);
  }
  info_.call_all(ptrs);
  bool changed = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Node& node = *targets[i]->node;
    if (!calls[i].answer.ok()) {
      ++node.tend_failures;
      bump(tend_failures_);
      node.refreshed = false;
      continue;
    }
    auto gen = info_value(*calls[i].answer, "partition-generation");
    auto value = info_value(*calls[i].answer, "replicas");
    auto parsed = wire::parse_replicas(value.value_or(""));
    if (!parsed.ok()) continue;  // keep the old map; the generation stays stale: retried
    std::vector<NodeOwnership> owned;
    for (const auto& ns : *parsed) {
      NodeOwnership o;
      o.ns = ns.ns;
      o.regime = ns.regime;
      o.replicas = static_cast<int>(ns.replicas.size());
      for (const auto& bitmap : ns.replicas) o.columns.push_back(bitmap);
      owned.push_back(std::move(o));
    }
    targets[i]->ownership = std::move(owned);
    targets[i]->ownership_fetched = ++ownership_fetches_;
    targets[i]->racks.clear();
    if (auto racks = info_value(*calls[i].answer, "rack-ids")) {
      // "ns:rack;ns:rack"
      std::string_view rest = *racks;
      while (!rest.empty()) {
        std::string_view item = rest.substr(0, rest.find(';'));
        rest = item.size() < rest.size() ? rest.substr(item.size() + 1) : std::string_view();
        std::size_t colon = item.find(':');
        if (colon == std::string_view::npos) continue;
        std::int64_t rack = to_int(item.substr(colon + 1), -1);
        if (rack >= 0) targets[i]->racks.emplace_back(std::string(item.substr(0, colon)), static_cast<int>(rack));
      }
    }
    node.partition_generation = to_int(gen.value_or(""), -1);
    changed = true;
  }
  return changed;
}

void Tender::publish() {
  bump(map_changes_);
  log(LogLevel::debug, "partition map published (" + std::to_string(nodes_.size()) + " nodes)");
  auto snap = std::make_shared<ClusterSnapshot>();
  std::map<std::string, std::shared_ptr<NamespaceMap>> maps;
  for (auto& n : nodes_) {
    if (n->node->active()) snap->nodes.push_back(n->node);
  }
  // Claims are applied oldest first, so the latest answer about a partition wins: a node
  // that stopped answering keeps claiming what it had and must not override the live
  // nodes' newer maps (the official clients apply each `replicas` answer over the previous
  // map as it arrives, to the same effect).
  std::vector<NodeInfo*> by_age;
  for (auto& n : nodes_) {
    if (n->node->active()) by_age.push_back(n.get());
  }
  std::stable_sort(by_age.begin(), by_age.end(), [](const NodeInfo* a, const NodeInfo* b) {
    return a->ownership_fetched < b->ownership_fetched;
  });
  for (NodeInfo* n : by_age) {
    for (const NodeOwnership& o : n->ownership) {
      auto& m = maps[o.ns];
      if (!m) {
        m = std::make_shared<NamespaceMap>();
        m->name = o.ns;
      }
      m->replicas = std::clamp(std::max(m->replicas, o.replicas), 1, kMaxReplicas);
      if (o.regime != 0) m->sc_mode = true;
      int columns = std::min<int>(static_cast<int>(o.columns.size()), kMaxReplicas);
      for (int c = 0; c < columns; ++c) {
        const auto& bits = o.columns[static_cast<std::size_t>(c)];
        for (int p = 0; p < kPartitions; ++p) {
          if ((bits[static_cast<std::size_t>(p >> 3)] & (0x80 >> (p & 7))) == 0) continue;
          if (o.regime < m->regime[static_cast<std::size_t>(p)]) continue;
          m->regime[static_cast<std::size_t>(p)] = o.regime;
          m->owner[static_cast<std::size_t>(c)][static_cast<std::size_t>(p)] = n->node.get();
        }
      }
    }
  }
  for (auto& n : nodes_) {
    for (const auto& [ns, rack] : n->racks) {
      auto it = maps.find(ns);
      if (it != maps.end()) it->second->racks.emplace_back(n->node.get(), rack);
    }
  }
  for (auto& [name, m] : maps) snap->namespaces.push_back(std::move(m));
  cluster_.publish(std::move(snap));
  nodes_changed_ = false;
}

void Tender::balance_pools() {
  auto snap = cluster_.snapshot();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    io::Loop* loop = loops_[i];
    Millis idle = config_.max_socket_idle;
    Millis timeout = config_.conn_timeout;
    loop->post([snap, i, loop, idle, timeout] {
      for (const NodePtr& n : snap->nodes) {
        command::ConnectionPool& pool = n->pool(i);
        if (idle.count() > 0) pool.trim(*loop, loop->now(), idle);
        while (n->active() && pool.stats().total < pool.min() && pool.try_reserve()) {
          loop->connect(pool.address(), loop->now() + timeout,
                        [n, i, loop](std::error_code ec, io::SocketId s) {
                          command::ConnectionPool& p = n->pool(i);
                          if (ec) {
                            p.discard(*loop, {});
                          } else {
                            p.put_back(*loop, s, loop->now());
                          }
                        });
        }
      }
    });
  }
}

}  // namespace aero::cluster
