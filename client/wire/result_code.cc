#include "client/wire/result_code.h"

#include <algorithm>
#include <iterator>

namespace aero::wire {
namespace {

using R = ResultCode;

// Sorted by numeric code; find_result_code() relies on it (checked by a test).
constexpr ResultCodeInfo kTable[] = {
    {R::kBadResponse, "ERR_BAD_RESPONSE", "malformed response from the server"},
    {R::kMetricsConflict, "METRICS_CONFLICT", "metrics already enabled or disabled"},
    {R::kTxnAlreadyAborted, "TXN_ALREADY_ABORTED", "transaction already aborted"},
    {R::kTxnAlreadyCommitted, "TXN_ALREADY_COMMITTED", "transaction already committed"},
    {R::kTxnFailed, "TXN_FAILED", "transaction failed"},
    {R::kBatchFailed, "BATCH_FAILED", "one or more batch rows failed"},
    {R::kNoResponse, "NO_RESPONSE", "no response was received for this row"},
    {R::kMaxErrorRate, "MAX_ERROR_RATE", "node error rate exceeded"},
    {R::kUseNormalRetry, "USE_NORMAL_RETRY", "internal: retry the batch normally"},
    {R::kMaxRetriesExceeded, "ERR_MAX_RETRIES_EXCEEDED", "maximum retries exceeded"},
    {R::kAsyncQueueFull, "ERR_ASYNC_QUEUE_FULL", "async delay queue is full"},
    {R::kConnectionError, "ERR_CONNECTION", "connection error"},
    {R::kTlsError, "ERR_TLS_ERROR", "TLS error"},
    {R::kInvalidNode, "ERR_INVALID_NODE", "no node available for the partition"},
    {R::kNoMoreConnections, "ERR_NO_MORE_CONNECTIONS", "connection limit for the node reached"},
    {R::kAsyncConnectionError, "ERR_ASYNC_CONNECTION", "async connection error"},
    {R::kClientAbort, "ERR_CLIENT_ABORT", "aborted by the client"},
    {R::kInvalidHost, "ERR_INVALID_HOST", "host name could not be resolved"},
    {R::kNoMoreRecords, "NO_MORE_RECORDS", "no more records"},
    {R::kParamError, "ERR_PARAM", "invalid parameter"},
    {R::kClientError, "ERR_CLIENT", "client error"},
    {R::kOk, "OK", "success"},
    {R::kServerError, "ERR_SERVER", "generic server error"},
    {R::kRecordNotFound, "ERR_RECORD_NOT_FOUND", "record not found"},
    {R::kGenerationError, "ERR_RECORD_GENERATION", "generation check failed"},
    {R::kRequestInvalid, "ERR_REQUEST_INVALID", "invalid request"},
    {R::kRecordExists, "ERR_RECORD_EXISTS", "record already exists"},
    {R::kBinExists, "ERR_BIN_EXISTS", "bin already exists"},
    {R::kClusterChange, "ERR_CLUSTER_CHANGE", "cluster changed during the request"},
    {R::kServerFull, "ERR_SERVER_FULL", "server out of memory or storage"},
    {R::kTimeout, "ERR_TIMEOUT", "timeout"},
    {R::kAlwaysForbidden, "ERR_ALWAYS_FORBIDDEN", "operation not allowed in this configuration"},
    {R::kPartitionUnavailable, "ERR_CLUSTER", "partition unavailable"},
    {R::kBinIncompatibleType, "ERR_BIN_INCOMPATIBLE_TYPE", "operation not valid for the bin's type"},
    {R::kRecordTooBig, "ERR_RECORD_TOO_BIG", "record too big"},
    {R::kRecordBusy, "ERR_RECORD_BUSY", "record busy (hot key)"},
    {R::kScanAborted, "ERR_SCAN_ABORTED", "scan or query aborted"},
    {R::kUnsupportedFeature, "ERR_UNSUPPORTED_FEATURE", "unsupported feature"},
    {R::kBinNotFound, "ERR_BIN_NOT_FOUND", "bin not found"},
    {R::kDeviceOverload, "ERR_DEVICE_OVERLOAD", "storage device overloaded"},
    {R::kKeyMismatch, "ERR_RECORD_KEY_MISMATCH", "sent key differs from the stored key"},
    {R::kNamespaceNotFound, "ERR_NAMESPACE_NOT_FOUND", "namespace not found"},
    {R::kBinNameTooLong, "ERR_BIN_NAME", "bin name too long or too many bins"},
    {R::kFailForbidden, "ERR_FAIL_FORBIDDEN", "operation not allowed at this time"},
    {R::kElementNotFound, "ERR_FAIL_ELEMENT_NOT_FOUND", "collection element not found"},
    {R::kElementExists, "ERR_FAIL_ELEMENT_EXISTS", "collection element already exists"},
    {R::kEnterpriseOnly, "ERR_ENTERPRISE_ONLY", "enterprise-only feature"},
    {R::kOpNotApplicable, "ERR_OP_NOT_APPLICABLE", "operation not applicable"},
    {R::kFilteredOut, "FILTERED_OUT", "filter expression evaluated to false"},
    {R::kLostConflict, "LOST_CONFLICT", "write lost conflict resolution"},
    {R::kInvalidEncoding, "INVALID_ENCODING", "invalid string encoding"},
    {R::kXdrKeyBusy, "XDR_KEY_BUSY", "write must wait for XDR shipping"},
    {R::kQueryEnd, "QUERY_END", "no more records"},
    {R::kSecurityNotSupported, "SECURITY_NOT_SUPPORTED", "security not supported"},
    {R::kSecurityNotEnabled, "SECURITY_NOT_ENABLED", "security not enabled"},
    {R::kSecuritySchemeNotSupported, "SECURITY_SCHEME_NOT_SUPPORTED", "security scheme not supported"},
    {R::kInvalidCommand, "INVALID_COMMAND", "unknown administration command"},
    {R::kInvalidField, "INVALID_FIELD", "invalid administration field"},
    {R::kIllegalState, "ILLEGAL_STATE", "security protocol state error"},
    {R::kInvalidUser, "INVALID_USER", "invalid user"},
    {R::kUserAlreadyExists, "USER_ALREADY_EXISTS", "user already exists"},
    {R::kInvalidPassword, "INVALID_PASSWORD", "invalid password"},
    {R::kExpiredPassword, "EXPIRED_PASSWORD", "password expired"},
    {R::kForbiddenPassword, "FORBIDDEN_PASSWORD", "password not allowed"},
    {R::kInvalidCredential, "INVALID_CREDENTIAL", "invalid credential"},
    {R::kExpiredSession, "EXPIRED_SESSION", "session expired"},
    {R::kInvalidRole, "INVALID_ROLE", "invalid role"},
    {R::kRoleAlreadyExists, "ROLE_ALREADY_EXISTS", "role already exists"},
    {R::kInvalidPrivilege, "INVALID_PRIVILEGE", "invalid privilege"},
    {R::kInvalidWhitelist, "INVALID_WHITELIST", "invalid IP allow list"},
    {R::kQuotasNotEnabled, "QUOTAS_NOT_ENABLED", "quotas not enabled"},
    {R::kInvalidQuota, "INVALID_QUOTA", "invalid quota"},
    {R::kNotAuthenticated, "NOT_AUTHENTICATED", "not authenticated"},
    {R::kRoleViolation, "ROLE_VIOLATION", "role does not allow this operation"},
    {R::kNotWhitelisted, "NOT_WHITELISTED", "client address not allowed"},
    {R::kQuotaExceeded, "QUOTA_EXCEEDED", "quota exceeded"},
    {R::kLdapNotConfigured, "LDAP_NOT_CONFIGURED", "LDAP not configured"},
    {R::kLdapSetup, "LDAP_SETUP", "LDAP setup error"},
    {R::kLdapTlsSetup, "LDAP_TLS_SETUP", "LDAP TLS setup error"},
    {R::kLdapAuthentication, "LDAP_AUTHENTICATION", "LDAP authentication failed"},
    {R::kLdapQuery, "LDAP_QUERY", "LDAP query failed"},
    {R::kUdfError, "ERR_UDF", "UDF execution error"},
    {R::kMrtBlocked, "MRT_BLOCKED", "record locked by another transaction"},
    {R::kMrtVersionMismatch, "MRT_VERSION_MISMATCH", "record version changed in transaction"},
    {R::kMrtExpired, "MRT_EXPIRED", "transaction expired"},
    {R::kMrtTooManyWrites, "MRT_TOO_MANY_WRITES", "too many writes in transaction"},
    {R::kMrtCommitted, "MRT_COMMITTED", "transaction already committed"},
    {R::kMrtAborted, "MRT_ABORTED", "transaction already aborted"},
    {R::kMrtAlreadyLocked, "MRT_ALREADY_LOCKED", "record already locked by this transaction"},
    {R::kMrtMonitorExists, "MRT_MONITOR_EXISTS", "transaction monitor already exists"},
    {R::kBatchDisabled, "ERR_BATCH_DISABLED", "batch disabled"},
    {R::kBatchMaxRequestsExceeded, "ERR_BATCH_MAX_REQUESTS_EXCEEDED", "too many keys in one batch"},
    {R::kBatchQueuesFull, "ERR_BATCH_QUEUES_FULL", "batch queues full"},
    {R::kGeoInvalidGeoJson, "ERR_GEO_INVALID_GEOJSON", "invalid GeoJSON"},
    {R::kIndexFound, "ERR_INDEX_FOUND", "index already exists"},
    {R::kIndexNotFound, "ERR_INDEX_NOT_FOUND", "index not found"},
    {R::kIndexOom, "ERR_INDEX_OOM", "index out of memory"},
    {R::kIndexNotReadable, "ERR_INDEX_NOT_READABLE", "index not readable"},
    {R::kIndexGeneric, "ERR_INDEX", "index error"},
    {R::kIndexNameMaxLen, "ERR_INDEX_NAME_MAXLEN", "index name too long"},
    {R::kIndexMaxCount, "ERR_INDEX_MAXCOUNT", "too many indexes"},
    {R::kQueryAborted, "ERR_QUERY_ABORTED", "query aborted"},
    {R::kQueryQueueFull, "ERR_QUERY_QUEUE_FULL", "query queue full"},
    {R::kQueryTimeout, "ERR_QUERY_TIMEOUT", "query timeout"},
    {R::kQueryGeneric, "ERR_QUERY", "query error"},
};

}  // namespace

const ResultCodeInfo* ResultCodeTable::begin() const { return std::begin(kTable); }
const ResultCodeInfo* ResultCodeTable::end() const { return std::end(kTable); }

ResultCodeTable all_result_codes() { return {}; }

const ResultCodeInfo* find_result_code(ResultCode code) {
  auto it = std::lower_bound(std::begin(kTable), std::end(kTable), code,
                             [](const ResultCodeInfo& row, ResultCode c) {
                               return to_int(row.code) < to_int(c);
                             });
  if (it == std::end(kTable) || it->code != code) return nullptr;
  return it;
}

std::string_view result_code_name(ResultCode code) {
  const ResultCodeInfo* info = find_result_code(code);
  return info != nullptr ? info->name : std::string_view("UNKNOWN");
}

std::string_view result_code_message(ResultCode code) {
  const ResultCodeInfo* info = find_result_code(code);
  return info != nullptr ? info->message : std::string_view("unknown result code");
}

}  // namespace aero::wire
