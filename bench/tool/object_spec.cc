#include "bench/tool/object_spec.h"

#include <cctype>
#include <charconv>

namespace aero::bench {

namespace {

constexpr int kMaxBlobOrString = 1024 * 1024;  // 1 MiB per bin: the server's write-block limit

bool parse_size(std::string_view digits, int lo, int hi, int* out) {
  if (digits.empty()) return false;
  int v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

bool parse_object_spec(std::string_view spec, std::vector<BinSpec>* out, std::string* error) {
  out->clear();
  if (trim(spec).empty()) {
    *error = "empty object spec: give e.g. I4, S100, B64 or I4,S100";
    return false;
  }
  std::string_view rest = spec;
  for (;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    const std::string where = "'" + std::string(item) + "' in object spec '" + std::string(spec) + "'";
    if (item.empty()) {
      *error = "empty bin in object spec '" + std::string(spec) + "'";
      return false;
    }
    BinSpec b;
    const char c = item.front();
    std::string_view digits = item.substr(1);
    if (!digits.empty() && digits.front() == ':') digits.remove_prefix(1);  // S:100 as well
    switch (c) {
      case 'I':
      case 'i':
        b.kind = BinSpec::Kind::integer;
        b.size = 4;
        if (!item.substr(1).empty() && !parse_size(digits, 1, 8, &b.size)) {
          *error = "bad integer bin " + where + ": use I or I1..I8";
          return false;
        }
        break;
      case 'D':
      case 'd':
        if (item.size() != 1) {
          *error = "bad double bin " + where + ": use D";
          return false;
        }
        b.kind = BinSpec::Kind::real;
        b.size = 8;
        break;
      case 'S':
      case 's':
      case 'B':
      case 'b':
        b.kind = (c == 'S' || c == 's') ? BinSpec::Kind::string : BinSpec::Kind::blob;
        if (!parse_size(digits, 1, kMaxBlobOrString, &b.size)) {
          *error = "bad " + std::string(b.kind == BinSpec::Kind::string ? "string" : "blob") +
                   " bin " + where + ": give a length of 1.." + std::to_string(kMaxBlobOrString) +
                   ", e.g. " + std::string(1, static_cast<char>(std::toupper(c))) + "100";
          return false;
        }
        break;
      case '[':
      case '{':
        *error = "lists and maps are not supported in object specs (" + where +
                 "): use I, D, S<n> and B<n> bins";
        return false;
      default:
        *error = "unknown bin type " + where + ": use I<1..8>, D, S<n> or B<n>";
        return false;
    }
    out->push_back(b);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (out->size() > 1000) {
    *error = "too many bins in object spec (at most 1000)";
    return false;
  }
  return true;
}

std::string object_spec_string(const std::vector<BinSpec>& spec) {
  std::string s;
  for (const BinSpec& b : spec) {
    if (!s.empty()) s += ',';
    switch (b.kind) {
      case BinSpec::Kind::integer: s += "I" + std::to_string(b.size); break;
      case BinSpec::Kind::real: s += "D"; break;
      case BinSpec::Kind::string: s += "S" + std::to_string(b.size); break;
      case BinSpec::Kind::blob: s += "B" + std::to_string(b.size); break;
    }
  }
  return s;
}

std::vector<std::string> bin_names(std::string_view base, std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    names.push_back(i == 0 ? std::string(base) : std::string(base) + "_" + std::to_string(i + 1));
  }
  return names;
}

BinMaker::BinMaker(std::vector<BinSpec> spec, std::string_view base_name)
    : spec_(std::move(spec)), names_(bin_names(base_name, spec_.size())) {}

std::vector<Bin> BinMaker::make(Rng& rng) const {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<Bin> bins;
  bins.reserve(spec_.size());
  for (std::size_t i = 0; i < spec_.size(); ++i) {
    const BinSpec& b = spec_[i];
    switch (b.kind) {
      case BinSpec::Kind::integer: {
        // In [2^(8(n-1)), 2^(8n) - 1], as asbench's I<n> (I1 from 0).
        const int bits = 8 * b.size;
        const std::uint64_t lo = b.size == 1 ? 0 : (std::uint64_t{1} << (bits - 8));
        const std::uint64_t hi = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
        const std::uint64_t span = hi - lo;
        const std::uint64_t v = span == ~std::uint64_t{0} ? rng.next() : lo + rng.below(span + 1);
        bins.emplace_back(names_[i], Value(static_cast<std::int64_t>(v)));
        break;
      }
      case BinSpec::Kind::real:
        bins.emplace_back(names_[i], Value(static_cast<double>(rng.next() >> 11) * 0x1.0p-53 * 1e6));
        break;
      case BinSpec::Kind::string: {
        std::string s(static_cast<std::size_t>(b.size), 'a');
        for (char& ch : s) ch = kAlnum[rng.below(sizeof(kAlnum) - 1)];
        bins.emplace_back(names_[i], Value(std::move(s)));
        break;
      }
      case BinSpec::Kind::blob: {
        std::vector<std::uint8_t> d(static_cast<std::size_t>(b.size));
        for (auto& byte : d) byte = static_cast<std::uint8_t>(rng.next());
        bins.emplace_back(names_[i], Value(Bytes(std::move(d))));
        break;
      }
    }
  }
  return bins;
}

std::vector<Bin> fixed_bins(const std::vector<BinSpec>& spec, std::string_view base_name,
                            std::uint64_t seed) {
  Rng rng(seed ^ 0xA5A5A5A5ull);
  return BinMaker(spec, base_name).make(rng);
}

}  // namespace aero::bench
