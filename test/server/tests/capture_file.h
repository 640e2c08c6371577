// Reads the real-server captures (shared/captures/*.json, copied to test/server/testdata/, and
// the gzip-compressed operations captures in test/captures/operations/):
// a deliberately tiny JSON reader for that one schema.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace testclient {

struct CaptureVector {
  std::string name;
  std::string note;
  std::string text;                          // info_commands.json: the answer decoded
  std::string request;                       // raw bytes
  std::vector<std::string> response_frames;  // raw bytes, one per frame
};

struct CaptureFile {
  std::string server;
  std::string topology;
  std::vector<CaptureVector> vectors;
};

// Parses the file at `path`; nullopt (with `*error`) if unreadable or not of that shape.
std::optional<CaptureFile> load_capture(const std::string& path, std::string* error);

}  // namespace testclient
