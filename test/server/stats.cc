#include "test/server/stats.h"

namespace aero::testserver {

NodeStats NodeCounters::snapshot() const {
  NodeStats s;
  s.connections_opened = connections_opened.load(std::memory_order_relaxed);
  s.connections_closed = connections_closed.load(std::memory_order_relaxed);
  s.info_requests = info_requests.load(std::memory_order_relaxed);
  s.record_requests = record_requests.load(std::memory_order_relaxed);
  s.batch_requests = batch_requests.load(std::memory_order_relaxed);
  s.scan_requests = scan_requests.load(std::memory_order_relaxed);
  s.admin_requests = admin_requests.load(std::memory_order_relaxed);
  s.not_master_requests = not_master_requests.load(std::memory_order_relaxed);
  s.faults_applied = faults_applied.load(std::memory_order_relaxed);
  s.protocol_errors = protocol_errors.load(std::memory_order_relaxed);
  return s;
}

}  // namespace aero::testserver
