#include "test/watchdog/watchdog.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace aero::testing {
namespace {
// Never destroyed: the watchdog thread may use them while static destructors run.
std::mutex& hooks_mutex() {
  static std::mutex& m = *new std::mutex;
  return m;
}
std::vector<WatchdogHook*>& hooks() {
  static std::vector<WatchdogHook*>& h = *new std::vector<WatchdogHook*>;
  return h;
}
}  // namespace

WatchdogHook::WatchdogHook(std::function<void(std::FILE*)> dump) : dump_(std::move(dump)) {
  std::lock_guard<std::mutex> g(hooks_mutex());
  hooks().push_back(this);
}

WatchdogHook::~WatchdogHook() {
  std::lock_guard<std::mutex> g(hooks_mutex());
  auto& h = hooks();
  h.erase(std::remove(h.begin(), h.end(), this), h.end());
}

void run_watchdog_hooks(std::FILE* out) {
  // Under the lock: a hook's owner cannot go away while its hook runs.
  std::lock_guard<std::mutex> g(hooks_mutex());
  if (hooks().empty()) std::fprintf(out, "watchdog: no hooks registered\n");
  for (WatchdogHook* h : hooks()) h->dump_(out);
  std::fflush(out);
}

}  // namespace aero::testing
