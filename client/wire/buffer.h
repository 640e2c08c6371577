// Buffer: a growable byte buffer that encoders write whole frames into.
//
// The caller keeps one Buffer per command (or per connection) and reuses it: encoders call
// resize() to the exact frame size, which allocates only when the capacity is too small, so
// encoding into a warm buffer allocates nothing. Bytes past size() are unspecified; resize()
// does not zero new bytes (encoders overwrite every byte they size).
//
// Threads: a plain value type; one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace aero::wire {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t capacity) { reserve(capacity); }
  Buffer(const Buffer& other);
  Buffer& operator=(const Buffer& other);
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  ~Buffer() = default;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }

  // Sets the size; grows the capacity (keeping the existing bytes) when needed.
  void resize(size_t size);
  void reserve(size_t capacity);
  void clear() { size_ = 0; }

  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  std::span<uint8_t> span() { return {data_.get(), size_}; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace aero::wire
