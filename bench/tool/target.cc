#include "bench/tool/target.h"

namespace aero::bench {

ClientTarget::ClientTarget(Client& client, int timeout_ms)
    : client_(client),
      read_(client.config().read),
      write_(client.config().write),
      batch_(client.config().batch) {
  const Millis t(timeout_ms);
  read_.total_timeout = t;
  write_.total_timeout = t;
  batch_.total_timeout = t;
}

void ClientTarget::get(const Key& key, RecordViewCallback cb) {
  client_.get_view(key, read_, std::move(cb));
}

void ClientTarget::put(const Key& key, Bins bins, WriteCallback cb) {
  client_.put(key, bins, write_, std::move(cb));
}

void ClientTarget::put_if_generation(const Key& key, Bins bins, std::uint32_t generation,
                                     WriteCallback cb) {
  WritePolicy p = write_;
  p.generation_policy = GenerationPolicy::expect_equal;
  p.generation = static_cast<std::uint16_t>(generation);
  client_.put(key, bins, p, std::move(cb));
}

void ClientTarget::batch_get(std::vector<Key> keys, BatchCallback cb) {
  client_.batch_get(std::move(keys), BatchRead::all(), batch_, std::move(cb));
}

}  // namespace aero::bench
