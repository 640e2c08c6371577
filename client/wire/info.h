// The info protocol (type-1 frames): requests are command lines each ended by '\n';
// responses echo each line, then '\t', the value and '\n'. Parsers for the values the
// client's cluster tending reads: node, partition-generation / peers-generation (integers),
// features, build; `replicas` is in replicas.h, the peers and services lists in peers.h.
//
// Parsed values are string_views into the response body: keep the body alive while using
// them.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "client/wire/buffer.h"
#include "client/wire/status.h"

namespace aero::wire {

// A complete type-1 frame: each command followed by '\n'. No commands = an empty body (the
// server then answers its legacy summary). Commands must not contain '\n'.
Status encode_info_request(Buffer& out, std::span<const std::string_view> commands);

struct InfoLine {
  std::string_view name;   // the request line as the server echoed it
  std::string_view value;  // empty when the line has no tab
};

// Splits a response body into lines. A final line without '\n' is accepted; a body with a
// NUL byte is rejected (the official C client would silently truncate at it).
Result<std::vector<InfoLine>> parse_info_response(std::string_view body);

// The value for `name`, if that name was answered.
std::optional<std::string_view> find_info(std::span<const InfoLine> lines, std::string_view name);

// An error answer: "ERROR:<code>:<message>" ("ERROR::<message>" means code 1) or
// "FAIL:<code>:<message>". Also recognises the whole-body answers the server sends instead
// of echoing lines ("ERROR:80:not authenticated", "ERROR:9:timeout").
struct InfoError {
  int code = 1;
  std::string_view message;
};
std::optional<InfoError> parse_info_error(std::string_view value);

// Decimal integers: partition-generation (-1 = not yet balanced), peers-generation, ...
Result<int64_t> parse_info_int(std::string_view value);
Result<uint64_t> parse_info_uint(std::string_view value);

// `node`: the node name (1..19 printable characters, none of whitespace , ; : [ ]).
Result<std::string_view> parse_node_name(std::string_view value);

// `features`: ';'-separated names.
struct Features {
  std::vector<std::string_view> names;
  bool has(std::string_view name) const;
};
Features parse_features(std::string_view value);

// `build`: "major.minor.patch[.build]" plus an optional suffix after '-' (ignored).
struct BuildVersion {
  uint32_t major = 0, minor = 0, patch = 0, build = 0;
  friend auto operator<=>(const BuildVersion&, const BuildVersion&) = default;
};
Result<BuildVersion> parse_build(std::string_view value);

// A whole info response frame for a server: one "name\tvalue\n" line per entry.
Status encode_info_response(Buffer& out, std::span<const InfoLine> lines);

}  // namespace aero::wire
