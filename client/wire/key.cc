#include "client/wire/key.h"

namespace aero::wire {

Key::Key(std::string ns, std::string set, std::string_view user_key)
    : ns_(std::move(ns)), set_(std::move(set)), user_key_(Value(std::string(user_key))) {
  digest_ = compute_digest(set_, user_key);
}

Key::Key(std::string ns, std::string set, Bytes user_key)
    : ns_(std::move(ns)), set_(std::move(set)) {
  digest_ = compute_digest_blob(set_, user_key.data, user_key.particle_type);
  user_key_ = Value(std::move(user_key));
}

Key Key::from_digest(std::string ns, std::string set, const Digest& digest) {
  Key k;
  k.ns_ = std::move(ns);
  k.set_ = std::move(set);
  k.digest_ = digest;
  return k;
}

Key Key::from_parts(std::string ns, std::string set, const Digest& digest, Value user_key) {
  Key k = from_digest(std::move(ns), std::move(set), digest);
  k.user_key_ = std::move(user_key);
  return k;
}

}  // namespace aero::wire
