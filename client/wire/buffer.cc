#include "client/wire/buffer.h"

#include <algorithm>
#include <cstring>

namespace aero::wire {

Buffer::Buffer(const Buffer& other) {
  resize(other.size_);
  if (other.size_ != 0) std::memcpy(data_.get(), other.data_.get(), other.size_);
}

Buffer& Buffer::operator=(const Buffer& other) {
  if (this != &other) {
    resize(other.size_);
    if (other.size_ != 0) std::memcpy(data_.get(), other.data_.get(), other.size_);
  }
  return *this;
}

Buffer::Buffer(Buffer&& other) noexcept
    : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
  other.size_ = 0;
  other.capacity_ = 0;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = 0;
  }
  return *this;
}

void Buffer::reserve(size_t capacity) {
  if (capacity <= capacity_) return;
  size_t grown = std::max(capacity, capacity_ + capacity_ / 2);
  auto fresh = std::make_unique_for_overwrite<uint8_t[]>(grown);
  if (size_ != 0) std::memcpy(fresh.get(), data_.get(), size_);
  data_ = std::move(fresh);
  capacity_ = grown;
}

void Buffer::resize(size_t size) {
  reserve(size);
  size_ = size;
}

}  // namespace aero::wire
