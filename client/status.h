// Status and Result<T>: how every command reports its outcome.
//
// A Status carries an Aerospike result code (the server's numbering, 0..255, e.g. 2 = record
// not found) or a client-side code (negative, see ClientCode), a message a person can act
// on, and an in-doubt flag (a write that may or may not have been applied). Result<T> is a
// value or a Status. Errors are values: nothing here throws, except the explicit
// conversions named below (for `Record r = co_await client.get(key);` in coroutines).
//
// Threads: plain values, no shared state.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace aero {

// Client-side codes, never on the wire. The numbers follow the C client where it has the
// same meaning (as_status.h); Aerospike server codes are non-negative.
enum class ClientCode : int {
  ok = 0,                    // success (the same 0 as the server's)
  client_error = -1,         // generic client error
  invalid_argument = -2,     // bad API parameter (checked before anything is sent)
  invalid_host = -4,         // seed host name could not be resolved
  connection_failed = -6,    // could not connect, or the connection broke
  no_more_connections = -7,  // per-node connection limit reached and retries exhausted
  invalid_node = -8,         // no node serves the key's partition (cluster empty or partial)
  queue_full = -11,          // the loop's delay queue is full (flow control)
  max_error_rate = -14,      // the node is over ClientConfig::max_error_rate (circuit breaker)
  batch_failed = -16,        // one or more batch rows failed (see the rows)
  bad_response = -21,        // the server's answer was malformed (connection discarded)
  client_closed = -22,       // the client was closed before the command could complete
  would_block_loop = -23,    // a blocking call was made on a loop thread
  cancelled = -24,           // the caller cancelled the command (Policy::cancel)
};

// Server result codes the client itself reports or tests for.
namespace result {
inline constexpr int ok = 0;                // success
inline constexpr int record_not_found = 2;  // no record with that key (get, touch, remove...)
inline constexpr int generation_error = 3;  // the record's generation is not the expected one
inline constexpr int parameter_error = 4;   // the server refused a request field
inline constexpr int record_exists = 5;     // create-only write of an existing record
inline constexpr int timeout = 9;  // server timeout; client timeouts use it too, as in the C client
inline constexpr int partition_unavailable =
    11;                                     // the partition is not available on the node asked
inline constexpr int bin_type_error = 12;   // operation on a bin of another type
inline constexpr int device_overload = 18;  // the node's storage cannot keep up with writes
inline constexpr int key_mismatch = 19;     // the stored user key differs from the sent one
inline constexpr int filtered_out = 27;     // the filter expression excluded the record
inline constexpr int security_not_supported = 51;  // a Community server answered an admin message
inline constexpr int security_not_enabled = 52;    // an admin message to a server without security
inline constexpr int invalid_user = 60;         // unknown user
inline constexpr int user_already_exists = 61;  // create_user of an existing user
inline constexpr int invalid_password = 62;     // wrong password
inline constexpr int invalid_credential = 65;   // session token unknown or not this user's
inline constexpr int expired_session = 66;      // session token expired
inline constexpr int invalid_role = 70;         // unknown role
inline constexpr int role_already_exists = 71;  // create_role of an existing role
inline constexpr int invalid_privilege = 72;    // a privilege code or scope the server refuses
inline constexpr int not_authenticated = 80;    // the connection has not authenticated
inline constexpr int role_violation = 81;       // the user's roles do not allow the command
inline constexpr int udf_error = 100;  // a UDF raised an error (the message carries its text)
}  // namespace result

// The outcome of a command: a result code (server codes >= 0, ClientCode < 0), a message and
// the in-doubt flag. A plain value.
class Status {
 public:
  // Success (code 0, no message).
  Status() = default;
  // A server result code (see namespace result) with its message.
  Status(int code, std::string message, bool in_doubt = false)
      : code_(code), message_(std::move(message)), in_doubt_(in_doubt) {}
  // A client-side code with its message.
  Status(ClientCode code, std::string message, bool in_doubt = false)
      : Status(static_cast<int>(code), std::move(message), in_doubt) {}

  // Code 0.
  bool ok() const { return code_ == 0; }
  // The server result code (>= 0) or ClientCode (< 0) as an int.
  int code() const { return code_; }
  // What went wrong, for a person (empty on success).
  const std::string& message() const { return message_; }
  // A write that failed after it was sent: it may or may not have been applied.
  bool in_doubt() const { return in_doubt_; }
  // The code is client code `c`.
  bool is(ClientCode c) const { return code_ == static_cast<int>(c); }
  // A timeout, the server's or the client's (both use result::timeout, 9).
  bool is_timeout() const { return code_ == result::timeout; }

  // "AEROSPIKE_ERR_RECORD_NOT_FOUND (2): record not found [in doubt]"
  std::string to_string() const;

 private:
  int code_ = 0;
  std::string message_;
  bool in_doubt_ = false;
};

// The name of a result code: server codes by the C client's names, client codes by ours.
const char* result_code_name(int code);

// Thrown only by the explicit conversions of Result<T> (value_or_throw(), and the
// implicit conversion used by `T t = co_await ...`).
class Error : public std::runtime_error {
 public:
  // what() is status.to_string().
  explicit Error(Status status)
      : std::runtime_error(status.to_string()), status_(std::move(status)) {}
  // The failure that was thrown.
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// A command's answer: a T, or the Status saying why there is none. A plain value.
template <class T>
class [[nodiscard]] Result {
 public:
  // Success with `value`.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  // Failure; `status` should not be ok.
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {}  // NOLINT

  // Holds a value.
  bool ok() const { return v_.index() == 0; }

  // The value; calling these on an error is a bug (checked by std::get).
  T& value() & { return std::get<0>(v_); }
  // The value (see above).
  const T& value() const& { return std::get<0>(v_); }
  // The value, moved out (see above).
  T&& value() && { return std::get<0>(std::move(v_)); }
  // The value's members (see value()).
  T* operator->() { return &value(); }
  // The value's members (see value()).
  const T* operator->() const { return &value(); }
  // The value (see value()).
  T& operator*() & { return value(); }

  // The status: ok when there is a value.
  Status status() const& { return ok() ? Status() : std::get<1>(v_); }
  // The status, moved out of an expiring Result (its message is not copied).
  Status status() && { return ok() ? Status() : std::get<1>(std::move(v_)); }
  // status().code() without copying the message.
  int code() const { return ok() ? 0 : std::get<1>(v_).code(); }

  // The value, or throws Error with the status.
  T value_or_throw() && {
    if (!ok()) throw Error(std::get<1>(v_));
    return std::get<0>(std::move(v_));
  }
  // `Record r = co_await client.get(key);` throws Error on failure; `auto r = ...` keeps
  // the Result and throws nothing. (Test success with ok(): there is deliberately no
  // conversion to bool, which would be ambiguous for Result<bool>.)
  operator T() && { return std::move(*this).value_or_throw(); }  // NOLINT

 private:
  std::variant<T, Status> v_;
};

// Result<void>: just a Status.
template <>
class [[nodiscard]] Result<void> {
 public:
  // Success.
  Result() = default;
  // The outcome `status` (ok or not).
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  // The status is ok.
  bool ok() const { return status_.ok(); }
  // The outcome.
  const Status& status() const { return status_; }
  // status().code().
  int code() const { return status_.code(); }
  // Throws Error when not ok.
  void value_or_throw() const {
    if (!ok()) throw Error(status_);
  }

 private:
  Status status_;
};

}  // namespace aero
