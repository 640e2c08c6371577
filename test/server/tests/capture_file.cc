#include "test/server/tests/capture_file.h"

#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <zlib.h>

#include "test/server/tests/wire_client.h"

namespace testclient {

namespace {

struct Value {
  enum Kind { kNull, kString, kNumber, kBool, kArray, kObject } kind = kNull;
  std::string str;
  std::vector<Value> items;
  std::map<std::string, Value> members;
};

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  bool parse(Value* v) {
    if (!value(v)) return false;
    skip();
    return i_ == s_.size();
  }

 private:
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }
  bool string(std::string* out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        const char e = s_[i_++];
        switch (e) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case 'r': c = '\r'; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'u': {
            if (i_ + 4 > s_.size()) return false;
            const unsigned cp = unsigned(std::stoul(s_.substr(i_, 4), nullptr, 16));
            i_ += 4;
            if (cp < 0x80) {
              c = char(cp);
            } else if (cp < 0x800) {
              out->push_back(char(0xC0 | (cp >> 6)));
              c = char(0x80 | (cp & 0x3F));
            } else {
              out->push_back(char(0xE0 | (cp >> 12)));
              out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
              c = char(0x80 | (cp & 0x3F));
            }
            break;
          }
          default: c = e; break;
        }
      }
      out->push_back(c);
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  bool value(Value* v) {
    skip();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      v->kind = Value::kString;
      return string(&v->str);
    }
    if (c == '{') {
      ++i_;
      v->kind = Value::kObject;
      skip();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      for (;;) {
        skip();
        std::string key;
        if (!string(&key)) return false;
        skip();
        if (i_ >= s_.size() || s_[i_++] != ':') return false;
        Value member;
        if (!value(&member)) return false;
        v->members[key] = std::move(member);
        skip();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') {
          ++i_;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      ++i_;
      v->kind = Value::kArray;
      skip();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      for (;;) {
        Value item;
        if (!value(&item)) return false;
        v->items.push_back(std::move(item));
        skip();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return true;
        }
        return false;
      }
    }
    if (literal("true") || literal("false")) {
      v->kind = Value::kBool;
      return true;
    }
    if (literal("null")) return true;
    const size_t start = i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) ||
                              s_[i_] == '-' || s_[i_] == '+' || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
    }
    if (i_ == start) return false;
    v->kind = Value::kNumber;
    v->str = s_.substr(start, i_ - start);
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
};

std::string member_str(const Value& obj, const std::string& key) {
  auto it = obj.members.find(key);
  return it == obj.members.end() ? std::string() : it->second.str;
}

// Inflates a gzip file's bytes (the operations captures); false when corrupt.
bool gunzip(const std::string& in, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(chunk, sizeof(chunk) - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace

std::optional<CaptureFile> load_capture(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() >= 2 && uint8_t(text[0]) == 0x1f && uint8_t(text[1]) == 0x8b) {
    std::string inflated;
    if (!gunzip(text, &inflated)) {
      *error = "corrupt gzip file " + path;
      return std::nullopt;
    }
    text = std::move(inflated);
  }
  Value root;
  if (!Parser(text).parse(&root) || root.kind != Value::kObject) {
    *error = "not JSON: " + path;
    return std::nullopt;
  }
  CaptureFile out;
  out.server = member_str(root, "server");
  out.topology = member_str(root, "topology");
  auto vit = root.members.find("vectors");
  if (vit == root.members.end() || vit->second.kind != Value::kArray) {
    *error = "no vectors array";
    return std::nullopt;
  }
  for (const Value& v : vit->second.items) {
    CaptureVector cv;
    cv.name = member_str(v, "name");
    cv.note = member_str(v, "note");
    cv.text = member_str(v, "text");
    cv.request = from_hex(member_str(v, "request"));
    auto fit = v.members.find("response_frames");
    if (fit == v.members.end() || fit->second.kind != Value::kArray) {
      *error = "vector without response_frames: " + cv.name;
      return std::nullopt;
    }
    for (const Value& f : fit->second.items) cv.response_frames.push_back(from_hex(f.str));
    out.vectors.push_back(std::move(cv));
  }
  return out;
}

}  // namespace testclient
