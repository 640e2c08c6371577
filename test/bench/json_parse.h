// A strict, small JSON parser for the tests: it checks that what aerobench writes is valid
// JSON (RFC 8259 grammar: no trailing commas, no NaN, escapes as specified) and gives a tree
// to look into. Test-only; not fast.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aero::bench::testing {

struct Json {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> items;
  // Object members in order (duplicates are a parse error). Two vectors rather than a vector
  // of pairs: a pair needs Json complete here, a vector does not.
  std::vector<std::string> keys;
  std::vector<Json> values;

  const Json* get(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &values[i];
    }
    return nullptr;
  }
  const Json& operator[](std::string_view key) const {
    static const Json missing;
    const Json* v = get(key);
    return v != nullptr ? *v : missing;
  }
};

class JsonParser {
 public:
  // Returns false (with a position) on any syntax error or trailing garbage.
  static bool parse(std::string_view text, Json* out, std::string* error) {
    JsonParser p(text);
    if (!p.value(out, 0)) {
      *error = "JSON error at byte " + std::to_string(p.pos_) + ": " + p.error_;
      return false;
    }
    p.ws();
    if (p.pos_ != text.size()) {
      *error = "trailing bytes at " + std::to_string(p.pos_);
      return false;
    }
    return true;
  }

 private:
  explicit JsonParser(std::string_view t) : t_(t) {}

  bool fail(const char* what) {
    error_ = what;
    return false;
  }
  void ws() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) ++pos_;
  }
  bool lit(std::string_view w) {
    if (t_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  bool value(Json* out, int depth) {
    if (depth > 64) return fail("too deep");
    ws();
    if (pos_ >= t_.size()) return fail("unexpected end");
    const char c = t_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out->type = Json::Type::string;
      return string(&out->s);
    }
    if (lit("true")) {
      out->type = Json::Type::boolean;
      out->b = true;
      return true;
    }
    if (lit("false")) {
      out->type = Json::Type::boolean;
      return true;
    }
    if (lit("null")) {
      out->type = Json::Type::null;
      return true;
    }
    return number(out);
  }

  bool number(Json* out) {
    const std::size_t start = pos_;
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    if (pos_ >= t_.size() || !isdigit(t_[pos_])) return fail("bad number");
    if (t_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < t_.size() && isdigit(t_[pos_])) ++pos_;
    }
    if (pos_ < t_.size() && t_[pos_] == '.') {
      ++pos_;
      if (pos_ >= t_.size() || !isdigit(t_[pos_])) return fail("bad fraction");
      while (pos_ < t_.size() && isdigit(t_[pos_])) ++pos_;
    }
    if (pos_ < t_.size() && (t_[pos_] == 'e' || t_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < t_.size() && (t_[pos_] == '+' || t_[pos_] == '-')) ++pos_;
      if (pos_ >= t_.size() || !isdigit(t_[pos_])) return fail("bad exponent");
      while (pos_ < t_.size() && isdigit(t_[pos_])) ++pos_;
    }
    out->type = Json::Type::number;
    out->n = std::strtod(std::string(t_.substr(start, pos_ - start)).c_str(), nullptr);
    return true;
  }

  static bool isdigit(char c) { return c >= '0' && c <= '9'; }

  bool string(std::string* out) {
    ++pos_;  // opening quote
    while (pos_ < t_.size()) {
      const unsigned char c = static_cast<unsigned char>(t_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') {
        out->push_back(static_cast<char>(c));
        continue;
      }
      if (pos_ >= t_.size()) return fail("unterminated escape");
      const char e = t_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > t_.size()) return fail("short \\u escape");
          unsigned v = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = t_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
            else return fail("bad hex digit");
          }
          if (v >= 0x80) return fail("test parser: only \\u00xx..\\u007f expected");
          out->push_back(static_cast<char>(v));
          break;
        }
        default:
          return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }

  bool array(Json* out, int depth) {
    out->type = Json::Type::array;
    ++pos_;
    ws();
    if (pos_ < t_.size() && t_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      out->items.emplace_back();
      if (!value(&out->items.back(), depth + 1)) return false;
      ws();
      if (pos_ >= t_.size()) return fail("unterminated array");
      if (t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected , or ]");
    }
  }

  bool object(Json* out, int depth) {
    out->type = Json::Type::object;
    ++pos_;
    ws();
    if (pos_ < t_.size() && t_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      ws();
      if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected a key");
      std::string key;
      if (!string(&key)) return false;
      if (out->get(key) != nullptr) return fail("duplicate key");
      ws();
      if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected :");
      ++pos_;
      Json v;
      if (!value(&v, depth + 1)) return false;
      out->keys.push_back(std::move(key));
      out->values.push_back(std::move(v));
      ws();
      if (pos_ >= t_.size()) return fail("unterminated object");
      if (t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (t_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected , or }");
    }
  }

  std::string_view t_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace aero::bench::testing
