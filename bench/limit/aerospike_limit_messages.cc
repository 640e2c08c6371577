#include "bench/limit/aerospike_limit_messages.h"

#include "client/wire/key.h"
#include "client/wire/protocol.h"

namespace aero::bench {

namespace {
// ClientConfig's default socket timeout (client/policy.h): 30 s.
constexpr std::uint32_t kDefaultSocketTimeoutMs = 30000;
}  // namespace

wire::ReadAttrs limit_read_attrs(int total_timeout_ms) {
  wire::ReadAttrs a;
  a.server_timeout_ms =
      wire::server_timeout_ms(kDefaultSocketTimeoutMs, static_cast<std::uint32_t>(total_timeout_ms));
  return a;
}

wire::WriteAttrs limit_write_attrs(int total_timeout_ms) {
  wire::WriteAttrs a;
  a.server_timeout_ms =
      wire::server_timeout_ms(kDefaultSocketTimeoutMs, static_cast<std::uint32_t>(total_timeout_ms));
  return a;
}

LimitMessages::LimitMessages(std::string ns, std::string set, std::vector<wire::Bin> bins,
                             int timeout_ms)
    : ns_(std::move(ns)),
      set_(std::move(set)),
      bins_(std::move(bins)),
      read_(limit_read_attrs(timeout_ms)),
      write_(limit_write_attrs(timeout_ms)) {}

bool LimitMessages::encode_get(wire::Buffer& out, std::int64_t key) const {
  const wire::Key k(ns_, set_, key);
  return wire::encode_get(out, k, read_).ok();
}

bool LimitMessages::encode_put(wire::Buffer& out, std::int64_t key) const {
  const wire::Key k(ns_, set_, key);
  return wire::encode_put(out, k, bins_, write_).ok();
}

int response_result_code(std::span<const std::uint8_t> frame) {
  if (frame.size() < wire::kProtoHeaderSize + wire::kMessageHeaderSize) return -1;
  return frame[wire::kProtoHeaderSize + 5];
}

}  // namespace aero::bench
