#include "test/server/udf/registry.h"

#include <cstdlib>

extern "C" {
#include <lua.h>
}

#include "test/server/udf/text_codec.h"

namespace aero::testserver::udf {

namespace {

constexpr size_t kMaxIdlePerModule = 16;

struct HeapCap {
  size_t used = 0;
  size_t limit = 0;
};

void* capped_alloc(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* cap = static_cast<HeapCap*>(ud);
  const size_t old_counted = ptr != nullptr ? old_size : 0;
  if (new_size == 0) {
    cap->used -= old_counted;
    std::free(ptr);
    return nullptr;
  }
  if (new_size > old_counted && cap->used - old_counted + new_size > cap->limit) return nullptr;
  void* p = std::realloc(ptr, new_size);
  if (p != nullptr) cap->used = cap->used - old_counted + new_size;
  return p;
}

}  // namespace

lua_State* new_lua_state(size_t memory_limit) {
  auto* cap = new HeapCap;
  cap->limit = memory_limit;
  lua_State* L = lua_newstate(capped_alloc, cap);
  if (L == nullptr) delete cap;
  return L;
}

void close_lua_state(lua_State* L) {
  if (L == nullptr) return;
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  lua_close(L);
  delete static_cast<HeapCap*>(ud);
}

UdfRegistry::~UdfRegistry() {
  for (auto& [name, e] : modules_) close_idle(e);
}

void UdfRegistry::close_idle(Entry& e) {
  for (lua_State* L : e.idle) close_lua_state(L);
  e.idle.clear();
}

void UdfRegistry::put(std::string name, std::string content, std::string content64) {
  auto m = std::make_shared<UdfModule>();
  // The server's udf-list hash: SHA-1 of the module's system-metadata value, a JSON object
  // written by jansson (as/src/base/udf_cask.c).
  m->hash = sha1_hex("{\"content64\": \"" + content64 + "\", \"type\": \"LUA\", \"name\": \"" +
                     name + "\"}");
  m->name = name;
  m->content = std::move(content);
  m->content64 = std::move(content64);
  std::lock_guard<std::mutex> lock(mutex_);
  m->version = next_version_++;
  Entry& e = modules_[name];
  close_idle(e);
  e.module = std::move(m);
}

bool UdfRegistry::remove(std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = modules_.find(name);
  if (it == modules_.end()) return false;
  close_idle(it->second);
  modules_.erase(it);
  return true;
}

std::vector<std::shared_ptr<const UdfModule>> UdfRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const UdfModule>> out;
  for (const auto& [name, e] : modules_) out.push_back(e.module);
  return out;
}

std::shared_ptr<const UdfModule> UdfRegistry::find(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = modules_.find(name);
  return it == modules_.end() ? nullptr : it->second.module;
}

lua_State* UdfRegistry::take_state(const UdfModule& m) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = modules_.find(m.name);
  if (it == modules_.end() || it->second.module->version != m.version || it->second.idle.empty()) {
    return nullptr;
  }
  lua_State* L = it->second.idle.back();
  it->second.idle.pop_back();
  return L;
}

void UdfRegistry::give_state(const UdfModule& m, lua_State* L) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = modules_.find(m.name);
    if (it != modules_.end() && it->second.module->version == m.version &&
        it->second.idle.size() < kMaxIdlePerModule) {
      it->second.idle.push_back(L);
      return;
    }
  }
  close_lua_state(L);
}

}  // namespace aero::testserver::udf
