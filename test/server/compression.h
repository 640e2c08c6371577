// Compressed frames (type 4): inflating a compressed request and compressing answers, which a
// node does only in Enterprise mode (a Community server answers compressed requests with 25 and
// never compresses). Pure functions, callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aero::testserver {

// `body` is a type-4 frame body: 8-byte big-endian size of the whole inner frame, then a zlib
// stream. On success `inner` holds the inner frame (header included), which must be a type-3
// frame of exactly the declared size.
bool inflate_request(const uint8_t* body, size_t size, std::vector<uint8_t>& inner);

// Replaces every frame in bytes[from, end) with a type-4 frame wrapping it.
void compress_frames(std::vector<uint8_t>& bytes, size_t from);

}  // namespace aero::testserver
