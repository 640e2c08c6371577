// Protocol constants of the Aerospike wire format: proto header types, the info bits of the
// 22-byte message header, field types, operation types, particle (value) types, batch row
// flags and the size limits clients enforce. Numbers follow the server
// (aerospike-server as/include/base/proto.h) and the official clients; see
// shared/docs/aerospike-protocol.md sections 1-4 and 8.
//
// Threads: constants only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aero::wire {

// ---- framing (8-byte proto header) ----
inline constexpr uint8_t kProtoVersion = 2;
inline constexpr size_t kProtoHeaderSize = 8;
inline constexpr uint64_t kMaxProtoBodySize = 128ull * 1024 * 1024;  // PROTO_SIZE_MAX
// With the "compress" policy, the official clients compress requests larger than this
// (zlib level 1, frame.h compress_frame); servers compress responses only when asked
// (info1 COMPRESS_RESPONSE, Enterprise).
inline constexpr size_t kCompressThreshold = 128;

enum class ProtoType : uint8_t {
  kInfo = 1,
  kAdmin = 2,
  kMessage = 3,
  kCompressedMessage = 4,
};

// ---- the 22-byte message header ----
inline constexpr size_t kMessageHeaderSize = 22;
inline constexpr size_t kFieldHeaderSize = 5;  // 4-byte size + 1-byte type
inline constexpr size_t kOpHeaderSize = 8;     // 4-byte size + op, particle, flags, name_len

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
inline constexpr uint8_t kScReadType = 0x40;
inline constexpr uint8_t kScReadRelax = 0x80;
}  // namespace info3

namespace info4 {
inline constexpr uint8_t kTxnVerifyRead = 0x01;
inline constexpr uint8_t kTxnRollForward = 0x02;
inline constexpr uint8_t kTxnRollBack = 0x04;
inline constexpr uint8_t kTxnOnLockingOnly = 0x10;
}  // namespace info4

// ---- fields ----
enum class FieldType : uint8_t {
  kNamespace = 0,
  kSet = 1,
  kKey = 2,
  kRecordVersion = 3,
  kDigest = 4,
  kTxnId = 5,
  kTxnDeadline = 6,
  kTaskId = 7,
  kSocketTimeout = 9,
  kRecordsPerSecond = 10,
  kPidArray = 11,
  kDigestArray = 12,
  kMaxRecords = 13,
  kBvalArray = 15,
  kIndexName = 21,
  kIndexRange = 22,
  kIndexContext = 23,
  kIndexExpression = 24,
  kIndexType = 26,
  kUdfPackageName = 30,
  kUdfFunction = 31,
  kUdfArgList = 32,
  kUdfOp = 33,
  kQueryBinList = 40,
  kBatchIndex = 41,
  kBatchIndexWithSet = 42,
  kFilterExpression = 43,
  kErrorDetails = 45,
};

// ---- operations ----
enum class OpType : uint8_t {
  kRead = 1,
  kWrite = 2,
  kCdtRead = 3,
  kCdtModify = 4,
  kIncr = 5,
  kExpRead = 7,
  kExpModify = 8,
  kAppend = 9,
  kPrepend = 10,
  kTouch = 11,
  kBitRead = 12,
  kBitModify = 13,
  kDelete = 14,
  kHllRead = 15,
  kHllModify = 16,
};

// True for the op types that read (the message then needs info1 READ).
constexpr bool is_read_op(OpType t) {
  return t == OpType::kRead || t == OpType::kCdtRead || t == OpType::kExpRead ||
         t == OpType::kBitRead || t == OpType::kHllRead;
}

// ---- particle (value) types ----
namespace particle {
inline constexpr uint8_t kNull = 0;
inline constexpr uint8_t kInteger = 1;
inline constexpr uint8_t kDouble = 2;
inline constexpr uint8_t kString = 3;
inline constexpr uint8_t kBlob = 4;
inline constexpr uint8_t kJavaBlob = 7;
inline constexpr uint8_t kCsharpBlob = 8;
inline constexpr uint8_t kPythonBlob = 9;
inline constexpr uint8_t kRubyBlob = 10;
inline constexpr uint8_t kPhpBlob = 11;
inline constexpr uint8_t kErlangBlob = 12;
inline constexpr uint8_t kVector = 16;
inline constexpr uint8_t kBool = 17;
inline constexpr uint8_t kHll = 18;
inline constexpr uint8_t kMap = 19;
inline constexpr uint8_t kList = 20;
inline constexpr uint8_t kGeoJson = 23;
}  // namespace particle

// ---- batch ----
namespace batch_flags {  // the byte after the row count in the batch field
inline constexpr uint8_t kAllowInline = 0x01;
inline constexpr uint8_t kAllowInlineSsd = 0x02;
inline constexpr uint8_t kRespondAllKeys = 0x04;
inline constexpr uint8_t kReportErrorRecord = 0x08;
}  // namespace batch_flags

namespace batch_row {  // the flags byte of each row
inline constexpr uint8_t kRepeat = 0x01;
inline constexpr uint8_t kInfo = 0x02;
inline constexpr uint8_t kGeneration = 0x04;
inline constexpr uint8_t kTtl = 0x08;
inline constexpr uint8_t kInfo4 = 0x10;
}  // namespace batch_row

// ---- limits enforced by clients (C client as_key.h / as_bin.h) ----
inline constexpr size_t kMaxNamespaceLength = 31;
inline constexpr size_t kMaxSetLength = 63;
inline constexpr size_t kMaxBinNameLength = 15;

// ---- partitions and time ----
inline constexpr uint32_t kPartitionCount = 4096;
inline constexpr size_t kDigestSize = 20;
// Void times count seconds from 2010-01-01T00:00:00Z ("citrusleaf epoch").
inline constexpr int64_t kCitrusleafEpochUnixSeconds = 1262304000;

// Record TTL special values (record_ttl of write requests).
inline constexpr uint32_t kTtlNamespaceDefault = 0;
inline constexpr uint32_t kTtlNeverExpire = 0xFFFFFFFFu;
inline constexpr uint32_t kTtlDontUpdate = 0xFFFFFFFEu;

}  // namespace aero::wire
