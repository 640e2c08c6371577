// Fuzzes the partition-map parsers (replicas, replicas-all, replicas-master and the base64
// bitmaps). Property: a parsed `replicas` value re-rendered parses back to the same map.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/wire/replicas.h"

using namespace aero::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  (void)decode_partition_bitmap(value);
  (void)parse_replicas(value, ReplicasFormat::kReplicasAll);
  (void)parse_replicas(value, ReplicasFormat::kReplicasMaster);
  Result<std::vector<NamespaceReplicas>> r = parse_replicas(value, ReplicasFormat::kReplicas);
  if (r.ok()) {
    Result<std::vector<NamespaceReplicas>> again = parse_replicas(format_replicas(*r));
    if (!again.ok() || again->size() != r->size()) std::abort();
    for (size_t i = 0; i < r->size(); ++i) {
      if ((*again)[i].ns != (*r)[i].ns || (*again)[i].regime != (*r)[i].regime ||
          (*again)[i].replicas != (*r)[i].replicas) {
        std::abort();
      }
    }
  }
  return 0;
}
