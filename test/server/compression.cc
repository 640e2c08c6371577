#include "test/server/compression.h"

#include <zlib.h>

#include "test/server/wire.h"

namespace aero::testserver {

bool inflate_request(const uint8_t* body, size_t size, std::vector<uint8_t>& inner) {
  if (size < 8) return false;
  const uint64_t declared = wire::load_be64(body);
  if (declared < wire::kProtoHeaderSize || declared > wire::kMaxBodySize + wire::kProtoHeaderSize) {
    return false;
  }
  inner.resize(size_t(declared));
  uLongf out_len = uLongf(declared);
  if (uncompress(inner.data(), &out_len, body + 8, uLong(size - 8)) != Z_OK ||
      out_len != declared) {
    return false;
  }
  const wire::ProtoHeader h = wire::decode_proto_header(inner.data());
  return h.version == wire::kProtoVersion && h.type == wire::kTypeMessage &&
         h.size + wire::kProtoHeaderSize == declared;
}

void compress_frames(std::vector<uint8_t>& bytes, size_t from) {
  std::vector<uint8_t> out;
  size_t at = from;
  while (at + wire::kProtoHeaderSize <= bytes.size()) {
    const size_t frame = wire::kProtoHeaderSize +
                         size_t(wire::decode_proto_header(bytes.data() + at).size);
    uLongf bound = compressBound(uLong(frame));
    const size_t start = out.size();
    out.resize(start + wire::kProtoHeaderSize + 8 + bound);
    compress2(out.data() + start + wire::kProtoHeaderSize + 8, &bound, bytes.data() + at,
              uLong(frame), Z_BEST_SPEED);
    out.resize(start + wire::kProtoHeaderSize + 8 + bound);
    wire::encode_proto_header(out.data() + start, wire::kTypeCompressed, 8 + bound);
    wire::store_be64(out.data() + start + wire::kProtoHeaderSize, frame);
    at += frame;
  }
  bytes.resize(from);
  bytes.insert(bytes.end(), out.begin(), out.end());
}

}  // namespace aero::testserver
