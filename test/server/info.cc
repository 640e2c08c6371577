#include "test/server/info.h"

#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "test/server/wire.h"

namespace aero::testserver {

namespace {

constexpr std::string_view kBuild = "8.1.2.0";
// What the captured 8.1.2.0 Community server advertises.
constexpr std::string_view kFeatures =
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;"
    "sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;"
    "replicas-master;replicas-max;truncate-namespace;udf";
constexpr std::string_view kUnrecognized = "ERROR:4:unrecognized command";

// "name:k1=v1;k2=v2" -> {k1: v1, k2: v2}
std::map<std::string, std::string, std::less<>> parse_params(std::string_view args) {
  std::map<std::string, std::string, std::less<>> out;
  while (!args.empty()) {
    const size_t semi = args.find(';');
    std::string_view kv = args.substr(0, semi);
    args = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) {
      if (!kv.empty()) out.emplace(std::string(kv), std::string());
    } else {
      out.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  return out;
}

std::string param(const std::map<std::string, std::string, std::less<>>& p,
                  std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    auto it = p.find(n);
    if (it != p.end()) return it->second;
  }
  return {};
}

std::string host_port(const ClusterState& c, size_t node) {
  return c.options().host + ":" + std::to_string(c.advert(node).port.load());
}

std::string peers_value(const InfoContext& ctx, bool with_addresses) {
  ClusterState& c = ctx.cluster;
  const NodeAdvert& self = c.advert(size_t(ctx.node));
  std::string out = std::to_string(self.peers_generation.load()) + ",3000,[";
  bool first = true;
  if (with_addresses) {
    for (size_t i = 0; i < c.node_count(); ++i) {
      if (int(i) == ctx.node || !c.advert(i).listed.load()) continue;
      if (!first) out += ',';
      first = false;
      const uint16_t port = c.advert(i).port.load();
      out += "[" + c.advert(i).id_hex + ",,[" + c.options().host;
      if (port != 3000) out += ":" + std::to_string(port);  // the server strips 3000
      out += "]]";
    }
  }
  return out + "]";
}

std::string services_value(const InfoContext& ctx) {
  std::string out;
  for (size_t i = 0; i < ctx.cluster.node_count(); ++i) {
    if (int(i) == ctx.node || !ctx.cluster.advert(i).listed.load()) continue;
    if (!out.empty()) out += ';';
    out += host_port(ctx.cluster, i);
  }
  return out;
}

std::string replicas_value(const InfoContext& ctx, bool with_regime, bool master_only) {
  const auto& names = ctx.cluster.options().namespaces;
  std::string out;
  for (size_t ns = 0; ns < names.size(); ++ns) {
    if (!out.empty()) out += ';';
    out += names[ns] + ":";
    if (master_only) {
      out += replicas_bitmap(*ctx.map, ns, 0, ctx.node);
      continue;
    }
    if (with_regime) out += "0,";
    out += std::to_string(ctx.map->n_replicas);
    for (uint32_t col = 0; col < ctx.map->n_replicas; ++col) {
      out += "," + replicas_bitmap(*ctx.map, ns, col, ctx.node);
    }
  }
  return out;
}

std::string statistics_value(const InfoContext& ctx) {
  ClusterState& c = ctx.cluster;
  size_t cluster_size = 0;
  for (size_t i = 0; i < c.node_count(); ++i) cluster_size += c.advert(i).listed.load() ? 1 : 0;
  size_t objects = 0;
  const uint32_t now = c.clock().now();
  for (const auto& ns : c.store().namespaces()) objects += ns->live_count(now);
  NodeStats s;
  if (ctx.counters != nullptr) s = ctx.counters->snapshot();
  std::string out;
  auto kv = [&](std::string_view k, const std::string& v) {
    if (!out.empty()) out += ';';
    out += k;
    out += '=';
    out += v;
  };
  kv("cluster_size", std::to_string(cluster_size));
  kv("cluster_name", c.options().cluster_name);
  kv("cluster_integrity", "true");
  kv("cluster_is_member", "true");
  kv("cluster_principal", c.advert(0).id_hex);
  kv("uptime", std::to_string(c.uptime_seconds()));
  kv("objects", std::to_string(objects));
  kv("tombstones", "0");
  kv("client_connections", std::to_string(s.open_connections()));
  kv("client_connections_opened", std::to_string(s.connections_opened));
  kv("client_connections_closed", std::to_string(s.connections_closed));
  kv("info_complete", std::to_string(s.info_requests));
  kv("batch_index_initiate", std::to_string(s.batch_requests));
  kv("migrate_allowed", "true");
  kv("migrate_partitions_remaining", "0");
  return out;
}

std::string namespace_value(const InfoContext& ctx, std::string_view name) {
  ClusterState& c = ctx.cluster;
  const int nsi = c.namespace_index(name);
  if (nsi < 0) return "ERROR:20:namespace not found";
  Namespace* ns = c.store().find(name);
  const uint32_t now = c.clock().now();
  std::string out = "ns_cluster_size=" + std::to_string(c.node_count());
  out += ";effective_replication_factor=" + std::to_string(ctx.map->n_replicas);
  out += ";objects=" + std::to_string(ns->live_count(now));
  out += ";master_objects=" + std::to_string(ns->live_count(now));
  out += ";replication-factor=" + std::to_string(c.options().replication_factor);
  out += ";default-ttl=" + std::to_string(ns->default_ttl());
  out += ";strong-consistency=false;storage-engine=memory";
  return out;
}

std::string sets_value(const InfoContext& ctx, std::string_view only_ns) {
  std::string out;
  const uint32_t now = ctx.cluster.clock().now();
  for (const auto& ns : ctx.cluster.store().namespaces()) {
    if (!only_ns.empty() && ns->name() != only_ns) continue;
    std::map<std::string, size_t> counts;
    for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
      Partition& p = ns->partition(pid);
      std::lock_guard<std::mutex> lock(p.mutex);
      for (const auto& [d, r] : p.records) {
        if (!r.set.empty() && !is_expired(r, now)) ++counts[r.set];
      }
    }
    for (const auto& [set, n] : counts) {
      out += "ns=" + ns->name() + ":set=" + set + ":objects=" + std::to_string(n) + ";";
    }
  }
  return out;
}

std::string sindex_list_value(const InfoContext& ctx) {
  std::string out;
  for (const auto& ns : ctx.cluster.store().namespaces()) {
    for (const IndexDef& d : ns->indexes()) {
      out += "ns=" + ns->name() + ":indexname=" + d.name + ":set=" +
             (d.set.empty() ? std::string("NULL") : d.set) + ":bin=" + d.bin + ":type=" +
             (d.type == IndexType::kNumeric ? "numeric" : "string") +
             ":indextype=default:context=NULL:exp=NULL:state=RW;";
    }
  }
  return out;
}

std::string sindex_create(const InfoContext& ctx, std::string_view args) {
  const auto p = parse_params(args);
  Namespace* ns = ctx.cluster.store().find(param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  IndexDef def;
  def.name = param(p, {"indexname"});
  def.set = param(p, {"set"});
  // Both the 8.1 form (bin=..;type=..) and the older one (indexdata=bin,type) are accepted.
  def.bin = param(p, {"bin"});
  std::string type = param(p, {"type"});
  const std::string indexdata = param(p, {"indexdata"});
  if (!indexdata.empty()) {
    const size_t comma = indexdata.find(',');
    def.bin = indexdata.substr(0, comma);
    if (comma != std::string::npos) type = indexdata.substr(comma + 1);
  }
  for (char& ch : type) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  const std::string itype = param(p, {"indextype"});
  if (def.name.empty() || def.bin.empty() || def.bin.size() >= 16) {
    return "ERROR:4:invalid index definition";
  }
  if (!itype.empty() && itype != "default") return "ERROR:4:only default index types emulated";
  if (type == "numeric") {
    def.type = IndexType::kNumeric;
  } else if (type == "string") {
    def.type = IndexType::kString;
  } else {
    return "ERROR:4:only numeric and string indexes emulated";
  }
  if (ns->create_index(def) != wire::result::kOk) return "ERROR:200:index already exists";
  return "OK";
}

std::string sindex_delete(const InfoContext& ctx, std::string_view args) {
  const auto p = parse_params(args);
  Namespace* ns = ctx.cluster.store().find(param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  if (ns->drop_index(param(p, {"indexname"})) != wire::result::kOk) {
    return "ERROR:201:index not found";
  }
  return "OK";
}

std::string truncate_value(const InfoContext& ctx, std::string_view args, bool whole_ns) {
  const auto p = parse_params(args);
  Namespace* ns = ctx.cluster.store().find(param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  const std::string set = whole_ns ? std::string() : param(p, {"set"});
  if (!whole_ns && set.empty()) return "ERROR:4:set required";
  ns->truncate(set);
  return "ok";
}

std::string summary(const InfoContext& ctx) {
  const std::string_view names[] = {"features", "node",    "edition",  "build",
                                    "version",  "statistics", "services-alumni", "services",
                                    "partition-generation"};
  std::string out;
  for (std::string_view n : names) {
    out += n;
    out += '\t';
    out += info_value(ctx, n);
    out += '\n';
  }
  return out;
}

}  // namespace

std::string info_value(const InfoContext& ctx, std::string_view line) {
  ClusterState& c = ctx.cluster;
  const NodeAdvert& self = c.advert(size_t(ctx.node));
  const size_t colon = line.find(':');
  const std::string_view head = line.substr(0, colon);
  const std::string_view args =
      colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  const size_t slash = head.find('/');
  const std::string_view name = head.substr(0, slash);
  const std::string_view sub =
      slash == std::string_view::npos ? std::string_view() : head.substr(slash + 1);
  const std::string edition = c.options().enterprise ? "Aerospike Enterprise Edition"
                                                     : "Aerospike Community Edition";

  if (name == "node" || name == "name") return self.id_hex;
  if (name == "build") return std::string(kBuild);
  if (name == "edition") return edition;
  if (name == "version") return edition + " build " + std::string(kBuild);
  if (name == "features") return std::string(kFeatures);
  if (name == "cluster-name") return c.options().cluster_name;
  if (name == "partition-generation") return std::to_string(self.partition_generation.load());
  if (name == "rebalance-generation") return std::to_string(self.rebalance_generation.load());
  if (name == "peers-generation") return std::to_string(self.peers_generation.load());
  if (name == "partitions") return std::to_string(wire::kPartitions);
  if (name == "status") return "ok";
  if (name == "namespaces") {
    std::string out;
    for (const std::string& ns : c.options().namespaces) out += (out.empty() ? "" : ";") + ns;
    return out;
  }
  if (name == "replicas") return replicas_value(ctx, true, false);
  if (name == "replicas-all") return replicas_value(ctx, false, false);
  if (name == "replicas-master") return replicas_value(ctx, false, true);
  if (name == "peers-clear-std") return peers_value(ctx, true);
  if (name == "peers-clear-alt" || name == "peers-tls-std" || name == "peers-tls-alt") {
    return peers_value(ctx, false);  // no alternate or TLS addresses configured
  }
  if (name == "service-clear-std" || name == "service") return host_port(c, size_t(ctx.node));
  if (name == "service-clear-alt" || name == "service-tls-std" || name == "service-tls-alt") {
    return std::string();
  }
  if (name == "services" || name == "services-alumni") return services_value(ctx);
  if (name == "statistics") return statistics_value(ctx);
  if (name == "namespace") return namespace_value(ctx, sub);
  if (name == "sets") return sets_value(ctx, sub);
  if (name == "rack-ids") {
    std::string out;
    for (const std::string& ns : c.options().namespaces) {
      out += (out.empty() ? "" : ";") + ns + ":0";
    }
    return out;
  }
  if (name == "user-agent-set") return "ok";
  if (name == "sindex" || name == "sindex-list") return sindex_list_value(ctx);
  if (name == "sindex-create") return sindex_create(ctx, args);
  if (name == "sindex-delete") return sindex_delete(ctx, args);
  if (name == "truncate-namespace") return truncate_value(ctx, args, true);
  if (name == "truncate") return truncate_value(ctx, args, false);
  if (name == "query-show" || name == "scan-show") return "ERROR:2:job not found";
  return std::string(kUnrecognized);
}

void answer_info(const InfoContext& ctx, std::string_view body, ResponseWriter& w) {
  w.begin_frame(wire::kTypeInfo);
  if (body.empty()) {
    const std::string s = summary(ctx);
    w.append(s.data(), s.size());
  } else {
    size_t start = 0;
    while (true) {
      const size_t nl = body.find('\n', start);
      if (nl == std::string_view::npos) break;  // an unterminated last line is ignored
      const std::string_view line = body.substr(start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      const std::string value = info_value(ctx, line);
      w.append(line.data(), line.size());
      w.append("\t", 1);
      w.append(value.data(), value.size());
      w.append("\n", 1);
    }
  }
  w.end_frame();
}

}  // namespace aero::testserver
