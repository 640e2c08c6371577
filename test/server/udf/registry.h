// UdfRegistry: the Lua modules registered on one test cluster (the server keeps them in
// system metadata, so every node sees a module as soon as `udf-put` answered), and the idle
// Lua states that run them (one state per concurrent call, reused while the module is
// unchanged, like mod-lua's per-file state cache).
//
// Threads: every member may be called from any thread (one mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct lua_State;

namespace aero::testserver::udf {

struct UdfModule {
  std::string name;       // file name, e.g. "counter.lua"
  std::string content;    // the Lua source
  std::string content64;  // as sent in udf-put (base64)
  std::string hash;       // what udf-list prints
  uint64_t version = 0;   // changes on every put of the same name
};

// Where a real server keeps modules: error positions name this path.
inline constexpr std::string_view kUserPath = "/var/lib/aerospike/work-dir/usr/udf/lua";

class UdfRegistry {
 public:
  UdfRegistry() = default;
  ~UdfRegistry();
  UdfRegistry(const UdfRegistry&) = delete;
  UdfRegistry& operator=(const UdfRegistry&) = delete;

  void put(std::string name, std::string content, std::string content64);
  // Removes a module; false when there was none of that name.
  bool remove(std::string_view name);
  // Every module, by name.
  std::vector<std::shared_ptr<const UdfModule>> list() const;
  std::shared_ptr<const UdfModule> find(std::string_view name) const;

  // An idle state already holding `m` loaded, or nullptr.
  lua_State* take_state(const UdfModule& m);
  // Returns a state after a call; it is closed instead when the module changed since.
  void give_state(const UdfModule& m, lua_State* L);

  // Lua VM instructions one call may run before it fails with "UDF Execution Timeout"
  // (the server bounds a UDF by time; a count is the same guarantee without a clock).
  uint64_t instruction_limit() const { return instruction_limit_.load(std::memory_order_relaxed); }
  void set_instruction_limit(uint64_t n) { instruction_limit_.store(n, std::memory_order_relaxed); }
  // Bytes of Lua heap one state may use.
  static constexpr size_t kMemoryLimit = 16u << 20;

 private:
  struct Entry {
    std::shared_ptr<const UdfModule> module;
    std::vector<lua_State*> idle;
  };
  void close_idle(Entry& e);

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> modules_;
  uint64_t next_version_ = 1;
  std::atomic<uint64_t> instruction_limit_{5'000'000};
};

// A fresh Lua state whose heap is capped at `memory_limit` bytes (nullptr when out of
// memory), and its disposal.
lua_State* new_lua_state(size_t memory_limit);
void close_lua_state(lua_State* L);

}  // namespace aero::testserver::udf
