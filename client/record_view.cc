#include "client/record_view.h"

#include <string>

namespace aero {

Value::Type BinView::type() const {
  switch (value_.particle_type()) {
    case wire::particle::kNull: return Value::Type::kNil;
    case wire::particle::kInteger: return Value::Type::kInt;
    case wire::particle::kDouble: return Value::Type::kDouble;
    case wire::particle::kBool: return Value::Type::kBool;
    case wire::particle::kString: return Value::Type::kString;
    case wire::particle::kGeoJson: return Value::Type::kGeoJson;
    case wire::particle::kList: return Value::Type::kList;
    case wire::particle::kMap: return Value::Type::kMap;
    default: return Value::Type::kBytes;  // as wire::ValueView::to_value() decodes them
  }
}

std::optional<std::int64_t> BinView::as_int() const {
  if (value_.particle_type() != wire::particle::kInteger) return std::nullopt;
  auto r = value_.to_int();
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<double> BinView::as_double() const {
  if (value_.particle_type() != wire::particle::kDouble) return std::nullopt;
  auto r = value_.to_double();
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<bool> BinView::as_bool() const {
  if (value_.particle_type() != wire::particle::kBool) return std::nullopt;
  auto r = value_.to_bool();
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<std::string_view> BinView::as_string() const {
  if (value_.particle_type() != wire::particle::kString) return std::nullopt;
  auto r = value_.to_string();
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<std::string_view> BinView::as_geojson() const {
  if (value_.particle_type() != wire::particle::kGeoJson) return std::nullopt;
  auto r = value_.to_string();
  if (!r.ok()) return std::nullopt;
  return *r;
}

Result<Value> BinView::to_value() const {
  auto r = value_.to_value();
  if (!r.ok()) {
    return Status(ClientCode::bad_response,
                  "bin '" + std::string(name_) + "': " + r.error().message());
  }
  return std::move(r).value();
}

std::optional<BinView> RecordView::find(std::string_view name) const {
  for (BinView b : *this) {
    if (b.name() == name) return b;
  }
  return std::nullopt;
}

Result<Record> RecordView::to_record() const {
  auto r = message_.to_record();
  if (!r.ok()) return Status(ClientCode::bad_response, r.status().message());
  return std::move(r).value();
}

}  // namespace aero
