// aero::aggregate (client/aggregate.h): finds the module's client-side text, runs the server
// phase through Client::aggregate_values, then the client phase (aggregate_phase.cc) on the
// completion executor.
#include "client/aggregate.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

namespace aero {

namespace {

// The module's text for the client phase, or the reason there is none.
Result<std::string> client_source(Client& client, std::string_view package,
                                  const AggregatePolicy& policy) {
  if (!policy.lua_source.empty()) return policy.lua_source;
  const std::string filename = std::string(package) + ".lua";
  std::string looked;
  if (!policy.lua_path.empty()) {
    const std::string path = policy.lua_path + "/" + filename;
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      return text.str();
    }
    looked = "no readable " + path + ", ";
  }
  if (auto registered = client.registered_udf_source(filename)) return std::move(*registered);
  return Status(ClientCode::invalid_argument,
                "aggregation: no client-side source for module '" + std::string(package) + "' (" +
                    looked + "not registered through this client, AggregatePolicy::lua_source empty)");
}

}  // namespace

void aggregate(Client& client, std::string_view ns, std::string_view set,
               std::optional<Filter> where, std::string_view package, std::string_view function,
               ListRef<Value> args, const AggregatePolicy& policy, AggregateCallback cb,
               io::Loop* loop) {
  Result<std::string> source = client_source(client, package, policy);
  if (!source.ok()) {
    // Fail through the client so the completion still runs on the completion executor: an
    // empty function name is refused before anything is sent.
    client.aggregate_values(ns, set, std::nullopt, package, "", {}, policy,
                            [cb = std::move(cb), st = source.status()](
                                Result<std::vector<Value>>) mutable {
                              if (cb) cb(std::move(st));
                            },
                            loop);
    return;
  }
  struct Phase {
    std::string package, source, function;
    std::vector<Value> args;
    std::uint64_t max_instructions;
  };
  auto phase = std::make_shared<Phase>(Phase{std::string(package), std::move(*source),
                                             std::string(function),
                                             std::vector<Value>(args.span().begin(), args.span().end()),
                                             policy.max_instructions});
  client.aggregate_values(
      ns, set, std::move(where), package, function, args, policy,
      [phase, cb = std::move(cb)](Result<std::vector<Value>> values) mutable {
        if (!cb) return;
        if (!values.ok()) {
          cb(values.status());
          return;
        }
        cb(run_client_phase(phase->package, phase->source, phase->function, phase->args,
                            std::move(*values), phase->max_instructions));
      },
      loop);
}

Future<std::vector<Value>> aggregate(Client& client, std::string_view ns, std::string_view set,
                                     std::optional<Filter> where, std::string_view package,
                                     std::string_view function, ListRef<Value> args,
                                     const AggregatePolicy& policy) {
  Promise<std::vector<Value>> p;
  Future<std::vector<Value>> f = p.future();
  aggregate(client, ns, set, std::move(where), package, function, args, policy,
            [p = std::move(p)](Result<std::vector<Value>> r) mutable { p.set(std::move(r)); });
  return f;
}

}  // namespace aero
