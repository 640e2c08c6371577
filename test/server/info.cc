#include "test/server/info.h"

#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "test/server/sindex_keys.h"  // base64_decode
#include "test/server/udf/info.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

constexpr std::string_view kBuild = "8.1.2.0";
// What the captured 8.1.2.0 Community server advertises.
constexpr std::string_view kFeatures =
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;"
    "sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;"
    "replicas-master;replicas-max;truncate-namespace;udf";

// What a node advertises: the access address (std) or the alternate one (alt; empty when
// none is configured).
std::string advertised(const ClusterState& c, bool alternate) {
  if (alternate) return c.options().alternate_access_address;
  return c.options().access_address.empty() ? c.options().host : c.options().access_address;
}

// `tls`: the node's TLS port (empty when TLS is off).
std::string host_port(const ClusterState& c, size_t node, bool alternate = false, bool tls = false) {
  const std::string address = advertised(c, alternate);
  if (address.empty()) return std::string();
  const uint16_t port = tls ? c.advert(node).tls_port.load() : c.advert(node).port.load();
  if (tls && (c.tls() == nullptr || port == 0)) return std::string();
  return address + ":" + std::to_string(port);
}

// peers-clear-std / -alt: "<generation>,<default port>,[[<id>,<tls name>,[<host[:port]>]],...]";
// `address` empty lists the peers without addresses (no TLS, or no alternate configured).
// `tls`: peers-tls-*: each peer's TLS port and the cluster's tls-name (as a real node, whose
// tls-name is configured per node; here one for the cluster).
std::string peers_value(const InfoContext& ctx, const std::string& address, bool tls = false) {
  ClusterState& c = ctx.cluster;
  const NodeAdvert& self = c.advert(size_t(ctx.node));
  std::string out = std::to_string(self.peers_generation.load()) + ",3000,[";
  bool first = true;
  if (!address.empty()) {
    for (size_t i = 0; i < c.node_count(); ++i) {
      if (int(i) == ctx.node || !c.advert(i).listed.load()) continue;
      if (!first) out += ',';
      first = false;
      const uint16_t port = tls ? c.advert(i).tls_port.load() : c.advert(i).port.load();
      const std::string tls_name = tls ? c.options().tls_name : std::string();
      out += "[" + c.advert(i).id_hex + "," + tls_name + ",[" + address;
      if (port != 3000) out += ":" + std::to_string(port);  // the server strips 3000
      out += "]]";
    }
  }
  return out + "]";
}

std::string services_value(const InfoContext& ctx, bool alternate) {
  std::string out;
  for (size_t i = 0; i < ctx.cluster.node_count(); ++i) {
    if (int(i) == ctx.node || !ctx.cluster.advert(i).listed.load()) continue;
    const std::string hp = host_port(ctx.cluster, i, alternate);
    if (hp.empty()) continue;
    if (!out.empty()) out += ';';
    out += hp;
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

InfoParams parse_info_params(std::string_view args) {
  InfoParams out;
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

std::string info_param(const InfoParams& p, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    auto it = p.find(n);
    if (it != p.end()) return it->second;
  }
  return {};
}

// The command tables consulted before the built-in commands below.
constexpr std::span<const InfoCommand> (*const kInfoTables[])() = {
    config_info_commands,
    job_info_commands,
    sindex_info_commands,
    stats_info_commands,
};

std::string info_value(const InfoContext& ctx, std::string_view line) {
  ClusterState& c = ctx.cluster;
  const NodeAdvert& self = c.advert(size_t(ctx.node));
  InfoRequest req;
  req.line = line;
  const size_t colon = line.find(':');
  const std::string_view head = line.substr(0, colon);
  req.has_args = colon != std::string_view::npos;
  req.args = req.has_args ? line.substr(colon + 1) : std::string_view();
  const size_t slash = head.find('/');
  req.name = head.substr(0, slash);
  req.sub = slash == std::string_view::npos ? std::string_view() : head.substr(slash + 1);
  for (auto table : kInfoTables) {
    for (const InfoCommand& cmd : table()) {
      if (cmd.name == req.name) return cmd.handler(ctx, req);
    }
  }
  const std::string_view name = req.name;
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
  if (name == "peers-clear-std") return peers_value(ctx, advertised(c, false));
  if (name == "peers-clear-alt") return peers_value(ctx, advertised(c, true));
  // Without TLS listeners a real node lists its peers without addresses.
  if (name == "peers-tls-std") {
    return peers_value(ctx, c.tls() ? advertised(c, false) : std::string(), true);
  }
  if (name == "peers-tls-alt") {
    return peers_value(ctx, c.tls() ? advertised(c, true) : std::string(), true);
  }
  if (name == "service-clear-std" || name == "service") return host_port(c, size_t(ctx.node));
  if (name == "service-clear-alt") return host_port(c, size_t(ctx.node), true);
  if (name == "service-tls-std") return host_port(c, size_t(ctx.node), false, true);
  if (name == "service-tls-alt") return host_port(c, size_t(ctx.node), true, true);
  if (name == "services" || name == "services-alumni") return services_value(ctx, false);
  if (name == "services-alternate") return services_value(ctx, true);
  if (name == "user-agent-set") {
    // "user-agent-set:value=<base64 of '1,<client>-<version>,<app id>'>" (client side:
    // client/cluster/user_agent.h). Kept per connection until it closes.
    constexpr std::string_view kValue = "value=";
    std::string agent;
    if (!req.args.starts_with(kValue) || !base64_decode(req.args.substr(kValue.size()), &agent) ||
        agent.empty()) {
      return "ERROR::bad-user-agent";
    }
    if (ctx.connection != 0) c.set_user_agent(ctx.node, ctx.connection, std::move(agent));
    return "ok";
  }
  if (auto v = udf::udf_info_value(c, name, req.args)) return *v;
  return std::string(kInfoUnrecognized);
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
