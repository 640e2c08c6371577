// Loads the real-server capture files (test/wire/testdata/*.json and the operations captures
// in test/captures/operations/*.json.gz, copied verbatim from shared/captures) for golden
// tests: each vector has a name, the request frame and the response frames, as bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aero::wire::testing {

using ByteVec = std::vector<uint8_t>;

struct CaptureVector {
  std::string name;
  std::string note;
  std::string text;  // info_commands.json: the answer body decoded
  ByteVec request;
  std::vector<ByteVec> responses;
};

// `file` is a path relative to the test's runfiles directory, e.g.
// "test/wire/testdata/single-node.json" or "test/captures/operations/list_basics.json.gz"
// (gzip files are inflated). Aborts the test binary (with a message) if the
// file is missing or malformed: these are fixed inputs, not data under test.
std::vector<CaptureVector> load_captures(const std::string& file);

// The vector with this exact name; aborts if there is none.
const CaptureVector& find_capture(const std::vector<CaptureVector>& all, const std::string& name);

ByteVec from_hex(const std::string& hex);
std::string to_hex(const uint8_t* p, size_t n);
inline std::string to_hex(const ByteVec& v) { return to_hex(v.data(), v.size()); }

}  // namespace aero::wire::testing
