// Status and Result<T>: errors as values for the codec (and the client built on it).
//
// A Status is a result code plus a human-readable message naming what went wrong. The OK
// status carries no message and costs no allocation. Result<T> holds either a T or a
// non-OK Status.
//
// Threads: plain values; no shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "client/wire/result_code.h"

namespace aero::wire {

// The outcome of an operation: OK, or a result code with a message saying what failed.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  // A status with `code` (normally not kOk) and its message.
  Status(ResultCode code, std::string message) : code_(code), message_(std::move(message)) {}

  // The OK status (same as Status()).
  static Status ok_status() { return Status(); }

  // True when the code is kOk.
  bool ok() const { return code_ == ResultCode::kOk; }
  // The server's or the client's result code.
  ResultCode code() const { return code_; }
  // What failed, for people (empty for OK); not meant to be parsed.
  const std::string& message() const { return message_; }

  // "ERR_BAD_RESPONSE(-21): field 3 declares 90 bytes but 12 remain"
  std::string to_string() const;

  // Equal when both the code and the message are equal.
  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ResultCode code_ = ResultCode::kOk;
  std::string message_;
};

// Shorthands for the two errors the codec produces.
inline Status bad_response(std::string message) {
  return Status(ResultCode::kBadResponse, std::move(message));
}
// A kParamError status: the caller's arguments are invalid (nothing was sent).
inline Status param_error(std::string message) {
  return Status(ResultCode::kParamError, std::move(message));
}

// Either a T (ok()) or the non-OK Status that prevented it.
template <class T>
class [[nodiscard]] Result {
 public:
  // A successful result holding `value`.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  // A failed result; an OK `error` is replaced by a kClientError (a caller bug).
  Result(Status error) : v_(std::in_place_index<1>, std::move(error)) {  // NOLINT: implicit
    if (std::get<1>(v_).ok()) {
      std::get<1>(v_) = Status(ResultCode::kClientError, "internal: OK status used as an error");
    }
  }

  // True when a value is held.
  bool ok() const { return v_.index() == 0; }

  // The value; only when ok() (else std::bad_variant_access is thrown).
  const T& value() const& { return std::get<0>(v_); }
  // The value, mutable; only when ok().
  T& value() & { return std::get<0>(v_); }
  // The value, moved out of an rvalue Result; only when ok().
  T&& value() && { return std::get<0>(std::move(v_)); }
  // Same as value().
  const T& operator*() const& { return value(); }
  // Same as value().
  T& operator*() & { return value(); }
  // Member access to the value; only when ok().
  const T* operator->() const { return &value(); }
  // Member access to the value; only when ok().
  T* operator->() { return &value(); }

  // The error; an OK status when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }
  // The error; only when !ok() (else std::bad_variant_access is thrown).
  const Status& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace aero::wire
