// GeoJSON for expression comparisons: points, polygons and AeroCircles, matched with plain
// spherical geometry (the real server uses S2 cell coverings; answers agree except within
// rounding distance of a region's edge).
//
// Threads: pure functions.
#pragma once

#include <string>
#include <vector>

namespace aero::testserver::exp {

struct GeoShape {
  enum class Kind { kPoint, kPolygon, kCircle } kind = Kind::kPoint;
  double lng = 0, lat = 0;                                // point, circle centre
  double radius_m = 0;                                    // circle
  std::vector<std::vector<std::pair<double, double>>> rings;  // polygon (lng, lat)
};

// Parses GeoJSON text; false when it is not a Point, Polygon or AeroCircle.
bool geo_parse(const std::string& json, GeoShape* out);

// 1 when one side is a point inside the other side's region, 0 when not, -1 when either
// side does not parse.
int geo_match(const std::string& candidate, const std::string& query);

}  // namespace aero::testserver::exp
