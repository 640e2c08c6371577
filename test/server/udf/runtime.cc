#include "test/server/udf/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include "lua/stream_lib.h"
#include "lua/values.h"
#include "test/server/udf/text_codec.h"
#include "test/server/wire.h"

namespace aero::testserver::udf {

// The value types and the stream library are shared with the client's aggregation (//lua).
using modlua::kStreamLib;
using modlua::push_msgpack_args;
using modlua::push_particle;
using modlua::register_value_types;
using modlua::to_particle;
using modlua::value_text;

namespace {

constexpr const char* kRecord = "Record";
constexpr const char* kStreamApply = "aerospike.stream_apply";
constexpr int kHookEvery = 1000;  // instructions between budget checks
char kDeletedBin;                 // light userdata: a bin set to nil in the cache

// ---- instruction budget ----

struct Budget {
  int64_t left = 0;
  lua_State* co = nullptr;  // the thread whose yield ends the call
  bool exhausted = false;
};

// The budget of the call running on this thread (a state runs on one thread at a time; the
// hook is inherited by coroutines a script creates, so it must not rely on per-thread data
// of the Lua state, which could outlive the call).
thread_local Budget* tls_budget = nullptr;

void budget_hook(lua_State* L, lua_Debug*) {
  Budget* b = tls_budget;
  if (b == nullptr) return;
  if (b->left > kHookEvery) {
    b->left -= kHookEvery;
    return;
  }
  b->exhausted = true;
  // Yielding the call's own thread escapes every pcall in the script; elsewhere (inside a
  // coroutine of the script, under a C call) an error is the best available.
  if (L == b->co && lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "UDF Execution Timeout");
}

// Runs the function and `nargs` arguments on top of `co` (a thread of `main`) under an
// instruction budget. Returns the lua_resume status (LUA_YIELD: budget exhausted).
int run_budgeted(lua_State* main, lua_State* co, int nargs, uint64_t limit, int* nres,
                 bool* timed_out) {
  Budget b;
  b.left = int64_t(limit);
  b.co = co;
  tls_budget = &b;
  lua_sethook(co, budget_hook, LUA_MASKCOUNT, kHookEvery);
  *nres = 0;
  int st = lua_resume(co, main, nargs, nres);
  lua_sethook(co, nullptr, 0, 0);
  tls_budget = nullptr;
  *timed_out = b.exhausted;
  if (st == LUA_YIELD && !b.exhausted) {
    // The script itself yielded out of the call.
    lua_pushliteral(co, "attempt to yield from outside a coroutine");
    st = LUA_ERRRUN;
  }
  return st;
}

std::string error_text(lua_State* L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER) {
    size_t n = 0;
    const char* s = lua_tolstring(L, idx, &n);
    return std::string(s, n);
  }
  if (lua_isnil(L, idx)) return "(Null error message returned by lua)";
  return value_text(L, idx);
}

// ---- the record ----

struct LuaRecord {
  UdfRecordState* st = nullptr;  // cleared when the call ends
};

UdfRecordState& check_record(lua_State* L, int idx) {
  auto* r = static_cast<LuaRecord*>(luaL_checkudata(L, idx, kRecord));
  if (r->st == nullptr) luaL_error(L, "record used outside its UDF call");
  return *r->st;
}

void push_record(lua_State* L, UdfRecordState* st) {
  auto* r = static_cast<LuaRecord*>(lua_newuserdatauv(L, sizeof(LuaRecord), 2));
  r->st = st;
  lua_newtable(L);  // bin cache: name -> value (kDeletedBin for nil)
  lua_setiuservalue(L, -2, 1);
  lua_newtable(L);  // names written since the last create/update
  lua_setiuservalue(L, -2, 2);
  luaL_setmetatable(L, kRecord);
}

bool storable(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TBOOLEAN:
    case LUA_TNUMBER:
    case LUA_TSTRING:
      return true;
    case LUA_TUSERDATA:
      return luaL_testudata(L, idx, "List") || luaL_testudata(L, idx, "Map") ||
             luaL_testudata(L, idx, "Bytes") || luaL_testudata(L, idx, "GeoJSON");
    default:
      return false;
  }
}

int rec_index(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  if (lua_type(L, 2) != LUA_TSTRING) {
    lua_pushnil(L);
    return 1;
  }
  lua_getiuservalue(L, 1, 1);  // 3: cache
  lua_pushvalue(L, 2);
  if (lua_rawget(L, 3) != LUA_TNIL) {
    if (lua_touserdata(L, -1) == &kDeletedBin) lua_pushnil(L);
    return 1;
  }
  lua_pop(L, 1);
  size_t n = 0;
  const char* name = lua_tolstring(L, 2, &n);
  const Bin* b = st.work.find_bin(std::string_view(name, n));
  if (b == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  if (!push_particle(L, b->type, b->value)) {
    return luaL_error(L, "bin '%s' holds a malformed value", name);
  }
  // Cached, so a list or map read twice is the same object (changes to it are kept).
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 3);
  return 1;
}

int rec_newindex(lua_State* L) {
  check_record(L, 1);
  size_t n = 0;
  const char* name = luaL_checklstring(L, 2, &n);
  if (n == 0 || n >= 16) return luaL_error(L, "bin name '%s' must be 1 to 15 bytes", name);
  if (!storable(L, 3)) {
    return luaL_error(L, "bin '%s': values of type %s cannot be stored", name,
                      luaL_typename(L, 3));
  }
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 2);
  if (lua_isnil(L, 3)) {
    lua_pushlightuserdata(L, &kDeletedBin);
  } else {
    lua_pushvalue(L, 3);
  }
  lua_rawset(L, -3);
  lua_getiuservalue(L, 1, 2);
  lua_pushvalue(L, 2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  return 0;
}

void put_bin(Record& r, std::string_view name, uint8_t type, std::string value) {
  Bin* b = r.find_bin(name);
  if (b == nullptr) {
    r.bins.emplace_back();
    b = &r.bins.back();
    b->name.assign(name);
  }
  b->type = type;
  b->value = std::move(value);
}

// Applies the staged bin writes of the record at `idx` to its working copy.
void commit(lua_State* L, int idx, UdfRecordState& st) {
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, idx, 2);  // dirty names
  const int dirty = lua_gettop(L);
  lua_getiuservalue(L, idx, 1);  // cache
  const int cache = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, dirty) != 0) {
    lua_pop(L, 1);
    size_t n = 0;
    const char* name = lua_tolstring(L, -1, &n);
    lua_pushvalue(L, -1);
    lua_rawget(L, cache);
    bool failed = false;
    if (lua_touserdata(L, -1) == &kDeletedBin) {
      st.work.remove_bin(std::string_view(name, n));
    } else {
      uint8_t particle = 0;
      std::string bytes, error;
      if (to_particle(L, -1, &particle, &bytes, &error)) {
        put_bin(st.work, std::string_view(name, n), particle, std::move(bytes));
      } else {
        lua_pushfstring(L, "bin '%s': %s", name, error.c_str());
        failed = true;
      }
    }
    if (failed) lua_error(L);  // outside the scope of the strings above
    lua_pop(L, 1);
  }
  lua_newtable(L);
  lua_setiuservalue(L, idx, 2);
  lua_settop(L, dirty - 1);
}

// ---- record module ----

int record_gen(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  lua_pushinteger(L, st.exists ? st.work.generation : 0);
  return 1;
}

int record_ttl(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  if (!st.exists) {
    lua_pushinteger(L, 0);
  } else if (st.work.void_time == 0) {
    lua_pushinteger(L, -1);  // never expires
  } else {
    lua_pushinteger(L, st.work.void_time > st.now ? st.work.void_time - st.now : 0);
  }
  return 1;
}

int record_last_update_time(lua_State* L) {
  check_record(L, 1);
  lua_pushinteger(L, 0);  // not tracked by the test server
  return 1;
}

int record_digest(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  lua_getglobal(L, "bytes");
  lua_pushinteger(L, wire::kDigestSize);
  lua_call(L, 1, 1);
  for (size_t i = 0; i < wire::kDigestSize; ++i) {
    lua_pushinteger(L, lua_Integer(i + 1));
    lua_pushinteger(L, st.digest[i]);
    lua_settable(L, -3);
  }
  return 1;
}

int record_key(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  if (st.work.key.empty() || !push_particle(L, uint8_t(st.work.key[0]),
                                            std::string_view(st.work.key).substr(1))) {
    lua_pushnil(L);
  }
  return 1;
}

int record_setname(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  if (st.work.set.empty()) {
    lua_pushnil(L);
  } else {
    lua_pushlstring(L, st.work.set.data(), st.work.set.size());
  }
  return 1;
}

int record_set_ttl(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  const lua_Integer ttl = luaL_checkinteger(L, 2);
  st.ttl_set = true;
  st.ttl = ttl == -1 ? wire::kTtlNeverExpire
                     : ttl == -2 ? wire::kTtlDontUpdate : uint32_t(ttl);
  return 0;
}

int record_drop_key(lua_State* L) {
  check_record(L, 1).drop_key = true;
  return 0;
}

int record_bin_names(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  lua_getglobal(L, "list");
  lua_call(L, 0, 1);
  const int l = lua_gettop(L);
  lua_Integer i = 0;
  for (const Bin& b : st.work.bins) {
    lua_pushinteger(L, ++i);
    lua_pushlstring(L, b.name.data(), b.name.size());
    lua_settable(L, l);
  }
  return 1;
}

int record_numbins(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_record(L, 1).work.bins.size()));
  return 1;
}

int record_size(lua_State* L) {
  UdfRecordState& st = check_record(L, 1);
  size_t n = 0;
  for (const Bin& b : st.work.bins) n += b.name.size() + b.value.size() + 2;
  lua_pushinteger(L, lua_Integer(n));
  return 1;
}

// ---- aerospike object (called as aerospike:f(rec)) ----

int as_create(lua_State* L) {
  UdfRecordState& st = check_record(L, 2);
  if (st.exists) {
    lua_pushinteger(L, 1);  // the server: "record already exists"
    return 1;
  }
  commit(L, 2, st);
  st.exists = true;
  st.dirty = true;
  lua_pushinteger(L, 0);
  return 1;
}

int as_update(lua_State* L) {
  UdfRecordState& st = check_record(L, 2);
  if (!st.exists) {
    lua_pushinteger(L, -2);  // the server: the record is not open
    return 1;
  }
  commit(L, 2, st);
  st.dirty = true;
  lua_pushinteger(L, 0);
  return 1;
}

int as_exists(lua_State* L) {
  lua_pushboolean(L, check_record(L, 2).exists);
  return 1;
}

int as_remove(lua_State* L) {
  UdfRecordState& st = check_record(L, 2);
  if (!st.exists) {
    lua_pushinteger(L, 2);  // record not found
    return 1;
  }
  st.exists = false;
  st.work.bins.clear();
  st.dirty = true;
  lua_newtable(L);
  lua_setiuservalue(L, 2, 1);
  lua_newtable(L);
  lua_setiuservalue(L, 2, 2);
  lua_pushinteger(L, 0);
  return 1;
}

int as_log(lua_State* L) {
  // Logging is visible on a real server only in its log file; set AERO_UDF_LOG to see it.
  static const bool enabled = std::getenv("AERO_UDF_LOG") != nullptr;
  if (enabled) {
    const lua_Integer level = luaL_optinteger(L, 2, 2);
    std::fprintf(stderr, "udf log %d: %s\n", int(level), luaL_optstring(L, 3, ""));
  }
  return 0;
}

constexpr const char* kPrelude = R"lua(
local format, tostr = string.format, tostring
local function logger(level)
  return function(m, ...) return aerospike:log(level, format(tostr(m), ...)) end
end
warn, info, debug, trace = logger(1), logger(2), logger(3), logger(4)
)lua";

// Sets up the UDF environment in the state (run protected: Lua errors are caught).
int setup_environment(lua_State* L) {
  luaL_openlibs(L);
  // What a UDF may not use: files, processes, loading code from disk.
  lua_pushnil(L);
  lua_setglobal(L, "io");
  lua_pushnil(L);
  lua_setglobal(L, "dofile");
  lua_pushnil(L);
  lua_setglobal(L, "loadfile");
  lua_getglobal(L, "os");
  for (const char* f : {"execute", "exit", "remove", "rename", "tmpname", "getenv"}) {
    lua_pushnil(L);
    lua_setfield(L, -2, f);
  }
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);

  register_value_types(L);

  static const luaL_Reg rec_meta[] = {{"__index", rec_index}, {"__newindex", rec_newindex},
                                      {nullptr, nullptr}};
  luaL_newmetatable(L, kRecord);
  luaL_setfuncs(L, rec_meta, 0);
  lua_pushliteral(L, "protected");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg record_fns[] = {
      {"gen", record_gen},
      {"ttl", record_ttl},
      {"last_update_time", record_last_update_time},
      {"digest", record_digest},
      {"key", record_key},
      {"setname", record_setname},
      {"set_ttl", record_set_ttl},
      {"drop_key", record_drop_key},
      {"bin_names", record_bin_names},
      {"numbins", record_numbins},
      {"device_size", record_size},
      {"memory_size", record_size},
      {"size", record_size},
      {nullptr, nullptr}};
  luaL_newlib(L, record_fns);
  lua_setglobal(L, "record");

  static const luaL_Reg as_fns[] = {{"create", as_create}, {"update", as_update},
                                    {"exists", as_exists}, {"remove", as_remove},
                                    {"log", as_log},       {nullptr, nullptr}};
  luaL_newlib(L, as_fns);
  lua_setglobal(L, "aerospike");

  if (luaL_loadbufferx(L, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 0);
  // The stream library (stream_lib.h): its driver is kept in the registry, out of scripts' reach.
  if (luaL_loadbufferx(L, kStreamLib, std::strlen(kStreamLib), "=stream_ops", "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kStreamApply);
  return 0;
}

// A state with the environment, or nullptr with `*error`.
lua_State* new_environment(std::string* error) {
  lua_State* L = new_lua_state(UdfRegistry::kMemoryLimit);
  if (L == nullptr) {
    *error = "Unable to create a new Lua state";
    return nullptr;
  }
  lua_pushcfunction(L, setup_environment);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    *error = error_text(L, -1);
    close_lua_state(L);
    return nullptr;
  }
  return L;
}

// Loads `content` as chunk `chunkname` and runs its top level under the budget. LUA_OK, or
// the failing status with the message on top of L.
int load_and_run(lua_State* L, std::string_view content, const std::string& chunkname,
                 uint64_t limit) {
  int st = luaL_loadbufferx(L, content.data(), content.size(), chunkname.c_str(), "t");
  if (st != LUA_OK) return st;
  lua_State* co = lua_newthread(L);
  lua_insert(L, -2);
  lua_xmove(L, co, 1);
  int nres = 0;
  bool timed_out = false;
  st = run_budgeted(L, co, 0, limit, &nres, &timed_out);
  if (timed_out) {
    lua_settop(L, 0);
    lua_pushliteral(L, "UDF Execution Timeout");
    return LUA_ERRRUN;
  }
  if (st != LUA_OK) {
    lua_xmove(co, L, 1);
    lua_remove(L, -2);
    return st;
  }
  lua_pop(L, 1);
  return LUA_OK;
}

// ---- one call ----

struct Call {
  UdfRecordState* rec = nullptr;
  const std::string* function = nullptr;
  std::string_view args;
  bool no_function = false;
  bool bad_args = false;
  int nargs = 0;
  LuaRecord* record = nullptr;
  // finish():
  UdfOutcome* out = nullptr;
};

// Protected: leaves the record and the call's thread (function, record, args on it) on L.
int prepare_call(lua_State* L) {
  Call* c = static_cast<Call*>(lua_touserdata(L, 1));
  push_record(L, c->rec);
  c->record = static_cast<LuaRecord*>(lua_touserdata(L, -1));
  lua_State* co = lua_newthread(L);
  lua_getglobal(co, c->function->c_str());
  if (!lua_isfunction(co, -1)) {
    c->no_function = true;
    return 2;
  }
  lua_pushvalue(L, -2);
  lua_xmove(L, co, 1);
  if (!c->args.empty()) {
    c->nargs = push_msgpack_args(co, c->args);
    if (c->nargs < 0) c->bad_args = true;
  }
  return 2;
}

// Protected: converts the value on top of the thread at index 1 into the outcome.
int finish_call(lua_State* L) {
  Call* c = static_cast<Call*>(lua_touserdata(L, 1));
  lua_State* co = lua_tothread(L, 2);
  lua_xmove(co, L, 1);
  std::string error;
  if (!to_particle(L, -1, &c->out->particle, &c->out->value, &error)) {
    c->out->particle = 0;  // values without a wire form come back as nil, as mod-lua does
    c->out->value.clear();
  }
  return 0;
}

UdfOutcome failure(std::string message) {
  UdfOutcome o;
  o.result = 100;
  o.particle = wire::particle::kString;
  o.value = std::move(message);
  return o;
}

lua_State* open_module(const UdfModule& m, uint64_t limit, std::string* error) {
  lua_State* L = new_environment(error);
  if (L == nullptr) return nullptr;
  const std::string chunk = "@" + std::string(kUserPath) + "/" + m.name;
  if (load_and_run(L, m.content, chunk, limit) != LUA_OK) {
    *error = error_text(L, -1);
    close_lua_state(L);
    return nullptr;
  }
  lua_settop(L, 0);
  return L;
}

// A Lua state with `package`'s module loaded: one the registry keeps for reuse, or a new one.
// Null with `error` set when the module is unknown (mod-lua's as_module_err_string(1)) or
// does not load.
struct ModuleState {
  std::shared_ptr<const UdfModule> module;
  lua_State* L = nullptr;
};
ModuleState acquire_state(UdfRegistry& registry, std::string_view package, std::string* error) {
  ModuleState ms;
  ms.module = registry.find(std::string(package) + ".lua");
  if (ms.module == nullptr) {
    *error = "UDF: Execution Error 1";
    return ms;
  }
  ms.L = registry.take_state(*ms.module);
  if (ms.L == nullptr) ms.L = open_module(*ms.module, registry.instruction_limit(), error);
  return ms;
}

}  // namespace

UdfOutcome run_record_udf(UdfRegistry& registry, std::string_view package,
                          std::string_view function, std::string_view args,
                          UdfRecordState& rec) {
  std::string error;
  ModuleState ms = acquire_state(registry, package, &error);
  if (ms.L == nullptr) return failure(error);
  const UdfModule* m = ms.module.get();
  lua_State* L = ms.L;
  const uint64_t limit = registry.instruction_limit();
  const std::string fname(function);
  Call call;
  call.rec = &rec;
  call.function = &fname;
  call.args = args;
  lua_settop(L, 0);
  lua_pushcfunction(L, prepare_call);
  lua_pushlightuserdata(L, &call);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK) {  // out of memory
    UdfOutcome o = failure(error_text(L, -1));
    close_lua_state(L);
    return o;
  }
  // L: 1 record, 2 thread
  UdfOutcome out;
  bool reusable = true;
  if (call.no_function) {
    out = failure("function not found");
  } else if (call.bad_args) {
    out = failure("invalid argument list");
    out.result = wire::result::kParameter;
  } else {
    lua_State* co = lua_tothread(L, 2);
    int nres = 0;
    bool timed_out = false;
    const int st = run_budgeted(L, co, 1 + call.nargs, limit, &nres, &timed_out);
    if (timed_out) {
      out = failure("UDF Execution Timeout");
      reusable = false;  // the thread is suspended mid-script
    } else if (st != LUA_OK) {
      out = failure(error_text(co, -1));
      reusable = st != LUA_ERRMEM;
    } else {
      if (nres == 0) lua_pushnil(co);
      if (nres > 1) lua_pop(co, nres - 1);  // the first result is the call's value
      call.out = &out;
      lua_pushcfunction(L, finish_call);
      lua_pushlightuserdata(L, &call);
      lua_pushvalue(L, 2);
      if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        out = failure(error_text(L, -1));
        reusable = false;
      }
    }
  }
  call.record->st = nullptr;  // a record kept by the script is dead from now on
  lua_settop(L, 0);
  if (reusable) {
    registry.give_state(*m, L);
  } else {
    close_lua_state(L);
  }
  return out;
}

namespace {

struct StreamCall {
  UdfRecordState* rec = nullptr;
  const std::string* function = nullptr;
  std::string_view args;
  bool bad_args = false;
  int nargs = 0;
  LuaRecord* record = nullptr;
  StreamOutcome* out = nullptr;
};

// Protected: leaves the record and the call's thread on L; the thread holds the stream driver
// and its arguments (function name, server phase, a one-record stream, the UDF arguments).
int prepare_stream(lua_State* L) {
  StreamCall* c = static_cast<StreamCall*>(lua_touserdata(L, 1));
  push_record(L, c->rec);
  c->record = static_cast<LuaRecord*>(lua_touserdata(L, -1));
  lua_State* co = lua_newthread(L);
  lua_getfield(co, LUA_REGISTRYINDEX, kStreamApply);
  lua_pushstring(co, c->function->c_str());
  lua_pushinteger(co, 1);  // SERVER phase
  lua_createtable(co, 1, 0);
  lua_pushvalue(L, -2);
  lua_xmove(L, co, 1);
  lua_rawseti(co, -2, 1);
  lua_pushinteger(co, 1);
  if (!c->args.empty()) {
    c->nargs = push_msgpack_args(co, c->args);
    if (c->nargs < 0) c->bad_args = true;
  }
  return 2;
}

// Protected: converts the table of values on top of the thread at index 2.
int finish_stream(lua_State* L) {
  StreamCall* c = static_cast<StreamCall*>(lua_touserdata(L, 1));
  lua_State* co = lua_tothread(L, 2);
  lua_xmove(co, L, 1);
  if (!lua_istable(L, -1)) return 0;
  const lua_Integer n = lua_Integer(lua_rawlen(L, -1));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, i);
    uint8_t particle = 0;
    std::string bytes, error;
    if (!to_particle(L, -1, &particle, &bytes, &error)) {
      particle = 0;  // no wire form: nil, as for a record UDF's value
      bytes.clear();
    }
    c->out->values.emplace_back(particle, std::move(bytes));
    lua_pop(L, 1);
  }
  return 0;
}

}  // namespace

StreamOutcome run_stream_udf(UdfRegistry& registry, std::string_view package,
                             std::string_view function, std::string_view args,
                             UdfRecordState& rec) {
  StreamOutcome out;
  auto fail = [&out](std::string message) {
    out.result = 100;
    out.error = std::move(message);
    out.values.clear();
    return out;
  };
  std::string error;
  ModuleState ms = acquire_state(registry, package, &error);
  if (ms.L == nullptr) return fail(error);
  const UdfModule* m = ms.module.get();
  lua_State* L = ms.L;
  const uint64_t limit = registry.instruction_limit();
  const std::string fname(function);
  StreamCall call;
  call.rec = &rec;
  call.function = &fname;
  call.args = args;
  call.out = &out;
  lua_settop(L, 0);
  lua_pushcfunction(L, prepare_stream);
  lua_pushlightuserdata(L, &call);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK) {  // out of memory
    std::string e = error_text(L, -1);
    close_lua_state(L);
    return fail(e);
  }
  bool reusable = true;
  if (call.bad_args) {
    fail("invalid argument list");
    out.result = wire::result::kParameter;
  } else {
    lua_State* co = lua_tothread(L, 2);
    int nres = 0;
    bool timed_out = false;
    const int st = run_budgeted(L, co, 4 + call.nargs, limit, &nres, &timed_out);
    if (timed_out) {
      fail("UDF Execution Timeout");
      reusable = false;
    } else if (st != LUA_OK) {
      fail(error_text(co, -1));
      reusable = st != LUA_ERRMEM;
    } else {
      if (nres == 0) lua_pushnil(co);
      if (nres > 1) lua_pop(co, nres - 1);
      lua_pushcfunction(L, finish_stream);
      lua_pushlightuserdata(L, &call);
      lua_pushvalue(L, 2);
      if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        fail(error_text(L, -1));
        reusable = false;
      }
    }
  }
  call.record->st = nullptr;
  lua_settop(L, 0);
  if (reusable) {
    registry.give_state(*m, L);
  } else {
    close_lua_state(L);
  }
  return out;
}

std::string validate_module(std::string_view filename, std::string_view content,
                            uint64_t instruction_limit) {
  std::string error;
  lua_State* L = new_environment(&error);
  if (L == nullptr) return "error=" + error;
  const int st = load_and_run(L, content, std::string(filename), instruction_limit);
  if (st == LUA_OK) {
    close_lua_state(L);
    return {};
  }
  const std::string message = error_text(L, -1);
  close_lua_state(L);
  // Lua reports `[string "<file>"]:<line>: <text>`; the server splits it into file, line
  // and message (aerospike-mod-lua mod_lua.c, populate_error).
  std::string file(filename), text = message;
  unsigned line = 0;
  if (!message.empty() && message[0] == '[') {
    const size_t q1 = message.find('"');
    const size_t q2 = q1 == std::string::npos ? q1 : message.find('"', q1 + 1);
    if (q2 != std::string::npos) {
      file = message.substr(q1 + 1, q2 - q1 - 1);
      const size_t c1 = message.find(':', q2);
      const size_t c2 = c1 == std::string::npos ? c1 : message.find(':', c1 + 1);
      if (c2 != std::string::npos) {
        line = unsigned(std::strtoul(message.substr(c1 + 1, c2 - c1 - 1).c_str(), nullptr, 10));
        text = c2 + 2 <= message.size() ? message.substr(c2 + 2) : std::string();
      }
    }
  }
  return "error=compile_error;file=" + file + ";line=" + std::to_string(line) +
         ";message=" + base64_encode(text);
}

}  // namespace aero::testserver::udf
