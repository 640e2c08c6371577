// Stream aggregations (optional target //client:aggregate, which links Lua 5.4; the core
// //client target does not): a query's records run through a Lua stream function
// (`s : map(f) : filter(p) : aggregate(init, f) : reduce(f) : groupby(f)`), as the official
// clients' aerospike_query_foreach / QueryAggregateExecutor do.
//
//   aero::AggregatePolicy p;                     // the client needs the module's Lua text:
//   client->register_udf("stats.lua", source);   // registered through this client, or
//   p.lua_path = "/etc/app/udf";                 // a directory holding stats.lua, or
//   p.lua_source = source;                       // the text itself
//   aero::aggregate(*client, "test", "demo", std::nullopt, "stats", "sum", {aero::Value("n")}, p,
//       [](aero::Result<std::vector<aero::Value>> r) { ... });
//   std::vector<aero::Value> out = aero::aggregate(*client, ..., p).get().value();
//
// How it runs: every node runs the SERVER phase of the stream (the ops up to and including
// the first reduce) over the records it masters and answers the values (Client::
// aggregate_values); once every node has answered, the client runs the CLIENT phase (from
// that first reduce on) over all those values in a fresh Lua state of its own with the same
// stream library and value types as the test server (//lua), and completes with the values
// it yields (none when no record matched; several when the stream has no reduce).
//
// Errors (code, message): a Lua error on a node (unknown module or function, error(...), a
// runtime error) is 100 with the node's text; a Lua error in the client phase is 100 with
// "client reduce: ..." and the Lua text; no client-side source for the module is
// ClientCode::invalid_argument naming the module and where it was looked for; a module
// whose text does not compile in the client is 100 with the Lua text. Values the client phase
// yields that have no wire form (functions, plain tables) come back as nil, as mod-lua does.
//
// Threads: aggregate() may be called from any thread. The completion runs exactly once on
// the completion executor; the client phase's Lua runs there too, just before it (never on a
// loop thread, so a long reduce delays other completions of that executor but no I/O). The
// module's top level runs in the client for each aggregation: it must not have side effects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"

namespace aero {

// The query policy of an aggregation plus where the client finds the module's Lua text and
// how long its client phase may run.
struct AggregatePolicy : QueryPolicy {
  // The module's Lua text, looked for in this order: lua_source; lua_path/<package>.lua (the
  // official clients' "user path"); the text last registered through this client
  // (Client::register_udf / register_udf_file).
  std::string lua_source;
  // A directory holding <package>.lua, read at each aggregation (no trailing / needed);
  // empty: not looked in.
  std::string lua_path;
  // Lua instructions the client phase may run before it fails with "UDF Execution Timeout"
  // (a runaway reduce cannot hold the completion executor forever); 0 = no limit.
  std::uint64_t max_instructions = 100'000'000;
};

// Completion of aggregate(): the values the stream yielded (possibly none), or the error.
using AggregateCallback = UniqueFunction<void(Result<std::vector<Value>>)>;

// package.function(stream, args...) over the records of `set` in `ns` (empty set: the whole
// namespace) that match `where` (empty: all) and policy.filter_exp.
void aggregate(Client& client, std::string_view ns, std::string_view set,
               std::optional<Filter> where, std::string_view package, std::string_view function,
               ListRef<Value> args, const AggregatePolicy& policy, AggregateCallback cb,
               io::Loop* loop = nullptr);
// aggregate() as a Future.
Future<std::vector<Value>> aggregate(Client& client, std::string_view ns, std::string_view set,
                                     std::optional<Filter> where, std::string_view package,
                                     std::string_view function, ListRef<Value> args,
                                     const AggregatePolicy& policy = {});

// The CLIENT phase alone (what aggregate() runs once the nodes answered): `function` of the
// module `source` (chunk name `package`.lua) over `inputs`. Exposed for tests and tools.
Result<std::vector<Value>> run_client_phase(std::string_view package, std::string_view source,
                                            std::string_view function, std::span<const Value> args,
                                            std::vector<Value> inputs,
                                            std::uint64_t max_instructions);

}  // namespace aero
