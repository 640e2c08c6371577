// The UDF value types as a Lua script sees them, and their conversion to and from the wire:
// `list`, `map`, `bytes` and `geojson` (userdata with the server's module functions), bins
// (particle type + bytes) and msgpack (UDF arguments, list and map bins).
//
// Semantics follow the server's mod-lua (aerospike-mod-lua src/main/mod_lua_list.c,
// mod_lua_map.c, mod_lua_bytes.c, mod_lua_geojson.c, mod_lua_val.c); the code is our own.
// Map keys are compared by value for strings, numbers and booleans and by identity for
// userdata. Maps are written out in the server's key order (nil < bool < integer < string <
// list < map < bytes < float < geojson).
//
// Shared by the test server's UDF runtime and the client's aggregation (//client:aggregate),
// as mod-lua is shared by the official server and clients.
//
// Threads: a lua_State is used by one thread at a time; nothing here is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct lua_State;

namespace aero::modlua {

// Creates the metatables and the global `list`, `map`, `bytes`, `geojson` modules.
void register_value_types(lua_State* L);

// Pushes a bin value (particle type + wire bytes). Unknown types push nil. Returns false (and
// pushes nothing) when the bytes are malformed.
bool push_particle(lua_State* L, uint8_t particle, std::string_view bytes);

// Pushes every element of a msgpack array (UDF_ARGLIST) as separate values; returns how many
// were pushed, or -1 when the bytes are not one well-formed array.
int push_msgpack_args(lua_State* L, std::string_view bytes);

// Converts the Lua value at `idx` to a bin value. False for values that have no wire form
// (functions, plain tables, coroutines, records): `*error` says which.
bool to_particle(lua_State* L, int idx, uint8_t* particle, std::string* bytes,
                 std::string* error);

// tostring() of a value as the server prints it (strings quoted inside lists and maps).
std::string value_text(lua_State* L, int idx);

}  // namespace aero::modlua
