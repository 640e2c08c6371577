#include "client/cdt/results.h"

namespace aero::cdt {

std::vector<const wire::Value*> results(const wire::Record& record, std::string_view bin) {
  std::vector<const wire::Value*> out;
  for (const wire::Bin& b : record.bins) {
    if (b.name == bin) out.push_back(&b.value);
  }
  return out;
}

const wire::Value* result(const wire::Record& record, std::string_view bin, size_t n) {
  for (const wire::Bin& b : record.bins) {
    if (b.name != bin) continue;
    if (n == 0) return &b.value;
    --n;
  }
  return nullptr;
}

}  // namespace aero::cdt
