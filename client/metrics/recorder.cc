#include "client/metrics/recorder.h"

namespace aero::metrics {

NodeLoopRecorder::~NodeLoopRecorder() {
  for (auto& k : kinds_) delete k.load(std::memory_order_acquire);
}

void NodeLoopRecorder::record(const CommandOutcome& o) {
  auto& slot = kinds_[static_cast<std::size_t>(o.kind)];
  Kind* k = slot.load(std::memory_order_relaxed);  // this thread is the only writer
  if (k == nullptr) {
    k = new Kind();
    slot.store(k, std::memory_order_release);  // readers see a constructed Kind
  }
  k->latency.record(o.latency_ns);
  k->commands.add();
  if (o.code == 0) {
    k->ok.add();
  } else if (o.code > 0 && o.code < 256) {
    k->server_codes[static_cast<std::size_t>(o.code)].add();
  } else if (o.code < 0 && o.code >= -64) {
    k->client_codes[static_cast<std::size_t>(-o.code - 1)].add();
  } else {
    k->other_codes.add();
  }
  if (o.client_timeout) k->client_timeouts.add();
  if (o.retries > 0) k->retries.add(static_cast<std::uint64_t>(o.retries));
  if (o.in_doubt) k->in_doubt.add();
}

void NodeLoopRecorder::add_to(NodeMetrics& out) const {
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    const Kind* k = kinds_[i].load(std::memory_order_acquire);
    if (k == nullptr) continue;
    KindMetrics& m = out.kinds[i];
    k->latency.add_to(m.latency);
    m.commands += k->commands.get();
    m.ok += k->ok.get();
    for (std::size_t c = 1; c < k->server_codes.size(); ++c) {
      if (std::uint64_t n = k->server_codes[c].get()) m.errors[static_cast<int>(c)] += n;
    }
    for (std::size_t c = 0; c < k->client_codes.size(); ++c) {
      if (std::uint64_t n = k->client_codes[c].get()) m.errors[-static_cast<int>(c) - 1] += n;
    }
    if (std::uint64_t n = k->other_codes.get()) m.errors[1000] += n;
    m.client_timeouts += k->client_timeouts.get();
    m.retries += k->retries.get();
    m.in_doubt += k->in_doubt.get();
  }
}

}  // namespace aero::metrics
