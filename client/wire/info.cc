#include "client/wire/info.h"

#include <charconv>
#include <cstring>
#include <string>

#include "client/wire/frame.h"
#include "client/wire/protocol.h"

namespace aero::wire {

Status encode_info_request(Buffer& out, std::span<const std::string_view> commands) {
  size_t body = 0;
  for (std::string_view c : commands) {
    if (c.find('\n') != std::string_view::npos) {
      return param_error("info command contains a newline");
    }
    body += c.size() + 1;
  }
  if (body > kMaxProtoBodySize) return param_error("info request exceeds 128 MiB");
  out.resize(kProtoHeaderSize + body);
  write_proto_header(out.data(), ProtoType::kInfo, body);
  uint8_t* p = out.data() + kProtoHeaderSize;
  for (std::string_view c : commands) {
    if (!c.empty()) std::memcpy(p, c.data(), c.size());
    p += c.size();
    *p++ = '\n';
  }
  return Status();
}

Result<std::vector<InfoLine>> parse_info_response(std::string_view body) {
  const size_t nul = body.find('\0');
  if (nul != std::string_view::npos) {
    return bad_response("info response has a NUL byte at offset " + std::to_string(nul));
  }
  std::vector<InfoLine> lines;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      lines.push_back({line, {}});
    } else {
      lines.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
  }
  return lines;
}

std::optional<std::string_view> find_info(std::span<const InfoLine> lines, std::string_view name) {
  for (const InfoLine& l : lines) {
    if (l.name == name) return l.value;
  }
  return std::nullopt;
}

std::optional<InfoError> parse_info_error(std::string_view value) {
  std::string_view rest;
  if (value.starts_with("ERROR:")) {
    rest = value.substr(6);
  } else if (value.starts_with("FAIL:")) {
    rest = value.substr(5);
  } else {
    return std::nullopt;
  }
  InfoError e;
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    e.message = rest;
    return e;
  }
  std::string_view code = rest.substr(0, colon);
  int parsed = 0;
  if (!code.empty()) {
    auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), parsed);
    if (ec != std::errc() || ptr != code.data() + code.size()) {
      e.message = rest;  // not a code: the whole remainder is the message
      return e;
    }
    e.code = parsed;
  }
  e.message = rest.substr(colon + 1);
  return e;
}

namespace {

template <class T>
Result<T> parse_decimal(std::string_view value, const char* what) {
  T v{};
  if (value.empty()) return bad_response(std::string(what) + " is empty");
  if (value[0] == '+') return bad_response(std::string(what) + " '" + std::string(value) + "' is not a decimal number");
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return bad_response(std::string(what) + " '" + std::string(value) + "' is out of range");
  }
  if (ec != std::errc() || ptr != value.data() + value.size()) {
    return bad_response(std::string(what) + " '" + std::string(value) + "' is not a decimal number");
  }
  return v;
}

bool node_char(char c) {
  return c > ' ' && c < 127 && c != ',' && c != ';' && c != ':' && c != '[' && c != ']';
}

}  // namespace

Result<int64_t> parse_info_int(std::string_view value) {
  return parse_decimal<int64_t>(value, "info integer");
}

Result<uint64_t> parse_info_uint(std::string_view value) {
  return parse_decimal<uint64_t>(value, "info unsigned integer");
}

Result<std::string_view> parse_node_name(std::string_view value) {
  if (value.empty() || value.size() > 19) {
    return bad_response("node name of " + std::to_string(value.size()) + " characters (1..19)");
  }
  for (char c : value) {
    if (!node_char(c)) return bad_response("node name has an invalid character");
  }
  return value;
}

bool Features::has(std::string_view name) const {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

Features parse_features(std::string_view value) {
  Features f;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    if (end > pos) f.names.push_back(value.substr(pos, end - pos));
    pos = end + 1;
  }
  return f;
}

Result<BuildVersion> parse_build(std::string_view value) {
  std::string_view v = value.substr(0, value.find('-'));
  uint32_t parts[4] = {0, 0, 0, 0};
  size_t n = 0;
  size_t pos = 0;
  while (true) {
    size_t end = v.find('.', pos);
    if (end == std::string_view::npos) end = v.size();
    if (n == 4) return bad_response("build '" + std::string(value) + "' has more than 4 parts");
    Result<uint32_t> p = parse_decimal<uint32_t>(v.substr(pos, end - pos), "build part");
    if (!p.ok()) return bad_response("build '" + std::string(value) + "': " + p.error().message());
    parts[n++] = *p;
    if (end == v.size()) break;
    pos = end + 1;
  }
  if (n < 3) return bad_response("build '" + std::string(value) + "' has fewer than 3 parts");
  return BuildVersion{parts[0], parts[1], parts[2], parts[3]};
}

Status encode_info_response(Buffer& out, std::span<const InfoLine> lines) {
  size_t body = 0;
  for (const InfoLine& l : lines) body += l.name.size() + 1 + l.value.size() + 1;
  if (body > kMaxProtoBodySize) return param_error("info response exceeds 128 MiB");
  out.resize(kProtoHeaderSize + body);
  write_proto_header(out.data(), ProtoType::kInfo, body);
  char* p = reinterpret_cast<char*>(out.data() + kProtoHeaderSize);
  for (const InfoLine& l : lines) {
    p = std::copy(l.name.begin(), l.name.end(), p);
    *p++ = '\t';
    p = std::copy(l.value.begin(), l.value.end(), p);
    *p++ = '\n';
  }
  return Status();
}

}  // namespace aero::wire
