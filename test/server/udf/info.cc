#include "test/server/udf/info.h"

#include <cstdlib>

#include "test/server/cluster_state.h"
#include "test/server/udf/registry.h"
#include "test/server/udf/runtime.h"
#include "test/server/udf/text_codec.h"

namespace aero::testserver::udf {

namespace {

constexpr size_t kMaxFileName = 128;
constexpr size_t kMaxContent = 1024 * 1024;

// "k1=v1;k2=v2;" -> value of `key`, or nullopt.
std::optional<std::string_view> param(std::string_view args, std::string_view key) {
  while (!args.empty()) {
    const size_t semi = args.find(';');
    const std::string_view kv = args.substr(0, semi);
    args = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos && kv.substr(0, eq) == key) return kv.substr(eq + 1);
  }
  return std::nullopt;
}

// The server accepts names of [A-Za-z0-9._-$] not starting with '.' (udf_filename_is_valid).
bool valid_filename(std::string_view f) {
  if (f.empty() || f.size() >= kMaxFileName || f[0] == '.') return false;
  for (char c : f) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '$';
    if (!ok) return false;
  }
  return true;
}

std::string udf_put(UdfRegistry& registry, std::string_view args) {
  const auto filename = param(args, "filename");
  if (!filename || !valid_filename(*filename)) return "error=invalid_filename";
  const size_t dot = filename->find('.');
  if (dot == std::string_view::npos || dot + 1 == filename->size()) return "error=invalid_filename";
  const auto content_len = param(args, "content-len");
  if (!content_len) return "error=invalid_content_len";
  const auto type = param(args, "udf-type");
  if (type && *type != "LUA") return "error=invalid_udf_type";
  char* end = nullptr;
  const std::string len_text(*content_len);
  const unsigned long len = std::strtoul(len_text.c_str(), &end, 10);
  if (len_text.empty() || *end != '\0' || len % 4 != 0 || len > 0xFFFFFFFFul) {
    return "error=invalid_content_len";
  }
  const auto content = param(args, "content");
  if (!content || content->size() != len) return "error=invalid_content";
  if (len / 4 * 3 > kMaxContent) return "error=invalid_udf_content_len,>1M";
  std::optional<std::string> source = base64_decode(*content);
  if (!source) return "error=invalid_base64_content";
  std::string error = validate_module(*filename, *source, registry.instruction_limit());
  if (!error.empty()) return error;
  registry.put(std::string(*filename), std::move(*source), std::string(*content));
  return "ok";
}

std::string udf_get(UdfRegistry& registry, std::string_view args) {
  const auto filename = param(args, "filename");
  if (!filename || !valid_filename(*filename)) return "error=invalid_filename";
  const auto m = registry.find(*filename);
  if (m == nullptr) return "error=not_found";
  if (m->content.empty()) return "error=empty";
  return "type=LUA;content=" + base64_encode(m->content) + ";";
}

std::string udf_list(UdfRegistry& registry) {
  std::string out;
  for (const auto& m : registry.list()) {
    out += "filename=" + m->name + ",hash=" + m->hash + ",type=LUA;";
  }
  return out;
}

std::string udf_remove(UdfRegistry& registry, std::string_view args) {
  const auto filename = param(args, "filename");
  if (!filename || !valid_filename(*filename)) return "error=invalid_filename";
  registry.remove(*filename);  // removing an unknown module is not an error
  return "ok";
}

}  // namespace

std::optional<std::string> udf_info_value(ClusterState& cluster, std::string_view name,
                                          std::string_view args) {
  UdfRegistry& registry = cluster.udfs();
  if (name == "udf-put") return udf_put(registry, args);
  if (name == "udf-get") return udf_get(registry, args);
  if (name == "udf-list") return udf_list(registry);
  if (name == "udf-remove") return udf_remove(registry, args);
  if (name == "udf-clear-cache") return std::string("ok");
  return std::nullopt;
}

}  // namespace aero::testserver::udf
