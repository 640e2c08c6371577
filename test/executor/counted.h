// Test helper: a capture that counts how many live copies exist and how many times the value
// it stands for was destroyed (moved-from shells do not count), so tests can check that an
// executor or UniqueFunction destroys each captured object exactly once.
#pragma once

#include <atomic>

namespace aero::test {

struct Counters {
  std::atomic<int> live{0};       // constructed and not yet destroyed objects, shells included
  std::atomic<int> destroyed{0};  // destructions of objects that still held their value
};

class Counted {
 public:
  explicit Counted(Counters& c) : c_(&c) { c_->live.fetch_add(1); }
  Counted(const Counted& other) : c_(other.c_), holds_(other.holds_) { c_->live.fetch_add(1); }
  Counted(Counted&& other) noexcept : c_(other.c_), holds_(other.holds_) {
    other.holds_ = false;
    c_->live.fetch_add(1);
  }
  Counted& operator=(const Counted&) = delete;
  Counted& operator=(Counted&&) = delete;
  ~Counted() {
    if (holds_) c_->destroyed.fetch_add(1);
    c_->live.fetch_sub(1);
  }
  bool holds_value() const { return holds_; }

 private:
  Counters* c_;
  bool holds_ = true;
};

}  // namespace aero::test
