// Secondary-index info commands as an 8.1.2 node answers them: sindex-create (bin, type,
// indextype, context, exp; also the older indexdata=bin,type), sindex-delete, sindex-list[:ns=],
// sindex-stat, sindex/<ns>/<name>, sindex-exists. Indexes are ready at once (load_pct=100,
// state RW): nothing is built in the background. Answers follow
// test/captures/operations/index_basics.json.gz and query_foreach.json.gz.
#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <string>

#include "test/server/exp/exp.h"
#include "test/server/info.h"
#include "test/server/partition_map.h"
#include "test/server/sindex_keys.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

std::string lower(std::string s) {
  for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

const char* type_name(IndexType t) {
  switch (t) {
    case IndexType::kNumeric: return "numeric";
    case IndexType::kString: return "string";
    case IndexType::kBlob: return "blob";
    case IndexType::kGeo: return "geo2dsphere";
  }
  return "numeric";
}

const char* collection_name(IndexCollection c) {
  switch (c) {
    case IndexCollection::kDefault: return "default";
    case IndexCollection::kList: return "list";
    case IndexCollection::kMapKeys: return "mapkeys";
    case IndexCollection::kMapValues: return "mapvalues";
  }
  return "default";
}

std::string b64(const std::string& bytes) {
  return base64_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::string sindex_create(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  Namespace* ns = ctx.cluster.store().find(info_param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  IndexDef def;
  def.name = info_param(p, {"indexname"});
  def.set = info_param(p, {"set"});
  def.bin = info_param(p, {"bin"});
  std::string type = info_param(p, {"type"});
  if (const std::string indexdata = info_param(p, {"indexdata"}); !indexdata.empty()) {
    const size_t comma = indexdata.find(',');
    def.bin = indexdata.substr(0, comma);
    if (comma != std::string::npos) type = indexdata.substr(comma + 1);
  }
  type = lower(type);
  const std::string itype = lower(info_param(p, {"indextype"}));
  const std::string context = info_param(p, {"context"});
  const std::string exp = info_param(p, {"exp"});
  if (def.name.empty() || def.name.size() >= 64) return "ERROR:4:invalid index name";
  if (def.bin.empty() == exp.empty() || def.bin.size() >= 16) {
    return "ERROR:4:invalid bin";  // exactly one of bin and exp
  }
  if (!context.empty() && !base64_decode(context, &def.context)) return "ERROR:4:bad context";
  if (!exp.empty() && !base64_decode(exp, &def.exp)) return "ERROR:4:bad expression";
  if (type == "numeric") {
    def.type = IndexType::kNumeric;
  } else if (type == "string") {
    def.type = IndexType::kString;
  } else if (type == "blob") {
    def.type = IndexType::kBlob;
  } else if (type == "geo2dsphere") {
    def.type = IndexType::kGeo;
  } else {
    return "ERROR:4:bad type";
  }
  if (itype.empty() || itype == "default") {
    def.collection = IndexCollection::kDefault;
  } else if (itype == "list") {
    def.collection = IndexCollection::kList;
  } else if (itype == "mapkeys") {
    def.collection = IndexCollection::kMapKeys;
  } else if (itype == "mapvalues") {
    def.collection = IndexCollection::kMapValues;
  } else {
    return "ERROR:4:bad indextype";
  }
  if (ns->create_index(def) != wire::result::kOk) return "ERROR:200:index already exists";
  return "ok";
}

// 8.1.2 answers `ok` also for an index that does not exist (index_basics vector 10).
std::string sindex_delete(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  Namespace* ns = ctx.cluster.store().find(info_param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  if (info_param(p, {"indexname"}).empty()) return "ERROR:4:bad indexname";
  ns->drop_index(info_param(p, {"indexname"}));
  return "ok";
}

std::string sindex_list(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  const std::string only = info_param(p, {"ns", "namespace"});
  if (!only.empty() && ctx.cluster.namespace_index(only) < 0) {
    return "ERROR:20:namespace not found";
  }
  std::string out;
  for (const auto& ns : ctx.cluster.store().namespaces()) {
    if (!only.empty() && ns->name() != only) continue;
    for (const IndexDef& d : ns->indexes()) {
      if (!out.empty()) out += ';';
      out += "ns=" + ns->name() + ":indexname=" + d.name +
             ":set=" + (d.set.empty() ? std::string("null") : d.set) +
             ":bin=" + (d.bin.empty() ? std::string("null") : d.bin) + ":type=" +
             type_name(d.type) + ":indextype=" + collection_name(d.collection) +
             ":context=" + (d.context.empty() ? std::string("null") : b64(d.context)) +
             // A real server prints the expression decompiled (add(bin_int("a"), ...)); here
             // it is the base64 sindex-create received.
             ":exp=" + (d.exp.empty() ? std::string("null") : b64(d.exp)) + ":state=RW";
    }
  }
  return out;
}

std::string index_stats(const InfoContext& ctx, Namespace& ns, const IndexDef& def) {
  const uint32_t now = ctx.cluster.clock().now();
  uint64_t entries = 0, records = 0;
  std::set<std::pair<int64_t, std::string>> distinct;
  std::vector<IndexKey> keys;
  std::unique_ptr<exp::Expression> expression;  // expression indexes: evaluated per record
  if (!def.exp.empty()) {
    uint8_t result = 0;
    expression = exp::Expression::build(reinterpret_cast<const uint8_t*>(def.exp.data()),
                                        def.exp.size(), &result);
  }
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    Partition& p = ns.partition(pid);
    std::lock_guard<std::mutex> lock(p.mutex);
    for (const auto& [d, r] : p.records) {
      if (is_expired(r, now)) continue;
      keys.clear();
      if (expression) {
        if (!def.set.empty() && r.set != def.set) continue;
        const exp::Value v = expression->evaluate(exp::Context{&r, d.data(), now});
        if (def.type == IndexType::kNumeric && v.kind == exp::Value::Kind::kInt) {
          keys.push_back(IndexKey{true, v.i, {}});
        } else if (def.type == IndexType::kString && v.kind == exp::Value::Kind::kStr) {
          keys.push_back(IndexKey{false, 0, v.bytes});
        }
      } else {
        index_keys(def, r, &keys);
      }
      if (keys.empty()) continue;
      ++records;
      entries += keys.size();
      for (const IndexKey& k : keys) distinct.emplace(k.value, k.bytes);
    }
  }
  const uint64_t per_bval = distinct.empty() ? 0 : entries / distinct.size();
  const uint64_t per_rec = records == 0 ? 0 : entries / records;
  return "entries=" + std::to_string(entries) + ";used_bytes=16777216;entries_per_bval=" +
         std::to_string(per_bval) + ";entries_per_rec=" + std::to_string(per_rec) +
         ";load_pct=100;load_time=0;stat_gc_recs=0";
}

std::string sindex_stat(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  Namespace* ns = ctx.cluster.store().find(info_param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  const auto def = ns->index_named(info_param(p, {"indexname"}));
  if (!def) return "ERROR:201:no index";
  return index_stats(ctx, *ns, *def);
}

// sindex/<ns>/<name>: the older spelling of sindex-stat; sindex/<ns> lists that namespace.
std::string sindex_path(const InfoContext& ctx, const InfoRequest& req) {
  const size_t slash = req.sub.find('/');
  const std::string_view ns_name = req.sub.substr(0, slash);
  Namespace* ns = ctx.cluster.store().find(ns_name);
  if (ns == nullptr) return "ERROR:20:namespace not found";
  if (slash == std::string_view::npos) {
    InfoRequest list = req;
    const std::string args = "ns=" + std::string(ns_name);
    list.args = args;
    return sindex_list(ctx, list);
  }
  const auto def = ns->index_named(req.sub.substr(slash + 1));
  if (!def) return "ERROR:201:no index";
  return index_stats(ctx, *ns, *def);
}

std::string sindex_exists(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  Namespace* ns = ctx.cluster.store().find(info_param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  return ns->index_named(info_param(p, {"indexname"})) ? "true" : "false";
}

constexpr InfoCommand kCommands[] = {
    {"sindex-create", sindex_create}, {"sindex-delete", sindex_delete},
    {"sindex-list", sindex_list},     {"sindex-stat", sindex_stat},
    {"sindex", sindex_path},          {"sindex-exists", sindex_exists},
};

}  // namespace

std::span<const InfoCommand> sindex_info_commands() { return kCommands; }

}  // namespace aero::testserver
