// Wire constants and byte-order helpers of the test server's own protocol reading.
//
// This is deliberately independent of client/wire: the test server is a second reading of
// the Aerospike protocol, so a codec bug cannot hide in both. Everything here is pure
// (no state), callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace aero::testserver::wire {

// ---- Proto header (8 bytes: version, type, 48-bit big-endian body size). ----
inline constexpr size_t kProtoHeaderSize = 8;
inline constexpr uint8_t kProtoVersion = 2;
inline constexpr uint8_t kTypeInfo = 1;
inline constexpr uint8_t kTypeAdmin = 2;
inline constexpr uint8_t kTypeMessage = 3;
inline constexpr uint8_t kTypeCompressed = 4;
inline constexpr uint64_t kMaxBodySize = 128ull * 1024 * 1024;

// ---- as_msg header (22 bytes). ----
inline constexpr size_t kMsgHeaderSize = 22;

namespace info1 {
inline constexpr uint8_t kRead = 0x01;
inline constexpr uint8_t kGetAll = 0x02;
inline constexpr uint8_t kShortQuery = 0x04;
inline constexpr uint8_t kBatch = 0x08;
inline constexpr uint8_t kXdr = 0x10;
inline constexpr uint8_t kNoBinData = 0x20;
inline constexpr uint8_t kReadModeApAll = 0x40;
inline constexpr uint8_t kCompressResponse = 0x80;
}  // namespace info1

namespace info2 {
inline constexpr uint8_t kWrite = 0x01;
inline constexpr uint8_t kDelete = 0x02;
inline constexpr uint8_t kGeneration = 0x04;
inline constexpr uint8_t kGenerationGt = 0x08;
inline constexpr uint8_t kDurableDelete = 0x10;
inline constexpr uint8_t kCreateOnly = 0x20;
inline constexpr uint8_t kRelaxApLongQuery = 0x40;
inline constexpr uint8_t kRespondAllOps = 0x80;
}  // namespace info2

namespace info3 {
inline constexpr uint8_t kLast = 0x01;
inline constexpr uint8_t kCommitMaster = 0x02;
inline constexpr uint8_t kPartitionDone = 0x04;
inline constexpr uint8_t kUpdateOnly = 0x08;
inline constexpr uint8_t kCreateOrReplace = 0x10;
inline constexpr uint8_t kReplaceOnly = 0x20;
}  // namespace info3

// ---- Field types. ----
namespace field {
inline constexpr uint8_t kNamespace = 0;
inline constexpr uint8_t kSet = 1;
inline constexpr uint8_t kKey = 2;
inline constexpr uint8_t kRecordVersion = 3;
inline constexpr uint8_t kDigest = 4;
inline constexpr uint8_t kTxnId = 5;
inline constexpr uint8_t kTxnDeadline = 6;
inline constexpr uint8_t kTaskId = 7;
inline constexpr uint8_t kSocketTimeout = 9;
inline constexpr uint8_t kRecordsPerSecond = 10;
inline constexpr uint8_t kPidArray = 11;
inline constexpr uint8_t kDigestArray = 12;
inline constexpr uint8_t kMaxRecords = 13;
inline constexpr uint8_t kBvalArray = 15;
inline constexpr uint8_t kIndexName = 21;
inline constexpr uint8_t kIndexRange = 22;
inline constexpr uint8_t kIndexContext = 23;
inline constexpr uint8_t kIndexExpression = 24;
inline constexpr uint8_t kIndexType = 26;
inline constexpr uint8_t kUdfPackage = 30;
inline constexpr uint8_t kUdfFunction = 31;
inline constexpr uint8_t kUdfArgs = 32;
inline constexpr uint8_t kUdfOp = 33;
inline constexpr uint8_t kQueryBinList = 40;
inline constexpr uint8_t kBatch = 41;
inline constexpr uint8_t kBatchWithSet = 42;
inline constexpr uint8_t kFilterExpression = 43;
}  // namespace field

// ---- Op types. ----
namespace op {
inline constexpr uint8_t kRead = 1;
inline constexpr uint8_t kWrite = 2;
inline constexpr uint8_t kCdtRead = 3;
inline constexpr uint8_t kCdtModify = 4;
inline constexpr uint8_t kIncr = 5;
inline constexpr uint8_t kExpRead = 7;
inline constexpr uint8_t kExpModify = 8;
inline constexpr uint8_t kAppend = 9;
inline constexpr uint8_t kPrepend = 10;
inline constexpr uint8_t kTouch = 11;
inline constexpr uint8_t kBitRead = 12;
inline constexpr uint8_t kBitModify = 13;
inline constexpr uint8_t kDeleteAll = 14;
inline constexpr uint8_t kHllRead = 15;
inline constexpr uint8_t kHllModify = 16;
}  // namespace op

// ---- Particle (value) types. ----
namespace particle {
inline constexpr uint8_t kNull = 0;
inline constexpr uint8_t kInteger = 1;
inline constexpr uint8_t kFloat = 2;
inline constexpr uint8_t kString = 3;
inline constexpr uint8_t kBlob = 4;
inline constexpr uint8_t kBool = 17;
inline constexpr uint8_t kHll = 18;
inline constexpr uint8_t kMap = 19;
inline constexpr uint8_t kList = 20;
inline constexpr uint8_t kGeoJson = 23;
}  // namespace particle

// True for particle types a client may store in a bin.
bool is_storable_particle(uint8_t type);

// ---- Result codes the test server produces (Aerospike numbering). ----
namespace result {
inline constexpr uint8_t kOk = 0;
inline constexpr uint8_t kServerError = 1;
inline constexpr uint8_t kNotFound = 2;
inline constexpr uint8_t kGeneration = 3;
inline constexpr uint8_t kParameter = 4;
inline constexpr uint8_t kRecordExists = 5;
inline constexpr uint8_t kTimeout = 9;
inline constexpr uint8_t kUnavailable = 11;
inline constexpr uint8_t kIncompatibleType = 12;
inline constexpr uint8_t kQueryAborted = 15;  // query-abort
inline constexpr uint8_t kUnsupportedFeature = 16;
inline constexpr uint8_t kKeyMismatch = 19;
inline constexpr uint8_t kNamespace = 20;
inline constexpr uint8_t kBinName = 21;
inline constexpr uint8_t kForbidden = 22;
inline constexpr uint8_t kEnterpriseOnly = 25;
inline constexpr uint8_t kFilteredOut = 27;
inline constexpr uint8_t kSecurityNotSupported = 51;
inline constexpr uint8_t kSecurityNotEnabled = 52;
inline constexpr uint8_t kIndexFound = 200;
inline constexpr uint8_t kIndexNotFound = 201;
}  // namespace result

// ---- Partitions and time. ----
inline constexpr uint32_t kPartitions = 4096;
inline constexpr size_t kDigestSize = 20;
inline constexpr uint32_t kTtlNamespaceDefault = 0;
inline constexpr uint32_t kTtlNeverExpire = 0xFFFFFFFFu;
inline constexpr uint32_t kTtlDontUpdate = 0xFFFFFFFEu;
inline constexpr uint32_t kTtlMax = 315360000u;  // ten years
inline constexpr int64_t kCitrusleafEpochUnix = 1262304000;  // 2010-01-01T00:00:00Z

inline uint32_t partition_of(const uint8_t* digest) {
  return (uint32_t(digest[0]) | (uint32_t(digest[1]) << 8)) & (kPartitions - 1);
}

// ---- Byte order. ----
inline uint16_t load_be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
inline uint64_t load_be64(const uint8_t* p) {
  return (uint64_t(load_be32(p)) << 32) | load_be32(p + 4);
}
inline uint16_t load_le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline void store_be16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
  store_be32(p, uint32_t(v >> 32));
  store_be32(p + 4, uint32_t(v));
}
inline void store_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

// ---- Proto header. ----
struct ProtoHeader {
  uint8_t version = 0;
  uint8_t type = 0;
  uint64_t size = 0;
};

inline ProtoHeader decode_proto_header(const uint8_t* p) {
  ProtoHeader h;
  h.version = p[0];
  h.type = p[1];
  h.size = (uint64_t(load_be16(p + 2)) << 32) | load_be32(p + 4);
  return h;
}

inline void encode_proto_header(uint8_t* p, uint8_t type, uint64_t size) {
  p[0] = kProtoVersion;
  p[1] = type;
  store_be16(p + 2, uint16_t(size >> 32));
  store_be32(p + 4, uint32_t(size));
}

enum class HeaderVerdict { kOk, kBadVersion, kBadType, kTooLarge, kTlsClientHello };

// What a real server does with the first 8 bytes of a request: anything but kOk closes the
// connection. `first_bytes` must hold at least 8 bytes.
HeaderVerdict check_request_header(const uint8_t* first_bytes);

}  // namespace aero::testserver::wire
