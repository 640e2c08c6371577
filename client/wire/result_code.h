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
  kParamError = -2,    // the caller passed something the codec cannot encode
  kClientError = -1,   // generic client error
  kBadResponse = -21,  // a frame or message from the server is malformed (protocol error)

  // --- server codes (the result_code byte) ---
  kOk = 0,                           // success
  kServerError = 1,                  // unclassified server failure
  kRecordNotFound = 2,               // no record with this key (digest) in the namespace
  kGenerationError = 3,              // the write policy's generation check failed
  kRequestInvalid = 4,               // the request is malformed or has invalid arguments
  kRecordExists = 5,                 // create-only write of a record that already exists
  kBinExists = 6,                    // create-only bin write of a bin that already exists
  kClusterChange = 7,                // the partition moved while the command ran (retryable)
  kServerFull = 8,                   // the namespace is out of memory or storage
  kTimeout = 9,                      // timed out (server deadline or the client's timeout)
  kAlwaysForbidden = 10,             // never allowed with the namespace's configuration
  kPartitionUnavailable = 11,        // no replica of the partition is available
  kBinIncompatibleType = 12,         // the operation does not apply to the bin's current type
  kRecordTooBig = 13,                // the record would exceed the maximum record size
  kRecordBusy = 14,                  // too many commands wait on this record (hot key)
  kScanAborted = 15,                 // the scan or query was aborted on the server
  kUnsupportedFeature = 16,          // the server does not support this request or operation
  kBinNotFound = 17,                 // the named bin does not exist (some ops require it)
  kDeviceOverload = 18,              // the storage device cannot keep up with writes
  kKeyMismatch = 19,                 // the user key sent differs from the stored one
  kNamespaceNotFound = 20,           // no such namespace on the node
  kBinNameTooLong = 21,              // bin name over 15 bytes, or too many bin names
  kFailForbidden = 22,               // the operation is not allowed at this time
  kElementNotFound = 23,             // a collection operation found no such element
  kElementExists = 24,               // a create-only collection write found the element
  kEnterpriseOnly = 25,              // the feature needs Aerospike Enterprise Edition
  kOpNotApplicable = 26,             // the operation is not applicable to this record or bin
  kFilteredOut = 27,                 // the filter expression was false; nothing was done
  kLostConflict = 28,                // the write lost conflict resolution (XDR)
  kInvalidEncoding = 29,             // a string value has an invalid encoding
  kXdrKeyBusy = 32,                  // the write must wait for XDR to ship the record
  kQueryEnd = 50,                    // end of a query stream (no more records)
  kSecurityNotSupported = 51,        // the server has no security support (Community Edition)
  kSecurityNotEnabled = 52,          // security is off (login succeeds without a session)
  kSecuritySchemeNotSupported = 53,  // the admin message's security scheme is unknown
  kInvalidCommand = 54,              // unknown admin command
  kInvalidField = 55,                // an admin field is missing or invalid
  kIllegalState = 56,                // the admin exchange is in the wrong state
  kInvalidUser = 60,                 // no such user, or an invalid user name
  kUserAlreadyExists = 61,           // CREATE_USER of a user that exists
  kInvalidPassword = 62,             // wrong password, or an invalid new password
  kExpiredPassword = 63,             // the password has expired and must be changed
  kForbiddenPassword = 64,           // the new password is not allowed
  kInvalidCredential = 65,           // the credential (bcrypt hash or token) is invalid
  kExpiredSession = 66,              // the session token has expired; log in again
  kInvalidRole = 70,                 // no such role, or an invalid role name
  kRoleAlreadyExists = 71,           // CREATE_ROLE of a role that exists
  kInvalidPrivilege = 72,            // an unknown privilege code, or a scope it cannot have
  kInvalidWhitelist = 73,            // the role's IP allow list is malformed
  kQuotasNotEnabled = 74,            // quotas were given but quotas are not enabled on the server
  kInvalidQuota = 75,                // a read or write quota value is invalid
  kNotAuthenticated = 80,            // the connection has not logged in (or its session is gone)
  kRoleViolation = 81,               // the user's roles lack the privilege this needs
  kNotWhitelisted = 82,              // the client's address is not in the role's allow list
  kQuotaExceeded = 83,               // the user's read or write rate quota is used up
  kLdapNotConfigured = 90,           // external (LDAP) login, but LDAP is not configured
  kLdapSetup = 91,                   // the server failed to set up its LDAP connection
  kLdapTlsSetup = 92,                // the server failed to set up TLS for LDAP
  kLdapAuthentication = 93,          // the LDAP server rejected the user's credentials
  kLdapQuery = 94,                   // the server's LDAP query failed
  kUdfError = 100,                   // the UDF failed (unknown module or function, Lua error)
  kMrtBlocked = 120,                 // the record is locked by another transaction
  kMrtVersionMismatch = 121,         // the record changed since the transaction read it
  kMrtExpired = 122,                 // the transaction's deadline passed
  kMrtTooManyWrites = 123,           // too many writes in the transaction
  kMrtCommitted = 124,               // the transaction was already committed
  kMrtAborted = 125,                 // the transaction was already aborted
  kMrtAlreadyLocked = 126,           // the record is already locked by this transaction
  kMrtMonitorExists = 127,           // the transaction's monitor record already exists
  kBatchDisabled = 150,              // batch commands are disabled on the node
  kBatchMaxRequestsExceeded = 151,   // the batch holds more keys than the node allows
  kBatchQueuesFull = 152,            // every batch response queue on the node is full
  kGeoInvalidGeoJson = 160,          // a GeoJSON value or region is invalid
  kIndexFound = 200,                 // the index already exists
  kIndexNotFound = 201,              // no such secondary index
  kIndexOom = 202,                   // the secondary index ran out of memory
  kIndexNotReadable = 203,           // the index is still being built and cannot be queried yet
  kIndexGeneric = 204,               // other secondary-index failure
  kIndexNameMaxLen = 205,            // the index name is too long
  kIndexMaxCount = 206,              // the namespace already has the maximum number of indexes
  kQueryAborted = 210,               // the query was aborted on the server
  kQueryQueueFull = 211,             // the node's query queue is full
  kQueryTimeout = 212,               // the query timed out on the server
  kQueryGeneric = 213,               // other query failure
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
