#include "test/server/exp/geo.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace aero::testserver::exp {

namespace {

// A JSON array of numbers or arrays (just what "coordinates" holds).
struct Arr {
  bool is_num = false;
  double num = 0;
  std::vector<Arr> items;
};

void skip_ws(const char*& p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) ++p;
}

bool parse_arr(const char*& p, const char* end, Arr& out, int depth) {
  if (depth > 8) return false;
  skip_ws(p, end);
  if (p >= end) return false;
  if (*p != '[') {
    char buf[64];
    size_t n = 0;
    while (p < end && n < sizeof buf - 1 && (std::strchr("+-.eE", *p) || (*p >= '0' && *p <= '9'))) {
      buf[n++] = *p++;
    }
    if (n == 0) return false;
    buf[n] = '\0';
    char* e = nullptr;
    out.num = std::strtod(buf, &e);
    out.is_num = true;
    return e == buf + n;
  }
  ++p;
  skip_ws(p, end);
  if (p < end && *p == ']') {
    ++p;
    return true;
  }
  while (true) {
    out.items.emplace_back();
    if (!parse_arr(p, end, out.items.back(), depth + 1)) return false;
    skip_ws(p, end);
    if (p >= end) return false;
    if (*p == ']') {
      ++p;
      return true;
    }
    if (*p != ',') return false;
    ++p;
  }
}

bool point_of(const Arr& a, double* lng, double* lat) {
  if (a.is_num || a.items.size() != 2 || !a.items[0].is_num || !a.items[1].is_num) return false;
  *lng = a.items[0].num;
  *lat = a.items[1].num;
  return *lng >= -180 && *lng <= 180 && *lat >= -90 && *lat <= 90;
}

// The string value of "key" in a flat scan of the text.
bool string_value(const std::string& json, const char* key, std::string* out) {
  const size_t k = json.find(std::string("\"") + key + "\"");
  if (k == std::string::npos) return false;
  size_t p = json.find(':', k);
  if (p == std::string::npos) return false;
  p = json.find('"', p);
  if (p == std::string::npos) return false;
  const size_t q = json.find('"', p + 1);
  if (q == std::string::npos) return false;
  *out = json.substr(p + 1, q - p - 1);
  return true;
}

double haversine_m(double lng1, double lat1, double lng2, double lat2) {
  constexpr double kEarthRadius = 6371000.0;  // the server's geo2dsphere earth-radius-meters
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlng = (lng2 - lng1) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadius * std::asin(std::sqrt(std::min(1.0, h)));
}

bool in_ring(const std::vector<std::pair<double, double>>& ring, double x, double y) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const auto [xi, yi] = ring[i];
    const auto [xj, yj] = ring[j];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

bool contains(const GeoShape& region, double lng, double lat) {
  if (region.kind == GeoShape::Kind::kCircle) {
    return haversine_m(region.lng, region.lat, lng, lat) <= region.radius_m;
  }
  if (region.rings.empty() || !in_ring(region.rings[0], lng, lat)) return false;
  for (size_t k = 1; k < region.rings.size(); ++k) {
    if (in_ring(region.rings[k], lng, lat)) return false;  // in a hole
  }
  return true;
}

}  // namespace

bool geo_parse(const std::string& json, GeoShape* out) {
  GeoShape s;
  std::string type;
  if (!string_value(json, "type", &type)) return false;
  const size_t k = json.find("\"coordinates\"");
  if (k == std::string::npos) return false;
  const size_t colon = json.find(':', k);
  if (colon == std::string::npos) return false;
  const char* p = json.data() + colon + 1;
  Arr a;
  if (!parse_arr(p, json.data() + json.size(), a, 0) || a.is_num) return false;
  if (type == "Point") {
    s.kind = GeoShape::Kind::kPoint;
    if (!point_of(a, &s.lng, &s.lat)) return false;
  } else if (type == "AeroCircle") {
    s.kind = GeoShape::Kind::kCircle;
    if (a.items.size() != 2 || !point_of(a.items[0], &s.lng, &s.lat) || !a.items[1].is_num ||
        a.items[1].num < 0) {
      return false;
    }
    s.radius_m = a.items[1].num;
  } else if (type == "Polygon") {
    s.kind = GeoShape::Kind::kPolygon;
    if (a.items.empty()) return false;
    for (const Arr& ring : a.items) {
      if (ring.is_num || ring.items.size() < 4) return false;
      s.rings.emplace_back();
      for (const Arr& pt : ring.items) {
        double x, y;
        if (!point_of(pt, &x, &y)) return false;
        s.rings.back().emplace_back(x, y);
      }
    }
  } else {
    return false;
  }
  if (out != nullptr) *out = std::move(s);
  return true;
}

int geo_match(const std::string& candidate, const std::string& query) {
  GeoShape c, q;
  if (!geo_parse(candidate, &c) || !geo_parse(query, &q)) return -1;
  const bool c_point = c.kind == GeoShape::Kind::kPoint;
  const bool q_point = q.kind == GeoShape::Kind::kPoint;
  if (c_point && !q_point) return contains(q, c.lng, c.lat) ? 1 : 0;
  if (!c_point && q_point) return contains(c, q.lng, q.lat) ? 1 : 0;
  return 0;
}

}  // namespace aero::testserver::exp
