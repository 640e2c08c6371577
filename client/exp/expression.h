// Expression, Filter: built expressions, ready to send. An Expression is the packed msgpack
// bytes of a finished expression tree (see exp.h for the builder), shared and immutable:
// copying one copies a pointer, and every command that uses it writes the same bytes into its
// request buffer, so a reused expression costs no allocation and no re-encoding per command.
//
// A Filter is an Expression known to be boolean (only a BoolExp converts to one): what a
// policy's filter_exp takes. An empty Filter means "no filter" and costs nothing.
//
// Threads: immutable values; copy and share them across threads freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace aero::exp {

// A finished expression's packed msgpack bytes, shared and immutable (exp::build makes one).
class Expression {
 public:
  Expression() = default;
  // Takes `packed` as the expression's bytes, unchecked (bytes the server cannot parse make
  // the command fail with 4).
  explicit Expression(std::string packed)
      : bytes_(std::make_shared<const std::string>(std::move(packed))) {}

  // True for a default-constructed Expression (no bytes; as a filter: no filter).
  bool empty() const { return bytes_ == nullptr; }
  // The packed expression (empty view when empty()).
  std::string_view bytes() const { return bytes_ ? std::string_view(*bytes_) : std::string_view(); }
  // The shared bytes (null when empty()); commands keep this pointer instead of copying.
  const std::shared_ptr<const std::string>& shared() const { return bytes_; }

  // Same packed bytes (two empty expressions are equal).
  friend bool operator==(const Expression& a, const Expression& b) { return a.bytes() == b.bytes(); }

 private:
  std::shared_ptr<const std::string> bytes_;
};

// A boolean Expression for a policy's filter_exp; made by exp::filter(), empty by default
// (no filter).
class Filter : public Expression {
 public:
  Filter() = default;

 private:
  explicit Filter(std::string packed) : Expression(std::move(packed)) {}
  friend Filter make_filter(std::string packed);
};

// Internal: the builder's exp::filter() is the way to make one.
inline Filter make_filter(std::string packed) { return Filter(std::move(packed)); }

}  // namespace aero::exp
