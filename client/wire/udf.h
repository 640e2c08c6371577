// Requests and answers of user-defined functions (UDFs):
//   - record UDF apply: fields UDF_PACKAGE_NAME (30), UDF_FUNCTION (31), UDF_ARGLIST (32,
//     a msgpack array), no ops, info2 WRITE; the answer holds one op named SUCCESS (the
//     function's value) or FAILURE (the error text, with result code 100);
//   - module management info commands: udf-put, udf-remove, udf-list, udf-get, and their
//     answers ("ok", "error=...", "filename=..,hash=..,type=LUA;...", "type=LUA;content=..").
// Layouts follow the C client (aerospike-client-c src/main/aerospike/aerospike_udf.c,
// as_command.c) and the server (as/src/base/udf_cask.c); the captures of a real server in
// test/captures/operations/udf_*.json.gz confirm them byte for byte.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire/buffer.h"
#include "client/wire/key.h"
#include "client/wire/request.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

// Record UDF apply of module.function(args...) on `key`. Checks the key, that module and
// function are 1..127 bytes, and the write attributes (ttl, generation, send_key, durable
// delete apply as for a put; attrs.filter_exp, when set, is sent as field 43).
Status encode_apply(Buffer& out, const Key& key, std::string_view module,
                    std::string_view function, std::span<const Value> args,
                    const WriteAttrs& attrs);

// The UDF_ARGLIST payload: a msgpack array of `args`.
void encode_udf_args(std::span<const Value> args, std::vector<uint8_t>& out);

// The FAILURE text of an apply answer (result 100): the Lua error; empty when absent.
std::string udf_failure_text(const Record& answer);

// ---- module management (info commands; each returns one command line without '\n') ----

// "udf-put:filename=<name>;content=<base64>;content-len=<n>;udf-type=LUA;"
std::string udf_put_command(std::string_view filename, std::string_view content);
// "udf-remove:filename=<name>;": unregisters the module cluster-wide.
std::string udf_remove_command(std::string_view filename);
// "udf-get:filename=<name>;": asks one node for the module's text.
std::string udf_get_command(std::string_view filename);
// "udf-list": asks one node for the registered modules (parse_udf_list()).
inline std::string udf_list_command() { return "udf-list"; }

// One entry of a udf-list answer.
struct UdfModuleInfo {
  // The file name the module was registered under, e.g. counter.lua.
  std::string name;
  std::string hash;  // the server's hash of the registered module
  // The module language as the server names it: LUA.
  std::string type;
  // Equal when name, hash and type are equal.
  friend bool operator==(const UdfModuleInfo&, const UdfModuleInfo&) = default;
};

// Parses a udf-list value; malformed entries are skipped.
std::vector<UdfModuleInfo> parse_udf_list(std::string_view value);

// The outcome of a udf-put / udf-remove answer: ok, or a Status (code 100 for a module that
// does not compile, with "file:line: message"; 4 for other refusals) with a readable text.
Status parse_udf_put_answer(std::string_view value);
// The outcome of a udf-remove answer: OK for "ok", else kRequestInvalid (4) with the answer.
Status parse_udf_remove_answer(std::string_view value);
// The module text of a udf-get answer (base64-decoded), or a Status (2 when not found).
Result<std::string> parse_udf_get_answer(std::string_view value);

// Standard base64 (RFC 4648 alphabet, '=' padding, no line breaks), as udf-put expects.
std::string base64_encode(std::string_view bytes);
// Decodes standard padded base64; a length not a multiple of 4 or a character outside the
// alphabet is a kBadResponse error.
Result<std::string> base64_decode(std::string_view text);

}  // namespace aero::wire
