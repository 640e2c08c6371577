// The CLIENT phase of a stream aggregation (client/aggregate.h): a fresh Lua 5.4 state with the
// value types and the stream library shared with the test server (//lua), the module's top
// level, then the stream driver in phase 2 over the nodes' values. Values cross between the
// client and Lua as particles (type + wire bytes), the form both sides already convert.
#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include "client/aggregate.h"
#include "client/wire/particle.h"
#include "client/wire/udf.h"
#include "lua/stream_lib.h"
#include "lua/values.h"

namespace aero {

namespace {

constexpr int kHookEvery = 1000;

// Logging functions a module may call; the client phase discards their output.
constexpr const char* kPrelude = R"lua(
local function nolog() end
warn, info, debug, trace = nolog, nolog, nolog, nolog
aerospike = { log = nolog }
)lua";

struct Call {
  const std::string* package = nullptr;
  std::string_view source;
  const std::string* function = nullptr;
  std::span<const Value> args;
  std::vector<Value>* inputs = nullptr;
  std::vector<Value> out;
  std::string stage = "setup";  // what was running when an error was raised
  std::int64_t budget = 0;       // instructions left; < 0: no limit
  bool exhausted = false;
};

Call* call_of(lua_State* L) {
  return *static_cast<Call**>(lua_getextraspace(L));
}

void budget_hook(lua_State* L, lua_Debug*) {
  Call* c = call_of(L);
  if (c == nullptr || c->budget < 0) return;
  c->budget -= kHookEvery;
  if (c->budget > 0 && !c->exhausted) return;
  c->exhausted = true;  // raised again at every hook, so a script's pcall cannot swallow it
  luaL_error(L, "UDF Execution Timeout");
}

void push_value(lua_State* L, const Value& v) {
  std::string bytes(wire::particle_size(v), '\0');
  wire::detail::ByteWriter w(reinterpret_cast<std::uint8_t*>(bytes.data()));
  wire::detail::write_particle(w, v);
  if (!modlua::push_particle(L, wire::particle_type_of(v), bytes)) lua_pushnil(L);
}

// Protected: the whole phase; leaves nothing the caller needs on the stack.
int run_phase(lua_State* L) {
  Call* c = call_of(L);
  luaL_openlibs(L);
  modlua::register_value_types(L);
  if (luaL_loadbufferx(L, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, 0);
  c->stage = "module " + *c->package + ".lua";
  const std::string chunk = "@" + *c->package + ".lua";
  if (luaL_loadbufferx(L, c->source.data(), c->source.size(), chunk.c_str(), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 0);
  c->stage = "stream library";
  if (luaL_loadbufferx(L, modlua::kStreamLib, std::strlen(modlua::kStreamLib), "=stream_ops", "t") !=
      LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 1);  // the driver: apply(fname, phase, inputs, n, ...)
  lua_pushstring(L, c->function->c_str());
  lua_pushinteger(L, 2);  // CLIENT phase
  const std::vector<Value>& in = *c->inputs;
  lua_createtable(L, static_cast<int>(std::min<std::size_t>(in.size(), 1 << 20)), 0);
  for (std::size_t i = 0; i < in.size(); ++i) {
    push_value(L, in[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_pushinteger(L, static_cast<lua_Integer>(in.size()));
  int nargs = 0;
  if (!c->args.empty()) {
    std::vector<std::uint8_t> packed;
    wire::encode_udf_args(c->args, packed);
    nargs = modlua::push_msgpack_args(
        L, std::string_view(reinterpret_cast<const char*>(packed.data()), packed.size()));
    if (nargs < 0) return luaL_error(L, "invalid argument list");
  }
  c->stage = *c->function;
  lua_call(L, 4 + nargs, 1);
  c->stage = "result";
  if (!lua_istable(L, -1)) return 0;
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, -1));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, i);
    std::uint8_t particle = 0;
    std::string bytes, error;
    Value v;
    if (modlua::to_particle(L, -1, &particle, &bytes, &error)) {
      auto decoded = wire::ValueView(particle, std::span<const std::uint8_t>(
                                                   reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                                   bytes.size()))
                         .to_value();
      if (decoded.ok()) v = std::move(decoded).value();
    }
    c->out.push_back(std::move(v));
    lua_pop(L, 1);
  }
  return 0;
}

std::string error_text(lua_State* L) {
  if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
    std::size_t n = 0;
    const char* s = lua_tolstring(L, -1, &n);
    return std::string(s, n);
  }
  if (lua_isnil(L, -1)) return "(nil error)";
  return modlua::value_text(L, -1);
}

}  // namespace

Result<std::vector<Value>> run_client_phase(std::string_view package, std::string_view source,
                                            std::string_view function, std::span<const Value> args,
                                            std::vector<Value> inputs,
                                            std::uint64_t max_instructions) {
  std::unique_ptr<lua_State, void (*)(lua_State*)> state(luaL_newstate(), lua_close);
  if (!state) return Status(ClientCode::client_error, "aggregation: cannot create a Lua state");
  lua_State* L = state.get();
  const std::string pkg(package), fn(function);
  Call call;
  call.package = &pkg;
  call.source = source;
  call.function = &fn;
  call.args = args;
  call.inputs = &inputs;
  call.budget = max_instructions == 0 ? -1 : static_cast<std::int64_t>(std::min<std::uint64_t>(
                                                 max_instructions, INT64_MAX / 2));
  *static_cast<Call**>(lua_getextraspace(L)) = &call;
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, kHookEvery);
  lua_pushcfunction(L, run_phase);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    std::string text = call.exhausted ? std::string("UDF Execution Timeout") : error_text(L);
    return Status(result::udf_error, "UDF error: client reduce (" + call.stage + "): " + text);
  }
  return std::move(call.out);
}

}  // namespace aero
