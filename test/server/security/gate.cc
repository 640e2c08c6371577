#include "test/server/security/gate.h"

#include <string_view>

#include "test/server/wire.h"

namespace aero::testserver::security {

Permission permission_of(const MessageView& m) {
  if (m.has(wire::field::kUdfPackage)) return Permission::kUdf;
  if (m.info2 & wire::info2::kWrite) return Permission::kWrite;
  return Permission::kRead;
}

bool admit_message(Security& security, const ConnectionAuth& conn, const MessageView& m,
                   ResponseWriter& w) {
  const FieldView& ns = m.field(wire::field::kNamespace);
  const FieldView& set = m.field(wire::field::kSet);
  const uint8_t code = security.check(conn, permission_of(m), ns.present ? ns.str() : "",
                                      set.present ? set.str() : "");
  if (code == kOk) return true;
  MsgHeader h;
  h.result = code;
  const bool single = !(m.info1 & wire::info1::kBatch) && m.has(wire::field::kDigest);
  if (!single) h.info3 = wire::info3::kLast;
  w.header_only_frame(h);
  return false;
}

bool admit_info(const ConnectionAuth& conn, ResponseWriter& w) {
  if (conn.authenticated()) return true;
  constexpr std::string_view kRefusal = "ERROR:80:not authenticated\n";
  w.begin_frame(wire::kTypeInfo);
  w.append(kRefusal.data(), kRefusal.size());
  w.end_frame();
  return false;
}

}  // namespace aero::testserver::security
