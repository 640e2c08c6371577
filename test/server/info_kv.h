// A `k1=v1;k2=v2` info value as an ordered list of pairs, so a handler can start from a
// captured answer (info_captured.h) and replace the values that describe this server.
//
// Plain value type; no thread concerns.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aero::testserver {

class KvList {
 public:
  explicit KvList(std::string_view text, char separator = ';') : separator_(separator) {
    while (!text.empty()) {
      const size_t end = text.find(separator);
      const std::string_view kv = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      const size_t eq = kv.find('=');
      if (eq == std::string_view::npos) {
        pairs_.emplace_back(std::string(kv), std::string());
      } else {
        pairs_.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
      }
    }
  }

  // Replaces the value of `key`; a key the list does not hold is appended.
  void set(std::string_view key, std::string value) {
    for (auto& [k, v] : pairs_) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    pairs_.emplace_back(std::string(key), std::move(value));
  }

  std::string str() const {
    std::string out;
    for (const auto& [k, v] : pairs_) {
      if (!out.empty()) out += separator_;
      out += k;
      out += '=';
      out += v;
    }
    return out;
  }

 private:
  char separator_;
  std::vector<std::pair<std::string, std::string>> pairs_;
};

}  // namespace aero::testserver
