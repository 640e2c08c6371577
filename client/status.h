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
  ok = 0,
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
inline constexpr int ok = 0;
inline constexpr int record_not_found = 2;
inline constexpr int generation_error = 3;
inline constexpr int parameter_error = 4;
inline constexpr int record_exists = 5;
inline constexpr int timeout = 9;  // server timeout; client timeouts use it too, as in the C client
inline constexpr int partition_unavailable = 11;
inline constexpr int bin_type_error = 12;
inline constexpr int device_overload = 18;
inline constexpr int key_mismatch = 19;
inline constexpr int filtered_out = 27;
inline constexpr int security_not_supported = 51;  // a Community server answered an admin message
inline constexpr int security_not_enabled = 52;
inline constexpr int invalid_user = 60;         // unknown user
inline constexpr int user_already_exists = 61;
inline constexpr int invalid_password = 62;     // wrong password
inline constexpr int invalid_credential = 65;   // session token unknown or not this user's
inline constexpr int expired_session = 66;      // session token expired
inline constexpr int invalid_role = 70;
inline constexpr int role_already_exists = 71;
inline constexpr int invalid_privilege = 72;
inline constexpr int not_authenticated = 80;    // the connection has not authenticated
inline constexpr int role_violation = 81;       // the user's roles do not allow the command
inline constexpr int udf_error = 100;  // a UDF raised an error (the message carries its text)
}  // namespace result

class Status {
 public:
  Status() = default;  // ok
  Status(int code, std::string message, bool in_doubt = false)
      : code_(code), message_(std::move(message)), in_doubt_(in_doubt) {}
  Status(ClientCode code, std::string message, bool in_doubt = false)
      : Status(static_cast<int>(code), std::move(message), in_doubt) {}

  bool ok() const { return code_ == 0; }
  int code() const { return code_; }
  const std::string& message() const { return message_; }
  // A write that failed after it was sent: it may or may not have been applied.
  bool in_doubt() const { return in_doubt_; }
  bool is(ClientCode c) const { return code_ == static_cast<int>(c); }
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
  explicit Error(Status status)
      : std::runtime_error(status.to_string()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }

  // The value; calling these on an error is a bug (checked by std::get).
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  // The status: ok when there is a value.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }
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
  Result() = default;
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  int code() const { return status_.code(); }
  void value_or_throw() const {
    if (!ok()) throw Error(status_);
  }

 private:
  Status status_;
};

}  // namespace aero
