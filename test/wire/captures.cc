#include "test/wire/captures.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <variant>

#include <zlib.h>

namespace aero::wire::testing {
namespace {

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "captures: %s\n", why.c_str());
  std::abort();
}

// Just enough JSON for the capture files: objects, arrays, strings, numbers, literals.
struct Json {
  std::variant<std::nullptr_t, std::string, std::vector<Json>, std::map<std::string, Json>> v;
  const std::string& str() const { return std::get<std::string>(v); }
  const std::vector<Json>& arr() const { return std::get<std::vector<Json>>(v); }
  const std::map<std::string, Json>& obj() const { return std::get<std::map<std::string, Json>>(v); }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  Json parse() {
    Json j = value();
    ws();
    if (pos_ != s_.size()) die("trailing characters in JSON");
    return j;
  }

 private:
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  char next() {
    if (pos_ >= s_.size()) die("unexpected end of JSON");
    return s_[pos_++];
  }
  Json value() {
    ws();
    if (pos_ >= s_.size()) die("unexpected end of JSON");
    const char c = s_[pos_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return Json{string()};
    // numbers and literals: skipped (not needed)
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ']') ++pos_;
    return Json{nullptr};
  }
  std::string string() {
    if (next() != '"') die("string expected");
    std::string out;
    while (true) {
      char c = next();
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = next();
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned v = static_cast<unsigned>(std::stoul(s_.substr(pos_, 4), nullptr, 16));
          pos_ += 4;
          if (v < 0x80) {
            out += static_cast<char>(v);
          } else if (v < 0x800) {
            out += static_cast<char>(0xc0 | (v >> 6));
            out += static_cast<char>(0x80 | (v & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (v >> 12));
            out += static_cast<char>(0x80 | ((v >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (v & 0x3f));
          }
          break;
        }
        default: out += e; break;
      }
    }
  }
  Json array() {
    next();
    std::vector<Json> items;
    ws();
    if (s_[pos_] == ']') {
      ++pos_;
      return Json{std::move(items)};
    }
    while (true) {
      items.push_back(value());
      ws();
      char c = next();
      if (c == ']') return Json{std::move(items)};
      if (c != ',') die("',' or ']' expected");
    }
  }
  Json object() {
    next();
    std::map<std::string, Json> m;
    ws();
    if (s_[pos_] == '}') {
      ++pos_;
      return Json{std::move(m)};
    }
    while (true) {
      ws();
      std::string k = string();
      ws();
      if (next() != ':') die("':' expected");
      m.emplace(std::move(k), value());
      ws();
      char c = next();
      if (c == '}') return Json{std::move(m)};
      if (c != ',') die("',' or '}' expected");
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

ByteVec from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) die("odd hex length");
  ByteVec out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string to_hex(const uint8_t* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

namespace {

// The whole file; a gzip file (the operations captures) is inflated.
std::string read_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) die("cannot open " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string raw = ss.str();
  if (raw.size() < 2 || uint8_t(raw[0]) != 0x1f || uint8_t(raw[1]) != 0x8b) return raw;
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) die("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  std::string out;
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      die("corrupt gzip file " + file);
    }
    out.append(chunk, sizeof(chunk) - zs.avail_out);
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace

std::vector<CaptureVector> load_captures(const std::string& file) {
  const std::string text = read_file(file);
  Json root = JsonParser(text).parse();
  std::vector<CaptureVector> out;
  for (const Json& v : root.obj().at("vectors").arr()) {
    CaptureVector c;
    c.name = v.obj().at("name").str();
    if (auto it = v.obj().find("note"); it != v.obj().end() &&
                                         std::holds_alternative<std::string>(it->second.v)) {
      c.note = it->second.str();
    }
    if (auto it = v.obj().find("text"); it != v.obj().end() &&
                                         std::holds_alternative<std::string>(it->second.v)) {
      c.text = it->second.str();
    }
    c.request = from_hex(v.obj().at("request").str());
    for (const Json& f : v.obj().at("response_frames").arr()) c.responses.push_back(from_hex(f.str()));
    out.push_back(std::move(c));
  }
  if (out.empty()) die("no vectors in " + file);
  return out;
}

const CaptureVector& find_capture(const std::vector<CaptureVector>& all, const std::string& name) {
  for (const CaptureVector& c : all) {
    if (c.name == name) return c;
  }
  die("no capture named '" + name + "'");
}

}  // namespace aero::wire::testing
