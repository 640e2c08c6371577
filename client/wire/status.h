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

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ResultCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == ResultCode::kOk; }
  ResultCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "ERR_BAD_RESPONSE(-21): field 3 declares 90 bytes but 12 remain"
  std::string to_string() const;

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
inline Status param_error(std::string message) {
  return Status(ResultCode::kParamError, std::move(message));
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Status error) : v_(std::in_place_index<1>, std::move(error)) {  // NOLINT: implicit
    if (std::get<1>(v_).ok()) {
      std::get<1>(v_) = Status(ResultCode::kClientError, "internal: OK status used as an error");
    }
  }

  bool ok() const { return v_.index() == 0; }

  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; an OK status when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }
  const Status& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace aero::wire
