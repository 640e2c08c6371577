// Requests for single-record commands: put, get (all bins, some bins, header only), exists,
// delete, touch and operate. Each encoder writes one complete frame (8-byte proto header
// included) into a caller-owned Buffer, sized exactly in a first pass, so a reused buffer
// means no allocation.
//
// Policies that change bytes are plain structs here (ReadAttrs, WriteAttrs); the client maps
// its policy classes onto them. Byte layout follows the C client (fields: namespace, set,
// digest, then the user key when send_key is set), which the captures from a real server
// confirm byte for byte.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/key.h"
#include "client/wire/protocol.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

// The record-existence condition of a write, as header bits (aero::ExistsAction maps onto
// it; protocol reference §2.3-2.4).
enum class ExistsAction : uint8_t {
  kUpdate,           // create or merge bins (no bit)
  kUpdateOnly,       // record must exist; merge bins (info3 UPDATE_ONLY)
  kCreateOrReplace,  // create or replace all bins (info3 CREATE_OR_REPLACE)
  kReplaceOnly,      // record must exist; replace all bins (info3 REPLACE_ONLY)
  kCreateOnly,       // record must not exist (info2 CREATE_ONLY)
};

// The generation check of a write, as info2 bits (aero::GenerationPolicy maps onto it).
enum class GenerationPolicy : uint8_t {
  kNone,           // no check
  kExpectEqual,    // info2 GENERATION: apply only if stored generation == expected
  kExpectGreater,  // info2 GENERATION_GT: apply only if expected > stored generation
};

// When the server answers a write: kAll after every replica applied it (no bit), kMaster
// once the master did (info3 COMMIT_MASTER).
enum class CommitLevel : uint8_t { kAll, kMaster };

// AP read consistency: kOne reads one replica (no bit), kAll duplicate-resolves across the
// replicas (info1 READ_MODE_AP_ALL).
enum class ReadModeAP : uint8_t { kOne, kAll };

// SC read mode, as info3 bits SC_READ_RELAX / SC_READ_TYPE: kSession 0/0, kLinearize 0/1,
// kAllowReplica 1/0, kAllowUnavailable 1/1.
enum class ReadModeSC : uint8_t { kSession, kLinearize, kAllowReplica, kAllowUnavailable };

// The server-side timeout the official clients send (transaction_ttl): the socket timeout
// when it is non-zero and below the total timeout, else the total timeout.
constexpr uint32_t server_timeout_ms(uint32_t socket_timeout_ms, uint32_t total_timeout_ms) {
  return (socket_timeout_ms > 0 && socket_timeout_ms < total_timeout_ms) ? socket_timeout_ms
                                                                        : total_timeout_ms;
}

// What a read request carries besides the key (get, get_header, exists, and the read side
// of operate and batch rows); built by the client from a ReadPolicy.
struct ReadAttrs {
  uint32_t server_timeout_ms = 0;  // transaction_ttl; 0 = server default
  ReadModeAP read_mode_ap = ReadModeAP::kOne;      // info1 READ_MODE_AP_ALL when kAll
  ReadModeSC read_mode_sc = ReadModeSC::kSession;  // info3 SC read bits
  // record_ttl of read-only commands: 0 server default, -1 never touch on read,
  // 1..100 touch when within that percentage of the TTL.
  int32_t read_touch_ttl_percent = 0;
  bool compress_response = false;  // info1 COMPRESS_RESPONSE (Enterprise servers)
  // Packed filter expression sent as field 43 (null: none). Shared, never copied per command.
  std::shared_ptr<const std::string> filter_exp;
  // Member-wise; filter_exp compares the pointers, not the packed bytes.
  friend bool operator==(const ReadAttrs&, const ReadAttrs&) = default;
};

// What a write request carries besides the key and the bins or ops (put, delete, touch,
// operate, batch write rows); built by the client from a WritePolicy.
struct WriteAttrs {
  uint32_t server_timeout_ms = 0;      // transaction_ttl; 0 = server default
  uint32_t ttl = kTtlNamespaceDefault;  // seconds, or kTtlNeverExpire / kTtlDontUpdate
  GenerationPolicy generation_policy = GenerationPolicy::kNone;  // info2 generation bits
  uint32_t generation = 0;  // expected generation for the generation policy
  ExistsAction exists = ExistsAction::kUpdate;  // existence bits (default: none)
  // Default kAll; the client's policies leave it so (no commit-level setting yet).
  CommitLevel commit_level = CommitLevel::kAll;
  bool send_key = false;         // add the user key field (the server stores it)
  bool durable_delete = false;   // info2 DURABLE_DELETE (Enterprise)
  bool respond_all_ops = false;  // info2 RESPOND_ALL_OPS: one result per op, in order
  bool compress_response = false;                 // info1 COMPRESS_RESPONSE (Enterprise servers)
  std::shared_ptr<const std::string> filter_exp;  // field 43 (null: none)
  // Member-wise; filter_exp compares the pointers, not the packed bytes.
  friend bool operator==(const WriteAttrs&, const WriteAttrs&) = default;
};

// One operation of an operate command (or of a batch row).
struct Operation {
  OpType type = OpType::kRead;  // the op type sent (protocol reference §4.2)
  std::string bin_name;  // empty for whole-record ops
  Value value;           // nil for reads, touch, delete
  bool header_only = false;  // a kRead with an empty name: metadata only (info1 NOBINDATA)
  // Ask for one result per op (info2 RESPOND_ALL_OPS). The map builders (client/cdt/map.h)
  // set it, as the official clients do for map operations, so every op gets an answer.
  bool respond_all_ops = false;

  // Reads bin `bin` (op READ, 1).
  static Operation read(std::string bin) { return {OpType::kRead, std::move(bin), {}, false}; }
  // Reads every bin (READ with an empty name; the request gets info1 GET_ALL).
  static Operation read_all() { return {OpType::kRead, {}, {}, false}; }
  // Reads generation and expiry only (READ with an empty name; info1 NOBINDATA).
  static Operation read_header() { return {OpType::kRead, {}, {}, true}; }
  // Sets bin `bin` to `v` (op WRITE, 2); a nil value deletes the bin.
  static Operation write(std::string bin, Value v) {
    return {OpType::kWrite, std::move(bin), std::move(v), false};
  }
  // Adds `by` to an integer bin, creating it from 0 when absent (op INCR, 5).
  static Operation incr(std::string bin, int64_t by) {
    return {OpType::kIncr, std::move(bin), Value(by), false};
  }
  // Adds `by` to a float bin, creating it from 0 when absent (op INCR, 5).
  static Operation incr(std::string bin, double by) {
    return {OpType::kIncr, std::move(bin), Value(by), false};
  }
  // Appends a string or bytes value to the bin (op APPEND, 9).
  static Operation append(std::string bin, Value v) {
    return {OpType::kAppend, std::move(bin), std::move(v), false};
  }
  // Prepends a string or bytes value to the bin (op PREPEND, 10).
  static Operation prepend(std::string bin, Value v) {
    return {OpType::kPrepend, std::move(bin), std::move(v), false};
  }
  // Resets the record's TTL (to the write policy's ttl) and bumps its generation (op TOUCH, 11).
  static Operation touch() { return {OpType::kTouch, {}, {}, false}; }
  // Deletes the whole record (op DELETE, 14: removes all bins).
  static Operation delete_record() { return {OpType::kDelete, {}, {}, false}; }
  // Any other op type with a raw value (CDT, bit, HLL, expression ops: the value is the
  // packed operation, usually a Bytes or a List).
  static Operation raw(OpType type, std::string bin, Value v) {
    return {type, std::move(bin), std::move(v), false};
  }

  // Member-wise: same type, bin name, value and flags.
  friend bool operator==(const Operation&, const Operation&) = default;
};

// put: one WRITE op per bin.
Status encode_put(Buffer& out, const Key& key, std::span<const Bin> bins, const WriteAttrs& attrs);

// get, all bins (info1 READ | GET_ALL).
Status encode_get(Buffer& out, const Key& key, const ReadAttrs& attrs);

// get, the named bins only (one READ op per name).
Status encode_get_bins(Buffer& out, const Key& key, std::span<const std::string_view> bin_names,
                       const ReadAttrs& attrs);

// get header / exists: generation and expiry only (info1 READ | NOBINDATA). The two
// commands are the same bytes; the response tells existence by result code 0 or 2.
Status encode_get_header(Buffer& out, const Key& key, const ReadAttrs& attrs);
// exists: the same frame as encode_get_header.
inline Status encode_exists(Buffer& out, const Key& key, const ReadAttrs& attrs) {
  return encode_get_header(out, key, attrs);
}

// delete (info2 WRITE | DELETE).
Status encode_delete(Buffer& out, const Key& key, const WriteAttrs& attrs);

// touch: one TOUCH op; resets the TTL to attrs.ttl and bumps the generation.
Status encode_touch(Buffer& out, const Key& key, const WriteAttrs& attrs);

// operate: any mix of read and write ops. Header bits follow the ops: READ for read ops,
// GET_ALL for a read-all op, NOBINDATA for a read-header op, WRITE for write ops,
// RESPOND_ALL_OPS for bit/HLL/expression ops or when asked (never together with GET_ALL).
// record_ttl is attrs.ttl when there is a write, else the read-touch percent.
Status encode_operate(Buffer& out, const Key& key, std::span<const Operation> ops,
                      const WriteAttrs& write_attrs, const ReadAttrs& read_attrs);

// Checks a key's namespace and set lengths (1..31 and 0..63 bytes) and, when `need_user_key`,
// that it has an integer, string or bytes user key.
Status validate_key(const Key& key, bool need_user_key);

}  // namespace aero::wire
