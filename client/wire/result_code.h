// Result codes: every code an Aerospike server puts in the result_code byte of a
// response (the server's own numbering, 0..255), plus the client-side codes (negative
// numbers, never on the wire) that the codec and the client report.
//
// Each known code has a name (the C client's spelling without the AEROSPIKE_ prefix) and a
// one-line message. Unknown codes still round-trip: ResultCode has an int32 underlying type
// and can hold any value.
//
// Threads: everything here is immutable; any thread may call anything.
#pragma once

#include <cstdint>
#include <string_view>

namespace aero::wire {

// A result code: 0 (kOk) is success; positive values are the server's codes from the
// response's result_code byte; negative values are produced by the client itself. Any other
// int32 value may be held (an unknown server code).
enum class ResultCode : int32_t {
  // --- client-side codes (never on the wire) ---
  kMetricsConflict = -20,
  kTxnAlreadyAborted = -19,
  kTxnAlreadyCommitted = -18,
  kTxnFailed = -17,
  kBatchFailed = -16,
  kNoResponse = -15,
  kMaxErrorRate = -14,
  kUseNormalRetry = -13,
  kMaxRetriesExceeded = -12,
  kAsyncQueueFull = -11,
  kConnectionError = -10,
  kTlsError = -9,
  kInvalidNode = -8,
  kNoMoreConnections = -7,
  kAsyncConnectionError = -6,
  kClientAbort = -5,
  kInvalidHost = -4,
  kNoMoreRecords = -3,
  kParamError = -2,     // the caller passed something the codec cannot encode
  kClientError = -1,    // generic client error
  kBadResponse = -21,   // a frame or message from the server is malformed (protocol error)

  // --- server codes (the result_code byte) ---
  kOk = 0,
  kServerError = 1,
  kRecordNotFound = 2,
  kGenerationError = 3,
  kRequestInvalid = 4,
  kRecordExists = 5,
  kBinExists = 6,
  kClusterChange = 7,
  kServerFull = 8,
  kTimeout = 9,
  kAlwaysForbidden = 10,
  kPartitionUnavailable = 11,
  kBinIncompatibleType = 12,
  kRecordTooBig = 13,
  kRecordBusy = 14,
  kScanAborted = 15,
  kUnsupportedFeature = 16,
  kBinNotFound = 17,
  kDeviceOverload = 18,
  kKeyMismatch = 19,
  kNamespaceNotFound = 20,
  kBinNameTooLong = 21,
  kFailForbidden = 22,
  kElementNotFound = 23,
  kElementExists = 24,
  kEnterpriseOnly = 25,
  kOpNotApplicable = 26,
  kFilteredOut = 27,
  kLostConflict = 28,
  kInvalidEncoding = 29,
  kXdrKeyBusy = 32,
  kQueryEnd = 50,
  kSecurityNotSupported = 51,
  kSecurityNotEnabled = 52,
  kSecuritySchemeNotSupported = 53,
  kInvalidCommand = 54,
  kInvalidField = 55,
  kIllegalState = 56,
  kInvalidUser = 60,
  kUserAlreadyExists = 61,
  kInvalidPassword = 62,
  kExpiredPassword = 63,
  kForbiddenPassword = 64,
  kInvalidCredential = 65,
  kExpiredSession = 66,
  kInvalidRole = 70,
  kRoleAlreadyExists = 71,
  kInvalidPrivilege = 72,
  kInvalidWhitelist = 73,
  kQuotasNotEnabled = 74,
  kInvalidQuota = 75,
  kNotAuthenticated = 80,
  kRoleViolation = 81,
  kNotWhitelisted = 82,
  kQuotaExceeded = 83,
  kLdapNotConfigured = 90,
  kLdapSetup = 91,
  kLdapTlsSetup = 92,
  kLdapAuthentication = 93,
  kLdapQuery = 94,
  kUdfError = 100,
  kMrtBlocked = 120,
  kMrtVersionMismatch = 121,
  kMrtExpired = 122,
  kMrtTooManyWrites = 123,
  kMrtCommitted = 124,
  kMrtAborted = 125,
  kMrtAlreadyLocked = 126,
  kMrtMonitorExists = 127,
  kBatchDisabled = 150,
  kBatchMaxRequestsExceeded = 151,
  kBatchQueuesFull = 152,
  kGeoInvalidGeoJson = 160,
  kIndexFound = 200,
  kIndexNotFound = 201,
  kIndexOom = 202,
  kIndexNotReadable = 203,
  kIndexGeneric = 204,
  kIndexNameMaxLen = 205,
  kIndexMaxCount = 206,
  kQueryAborted = 210,
  kQueryQueueFull = 211,
  kQueryTimeout = 212,
  kQueryGeneric = 213,
};

// One row of the table.
struct ResultCodeInfo {
  // The code this row describes.
  ResultCode code;
  // The C client's name without AEROSPIKE_, e.g. ERR_RECORD_NOT_FOUND.
  std::string_view name;
  // One line for people, e.g. "record not found".
  std::string_view message;
};

// The whole table, ordered by code (client codes first). Useful for tests and docs.
struct ResultCodeTable {
  // The first row.
  const ResultCodeInfo* begin() const;
  // One past the last row.
  const ResultCodeInfo* end() const;
};
// Every known code, for range-for: `for (const ResultCodeInfo& r : all_result_codes())`.
ResultCodeTable all_result_codes();

// nullptr for a code not in the table.
const ResultCodeInfo* find_result_code(ResultCode code);

// Name and message; for an unknown code "UNKNOWN" and "unknown result code".
std::string_view result_code_name(ResultCode code);
// The one-line message of `code` ("unknown result code" when not in the table).
std::string_view result_code_message(ResultCode code);

// The code as its number (the server's numbering, or negative for a client code).
constexpr int32_t to_int(ResultCode code) { return static_cast<int32_t>(code); }

}  // namespace aero::wire
