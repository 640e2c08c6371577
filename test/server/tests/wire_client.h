// A minimal, independent Aerospike wire client for the test server's own tests: blocking
// loopback sockets with timeouts, a tiny request encoder (frames built from parts) and a tiny
// response decoder. It shares no code with the server (nor with client/), so a misreading of
// the protocol has to be made twice, independently, to go unnoticed.
//
// Threads: a RawConnection belongs to one thread at a time; the encoders are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace testclient {

using Bytes = std::string;  // raw bytes

// ---- Encoding. ----
Bytes be16(uint16_t v);
Bytes be32(uint32_t v);
Bytes be64(uint64_t v);
Bytes le16(uint16_t v);
Bytes int_value(int64_t v);  // 8-byte big-endian two's complement
Bytes from_hex(std::string_view hex);
std::string to_hex(std::string_view bytes);

struct Field {
  uint8_t type;
  Bytes data;
};

struct Op {
  uint8_t type;
  uint8_t particle = 0;
  std::string name;
  Bytes value;
};

struct Msg {
  uint8_t info1 = 0, info2 = 0, info3 = 0, info4 = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0;
  uint32_t transaction_ttl = 1000;
  std::vector<Field> fields;
  std::vector<Op> ops;
};

Bytes encode_body(const Msg& m);                 // 22-byte header, fields, ops
Bytes frame(uint8_t type, const Bytes& body);    // proto header + body
inline Bytes message_frame(const Msg& m) { return frame(3, encode_body(m)); }
Bytes info_frame(const std::vector<std::string>& lines);  // each line gets its '\n'

// A 20-byte digest whose partition id is `pid` (the rest derived from `salt`). The server never
// hashes keys, so tests can pick digests freely.
Bytes digest_in_partition(uint32_t pid, uint64_t salt);
Bytes digest_for(uint64_t salt);  // an arbitrary digest
uint32_t partition_of(std::string_view digest);

// Keyed single-record request helpers (namespace, set, digest fields first).
Msg keyed(std::string_view ns, std::string_view set, const Bytes& digest);
Op write_int(std::string name, int64_t v);
Op write_str(std::string name, std::string v);
Op read_bin(std::string name);

// One batch row (new protocol). `repeat` rows carry only index and digest.
struct BatchRow {
  uint32_t index = 0;
  Bytes digest;
  bool repeat = false;
  uint8_t info1 = 0x03, info2 = 0, info3 = 0;
  bool with_generation = false;
  uint16_t generation = 0;
  uint32_t ttl = 0;
  std::vector<Field> fields;  // namespace first
  std::vector<Op> ops;
};
inline BatchRow batch_row(uint32_t index, Bytes digest, std::vector<Field> fields = {}) {
  BatchRow r;
  r.index = index;
  r.digest = std::move(digest);
  r.fields = std::move(fields);
  return r;
}
inline BatchRow repeat_row(uint32_t index, Bytes digest) {
  BatchRow r = batch_row(index, std::move(digest));
  r.repeat = true;
  return r;
}
Bytes batch_field_data(const std::vector<BatchRow>& rows, uint8_t flags = 0x0D);
Msg batch_parent(const std::vector<BatchRow>& rows, uint8_t flags = 0x0D);

// ---- Decoding. ----
struct DecodedField {
  uint8_t type;
  Bytes data;
};
struct DecodedOp {
  uint8_t type;
  uint8_t particle;
  std::string name;
  Bytes value;
};
struct DecodedMsg {
  uint8_t info1 = 0, info2 = 0, info3 = 0, info4 = 0;
  uint8_t result = 0;
  uint32_t generation = 0;
  uint32_t void_time = 0;
  uint32_t transaction_ttl = 0;
  std::vector<DecodedField> fields;
  std::vector<DecodedOp> ops;

  const DecodedOp* op(std::string_view name) const;
  const DecodedField* field(uint8_t type) const;
};
// Splits a type-3 body into messages; nullopt if any length is inconsistent.
std::optional<std::vector<DecodedMsg>> decode_messages(std::string_view body);
int64_t as_int(const Bytes& eight_bytes);
// The first message of a body; a message with result 255 if the body does not decode.
DecodedMsg first_message(std::string_view body);

// ---- Connection. ----
struct Frame {
  uint8_t version = 0;
  uint8_t type = 0;
  Bytes body;
  Bytes raw() const;  // header + body as received
};

enum class ReadStatus { kOk, kClosed, kTimeout, kError };

class RawConnection {
 public:
  RawConnection() = default;
  ~RawConnection();
  RawConnection(RawConnection&& o) noexcept;
  RawConnection& operator=(RawConnection&& o) noexcept;

  // Connects to 127.0.0.1:port; false on failure (errno kept in last_errno()).
  bool connect(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool connected() const { return fd_ >= 0; }
  int last_errno() const { return errno_; }
  void close();

  bool send(std::string_view bytes);
  // Reads exactly `n` bytes.
  ReadStatus read_exact(size_t n, Bytes* out,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads one frame (header, then the declared body; refuses bodies over 128 MiB).
  ReadStatus read_frame(Frame* out, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits up to `timeout` for any byte: kTimeout if nothing arrived, kClosed on EOF.
  ReadStatus wait_readable(std::chrono::milliseconds timeout);
  // Sends a request and reads one frame.
  std::optional<Frame> call(std::string_view request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and reads frames until a message with info3 LAST; concatenated messages.
  std::optional<std::vector<DecodedMsg>> call_stream(
      std::string_view request, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int errno_ = 0;
};

// Sends a single-message request and decodes the single message answer.
std::optional<DecodedMsg> call_msg(RawConnection& c, const Msg& m);
// Info request: the answer body as text.
std::optional<std::string> call_info(RawConnection& c, const std::vector<std::string>& lines);
// Value of `name` in an info answer body ("name\tvalue\n..."); nullopt if absent.
std::optional<std::string> info_value(const std::string& body, std::string_view name);

// Base64 decoding (for replicas bitmaps).
std::optional<Bytes> base64_decode(std::string_view s);

}  // namespace testclient
