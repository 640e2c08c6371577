// Batch requests (the batch-index protocol, "batch-any" servers >= 6.0): one frame per node
// with info1 BATCH and a BATCH_INDEX field holding one row per key. Rows are reads (all
// bins, header only, named bins, read ops), operate rows (any ops, with write attributes),
// deletes or record UDFs (the C client's as_batch_udf_record; answered with a SUCCESS or
// FAILURE bin as a single apply is). A row identical in shape to the previous full row (same namespace, set, kind,
// attributes, bin names and ops, and no user key sent) is written as a 25-byte REPEAT row,
// as the official clients do.
//
// Responses arrive as ordinary messages (message.h, MessageIterator): one per row, in any
// order, with the row's index in transaction_ttl (MessageView::batch_index()), then a
// message with info3 LAST whose result code is the status of the whole batch.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <optional>
#include <vector>
#include <span>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/key.h"
#include "client/wire/message.h"
#include "client/wire/request.h"
#include "client/wire/status.h"

namespace aero::wire {

enum class BatchRowKind : uint8_t {
  kReadAll,     // all bins
  kReadHeader,  // generation and expiry only
  kReadBins,    // bin_names
  kReadOps,     // read-only ops
  kOperate,     // ops with at least one write (write attributes apply)
  kDelete,
  kUdf,         // a record UDF (fields 30, 31, 32; write attributes apply)
};

// The UDF of a kUdf row: module, function and the UDF_ARGLIST payload (a msgpack array,
// wire::encode_udf_args). Shared by every row of a batch apply.
struct BatchUdf {
  std::string module;
  std::string function;
  std::vector<uint8_t> args;
  friend bool operator==(const BatchUdf&, const BatchUdf&) = default;
};

struct BatchRow {
  const Key* key = nullptr;  // not owned; must outlive the encode call
  uint32_t index = 0;        // the key's position in the caller's whole batch
  BatchRowKind kind = BatchRowKind::kReadAll;
  std::span<const std::string_view> bin_names;  // kReadBins
  std::span<const Operation> ops;               // kReadOps, kOperate
  const ReadAttrs* read = nullptr;    // read rows (nullptr: defaults)
  const WriteAttrs* write = nullptr;  // operate, delete and UDF rows (nullptr: defaults)
  const BatchUdf* udf = nullptr;      // kUdf (required there)
};

struct BatchAttrs {
  uint32_t server_timeout_ms = 0;  // transaction_ttl of the parent (the policy total timeout)
  bool allow_inline = true;
  bool allow_inline_ssd = false;
  bool respond_all_keys = true;
  bool compress_response = false;
  // Filter expression for every row (field 43 of the parent message; null: none).
  std::shared_ptr<const std::string> filter_exp;
  friend bool operator==(const BatchAttrs&, const BatchAttrs&) = default;
};

// Encodes one batch frame with `rows` (the rows for one node). An empty row list is allowed
// (the server answers it with result 4).
Status encode_batch(Buffer& out, std::span<const BatchRow> rows, const BatchAttrs& attrs);

// ---- decoding a batch request (server side, and round-trip tests) ----

// One row of a batch request. A REPEAT row carries its own index and digest and a copy of
// the previous full row's header, fields and ops (`repeat` tells which it was).
struct BatchRowView {
  uint32_t index = 0;
  Digest digest{};
  bool repeat = false;
  uint8_t row_flags = 0;  // of the full row (batch_row::k...)
  uint8_t info1 = 0, info2 = 0, info3 = 0, info4 = 0;
  uint16_t generation = 0;
  uint32_t record_ttl = 0;
  uint16_t n_fields = 0;
  uint16_t n_ops = 0;
  FieldRange fields() const { return {fields_begin, n_fields}; }
  OpRange ops() const { return {ops_begin, n_ops}; }
  std::optional<std::string_view> namespace_name() const;
  std::optional<std::string_view> set_name() const;

  const uint8_t* fields_begin = nullptr;
  const uint8_t* ops_begin = nullptr;
};

struct BatchRequestView {
  uint8_t flags = 0;  // batch_flags::k...
  std::vector<BatchRowView> rows;
};

// Parses the data of a BATCH_INDEX (41) or BATCH_INDEX_WITH_SET (42) field. Rejects a REPEAT
// first row, counts that do not match the data, and trailing bytes. The row count is checked
// against the data size (each row is at least 25 bytes) before anything is reserved.
Result<BatchRequestView> parse_batch_field(std::span<const uint8_t> data);

}  // namespace aero::wire
