// Key: the address of a record: namespace, set, the digest, and optionally the user key it
// was computed from (sent to the server only with the "send key" policy).
//
// Constructing a Key from a user key computes its digest once (RIPEMD-160, digest.h). User
// keys are integers, strings or blobs, as in every official client. Namespace and set lengths
// are checked when a request is encoded, not here.
//
// Threads: a plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "client/wire/digest.h"
#include "client/wire/value.h"

namespace aero::wire {

// The address of one record (see the top of this file); build it from a user key, or with
// from_digest()/from_parts().
class Key {
 public:
  template <class T>
  // An integer user key (any integer type but bool, as int64_t): digest key type INTEGER.
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
      Key(std::string ns, std::string set, T user_key)
      : ns_(std::move(ns)), set_(std::move(set)), user_key_(Value(static_cast<int64_t>(user_key))) {
    digest_ = compute_digest(set_, static_cast<int64_t>(user_key));
  }
  // A string user key (bytes as given): digest key type STRING.
  Key(std::string ns, std::string set, std::string_view user_key);
  // A string user key from a NUL-terminated string (must not be null).
  Key(std::string ns, std::string set, const char* user_key)
      : Key(std::move(ns), std::move(set), std::string_view(user_key)) {}
  // A blob user key: digest key type is the Bytes' particle type (BLOB 4 by default).
  Key(std::string ns, std::string set, Bytes user_key);

  // A key known only by its digest (no user key to send).
  static Key from_digest(std::string ns, std::string set, const Digest& digest);

  // A digest together with a user key, taken as given (no recomputation): for keys read back
  // from scan records, and for tests that need a key that does not match its digest.
  // `user_key` must be an integer, string or bytes Value (anything else is not sent).
  static Key from_parts(std::string ns, std::string set, const Digest& digest, Value user_key);

  // The namespace.
  const std::string& ns() const { return ns_; }
  // The set name; empty when the record is in no set.
  const std::string& set() const { return set_; }
  // The 20-byte digest the server looks the record up by.
  const Digest& digest() const { return digest_; }
  // The user key, or nullptr for a key made from_digest().
  const Value* user_key() const { return user_key_ ? &*user_key_ : nullptr; }
  // The partition (0..4095) that owns the record.
  uint32_t partition_id() const { return wire::partition_id(digest_); }

  // Equal when namespace, set, digest and user key are all equal.
  friend bool operator==(const Key&, const Key&) = default;

 private:
  Key() = default;

  std::string ns_;
  std::string set_;
  Digest digest_{};
  std::optional<Value> user_key_;
};

}  // namespace aero::wire
