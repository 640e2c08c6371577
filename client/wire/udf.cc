#include "client/wire/udf.h"

#include "client/wire/encode_detail.h"
#include "client/wire/msgpack.h"

namespace aero::wire {

namespace {

constexpr size_t kMaxUdfName = 127;

size_t args_size(std::span<const Value> args) {
  const size_t n = args.size();
  size_t size = n < 16 ? 1 : n < 65536 ? 3 : 5;
  for (const Value& v : args) size += msgpack_size(v);
  return size;
}

template <class W>
void write_args(W& w, std::span<const Value> args) {
  detail::msgpack_write_count(w, static_cast<uint32_t>(args.size()), 0x90, 0xdc, 0xdd);
  for (const Value& v : args) detail::msgpack_write(w, v);
}

// "k1=v1;k2=v2;" -> the value of `key`.
std::optional<std::string_view> param(std::string_view s, std::string_view key) {
  while (!s.empty()) {
    const size_t semi = s.find(';');
    const std::string_view kv = s.substr(0, semi);
    s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos && kv.substr(0, eq) == key) return kv.substr(eq + 1);
  }
  return std::nullopt;
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Status refused(std::string_view command, std::string_view value) {
  return Status(ResultCode::kRequestInvalid, std::string(command) + " refused: " + std::string(value));
}

}  // namespace

void encode_udf_args(std::span<const Value> args, std::vector<uint8_t>& out) {
  out.resize(args_size(args));
  detail::ByteWriter w(out.data());
  write_args(w, args);
}

Status encode_apply(Buffer& out, const Key& key, std::string_view module,
                    std::string_view function, std::span<const Value> args,
                    const WriteAttrs& a) {
  if (Status s = validate_key(key, false); !s.ok()) return s;
  if (Status s = detail::validate_send_key(key, a.send_key); !s.ok()) return s;
  if (module.empty() || module.size() > kMaxUdfName) {
    return param_error("UDF module name must be 1 to 127 bytes");
  }
  if (function.empty() || function.size() > kMaxUdfName) {
    return param_error("UDF function name must be 1 to 127 bytes");
  }
  uint8_t i1 = 0, i2 = info2::kWrite, i3 = 0;
  uint32_t gen = 0;
  detail::apply_write_attrs(a, i1, i2, i3, gen);
  const uint16_t n_fields = static_cast<uint16_t>(detail::key_field_count(key, a.send_key) + 3 +
                                                  detail::filter_field_count(a.filter_exp));
  const size_t arg_bytes = args_size(args);
  return detail::encode_frame(out, [&](auto& w) {
    detail::write_msg_header(w, i1, i2, i3, 0, gen, a.ttl, a.server_timeout_ms, n_fields, 0);
    detail::write_key_fields(w, key, a.send_key);
    detail::write_filter_field(w, a.filter_exp);  // after the key, before the UDF (C client)
    detail::write_string_field(w, FieldType::kUdfPackageName, module);
    detail::write_string_field(w, FieldType::kUdfFunction, function);
    detail::write_field_header(w, FieldType::kUdfArgList, arg_bytes);
    write_args(w, args);
  });
}

std::string udf_failure_text(const Record& answer) {
  if (const Value* v = answer.find("FAILURE")) {
    if (const std::string* s = v->as_string()) return *s;
  }
  return {};
}

std::string udf_put_command(std::string_view filename, std::string_view content) {
  const std::string c = base64_encode(content);
  return "udf-put:filename=" + std::string(filename) + ";content=" + c +
         ";content-len=" + std::to_string(c.size()) + ";udf-type=LUA;";
}

std::string udf_remove_command(std::string_view filename) {
  return "udf-remove:filename=" + std::string(filename) + ";";
}

std::string udf_get_command(std::string_view filename) {
  return "udf-get:filename=" + std::string(filename) + ";";
}

std::vector<UdfModuleInfo> parse_udf_list(std::string_view value) {
  std::vector<UdfModuleInfo> out;
  while (!value.empty()) {
    const size_t semi = value.find(';');
    std::string_view entry = value.substr(0, semi);
    value = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
    UdfModuleInfo m;
    while (!entry.empty()) {
      const size_t comma = entry.find(',');
      const std::string_view kv = entry.substr(0, comma);
      entry = comma == std::string_view::npos ? std::string_view() : entry.substr(comma + 1);
      const size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view k = kv.substr(0, eq), v = kv.substr(eq + 1);
      if (k == "filename") m.name = v;
      if (k == "hash") m.hash = v;
      if (k == "type") m.type = v;
    }
    if (!m.name.empty()) out.push_back(std::move(m));
  }
  return out;
}

Status parse_udf_put_answer(std::string_view value) {
  if (value == "ok" || value == "OK") return Status();
  const auto error = param(value, "error");
  if (error && *error == "compile_error") {
    // error=compile_error;file=<file>;line=<n>;message=<base64>
    std::string text = std::string(param(value, "file").value_or("?")) + ":" +
                       std::string(param(value, "line").value_or("?")) + ": ";
    auto message = base64_decode(param(value, "message").value_or(""));
    text += message.ok() ? *message : std::string(param(value, "message").value_or(""));
    return Status(ResultCode::kUdfError, "the module does not compile: " + text);
  }
  return refused("udf-put", value);
}

Status parse_udf_remove_answer(std::string_view value) {
  if (value == "ok" || value == "OK") return Status();
  return refused("udf-remove", value);
}

Result<std::string> parse_udf_get_answer(std::string_view value) {
  const auto error = param(value, "error");
  if (error) {
    if (*error == "not_found") {
      return Status(ResultCode::kRecordNotFound, "udf-get: no module of that name");
    }
    return refused("udf-get", value);
  }
  const auto content = param(value, "content");
  if (!content) return bad_response("udf-get answer without content: " + std::string(value));
  return base64_decode(*content);
}

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) |
                       uint8_t(in[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

Result<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return bad_response("base64 text of a length not a multiple of 4");
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + static_cast<size_t>(k)];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      v[k] = pad > 0 ? -1 : b64_value(c);
      if (v[k] < 0) return bad_response("invalid base64 text");
    }
    const uint32_t w = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) |
                       uint32_t(v[3]);
    out += static_cast<char>(w >> 16);
    if (pad < 2) out += static_cast<char>((w >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(w & 0xFF);
  }
  return out;
}

}  // namespace aero::wire
