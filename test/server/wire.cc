#include "test/server/wire.h"

namespace aero::testserver::wire {

bool is_storable_particle(uint8_t type) {
  switch (type) {
    case particle::kInteger:
    case particle::kFloat:
    case particle::kString:
    case particle::kBlob:
    case 7:   // Java blob
    case 8:   // C# blob
    case 9:   // Python blob
    case 10:  // Ruby blob
    case 11:  // PHP blob
    case 12:  // Erlang blob
    case particle::kBool:
    case particle::kHll:
    case particle::kMap:
    case particle::kList:
    case particle::kGeoJson:
      return true;
    default:
      return false;
  }
}

HeaderVerdict check_request_header(const uint8_t* p) {
  // A TLS ClientHello on the plain port: record type 22 (handshake), major version 3,
  // handshake type 1 (client hello) at byte 5.
  if (p[0] == 22 && p[1] == 3 && p[5] == 1) return HeaderVerdict::kTlsClientHello;
  const ProtoHeader h = decode_proto_header(p);
  if (h.type < kTypeInfo || h.type > kTypeCompressed) return HeaderVerdict::kBadType;
  // Version 0 is tolerated on security messages (old clients).
  if (h.version != kProtoVersion && !(h.version == 0 && h.type == kTypeAdmin)) {
    return HeaderVerdict::kBadVersion;
  }
  if (h.size > kMaxBodySize) return HeaderVerdict::kTooLarge;
  return HeaderVerdict::kOk;
}

}  // namespace aero::testserver::wire
