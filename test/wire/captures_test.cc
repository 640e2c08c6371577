// Golden tests against bytes recorded from a real Aerospike CE 8.1.2.0 server
// (test/wire/testdata, copied from shared/captures):
//  - every response frame of every vector decodes (all messages, all bin values);
//  - every request the codec can express is re-encoded from the command's parameters and
//    must be byte-identical to the captured request.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::ByteVec;
using testing::CaptureVector;
using testing::load_captures;
using testing::to_hex;

constexpr uint32_t kTimeout = 1000;  // the captures used the C client's default total timeout

WriteAttrs wattrs() {
  WriteAttrs a;
  a.server_timeout_ms = kTimeout;
  return a;
}
ReadAttrs rattrs() {
  ReadAttrs a;
  a.server_timeout_ms = kTimeout;
  return a;
}

ByteVec bytes_of(const Buffer& b) { return ByteVec(b.data(), b.data() + b.size()); }

// The task id a captured scan used (random per scan, so it is read back, not invented).
uint64_t captured_task_id(const ByteVec& request) {
  Result<MessageView> m = parse_single_message(std::span(request).subspan(8));
  EXPECT_TRUE(m.ok());
  auto f = m->find_field(FieldType::kTaskId);
  EXPECT_TRUE(f.has_value());
  return detail::load_u64be(f->data.data());
}

using Encoder = std::function<Status(Buffer&, const CaptureVector&)>;

std::map<std::string, Encoder> encoders() {
  const Key k1("test", "demo", 1);
  const Key k2("test", "demo", 2);
  const Key k999("test", "demo", 999);
  const Key kstr("test", "demo", "key1");
  std::map<std::string, Encoder> m;

  auto put = [](Key key, std::vector<Bin> bins, WriteAttrs a) -> Encoder {
    return [=](Buffer& out, const CaptureVector&) { return encode_put(out, key, bins, a); };
  };
  auto get = [](Key key) -> Encoder {
    return [=](Buffer& out, const CaptureVector&) { return encode_get(out, key, rattrs()); };
  };

  m["delete before start"] = [=](Buffer& o, const CaptureVector&) { return encode_delete(o, k1, wattrs()); };
  m["delete missing"] = m["delete before start"];
  m["put name=alice age=30 (new record)"] = put(k1, {{"name", "alice"}, {"age", 30}}, wattrs());
  m["get all bins"] = get(k1);
  m["get after replace"] = get(k1);
  m["get deleted record"] = get(k1);
  m["get all bins: string, double, blob, bool"] = get(kstr);
  m["get via a node that is not the master (proxied)"] = get(k2);
  m["request with unknown namespace"] = get(Key("nosuchns", "demo", 1));
  m["get named bin age"] = [=](Buffer& o, const CaptureVector&) {
    std::string_view names[] = {"age"};
    return encode_get_bins(o, k1, names, rattrs());
  };
  m["get named bin that does not exist"] = [=](Buffer& o, const CaptureVector&) {
    std::string_view names[] = {"nope"};
    return encode_get_bins(o, k1, names, rattrs());
  };
  m["exists (header only)"] = [=](Buffer& o, const CaptureVector&) { return encode_exists(o, k1, rattrs()); };

  WriteAttrs create_only = wattrs();
  create_only.exists = ExistsAction::kCreateOnly;
  m["put create-only on existing"] = put(k1, {{"x", 1}}, create_only);
  WriteAttrs gen_eq = wattrs();
  gen_eq.generation_policy = GenerationPolicy::kExpectEqual;
  gen_eq.generation = 9;
  m["put generation mismatch"] = put(k1, {{"x", 1}}, gen_eq);
  gen_eq.generation = 1;
  m["put generation match"] = put(k1, {{"x", 1}}, gen_eq);
  WriteAttrs gen_gt = wattrs();
  gen_gt.generation_policy = GenerationPolicy::kExpectGreater;
  gen_gt.generation = 2;
  m["put generation-gt equal (rejected)"] = put(k1, {{"x", 2}}, gen_gt);
  gen_gt.generation = 5;
  m["put generation-gt greater"] = put(k1, {{"x", 2}}, gen_gt);

  m["operate incr, append, prepend, read"] = [=](Buffer& o, const CaptureVector&) {
    const Operation ops[] = {Operation::incr("age", int64_t{1}), Operation::append("name", "!"),
                             Operation::prepend("name", "<"), Operation::read("age"),
                             Operation::read("name")};
    return encode_operate(o, k1, ops, wattrs(), rattrs());
  };
  m["operate respond-all-ops write+read"] = [=](Buffer& o, const CaptureVector&) {
    const Operation ops[] = {Operation::write("w", 7), Operation::read("w")};
    WriteAttrs a = wattrs();
    a.respond_all_ops = true;
    return encode_operate(o, k1, ops, a, rattrs());
  };
  m["operate incr on a string bin (type error)"] = [=](Buffer& o, const CaptureVector&) {
    const Operation ops[] = {Operation::incr("name", int64_t{1})};
    return encode_operate(o, k1, ops, wattrs(), rattrs());
  };
  m["delete all bins via op 14"] = [=](Buffer& o, const CaptureVector&) {
    const Operation ops[] = {Operation::delete_record()};
    return encode_operate(o, k1, ops, wattrs(), rattrs());
  };
  m["touch"] = [=](Buffer& o, const CaptureVector&) { return encode_touch(o, k1, wattrs()); };
  m["write nil deletes a bin"] = put(k1, {{"x", nullptr}}, wattrs());

  WriteAttrs ttl = wattrs();
  ttl.ttl = 100;
  m["put ttl 100"] = put(k1, {{"t", 1}}, ttl);
  ttl.ttl = kTtlDontUpdate;
  m["put ttl -2 keeps ttl"] = put(k1, {{"t", 2}}, ttl);
  ttl.ttl = kTtlNeverExpire;
  m["put ttl -1 never expires"] = put(k1, {{"t", 3}}, ttl);

  WriteAttrs replace = wattrs();
  replace.exists = ExistsAction::kReplaceOnly;
  m["replace-only"] = put(k1, {{"only", "me"}}, replace);
  m["replace-only on missing"] = put(k999, {{"a", 1}}, replace);
  WriteAttrs update = wattrs();
  update.exists = ExistsAction::kUpdateOnly;
  m["update-only on missing"] = put(k999, {{"a", 1}}, update);

  WriteAttrs send_key = wattrs();
  send_key.send_key = true;
  m["put with send-key (string key)"] =
      put(kstr, {{"s", "v"}, {"d", 1.5}, {"b", Bytes({0x00, 0x01})}, {"t", true}}, send_key);
  // The same digest as "key1" but another user key: the server answers 19.
  m["put different key for same digest (send-key mismatch)"] =
      put(Key::from_parts("test", "demo", kstr.digest(), Value("other")), {{"s", "w"}}, send_key);

  // Requests the high-level encoders refuse on purpose, built with the raw message encoder.
  const Digest d1 = k1.digest();
  m["request without namespace field"] = [=](Buffer& o, const CaptureVector&) {
    MessageHeader h;
    h.info1 = info1::kRead | info1::kGetAll;
    h.transaction_ttl = kTimeout;
    const FieldRef f[] = {FieldRef::string(FieldType::kSet, "demo"), {FieldType::kDigest, d1}};
    return encode_message(o, h, f, {});
  };
  m["digest of 19 bytes"] = [=](Buffer& o, const CaptureVector&) {
    MessageHeader h;
    h.info1 = info1::kRead | info1::kGetAll;
    h.transaction_ttl = kTimeout;
    const FieldRef f[] = {FieldRef::string(FieldType::kNamespace, "test"),
                          FieldRef::string(FieldType::kSet, "demo"),
                          {FieldType::kDigest, std::span<const uint8_t>(d1).first(19)}};
    return encode_message(o, h, f, {});
  };
  m["neither read nor write bit"] = [=](Buffer& o, const CaptureVector&) {
    MessageHeader h;
    h.transaction_ttl = kTimeout;
    const FieldRef f[] = {FieldRef::string(FieldType::kNamespace, "test"),
                          FieldRef::string(FieldType::kSet, "demo"), {FieldType::kDigest, d1}};
    return encode_message(o, h, f, {});
  };
  m["bin name of 16 bytes"] = [=](Buffer& o, const CaptureVector&) {
    const Bin bins[] = {{"abcdefghijklmnop", 1}};
    Status refused = encode_put(o, k1, bins, wattrs());
    EXPECT_EQ(refused.code(), ResultCode::kParamError) << refused.to_string();
    MessageHeader h;
    h.info2 = info2::kWrite;
    h.transaction_ttl = kTimeout;
    const FieldRef f[] = {FieldRef::string(FieldType::kNamespace, "test"),
                          FieldRef::string(FieldType::kSet, "demo"), {FieldType::kDigest, d1}};
    uint8_t one[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    const RawOp ops[] = {{2, particle::kInteger, "abcdefghijklmnop", one}};
    return encode_message(o, h, f, ops);
  };

  // Batches.
  auto batch_keys = [] {
    return std::vector<Key>{Key("test", "demo", 1),   Key("test", "demo", 2),
                            Key("test", "demo", 3),   Key("test", "demo", 4),
                            Key("test", "demo", 998), Key("test", "demo", "key1")};
  };
  Encoder batch_all = [=](Buffer& o, const CaptureVector&) {
    const std::vector<Key> keys = batch_keys();
    std::vector<BatchRow> rows(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      rows[i].key = &keys[i];
      rows[i].index = static_cast<uint32_t>(i);
      rows[i].kind = BatchRowKind::kReadAll;
    }
    BatchAttrs a;
    a.server_timeout_ms = kTimeout;
    return encode_batch(o, rows, a);
  };
  m["batch read all bins on node A0 (rows [0, 1, 2, 3, 4, 5])"] = batch_all;
  m["batch read all bins on node A3 (rows [0, 1, 2, 3, 4, 5])"] = batch_all;
  m["batch mixed header-only and named-bin rows"] = [=](Buffer& o, const CaptureVector&) {
    const std::vector<Key> keys = batch_keys();
    static const std::string_view kBinI[] = {"i"};
    std::vector<BatchRow> rows(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      rows[i].key = &keys[i];
      rows[i].index = static_cast<uint32_t>(i);
      if (i % 2 == 0) {
        rows[i].kind = BatchRowKind::kReadHeader;
      } else {
        rows[i].kind = BatchRowKind::kReadBins;
        rows[i].bin_names = kBinI;
      }
    }
    BatchAttrs a;
    a.server_timeout_ms = kTimeout;
    return encode_batch(o, rows, a);
  };
  m["batch with zero rows"] = [=](Buffer& o, const CaptureVector&) {
    BatchAttrs a;
    a.server_timeout_ms = kTimeout;
    return encode_batch(o, {}, a);
  };

  // Scans (task ids are random per scan: taken from the capture).
  static const uint16_t kParts[] = {1457, 2734, 3349};
  auto scan = [](bool bins, uint64_t max, bool done) -> Encoder {
    return [=](Buffer& o, const CaptureVector& c) {
      ScanRequest s;
      s.ns = "test";
      s.set = "demo";
      s.partitions = kParts;
      s.include_bin_data = bins;
      s.max_records = max;
      s.partition_done = done;
      s.task_id = captured_task_id(c.request);
      return encode_scan(o, s);
    };
  };
  m["scan partitions [1457, 2734, 3349] all bins"] = scan(true, 0, true);
  m["scan partitions [1457, 2734, 3349] no bin data"] = scan(false, 0, true);
  m["scan partitions [1457, 2734, 3349] max records 1"] = scan(true, 1, true);
  m["scan without PARTITION_DONE bit"] = scan(true, 0, false);
  m["scan of partitions this node does not own [2, 3]"] = [](Buffer& o, const CaptureVector& c) {
    static const uint16_t kNotOwned[] = {2, 3};
    ScanRequest s;
    s.ns = "test";
    s.set = "demo";
    s.partitions = kNotOwned;
    s.task_id = captured_task_id(c.request);
    return encode_scan(o, s);
  };
  return m;
}

// Info requests: the commands are the words of the vector's name.
std::optional<std::vector<std::string>> info_commands(const std::string& name) {
  if (name.rfind("info ", 0) != 0) return std::nullopt;
  if (name == "info unterminated last line") return std::nullopt;  // not what a client sends
  if (name == "info empty body") return std::vector<std::string>{};
  std::vector<std::string> out;
  std::string rest = name.substr(5);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t sp = rest.find(' ', pos);
    if (sp == std::string::npos) sp = rest.size();
    out.push_back(rest.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

class CapturesTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<CaptureVector> vectors_ = load_captures("test/wire/testdata/" + GetParam());
};

// Vectors whose answer is a stream (several messages ending with LAST).
bool is_stream(const std::string& name) {
  return name.rfind("batch", 0) == 0 || name.rfind("scan", 0) == 0;
}

bool is_batch(const std::string& name) { return name.rfind("batch", 0) == 0; }

TEST_P(CapturesTest, EveryResponseFrameDecodes) {
  size_t messages = 0;
  for (const CaptureVector& v : vectors_) {
    SCOPED_TRACE(v.name);
    ASSERT_FALSE(v.responses.empty());
    bool saw_last = false;
    bool saw_error = false;
    for (const ByteVec& frame : v.responses) {
      Result<ProtoHeader> h = parse_proto_header(frame);
      ASSERT_TRUE(h.ok()) << h.error().to_string();
      ASSERT_EQ(h->body_size + 8, frame.size());
      const std::string_view text(reinterpret_cast<const char*>(frame.data() + 8), frame.size() - 8);
      if (h->type == ProtoType::kInfo) {
        Result<std::vector<InfoLine>> lines = parse_info_response(text);
        ASSERT_TRUE(lines.ok()) << lines.error().to_string();
        EXPECT_FALSE(lines->empty());
        continue;
      }
      ASSERT_EQ(h->type, ProtoType::kMessage);
      Buffer scratch;
      Result<std::span<const uint8_t>> body = frame_message_body(frame, scratch);
      ASSERT_TRUE(body.ok()) << body.error().to_string();
      MessageIterator it(*body);
      while (true) {
        Result<std::optional<MessageView>> m = it.next();
        ASSERT_TRUE(m.ok()) << m.error().to_string();
        if (!m->has_value()) break;
        ++messages;
        const MessageView& msg = **m;
        Result<Record> rec = msg.to_record();
        ASSERT_TRUE(rec.ok()) << rec.error().to_string();
        EXPECT_FALSE(saw_last) << "message after LAST";
        saw_last = saw_last || msg.is_last();
        saw_error = saw_error ||
                    (!is_batch(v.name) && classify_scan_message(msg) == StreamMessageKind::kError);
      }
      if (!is_stream(v.name)) {
        Result<MessageView> single = parse_record_response(*body);
        ASSERT_TRUE(single.ok()) << single.error().to_string();
      }
    }
    // Every stream ends with LAST or with an error message (a scan without PARTITION_DONE is
    // answered by one result-16 message without LAST). The scan of partitions the node does
    // not own is the exception: the captured answer is one PARTITION_DONE message, no LAST.
    if (is_stream(v.name) && v.name != "scan of partitions this node does not own [2, 3]") {
      EXPECT_TRUE(saw_last || saw_error);
    }
  }
  EXPECT_GE(messages, 60u);
}

TEST_P(CapturesTest, EveryExpressibleRequestIsByteIdentical) {
  const auto table = encoders();
  size_t matched = 0;
  for (const CaptureVector& v : vectors_) {
    SCOPED_TRACE(v.name);
    Buffer out;
    if (v.name == "info unterminated last line") continue;  // not what an encoder produces
    if (auto cmds = info_commands(v.name)) {
      std::vector<std::string_view> views(cmds->begin(), cmds->end());
      ASSERT_TRUE(encode_info_request(out, views).ok());
    } else if (auto it = table.find(v.name); it != table.end()) {
      Status s = it->second(out, v);
      ASSERT_TRUE(s.ok()) << s.to_string();
    } else {
      ADD_FAILURE() << "no encoder for this capture";
      continue;
    }
    EXPECT_EQ(to_hex(bytes_of(out)), to_hex(v.request));
    ++matched;
  }
  // Only the deliberately unterminated info line is not something an encoder produces.
  EXPECT_EQ(matched + 1, vectors_.size());
}

TEST_P(CapturesTest, RequestsParseBack) {
  // Every captured type-3 request is a well-formed message (server-side view).
  for (const CaptureVector& v : vectors_) {
    SCOPED_TRACE(v.name);
    Result<ProtoHeader> h = parse_proto_header(v.request);
    ASSERT_TRUE(h.ok());
    if (h->type != ProtoType::kMessage) continue;
    Result<MessageView> m = parse_single_message(std::span(v.request).subspan(8));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    if (auto batch = m->find_field(FieldType::kBatchIndex)) {
      Result<BatchRequestView> rows = parse_batch_field(batch->data);
      ASSERT_TRUE(rows.ok()) << rows.error().to_string();
      for (const BatchRowView& r : rows->rows) {
        EXPECT_EQ(r.namespace_name(), std::optional<std::string_view>("test"));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, CapturesTest,
                         ::testing::Values("single-node.json", "three-nodes.json"),
                         [](const auto& info) {
                           return info.param == "single-node.json" ? std::string("SingleNode")
                                                                   : std::string("ThreeNodes");
                         });

// Spot checks of decoded content, so "decodes" also means "decodes to the right thing".
TEST(CapturesContent, DecodedValuesMatchWhatWasWritten) {
  const auto v = load_captures("test/wire/testdata/single-node.json");
  Buffer scratch;
  {
    const CaptureVector& c = testing::find_capture(v, "get all bins: string, double, blob, bool");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    Result<MessageView> m = parse_record_response(*body);
    ASSERT_TRUE(m.ok());
    Result<Record> r = m->to_record();
    ASSERT_TRUE(r.ok());
    ASSERT_NE(r->find("s"), nullptr);
    EXPECT_EQ(*r->find("s"), Value("v"));
    EXPECT_EQ(*r->find("d"), Value(1.5));
    EXPECT_EQ(*r->find("b"), Value(Bytes({0x00, 0x01})));
    EXPECT_EQ(*r->find("t"), Value(true));
    EXPECT_EQ(r->generation, 6u);
  }
  {
    const CaptureVector& c = testing::find_capture(v, "operate incr, append, prepend, read");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    Result<MessageView> m = parse_record_response(*body);
    ASSERT_TRUE(m.ok());
    Result<Record> r = m->to_record();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->find("age"), Value(31));
    EXPECT_EQ(*r->find("name"), Value("<alice!"));
  }
  {
    const CaptureVector& c = testing::find_capture(v, "put ttl 100");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    Result<MessageView> m = parse_record_response(*body);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->void_time(), 0x1fca8654u);
    EXPECT_EQ(m->generation(), 8u);
  }
  {
    const CaptureVector& c = testing::find_capture(v, "batch with zero rows");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    Result<MessageView> m = parse_record_response(*body);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->is_last());
    EXPECT_EQ(m->result(), ResultCode::kRequestInvalid);
  }
  {
    // Batch rows: index in transaction_ttl; row 4 (key 998) not found.
    const CaptureVector& c =
        testing::find_capture(v, "batch read all bins on node A0 (rows [0, 1, 2, 3, 4, 5])");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    MessageIterator it(*body);
    std::map<uint32_t, ResultCode> results;
    while (true) {
      auto m = it.next();
      ASSERT_TRUE(m.ok());
      if (!m->has_value()) break;
      results[(*m)->batch_index()] = (*m)->result();
    }
    ASSERT_EQ(results.size(), 6u);
    EXPECT_EQ(results[4], ResultCode::kRecordNotFound);
    EXPECT_EQ(results[5], ResultCode::kOk);
  }
  {
    // Scan records carry namespace, digest and set fields.
    const CaptureVector& c = testing::find_capture(v, "scan partitions [1457, 2734, 3349] no bin data");
    Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
    ASSERT_TRUE(body.ok());
    MessageIterator it(*body);
    int records = 0;
    while (true) {
      auto m = it.next();
      ASSERT_TRUE(m.ok());
      if (!m->has_value()) break;
      ++records;
      EXPECT_EQ((*m)->namespace_name(), std::optional<std::string_view>("test"));
      EXPECT_EQ((*m)->set_name(), std::optional<std::string_view>("demo"));
      ASSERT_TRUE((*m)->digest().has_value());
      const uint32_t pid = partition_id(*(*m)->digest());
      EXPECT_TRUE(pid == 1457 || pid == 2734 || pid == 3349) << pid;
      EXPECT_EQ((*m)->header.info1, info1::kNoBinData);
    }
    EXPECT_EQ(records, 3);
  }
}

TEST(CapturesContent, PartitionDoneFromThreeNodes) {
  const auto v = load_captures("test/wire/testdata/three-nodes.json");
  const CaptureVector& c = testing::find_capture(v, "scan of partitions this node does not own [2, 3]");
  Buffer scratch;
  Result<std::span<const uint8_t>> body = frame_message_body(c.responses[0], scratch);
  ASSERT_TRUE(body.ok());
  Result<MessageView> m = parse_record_response(*body);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->is_partition_done());
  EXPECT_FALSE(m->is_last());
  EXPECT_EQ(m->partition_id(), 3u);
  EXPECT_EQ(m->result(), ResultCode::kPartitionUnavailable);
}

// The operations captures (gzip-compressed, test/captures/operations) load through the same
// reader, and every answer frame in them has a well-formed proto header.
TEST(OperationsCaptures, EveryFileLoads) {
  for (const char* f : {"bit", "exp_operate", "hll", "index_basics", "info_basics", "list_basics",
                        "map_basics", "query_foreach", "udf_basics", "udf_record"}) {
    SCOPED_TRACE(f);
    const auto v = load_captures(std::string("test/captures/operations/") + f + ".json.gz");
    EXPECT_GE(v.size(), 4u);
    for (const CaptureVector& c : v) {
      for (const ByteVec& frame : c.responses) {
        Result<ProtoHeader> h = parse_proto_header(frame);
        ASSERT_TRUE(h.ok()) << c.name << ": " << h.error().to_string();
        EXPECT_EQ(h->body_size + 8, frame.size()) << c.name;
      }
    }
  }
  const auto info = load_captures("test/captures/operations/info_commands.json");
  EXPECT_EQ(info.size(), 43u);
  EXPECT_EQ(info[0].text.rfind("release\tedition=", 0), 0u);
}

}  // namespace
}  // namespace aero::wire
