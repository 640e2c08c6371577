// Small text codecs the UDF info commands need: base64 (module content travels base64 in
// `udf-put` / `udf-get`) and SHA-1 (the `udf-list` hash). Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aero::testserver::udf {

std::string base64_encode(std::string_view bytes);
// Strict decoding: length a multiple of 4, only the base64 alphabet, '=' padding at the end.
std::optional<std::string> base64_decode(std::string_view text);

// Lower-case hex of the SHA-1 of `bytes` (FIPS 180-4).
std::string sha1_hex(std::string_view bytes);

}  // namespace aero::testserver::udf
