#include "lua/values.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace aero::modlua {

namespace {

constexpr const char* kList = "List";
constexpr const char* kMap = "Map";
constexpr const char* kBytes = "Bytes";
constexpr const char* kGeo = "GeoJSON";
constexpr int kMaxDepth = 64;

// Wire particle types used here (the server's as_particle_type numbering).
constexpr uint8_t kNull = 0, kInteger = 1, kFloat = 2, kString = 3, kBlob = 4, kBool = 17,
                  kMapType = 19, kListType = 20, kGeoJson = 23;

// List and Map: the element table is the userdata's first user value; the struct keeps the
// count (lists may hold nil, maps count their keys).
struct Counted {
  lua_Integer n = 0;
};

// Bytes and GeoJSON own a std::string.
struct Text {
  std::string s;
};

int text_gc(lua_State* L) {
  auto* t = static_cast<Text*>(lua_touserdata(L, 1));
  if (t != nullptr) t->~Text();
  return 0;
}

Text* new_text(lua_State* L, const char* meta, std::string_view s) {
  void* mem = lua_newuserdatauv(L, sizeof(Text), 0);
  auto* t = new (mem) Text;
  t->s.assign(s.data(), s.size());
  luaL_setmetatable(L, meta);
  return t;
}

Counted* new_counted(lua_State* L, const char* meta) {
  void* mem = lua_newuserdatauv(L, sizeof(Counted), 1);
  auto* c = new (mem) Counted;
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, meta);
  return c;
}

Counted* check_list(lua_State* L, int idx) { return static_cast<Counted*>(luaL_checkudata(L, idx, kList)); }
Counted* check_map(lua_State* L, int idx) { return static_cast<Counted*>(luaL_checkudata(L, idx, kMap)); }
Text* check_bytes(lua_State* L, int idx) { return static_cast<Text*>(luaL_checkudata(L, idx, kBytes)); }

// Pushes the element table of the list or map at idx.
void push_items(lua_State* L, int idx) { lua_getiuservalue(L, idx, 1); }

bool is_udata(lua_State* L, int idx, const char* meta) {
  return luaL_testudata(L, idx, meta) != nullptr;
}

// ---- ordering (map keys, printing) ----

int type_rank(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return 0;
    case LUA_TBOOLEAN: return 1;
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? 2 : 7;
    case LUA_TSTRING: return 3;
    case LUA_TUSERDATA:
      if (is_udata(L, idx, kList)) return 4;
      if (is_udata(L, idx, kMap)) return 5;
      if (is_udata(L, idx, kBytes)) return 6;
      if (is_udata(L, idx, kGeo)) return 8;
      return 9;
    default: return 9;
  }
}

struct KeyRef {
  int rank = 0;
  lua_Integer i = 0;
  double d = 0;
  std::string s;
  int slot = 0;  // index in the scratch table holding the key
};

bool key_less(const KeyRef& a, const KeyRef& b) {
  if (a.rank != b.rank) return a.rank < b.rank;
  switch (a.rank) {
    case 1:
    case 2: return a.i < b.i;
    case 7: return a.d < b.d;
    case 3:
    case 6:
    case 8: return a.s < b.s;
    default: return a.slot < b.slot;
  }
}

// Collects the keys of the map at idx, sorted, into a new table pushed on the stack (keys at
// 1..n, values at n+1..2n); returns n.
int sorted_entries(lua_State* L, int idx) {
  idx = lua_absindex(L, idx);
  push_items(L, idx);
  const int items = lua_gettop(L);
  lua_newtable(L);
  const int scratch = lua_gettop(L);
  std::vector<KeyRef> keys;
  lua_pushnil(L);
  while (lua_next(L, items) != 0) {
    lua_pop(L, 1);
    KeyRef k;
    k.rank = type_rank(L, -1);
    k.slot = int(keys.size()) + 1;
    if (k.rank == 1) k.i = lua_toboolean(L, -1);
    if (k.rank == 2) k.i = lua_tointeger(L, -1);
    if (k.rank == 7) k.d = lua_tonumber(L, -1);
    if (k.rank == 3) k.s = lua_tostring(L, -1);
    if (k.rank == 6 || k.rank == 8) k.s = static_cast<Text*>(lua_touserdata(L, -1))->s;
    lua_pushvalue(L, -1);
    lua_rawseti(L, scratch, k.slot);
    keys.push_back(std::move(k));
  }
  std::stable_sort(keys.begin(), keys.end(), key_less);
  lua_newtable(L);
  const int out = lua_gettop(L);
  const int n = int(keys.size());
  for (int j = 0; j < n; ++j) {
    lua_rawgeti(L, scratch, keys[size_t(j)].slot);
    lua_pushvalue(L, -1);
    lua_rawseti(L, out, j + 1);
    lua_rawget(L, items);
    lua_rawseti(L, out, n + j + 1);
  }
  lua_replace(L, items);  // leave only the output table
  lua_settop(L, items);
  return n;
}

// ---- printing ----

void append_text(lua_State* L, int idx, std::string& out, bool quote, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > kMaxDepth) {
    out += "...";
    return;
  }
  switch (lua_type(L, idx)) {
    case LUA_TNIL: out += "nil"; return;
    case LUA_TBOOLEAN: out += lua_toboolean(L, idx) ? "true" : "false"; return;
    case LUA_TNUMBER:
    case LUA_TSTRING: {
      size_t len = 0;
      lua_pushvalue(L, idx);
      const char* s = lua_tolstring(L, -1, &len);
      if (quote && lua_type(L, idx) == LUA_TSTRING) out += '"';
      out.append(s, len);
      if (quote && lua_type(L, idx) == LUA_TSTRING) out += '"';
      lua_pop(L, 1);
      return;
    }
    default: break;
  }
  if (is_udata(L, idx, kList)) {
    auto* c = static_cast<Counted*>(lua_touserdata(L, idx));
    push_items(L, idx);
    out += '[';
    for (lua_Integer i = 1; i <= c->n; ++i) {
      if (i > 1) out += ", ";
      lua_rawgeti(L, -1, i);
      append_text(L, -1, out, true, depth + 1);
      lua_pop(L, 1);
    }
    out += ']';
    lua_pop(L, 1);
    return;
  }
  if (is_udata(L, idx, kMap)) {
    const int n = sorted_entries(L, idx);
    out += '{';
    for (int j = 1; j <= n; ++j) {
      if (j > 1) out += ", ";
      lua_rawgeti(L, -1, j);
      append_text(L, -1, out, true, depth + 1);
      out += ':';
      lua_rawgeti(L, -2, n + j);
      append_text(L, -1, out, true, depth + 1);
      lua_pop(L, 2);
    }
    out += '}';
    lua_pop(L, 1);
    return;
  }
  if (is_udata(L, idx, kBytes)) {
    static const char* hex = "0123456789ABCDEF";
    const std::string& s = static_cast<Text*>(lua_touserdata(L, idx))->s;
    for (unsigned char ch : s) {
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
    return;
  }
  if (is_udata(L, idx, kGeo)) {
    out += static_cast<Text*>(lua_touserdata(L, idx))->s;
    return;
  }
  out += luaL_typename(L, idx);
}

int value_tostring(lua_State* L) {
  const std::string s = value_text(L, 1);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

// ---- list module ----

void list_set(lua_State* L, int list_idx, lua_Integer i, int value_idx) {
  list_idx = lua_absindex(L, list_idx);
  value_idx = lua_absindex(L, value_idx);
  auto* c = static_cast<Counted*>(lua_touserdata(L, list_idx));
  push_items(L, list_idx);
  lua_pushvalue(L, value_idx);
  lua_rawseti(L, -2, i);
  lua_pop(L, 1);
  if (i > c->n) c->n = i;
}

// list() / list{...}: a new list, optionally from a Lua array.
int list_new(lua_State* L) {
  // Called as list(...) through __call: argument 1 is the module table.
  new_counted(L, kList);
  const int l = lua_gettop(L);
  if (lua_istable(L, 2)) {
    const lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 2, i);
      list_set(L, l, i, -1);
      lua_pop(L, 1);
    }
  }
  return 1;
}

int list_index(lua_State* L) {
  auto* c = check_list(L, 1);
  if (!lua_isinteger(L, 2)) {
    lua_pushnil(L);
    return 1;
  }
  const lua_Integer i = lua_tointeger(L, 2);
  if (i < 1 || i > c->n) {
    lua_pushnil(L);
    return 1;
  }
  push_items(L, 1);
  lua_rawgeti(L, -1, i);
  return 1;
}

int list_newindex(lua_State* L) {
  auto* c = check_list(L, 1);
  const lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || i > c->n + 1) return luaL_error(L, "list index %d out of range", int(i));
  list_set(L, 1, i, 3);
  return 0;
}

int list_len(lua_State* L) {
  lua_pushinteger(L, check_list(L, 1)->n);
  return 1;
}

int list_append(lua_State* L) {
  auto* c = check_list(L, 1);
  lua_settop(L, 2);
  list_set(L, 1, c->n + 1, 2);
  return 0;
}

// Shifts elements [from, n] by `by` (+1 or -1) within the element table at `items`.
void list_shift(lua_State* L, int items, Counted* c, lua_Integer from, int by) {
  if (by > 0) {
    for (lua_Integer i = c->n; i >= from; --i) {
      lua_rawgeti(L, items, i);
      lua_rawseti(L, items, i + 1);
    }
    c->n += 1;
  } else {
    for (lua_Integer i = from; i <= c->n; ++i) {
      lua_rawgeti(L, items, i);
      lua_rawseti(L, items, i - 1);
    }
    lua_pushnil(L);
    lua_rawseti(L, items, c->n);
    c->n -= 1;
  }
}

int list_prepend(lua_State* L) {
  auto* c = check_list(L, 1);
  lua_settop(L, 2);
  push_items(L, 1);
  list_shift(L, 3, c, 1, +1);
  lua_pushvalue(L, 2);
  lua_rawseti(L, 3, 1);
  return 0;
}

int list_insert(lua_State* L) {
  auto* c = check_list(L, 1);
  const lua_Integer i = luaL_checkinteger(L, 2);
  lua_settop(L, 3);
  if (i < 1 || i > c->n + 1) return luaL_error(L, "list index %d out of range", int(i));
  push_items(L, 1);
  list_shift(L, 4, c, i, +1);
  lua_pushvalue(L, 3);
  lua_rawseti(L, 4, i);
  return 0;
}

int list_remove(lua_State* L) {
  auto* c = check_list(L, 1);
  const lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || i > c->n) return 0;
  push_items(L, 1);
  list_shift(L, 3, c, i + 1, -1);
  return 0;
}

// A new list with elements [from, to] of the list at 1.
int list_slice(lua_State* L, lua_Integer from, lua_Integer to) {
  auto* c = check_list(L, 1);
  push_items(L, 1);
  const int src = lua_gettop(L);
  new_counted(L, kList);
  const int dst = lua_gettop(L);
  auto* d = static_cast<Counted*>(lua_touserdata(L, dst));
  push_items(L, dst);
  lua_Integer j = 0;
  for (lua_Integer i = std::max<lua_Integer>(from, 1); i <= std::min(to, c->n); ++i) {
    lua_rawgeti(L, src, i);
    lua_rawseti(L, -2, ++j);
  }
  d->n = j;
  lua_pop(L, 1);
  return 1;
}

int list_take(lua_State* L) { return list_slice(L, 1, luaL_checkinteger(L, 2)); }
int list_drop(lua_State* L) {
  return list_slice(L, luaL_checkinteger(L, 2) + 1, check_list(L, 1)->n);
}
int list_clone(lua_State* L) { return list_slice(L, 1, check_list(L, 1)->n); }

int list_trim(lua_State* L) {
  auto* c = check_list(L, 1);
  const lua_Integer keep = luaL_checkinteger(L, 2) - 1;
  if (keep < 0 || keep >= c->n) return 0;
  push_items(L, 1);
  for (lua_Integer i = keep + 1; i <= c->n; ++i) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  c->n = keep;
  return 0;
}

int list_concat(lua_State* L) {
  auto* c = check_list(L, 1);
  auto* o = check_list(L, 2);
  const lua_Integer n = o->n;
  push_items(L, 1);
  push_items(L, 2);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, 4, i);
    lua_rawseti(L, 3, c->n + i);
  }
  c->n += n;
  return 0;
}

int list_merge(lua_State* L) {
  check_list(L, 1);
  check_list(L, 2);
  lua_settop(L, 2);
  lua_pushcfunction(L, list_clone);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);  // 3: the copy
  lua_pushcfunction(L, list_concat);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 2);
  lua_call(L, 2, 0);
  return 1;
}

int list_iter_step(lua_State* L) {
  auto* c = static_cast<Counted*>(lua_touserdata(L, lua_upvalueindex(1)));
  const lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  if (i > c->n) return 0;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  push_items(L, lua_upvalueindex(1));
  lua_rawgeti(L, -1, i);
  return 1;
}

int list_iterator(lua_State* L) {
  check_list(L, 1);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, list_iter_step, 2);
  return 1;
}

int list_size(lua_State* L) { return list_len(L); }

// ---- map module ----

void map_put(lua_State* L, int map_idx, int key_idx, int value_idx) {
  map_idx = lua_absindex(L, map_idx);
  key_idx = lua_absindex(L, key_idx);
  value_idx = lua_absindex(L, value_idx);
  auto* c = static_cast<Counted*>(lua_touserdata(L, map_idx));
  push_items(L, map_idx);
  lua_pushvalue(L, key_idx);
  lua_rawget(L, -2);
  const bool had = !lua_isnil(L, -1);
  lua_pop(L, 1);
  const bool has = !lua_isnil(L, value_idx);
  lua_pushvalue(L, key_idx);
  lua_pushvalue(L, value_idx);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  c->n += (has ? 1 : 0) - (had ? 1 : 0);
}

int map_new(lua_State* L) {
  new_counted(L, kMap);
  const int m = lua_gettop(L);
  if (lua_istable(L, 2)) {
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
      map_put(L, m, -2, -1);
      lua_pop(L, 1);
    }
  }
  lua_settop(L, m);
  return 1;
}

int map_index(lua_State* L) {
  check_map(L, 1);
  if (lua_isnil(L, 2) || (lua_type(L, 2) == LUA_TNUMBER && lua_tonumber(L, 2) != lua_tonumber(L, 2))) {
    lua_pushnil(L);
    return 1;
  }
  push_items(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

int map_newindex(lua_State* L) {
  check_map(L, 1);
  if (lua_isnil(L, 2)) return luaL_error(L, "map key is nil");
  if (lua_type(L, 2) == LUA_TNUMBER && lua_tonumber(L, 2) != lua_tonumber(L, 2)) {
    return luaL_error(L, "map key is NaN");
  }
  map_put(L, 1, 2, 3);
  return 0;
}

int map_len(lua_State* L) {
  lua_pushinteger(L, check_map(L, 1)->n);
  return 1;
}

int map_remove(lua_State* L) {
  check_map(L, 1);
  lua_settop(L, 2);
  if (lua_isnil(L, 2)) return 0;
  lua_pushnil(L);
  map_put(L, 1, 2, 3);
  return 0;
}

int map_clone(lua_State* L) {
  check_map(L, 1);
  push_items(L, 1);
  const int src = lua_gettop(L);
  new_counted(L, kMap);
  const int dst = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, src) != 0) {
    map_put(L, dst, -2, -1);
    lua_pop(L, 1);
  }
  lua_settop(L, dst);
  return 1;
}

// map.merge(m1, m2[, f]): a new map with both; f(v1, v2) resolves keys present in both.
int map_merge(lua_State* L) {
  check_map(L, 1);
  check_map(L, 2);
  const bool has_f = lua_isfunction(L, 3);
  lua_settop(L, 3);
  lua_pushcfunction(L, map_clone);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);  // 4: the result
  push_items(L, 4);   // 5: its elements
  push_items(L, 2);   // 6: m2's elements
  lua_pushnil(L);
  while (lua_next(L, 6) != 0) {  // 7: key, 8: value
    if (has_f) {
      lua_pushvalue(L, 7);
      lua_rawget(L, 5);  // 9: the value already there
      if (!lua_isnil(L, 9)) {
        lua_pushvalue(L, 3);
        lua_pushvalue(L, 9);
        lua_pushvalue(L, 8);
        lua_call(L, 2, 1);
        lua_replace(L, 8);
      }
      lua_settop(L, 8);
    }
    map_put(L, 4, 7, 8);
    lua_settop(L, 7);
  }
  lua_settop(L, 4);
  return 1;
}

// Iterators over sorted entries: upvalues = entries table, count, position, mode.
int map_iter_step(lua_State* L) {
  const lua_Integer n = lua_tointeger(L, lua_upvalueindex(2));
  const lua_Integer i = lua_tointeger(L, lua_upvalueindex(3)) + 1;
  const lua_Integer mode = lua_tointeger(L, lua_upvalueindex(4));
  if (i > n) return 0;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  if (mode == 0 || mode == 1) lua_rawgeti(L, lua_upvalueindex(1), i);
  if (mode == 0 || mode == 2) lua_rawgeti(L, lua_upvalueindex(1), n + i);
  return mode == 0 ? 2 : 1;
}

int map_iter(lua_State* L, int mode) {
  check_map(L, 1);
  const int n = sorted_entries(L, 1);
  lua_pushinteger(L, n);
  lua_pushinteger(L, 0);
  lua_pushinteger(L, mode);
  lua_pushcclosure(L, map_iter_step, 4);
  return 1;
}

int map_pairs(lua_State* L) { return map_iter(L, 0); }
int map_keys(lua_State* L) { return map_iter(L, 1); }
int map_values(lua_State* L) { return map_iter(L, 2); }
int map_size(lua_State* L) { return map_len(L); }

// ---- bytes and geojson ----

int bytes_new(lua_State* L) {
  const lua_Integer n = luaL_optinteger(L, 2, 0);
  if (n < 0 || n > (1 << 24)) return luaL_error(L, "bytes size %d out of range", int(n));
  new_text(L, kBytes, std::string(size_t(n), '\0'));
  return 1;
}

int bytes_size(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_bytes(L, 1)->s.size()));
  return 1;
}

int bytes_index(lua_State* L) {
  Text* t = check_bytes(L, 1);
  if (!lua_isinteger(L, 2)) {
    lua_pushnil(L);
    return 1;
  }
  const lua_Integer i = lua_tointeger(L, 2);
  if (i < 1 || size_t(i) > t->s.size()) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, uint8_t(t->s[size_t(i - 1)]));
  return 1;
}

int bytes_newindex(lua_State* L) {
  Text* t = check_bytes(L, 1);
  const lua_Integer i = luaL_checkinteger(L, 2);
  const lua_Integer v = luaL_checkinteger(L, 3);
  if (i < 1 || i > lua_Integer(t->s.size()) + 1 || i > (1 << 24)) {
    return luaL_error(L, "bytes index %d out of range", int(i));
  }
  if (size_t(i) > t->s.size()) t->s.resize(size_t(i));
  t->s[size_t(i - 1)] = char(uint8_t(v));
  return 0;
}

int bytes_get_string(lua_State* L) {
  Text* t = check_bytes(L, 1);
  const lua_Integer at = luaL_optinteger(L, 2, 1);
  const lua_Integer len = luaL_optinteger(L, 3, lua_Integer(t->s.size()));
  if (at < 1 || len < 0 || size_t(at - 1) > t->s.size()) return 0;
  const std::string s = t->s.substr(size_t(at - 1), size_t(len));
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int bytes_append_string(lua_State* L) {
  Text* t = check_bytes(L, 1);
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  t->s.append(s, n);
  return 0;
}

int geo_new(lua_State* L) {
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  new_text(L, kGeo, std::string_view(s, n));
  return 1;
}

int geo_tostring(lua_State* L) {
  Text* t = static_cast<Text*>(luaL_checkudata(L, 1, kGeo));
  lua_pushlstring(L, t->s.data(), t->s.size());
  return 1;
}

// Creates metatable `meta` with the given metamethods, and the global module table `name`
// holding `functions` and a __call constructor.
void make_type(lua_State* L, const char* meta, const luaL_Reg* metamethods, const char* name,
               const luaL_Reg* functions, lua_CFunction ctor) {
  luaL_newmetatable(L, meta);
  luaL_setfuncs(L, metamethods, 0);
  lua_pushcfunction(L, value_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "protected");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_newtable(L);
  lua_pushcfunction(L, ctor);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setglobal(L, name);
}

// ---- msgpack ----

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool need(size_t n) const { return size_t(end - p) >= n; }
  uint64_t be(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    p += n;
    return v;
  }
};

bool push_msgpack(lua_State* L, Reader& r, int depth);

bool push_blob_like(lua_State* L, Reader& r, size_t len) {
  if (!r.need(len)) return false;
  if (len == 0) {
    lua_pushliteral(L, "");
    return true;
  }
  const uint8_t type = r.p[0];
  const std::string_view body(reinterpret_cast<const char*>(r.p + 1), len - 1);
  r.p += len;
  if (type == kString) {
    lua_pushlstring(L, body.data(), body.size());
  } else if (type == kGeoJson) {
    new_text(L, kGeo, body);
  } else {
    new_text(L, kBytes, body);
  }
  return true;
}

// Skips one msgpack ext value whose header byte was already consumed.
bool skip_ext(Reader& r, uint8_t b) {
  size_t len = 0;
  switch (b) {
    case 0xd4: len = 1; break;
    case 0xd5: len = 2; break;
    case 0xd6: len = 4; break;
    case 0xd7: len = 8; break;
    case 0xd8: len = 16; break;
    case 0xc7: if (!r.need(1)) return false; len = size_t(r.be(1)); break;
    case 0xc8: if (!r.need(2)) return false; len = size_t(r.be(2)); break;
    case 0xc9: if (!r.need(4)) return false; len = size_t(r.be(4)); break;
    default: return false;
  }
  if (!r.need(len + 1)) return false;
  r.p += len + 1;  // type byte + data
  return true;
}

bool is_ext(uint8_t b) { return (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9); }

bool push_array(lua_State* L, Reader& r, uint64_t n, int depth) {
  new_counted(L, kList);
  auto* c = static_cast<Counted*>(lua_touserdata(L, -1));
  push_items(L, -1);
  lua_Integer j = 0;
  for (uint64_t i = 0; i < n; ++i) {
    if (i == 0 && r.need(1) && is_ext(r.p[0])) {  // ordered-list metadata
      const uint8_t b = *r.p++;
      if (!skip_ext(r, b)) return false;
      continue;
    }
    if (!push_msgpack(L, r, depth + 1)) return false;
    lua_rawseti(L, -2, ++j);
  }
  c->n = j;
  lua_pop(L, 1);
  return true;
}

bool push_mapv(lua_State* L, Reader& r, uint64_t n, int depth) {
  new_counted(L, kMap);
  const int m = lua_gettop(L);
  for (uint64_t i = 0; i < n; ++i) {
    if (i == 0 && r.need(1) && is_ext(r.p[0])) {  // map order metadata + its nil value
      const uint8_t b = *r.p++;
      if (!skip_ext(r, b)) return false;
      if (!push_msgpack(L, r, depth + 1)) return false;
      lua_pop(L, 1);
      continue;
    }
    if (!push_msgpack(L, r, depth + 1)) return false;
    if (!push_msgpack(L, r, depth + 1)) return false;
    if (lua_isnil(L, -2)) {
      lua_pop(L, 2);
      continue;
    }
    map_put(L, m, -2, -1);
    lua_pop(L, 2);
  }
  return true;
}

bool push_msgpack(lua_State* L, Reader& r, int depth) {
  if (depth > kMaxDepth || !r.need(1)) return false;
  if (!lua_checkstack(L, 8)) return false;
  const uint8_t b = *r.p++;
  if (b <= 0x7f) {
    lua_pushinteger(L, b);
    return true;
  }
  if (b >= 0xe0) {
    lua_pushinteger(L, int8_t(b));
    return true;
  }
  if ((b & 0xf0) == 0x80) return push_mapv(L, r, b & 0x0f, depth);
  if ((b & 0xf0) == 0x90) return push_array(L, r, b & 0x0f, depth);
  if ((b & 0xe0) == 0xa0) return push_blob_like(L, r, b & 0x1f);
  switch (b) {
    case 0xc0: lua_pushnil(L); return true;
    case 0xc2: lua_pushboolean(L, 0); return true;
    case 0xc3: lua_pushboolean(L, 1); return true;
    case 0xc4: case 0xd9: if (!r.need(1)) return false; return push_blob_like(L, r, size_t(r.be(1)));
    case 0xc5: case 0xda: if (!r.need(2)) return false; return push_blob_like(L, r, size_t(r.be(2)));
    case 0xc6: case 0xdb: if (!r.need(4)) return false; return push_blob_like(L, r, size_t(r.be(4)));
    case 0xca: {
      if (!r.need(4)) return false;
      const uint32_t u = uint32_t(r.be(4));
      float f;
      std::memcpy(&f, &u, 4);
      lua_pushnumber(L, f);
      return true;
    }
    case 0xcb: {
      if (!r.need(8)) return false;
      const uint64_t u = r.be(8);
      double d;
      std::memcpy(&d, &u, 8);
      lua_pushnumber(L, d);
      return true;
    }
    case 0xcc: if (!r.need(1)) return false; lua_pushinteger(L, lua_Integer(r.be(1))); return true;
    case 0xcd: if (!r.need(2)) return false; lua_pushinteger(L, lua_Integer(r.be(2))); return true;
    case 0xce: if (!r.need(4)) return false; lua_pushinteger(L, lua_Integer(r.be(4))); return true;
    case 0xcf: if (!r.need(8)) return false; lua_pushinteger(L, lua_Integer(r.be(8))); return true;
    case 0xd0: if (!r.need(1)) return false; lua_pushinteger(L, int8_t(r.be(1))); return true;
    case 0xd1: if (!r.need(2)) return false; lua_pushinteger(L, int16_t(r.be(2))); return true;
    case 0xd2: if (!r.need(4)) return false; lua_pushinteger(L, int32_t(r.be(4))); return true;
    case 0xd3: if (!r.need(8)) return false; lua_pushinteger(L, lua_Integer(r.be(8))); return true;
    case 0xdc: if (!r.need(2)) return false; return push_array(L, r, r.be(2), depth);
    case 0xdd: if (!r.need(4)) return false; return push_array(L, r, r.be(4), depth);
    case 0xde: if (!r.need(2)) return false; return push_mapv(L, r, r.be(2), depth);
    case 0xdf: if (!r.need(4)) return false; return push_mapv(L, r, r.be(4), depth);
    default:
      if (is_ext(b)) {  // a bare ext value has no Lua form
        if (!skip_ext(r, b)) return false;
        lua_pushnil(L);
        return true;
      }
      return false;
  }
}

void put_be(std::string& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out += char((v >> (8 * i)) & 0xFF);
}

void pack_int(std::string& out, int64_t v) {
  if (v >= 0) {
    if (v < 128) out += char(v);
    else if (v < 256) { out += char(0xcc); put_be(out, uint64_t(v), 1); }
    else if (v < 65536) { out += char(0xcd); put_be(out, uint64_t(v), 2); }
    else if (v <= 0xFFFFFFFFll) { out += char(0xce); put_be(out, uint64_t(v), 4); }
    else { out += char(0xcf); put_be(out, uint64_t(v), 8); }
  } else {
    if (v >= -32) out += char(int8_t(v));
    else if (v >= -128) { out += char(0xd0); put_be(out, uint64_t(v), 1); }
    else if (v >= -32768) { out += char(0xd1); put_be(out, uint64_t(v), 2); }
    else if (v >= -2147483648ll) { out += char(0xd2); put_be(out, uint64_t(v), 4); }
    else { out += char(0xd3); put_be(out, uint64_t(v), 8); }
  }
}

void pack_prefixed(std::string& out, uint8_t type, std::string_view s, bool bin_family) {
  const size_t n = s.size() + 1;
  if (bin_family) {
    if (n < 256) { out += char(0xc4); put_be(out, n, 1); }
    else if (n < 65536) { out += char(0xc5); put_be(out, n, 2); }
    else { out += char(0xc6); put_be(out, n, 4); }
  } else {
    if (n < 32) out += char(0xa0 | n);
    else if (n < 256) { out += char(0xd9); put_be(out, n, 1); }
    else if (n < 65536) { out += char(0xda); put_be(out, n, 2); }
    else { out += char(0xdb); put_be(out, n, 4); }
  }
  out += char(type);
  out.append(s.data(), s.size());
}

void pack_header(std::string& out, uint64_t n, uint8_t fix, uint8_t b16, uint8_t b32) {
  if (n < 16) out += char(fix | n);
  else if (n < 65536) { out += char(b16); put_be(out, n, 2); }
  else { out += char(b32); put_be(out, n, 4); }
}

bool pack(lua_State* L, int idx, std::string& out, int depth, std::string* error) {
  idx = lua_absindex(L, idx);
  if (depth > kMaxDepth) {
    *error = "value nested too deeply";
    return false;
  }
  if (!lua_checkstack(L, 8)) {
    *error = "out of Lua stack";
    return false;
  }
  switch (lua_type(L, idx)) {
    case LUA_TNIL: out += char(0xc0); return true;
    case LUA_TBOOLEAN: out += char(lua_toboolean(L, idx) ? 0xc3 : 0xc2); return true;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        pack_int(out, lua_tointeger(L, idx));
      } else {
        const double d = lua_tonumber(L, idx);
        uint64_t u;
        std::memcpy(&u, &d, 8);
        out += char(0xcb);
        put_be(out, u, 8);
      }
      return true;
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, idx, &n);
      pack_prefixed(out, kString, std::string_view(s, n), false);
      return true;
    }
    default: break;
  }
  if (is_udata(L, idx, kBytes)) {
    pack_prefixed(out, kBlob, static_cast<Text*>(lua_touserdata(L, idx))->s, true);
    return true;
  }
  if (is_udata(L, idx, kGeo)) {
    pack_prefixed(out, kGeoJson, static_cast<Text*>(lua_touserdata(L, idx))->s, false);
    return true;
  }
  if (is_udata(L, idx, kList)) {
    auto* c = static_cast<Counted*>(lua_touserdata(L, idx));
    pack_header(out, uint64_t(c->n), 0x90, 0xdc, 0xdd);
    push_items(L, idx);
    for (lua_Integer i = 1; i <= c->n; ++i) {
      lua_rawgeti(L, -1, i);
      const bool ok = pack(L, -1, out, depth + 1, error);
      lua_pop(L, 1);
      if (!ok) return false;
    }
    lua_pop(L, 1);
    return true;
  }
  if (is_udata(L, idx, kMap)) {
    const int n = sorted_entries(L, idx);
    pack_header(out, uint64_t(n), 0x80, 0xde, 0xdf);
    for (int j = 1; j <= n; ++j) {
      lua_rawgeti(L, -1, j);
      lua_rawgeti(L, -2, n + j);
      const bool ok = pack(L, -2, out, depth + 1, error) && pack(L, -1, out, depth + 1, error);
      lua_pop(L, 2);
      if (!ok) return false;
    }
    lua_pop(L, 1);
    return true;
  }
  *error = std::string("unsupported value type: ") + luaL_typename(L, idx);
  return false;
}

}  // namespace

void register_value_types(lua_State* L) {
  static const luaL_Reg list_meta[] = {{"__index", list_index},
                                       {"__newindex", list_newindex},
                                       {"__len", list_len},
                                       {nullptr, nullptr}};
  static const luaL_Reg list_fns[] = {
      {"size", list_size},       {"append", list_append},   {"prepend", list_prepend},
      {"insert", list_insert},   {"remove", list_remove},   {"take", list_take},
      {"drop", list_drop},       {"trim", list_trim},       {"clone", list_clone},
      {"concat", list_concat},   {"merge", list_merge},     {"iterator", list_iterator},
      {nullptr, nullptr}};
  make_type(L, kList, list_meta, "list", list_fns, list_new);

  static const luaL_Reg map_meta[] = {{"__index", map_index},
                                      {"__newindex", map_newindex},
                                      {"__len", map_len},
                                      {nullptr, nullptr}};
  static const luaL_Reg map_fns[] = {{"size", map_size},     {"pairs", map_pairs},
                                     {"iterator", map_pairs}, {"keys", map_keys},
                                     {"values", map_values}, {"remove", map_remove},
                                     {"clone", map_clone},   {"merge", map_merge},
                                     {nullptr, nullptr}};
  make_type(L, kMap, map_meta, "map", map_fns, map_new);

  static const luaL_Reg bytes_meta[] = {{"__index", bytes_index},
                                        {"__newindex", bytes_newindex},
                                        {"__len", bytes_size},
                                        {"__gc", text_gc},
                                        {nullptr, nullptr}};
  static const luaL_Reg bytes_fns[] = {{"size", bytes_size},
                                       {"get_string", bytes_get_string},
                                       {"append_string", bytes_append_string},
                                       {nullptr, nullptr}};
  make_type(L, kBytes, bytes_meta, "bytes", bytes_fns, bytes_new);

  static const luaL_Reg geo_meta[] = {{"__gc", text_gc}, {nullptr, nullptr}};
  static const luaL_Reg geo_fns[] = {{"tostring", geo_tostring}, {nullptr, nullptr}};
  make_type(L, kGeo, geo_meta, "geojson", geo_fns, geo_new);
}

bool push_particle(lua_State* L, uint8_t particle, std::string_view v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  switch (particle) {
    case kNull: lua_pushnil(L); return true;
    case kInteger: {
      if (v.size() != 8) return false;
      Reader r{p, p + 8};
      lua_pushinteger(L, lua_Integer(r.be(8)));
      return true;
    }
    case kFloat: {
      if (v.size() != 8) return false;
      Reader r{p, p + 8};
      const uint64_t u = r.be(8);
      double d;
      std::memcpy(&d, &u, 8);
      lua_pushnumber(L, d);
      return true;
    }
    case kString: lua_pushlstring(L, v.data(), v.size()); return true;
    case kBool:
      if (v.size() != 1) return false;
      lua_pushboolean(L, p[0] != 0);
      return true;
    case kListType:
    case kMapType: {
      Reader r{p, p + v.size()};
      if (!push_msgpack(L, r, 0)) return false;
      if (r.p != r.end) {
        lua_pop(L, 1);
        return false;
      }
      return true;
    }
    case kGeoJson: {
      if (v.size() < 3) return false;
      const size_t cells = (size_t(p[1]) << 8) | p[2];
      const size_t skip = 3 + cells * 8;
      if (v.size() < skip) return false;
      new_text(L, kGeo, v.substr(skip));
      return true;
    }
    default:  // blobs of every language, HLL
      new_text(L, kBytes, v);
      return true;
  }
}

int push_msgpack_args(lua_State* L, std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  Reader r{p, p + bytes.size()};
  if (!r.need(1)) return -1;
  const uint8_t b = *r.p++;
  uint64_t n = 0;
  if ((b & 0xf0) == 0x90) {
    n = b & 0x0f;
  } else if (b == 0xdc && r.need(2)) {
    n = r.be(2);
  } else if (b == 0xdd && r.need(4)) {
    n = r.be(4);
  } else {
    return -1;
  }
  if (n > 200) return -1;  // far more than any UDF takes; keeps the Lua stack bounded
  const int base = lua_gettop(L);
  if (!lua_checkstack(L, int(n) + 8)) return -1;
  for (uint64_t i = 0; i < n; ++i) {
    if (!push_msgpack(L, r, 1)) {
      lua_settop(L, base);
      return -1;
    }
  }
  if (r.p != r.end) {
    lua_settop(L, base);
    return -1;
  }
  return int(n);
}

bool to_particle(lua_State* L, int idx, uint8_t* particle, std::string* bytes,
                 std::string* error) {
  idx = lua_absindex(L, idx);
  bytes->clear();
  switch (lua_type(L, idx)) {
    case LUA_TNIL: *particle = kNull; return true;
    case LUA_TBOOLEAN:
      *particle = kBool;
      *bytes = std::string(1, lua_toboolean(L, idx) ? '\1' : '\0');
      return true;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        *particle = kInteger;
        put_be(*bytes, uint64_t(lua_tointeger(L, idx)), 8);
      } else {
        *particle = kFloat;
        const double d = lua_tonumber(L, idx);
        uint64_t u;
        std::memcpy(&u, &d, 8);
        put_be(*bytes, u, 8);
      }
      return true;
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, idx, &n);
      *particle = kString;
      bytes->assign(s, n);
      return true;
    }
    default: break;
  }
  if (is_udata(L, idx, kBytes)) {
    *particle = kBlob;
    *bytes = static_cast<Text*>(lua_touserdata(L, idx))->s;
    return true;
  }
  if (is_udata(L, idx, kGeo)) {
    *particle = kGeoJson;
    bytes->assign(3, '\0');
    *bytes += static_cast<Text*>(lua_touserdata(L, idx))->s;
    return true;
  }
  if (is_udata(L, idx, kList) || is_udata(L, idx, kMap)) {
    *particle = is_udata(L, idx, kList) ? kListType : kMapType;
    return pack(L, idx, *bytes, 0, error);
  }
  *error = std::string("unsupported value type: ") + luaL_typename(L, idx);
  return false;
}

std::string value_text(lua_State* L, int idx) {
  std::string out;
  append_text(L, idx, out, false, 0);
  return out;
}

}  // namespace aero::modlua
