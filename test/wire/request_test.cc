// Request encoders: the protocol doc's worked examples (section 11) byte for byte, every
// policy bit, round trips (encode, then decode the request as a server would and compare),
// batch and scan layouts, and parameter validation.
#include <gtest/gtest.h>

#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::from_hex;
using testing::to_hex;

std::string hex(const Buffer& b) { return to_hex(b.data(), b.size()); }

MessageView parse(const Buffer& b) {
  auto h = parse_proto_header(b.span(), ExpectedFrame::kMessage);
  EXPECT_TRUE(h.ok());
  EXPECT_EQ(h->body_size + 8, b.size());
  auto m = parse_single_message(b.span().subspan(8));
  EXPECT_TRUE(m.ok()) << m.error().to_string();
  return *m;
}

const Key kKey1("test", "demo", 1);

WriteAttrs c_defaults_write() {
  WriteAttrs a;
  a.server_timeout_ms = server_timeout_ms(30000, 1000);  // C defaults: socket 30 s, total 1 s
  return a;
}
ReadAttrs c_defaults_read() {
  ReadAttrs a;
  a.server_timeout_ms = server_timeout_ms(30000, 1000);
  return a;
}

// ---- section 11 worked examples ----

TEST(ProtocolDocExamples, Put_11_1) {
  Buffer out;
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  ASSERT_TRUE(encode_put(out, kKey1, bins, c_defaults_write()).ok());
  EXPECT_EQ(hex(out),
            "02030000000000651600010000000000000000000000000003e8000300020000000500746573740000"
            "00050164656d6f0000001504b7f4b83889e2da67de683e1df6919a1eacc446c80000000d020300046e"
            "616d65616c6963650000000f02010003616765000000000000001e");
}

TEST(ProtocolDocExamples, Get_11_3) {
  Buffer out;
  ASSERT_TRUE(encode_get(out, kKey1, c_defaults_read()).ok());
  EXPECT_EQ(hex(out),
            "02030000000000411603000000000000000000000000000003e8000300000000000500746573740000"
            "00050164656d6f0000001504b7f4b83889e2da67de683e1df6919a1eacc446c8");
}

TEST(ProtocolDocExamples, Responses_11_2_and_11_4) {
  Buffer out;
  ASSERT_TRUE(encode_record_response(out, ResultCode::kOk, 1, 0, {}).ok());
  EXPECT_EQ(hex(out), "020300000000001616000000000000000001000000000000000000000000");
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  ASSERT_TRUE(encode_record_response(out, ResultCode::kOk, 1, 0, bins).ok());
  EXPECT_EQ(hex(out),
            "020300000000003a16000000000000000001000000000000000000000002"
            "0000000d010300046e616d65616c6963650000000f01010003616765000000000000001e");
}

TEST(ProtocolDocExamples, Batch_11_5) {
  const Key k2("test", "demo", 2);
  BatchRow rows[2];
  rows[0].key = &kKey1;
  rows[0].index = 0;
  rows[1].key = &k2;
  rows[1].index = 1;
  BatchAttrs a;
  a.server_timeout_ms = 1000;
  Buffer out;
  ASSERT_TRUE(encode_batch(out, rows, a).ok());
  EXPECT_EQ(hex(out),
            "020300000000006f1608000000000000000000000000000003e8000100000000005529000000020d00"
            "000000b7f4b83889e2da67de683e1df6919a1eacc446c80a0300000000000000020000000000050074"
            "657374000000050164656d6f00000001ae6a515f37de4adacc4496e2da1fea848c3a927001");
  // The example batch response: two rows then a LAST trailer in a second frame.
  const auto f1 = from_hex(
      "0203000000000050160000000000000000010000000000000000000000020000000d010300046e616d65616c"
      "6963650000000f01010003616765000000000000001e16000000000200000000000000000000000100000000");
  Buffer scratch;
  auto body = frame_message_body(f1, scratch);
  ASSERT_TRUE(body.ok());
  MessageIterator it(*body);
  auto row0 = it.next();
  ASSERT_TRUE(row0.ok() && row0->has_value());
  EXPECT_EQ((*row0)->batch_index(), 0u);
  EXPECT_EQ((*row0)->n_ops, 2);
  auto row1 = it.next();
  ASSERT_TRUE(row1.ok() && row1->has_value());
  EXPECT_EQ((*row1)->batch_index(), 1u);
  EXPECT_EQ((*row1)->result(), ResultCode::kRecordNotFound);
  auto end = it.next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(ProtocolDocExamples, Info_11_6) {
  Buffer out;
  const std::string_view cmds[] = {"node", "partition-generation", "build"};
  ASSERT_TRUE(encode_info_request(out, cmds).ok());
  EXPECT_EQ(hex(out),
            "02010000000000206e6f64650a706172746974696f6e2d67656e65726174696f6e0a6275696c640a");
  const InfoLine lines[] = {{"node", "BB9020011AC4202"}, {"partition-generation", "1"}, {"build", "8.1.2.0"}};
  ASSERT_TRUE(encode_info_response(out, lines).ok());
  EXPECT_EQ(hex(out),
            "020100000000003a6e6f646509424239303230303131414334323032"
            "0a706172746974696f6e2d67656e65726174696f6e09310a6275696c6409382e312e322e300a");
}

// ---- policy bits ----

struct Bits {
  uint8_t info1, info2, info3;
  uint32_t generation, ttl;
};

Bits put_bits(const WriteAttrs& a) {
  Buffer out;
  const Bin bins[] = {{"x", 1}};
  EXPECT_TRUE(encode_put(out, kKey1, bins, a).ok());
  MessageView m = parse(out);
  return {m.header.info1, m.header.info2, m.header.info3, m.header.generation, m.header.record_ttl};
}

TEST(PolicyBits, ExistsActions) {
  WriteAttrs a;
  a.exists = ExistsAction::kUpdate;
  EXPECT_EQ(put_bits(a).info2, 0x01);
  EXPECT_EQ(put_bits(a).info3, 0x00);
  a.exists = ExistsAction::kUpdateOnly;
  EXPECT_EQ(put_bits(a).info3, 0x08);
  a.exists = ExistsAction::kCreateOrReplace;
  EXPECT_EQ(put_bits(a).info3, 0x10);
  a.exists = ExistsAction::kReplaceOnly;
  EXPECT_EQ(put_bits(a).info3, 0x20);
  a.exists = ExistsAction::kCreateOnly;
  EXPECT_EQ(put_bits(a).info2, 0x21);
  EXPECT_EQ(put_bits(a).info3, 0x00);
}

TEST(PolicyBits, GenerationTtlCommitDurableCompress) {
  WriteAttrs a;
  a.generation = 7;
  EXPECT_EQ(put_bits(a).generation, 0u);  // no policy: generation not sent
  a.generation_policy = GenerationPolicy::kExpectEqual;
  EXPECT_EQ(put_bits(a).info2, 0x05);
  EXPECT_EQ(put_bits(a).generation, 7u);
  a.generation_policy = GenerationPolicy::kExpectGreater;
  EXPECT_EQ(put_bits(a).info2, 0x09);
  a = WriteAttrs();
  a.ttl = kTtlNeverExpire;
  EXPECT_EQ(put_bits(a).ttl, 0xFFFFFFFFu);
  a.commit_level = CommitLevel::kMaster;
  EXPECT_EQ(put_bits(a).info3, 0x02);
  a.durable_delete = true;
  EXPECT_EQ(put_bits(a).info2, 0x11);
  a.compress_response = true;
  EXPECT_EQ(put_bits(a).info1, 0x80);
}

TEST(PolicyBits, ReadModes) {
  auto bits = [](const ReadAttrs& a) {
    Buffer out;
    EXPECT_TRUE(encode_get(out, kKey1, a).ok());
    return parse(out).header;
  };
  ReadAttrs a;
  EXPECT_EQ(bits(a).info1, 0x03);
  EXPECT_EQ(bits(a).info3, 0x00);
  a.read_mode_ap = ReadModeAP::kAll;
  EXPECT_EQ(bits(a).info1, 0x43);
  a.read_mode_sc = ReadModeSC::kLinearize;
  EXPECT_EQ(bits(a).info3, 0x40);
  a.read_mode_sc = ReadModeSC::kAllowReplica;
  EXPECT_EQ(bits(a).info3, 0x80);
  a.read_mode_sc = ReadModeSC::kAllowUnavailable;
  EXPECT_EQ(bits(a).info3, 0xC0);
  a.read_touch_ttl_percent = -1;
  EXPECT_EQ(bits(a).record_ttl, 0xFFFFFFFFu);
  a.read_touch_ttl_percent = 80;
  EXPECT_EQ(bits(a).record_ttl, 80u);
}

TEST(PolicyBits, ServerTimeout) {
  EXPECT_EQ(server_timeout_ms(30000, 1000), 1000u);
  EXPECT_EQ(server_timeout_ms(500, 1000), 500u);
  EXPECT_EQ(server_timeout_ms(0, 1000), 1000u);
  EXPECT_EQ(server_timeout_ms(500, 0), 0u);
}

// ---- round trips: encode, decode as a server would, compare with what went in ----

TEST(RoundTrip, PutEveryValueType) {
  Map m;
  m.entries.emplace_back("k", List{{1, "x"}});
  m.order_flags = 1;
  const std::vector<Bin> bins = {
      {"nil", nullptr},        {"i", -42},           {"d", 2.5},
      {"s", "text"},           {"b", Bytes({1, 2})}, {"bool", false},
      {"l", List{{1, 2.0}}},   {"m", m},             {"g", GeoJson{R"({"type":"Point","coordinates":[0,0]})"}},
      {"hll", Bytes({9}, particle::kHll)},
  };
  WriteAttrs a;
  a.send_key = true;
  const Key key("ns", "set", "user-key");
  Buffer out;
  ASSERT_TRUE(encode_put(out, key, bins, a).ok());
  MessageView msg = parse(out);
  EXPECT_EQ(msg.namespace_name(), std::optional<std::string_view>("ns"));
  EXPECT_EQ(msg.set_name(), std::optional<std::string_view>("set"));
  EXPECT_EQ(msg.digest(), std::optional<Digest>(key.digest()));
  ASSERT_TRUE(msg.user_key().has_value());
  EXPECT_EQ(*msg.user_key()->to_value(), Value("user-key"));
  Result<Record> rec = msg.to_record();
  ASSERT_TRUE(rec.ok()) << rec.error().to_string();
  EXPECT_EQ(rec->bins, bins);
  for (OpView op : msg.ops()) EXPECT_EQ(op.op_type, static_cast<uint8_t>(OpType::kWrite));
}

TEST(RoundTrip, UserKeyTypes) {
  WriteAttrs a;
  a.send_key = true;
  const Key keys[] = {Key("n", "s", -7), Key("n", "s", "str"), Key("n", "s", Bytes({0, 1}, particle::kJavaBlob))};
  for (const Key& k : keys) {
    Buffer out;
    ASSERT_TRUE(encode_delete(out, k, a).ok());
    MessageView m = parse(out);
    ASSERT_TRUE(m.user_key().has_value());
    EXPECT_EQ(*m.user_key()->to_value(), *k.user_key());
    EXPECT_EQ(m.header.info2, info2::kWrite | info2::kDelete);
  }
  // Without send_key, or without a user key, no KEY field.
  Buffer out;
  ASSERT_TRUE(encode_put(out, keys[0], {}, WriteAttrs()).ok());
  EXPECT_FALSE(parse(out).user_key().has_value());
  ASSERT_TRUE(encode_put(out, Key::from_digest("n", "s", keys[0].digest()), {}, a).ok());
  EXPECT_FALSE(parse(out).user_key().has_value());
}

TEST(RoundTrip, GetVariantsAndTouchAndDelete) {
  Buffer out;
  const std::string_view names[] = {"a", "bb"};
  ASSERT_TRUE(encode_get_bins(out, kKey1, names, ReadAttrs()).ok());
  MessageView m = parse(out);
  EXPECT_EQ(m.header.info1, info1::kRead);
  ASSERT_EQ(m.n_ops, 2);
  std::vector<std::string_view> got;
  for (OpView op : m.ops()) {
    EXPECT_EQ(op.op_type, 1);
    EXPECT_TRUE(op.value.is_nil());
    got.push_back(op.name);
  }
  EXPECT_EQ(got, (std::vector<std::string_view>{"a", "bb"}));

  ASSERT_TRUE(encode_exists(out, kKey1, ReadAttrs()).ok());
  EXPECT_EQ(parse(out).header.info1, info1::kRead | info1::kNoBinData);

  WriteAttrs a;
  a.ttl = 300;
  ASSERT_TRUE(encode_touch(out, kKey1, a).ok());
  m = parse(out);
  EXPECT_EQ(m.header.info2, info2::kWrite);
  EXPECT_EQ(m.header.record_ttl, 300u);
  ASSERT_EQ(m.n_ops, 1);
  EXPECT_EQ((*m.ops().begin()).op_type, static_cast<uint8_t>(OpType::kTouch));

  a.generation_policy = GenerationPolicy::kExpectEqual;
  a.generation = 4;
  a.durable_delete = true;
  ASSERT_TRUE(encode_delete(out, kKey1, a).ok());
  m = parse(out);
  EXPECT_EQ(m.header.info2, info2::kWrite | info2::kDelete | info2::kGeneration | info2::kDurableDelete);
  EXPECT_EQ(m.header.generation, 4u);
  EXPECT_EQ(m.header.record_ttl, 0u);
}

TEST(RoundTrip, OperateHeaderFollowsTheOps) {
  auto header = [](std::vector<Operation> ops, WriteAttrs wa = {}) {
    Buffer out;
    Status s = encode_operate(out, kKey1, ops, wa, ReadAttrs());
    EXPECT_TRUE(s.ok()) << s.to_string();
    MessageView m = parse(out);
    EXPECT_EQ(m.n_ops, ops.size());
    std::vector<Operation> back;
    for (OpView op : m.ops()) {
      Operation o;
      o.type = static_cast<OpType>(op.op_type);
      o.bin_name = std::string(op.name);
      o.value = *op.value.to_value();
      back.push_back(o);
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      EXPECT_EQ(back[i].type, ops[i].type);
      EXPECT_EQ(back[i].bin_name, ops[i].bin_name);
      EXPECT_EQ(back[i].value, ops[i].value);
    }
    return m.header;
  };
  EXPECT_EQ(header({Operation::read("a")}).info1, info1::kRead);
  EXPECT_EQ(header({Operation::read("a")}).info2, 0);
  EXPECT_EQ(header({Operation::read_all()}).info1, info1::kRead | info1::kGetAll);
  EXPECT_EQ(header({Operation::read_header()}).info1, info1::kRead | info1::kNoBinData);
  EXPECT_EQ(header({Operation::read_header(), Operation::read("a")}).info1, info1::kRead);
  EXPECT_EQ(header({Operation::write("a", List{{1, 2}})}).info2, info2::kWrite);
  EXPECT_EQ(header({Operation::write("m", Map{{{"k", 1}}, 0})}).info1, 0);
  EXPECT_EQ(header({Operation::incr("a", 1.5), Operation::read("a")}).info1, info1::kRead);
  EXPECT_EQ(header({Operation::append("s", "x"), Operation::prepend("s", Bytes({1}))}).info2, info2::kWrite);
  EXPECT_EQ(header({Operation::touch()}).info2, info2::kWrite);
  EXPECT_EQ(header({Operation::delete_record()}).info2, info2::kWrite);
  EXPECT_EQ(header({Operation::raw(OpType::kBitModify, "b", Bytes({1}))}).info2,
            info2::kWrite | info2::kRespondAllOps);
  EXPECT_EQ(header({Operation::raw(OpType::kHllRead, "h", Bytes({1}))}).info2, info2::kRespondAllOps);
  WriteAttrs all;
  all.respond_all_ops = true;
  EXPECT_EQ(header({Operation::write("a", 1), Operation::read("a")}, all).info2,
            info2::kWrite | info2::kRespondAllOps);
  // Never RESPOND_ALL_OPS together with GET_ALL.
  EXPECT_EQ(header({Operation::write("a", 1), Operation::read_all()}, all).info2, info2::kWrite);
  // record_ttl: write TTL with a write, read-touch percent without.
  WriteAttrs ttl;
  ttl.ttl = 60;
  EXPECT_EQ(header({Operation::write("a", 1)}, ttl).record_ttl, 60u);
  EXPECT_EQ(header({Operation::read("a")}, ttl).record_ttl, 0u);
}

TEST(RoundTrip, BatchRowsOfEveryKind) {
  const Key keys[] = {Key("test", "s", 1), Key("test", "s", 2), Key("test", "s", 3),
                      Key("test", "s", 4), Key("test", "s", 5), Key("other", "", 6),
                      Key("other", "", 7)};
  static const std::string_view kNames[] = {"a", "b"};
  const Operation read_ops[] = {Operation::read("a")};
  const Operation write_ops[] = {Operation::write("a", 5), Operation::read("a")};
  WriteAttrs wa;
  wa.generation_policy = GenerationPolicy::kExpectEqual;
  wa.generation = 3;
  wa.ttl = 99;
  wa.send_key = true;
  WriteAttrs plain;
  BatchRow rows[7];
  for (uint32_t i = 0; i < 7; ++i) {
    rows[i].key = &keys[i];
    rows[i].index = 10 + i;
  }
  rows[0].kind = BatchRowKind::kReadAll;
  rows[1].kind = BatchRowKind::kReadHeader;
  rows[2].kind = BatchRowKind::kReadBins;
  rows[2].bin_names = kNames;
  rows[3].kind = BatchRowKind::kReadOps;
  rows[3].ops = read_ops;
  rows[4].kind = BatchRowKind::kOperate;
  rows[4].ops = write_ops;
  rows[4].write = &wa;
  rows[5].kind = BatchRowKind::kDelete;
  rows[5].write = &plain;
  rows[6].kind = BatchRowKind::kDelete;  // same shape as row 5: REPEAT
  rows[6].write = &plain;
  BatchAttrs ba;
  ba.server_timeout_ms = 5000;
  ba.respond_all_keys = false;
  Buffer out;
  ASSERT_TRUE(encode_batch(out, rows, ba).ok());
  MessageView m = parse(out);
  EXPECT_EQ(m.header.info1, info1::kBatch);
  EXPECT_EQ(m.header.transaction_ttl, 5000u);
  auto field = m.find_field(FieldType::kBatchIndex);
  ASSERT_TRUE(field.has_value());
  auto parsed = parse_batch_field(field->data);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->flags, batch_flags::kReportErrorRecord | batch_flags::kAllowInline);
  ASSERT_EQ(parsed->rows.size(), 7u);
  const auto& r = parsed->rows;
  for (uint32_t i = 0; i < 7; ++i) {
    EXPECT_EQ(r[i].index, 10 + i);
    EXPECT_EQ(r[i].digest, keys[i].digest());
  }
  EXPECT_EQ(r[0].info1, info1::kRead | info1::kGetAll);
  EXPECT_EQ(r[0].row_flags, batch_row::kInfo | batch_row::kTtl);
  EXPECT_EQ(r[1].info1, info1::kRead | info1::kNoBinData);
  EXPECT_EQ(r[2].n_ops, 2);
  EXPECT_EQ(r[3].n_ops, 1);
  EXPECT_EQ(r[4].row_flags, batch_row::kInfo | batch_row::kGeneration | batch_row::kTtl);
  EXPECT_EQ(r[4].info1, info1::kRead);
  EXPECT_EQ(r[4].info2, info2::kWrite | info2::kGeneration | info2::kRespondAllOps);
  EXPECT_EQ(r[4].generation, 3);
  EXPECT_EQ(r[4].record_ttl, 99u);
  EXPECT_EQ(r[4].n_fields, 3);  // namespace, set, key
  EXPECT_EQ(r[5].info2, info2::kWrite | info2::kDelete | info2::kRespondAllOps);
  EXPECT_EQ(r[5].namespace_name(), std::optional<std::string_view>("other"));
  EXPECT_FALSE(r[5].repeat);
  EXPECT_TRUE(r[6].repeat);
  EXPECT_EQ(r[6].info2, r[5].info2);
  // Operate row ops decode back.
  std::vector<Value> values;
  for (OpView op : r[4].ops()) values.push_back(*op.value.to_value());
  EXPECT_EQ(values, (std::vector<Value>{5, Value()}));
}

TEST(RoundTrip, BatchRepeatRules) {
  const Key a("test", "s", 1), b("test", "s", 2), c("test", "t", 3);
  static const std::string_view kX[] = {"x"};
  static const std::string_view kX2[] = {"x"};  // equal content, other storage: still REPEAT
  static const std::string_view kY[] = {"y"};
  auto repeats = [](std::vector<BatchRow> rows) {
    Buffer out;
    EXPECT_TRUE(encode_batch(out, rows, BatchAttrs()).ok());
    auto f = parse(out).find_field(FieldType::kBatchIndex);
    auto p = parse_batch_field(f->data);
    EXPECT_TRUE(p.ok());
    std::vector<bool> out_flags;
    for (const auto& r : p->rows) out_flags.push_back(r.repeat);
    return out_flags;
  };
  BatchRow r1{&a, 0, BatchRowKind::kReadBins, kX, {}, nullptr, nullptr};
  BatchRow r2{&b, 1, BatchRowKind::kReadBins, kX2, {}, nullptr, nullptr};
  BatchRow r3{&b, 2, BatchRowKind::kReadBins, kY, {}, nullptr, nullptr};
  BatchRow r4{&c, 3, BatchRowKind::kReadBins, kY, {}, nullptr, nullptr};
  EXPECT_EQ(repeats({r1, r2, r3, r4}), (std::vector<bool>{false, true, false, false}));
  ReadAttrs linearize;
  linearize.read_mode_sc = ReadModeSC::kLinearize;
  BatchRow r5 = r2;
  r5.read = &linearize;
  EXPECT_EQ(repeats({r1, r5}), (std::vector<bool>{false, false}));
  // Rows that send a user key never repeat.
  WriteAttrs send;
  send.send_key = true;
  BatchRow d1{&a, 0, BatchRowKind::kDelete, {}, {}, nullptr, &send};
  BatchRow d2{&b, 1, BatchRowKind::kDelete, {}, {}, nullptr, &send};
  EXPECT_EQ(repeats({d1, d2}), (std::vector<bool>{false, false}));
}

TEST(RoundTrip, ScanFieldsAndOrder) {
  const uint16_t parts[] = {0, 4095};
  Digest resume{};
  resume[0] = 0xAB;
  const Digest resumes[] = {resume};
  const std::string_view bins[] = {"a"};
  ScanRequest s;
  s.ns = "test";
  s.set = "demo";
  s.partitions = parts;
  s.resume_after = resumes;
  s.bin_names = bins;
  s.max_records = 10;
  s.records_per_second = 20;
  s.socket_timeout_ms = 30000;
  s.server_timeout_ms = 7;
  s.task_id = 0x1122334455667788ull;
  Buffer out;
  ASSERT_TRUE(encode_scan(out, s).ok());
  MessageView m = parse(out);
  EXPECT_EQ(m.header.info1, info1::kRead);
  EXPECT_EQ(m.header.info3, info3::kPartitionDone);
  EXPECT_EQ(m.header.transaction_ttl, 7u);
  std::vector<FieldType> order;
  for (FieldView f : m.fields()) order.push_back(f.field_type());
  EXPECT_EQ(order, (std::vector<FieldType>{FieldType::kNamespace, FieldType::kSet, FieldType::kPidArray,
                                           FieldType::kDigestArray, FieldType::kMaxRecords,
                                           FieldType::kRecordsPerSecond, FieldType::kSocketTimeout,
                                           FieldType::kTaskId}));
  EXPECT_EQ(to_hex(m.find_field(FieldType::kPidArray)->data.data(), 4), "0000ff0f");  // LE
  EXPECT_EQ(m.find_field(FieldType::kDigestArray)->data[0], 0xAB);
  EXPECT_EQ(detail::load_u64be(m.find_field(FieldType::kTaskId)->data.data()), s.task_id);
  EXPECT_EQ(m.n_ops, 1);
}

// ---- validation ----

TEST(Validation, RefusesWhatTheServerWouldReject) {
  Buffer out;
  const Bin long_name[] = {{std::string(16, 'b'), 1}};
  EXPECT_EQ(encode_put(out, kKey1, long_name, WriteAttrs()).code(), ResultCode::kParamError);
  const Bin ok_name[] = {{std::string(15, 'b'), 1}};
  EXPECT_TRUE(encode_put(out, kKey1, ok_name, WriteAttrs()).ok());
  EXPECT_EQ(encode_get(out, Key(std::string(32, 'n'), "s", 1), ReadAttrs()).code(), ResultCode::kParamError);
  EXPECT_TRUE(encode_get(out, Key(std::string(31, 'n'), "s", 1), ReadAttrs()).ok());
  EXPECT_EQ(encode_get(out, Key("", "s", 1), ReadAttrs()).code(), ResultCode::kParamError);
  EXPECT_EQ(encode_get(out, Key("n", std::string(64, 's'), 1), ReadAttrs()).code(), ResultCode::kParamError);
  EXPECT_EQ(encode_operate(out, kKey1, {}, WriteAttrs(), ReadAttrs()).code(), ResultCode::kParamError);
  WriteAttrs send;
  send.send_key = true;
  EXPECT_EQ(encode_put(out, Key::from_parts("n", "s", kKey1.digest(), Value(1.5)), {}, send).code(),
            ResultCode::kParamError);
  ScanRequest s;
  s.ns = "test";
  EXPECT_EQ(encode_scan(out, s).code(), ResultCode::kParamError);  // no task id, no partitions
  s.task_id = 1;
  EXPECT_EQ(encode_scan(out, s).code(), ResultCode::kParamError);  // no partitions
  const uint16_t bad[] = {4096};
  s.partitions = bad;
  EXPECT_EQ(encode_scan(out, s).code(), ResultCode::kParamError);
  const std::string_view nl[] = {"a\nb"};
  EXPECT_EQ(encode_info_request(out, nl).code(), ResultCode::kParamError);
  // Batch: generation beyond 16 bits, write ops in a read row, missing key.
  WriteAttrs big_gen;
  big_gen.generation_policy = GenerationPolicy::kExpectEqual;
  big_gen.generation = 70000;
  BatchRow row{&kKey1, 0, BatchRowKind::kDelete, {}, {}, nullptr, &big_gen};
  EXPECT_EQ(encode_batch(out, std::span(&row, 1), BatchAttrs()).code(), ResultCode::kParamError);
  const Operation w[] = {Operation::write("a", 1)};
  BatchRow read_row{&kKey1, 0, BatchRowKind::kReadOps, {}, w, nullptr, nullptr};
  EXPECT_EQ(encode_batch(out, std::span(&read_row, 1), BatchAttrs()).code(), ResultCode::kParamError);
  BatchRow no_key;
  EXPECT_EQ(encode_batch(out, std::span(&no_key, 1), BatchAttrs()).code(), ResultCode::kParamError);
}

TEST(Encoding, WarmBufferIsReusedWithoutReallocation) {
  Buffer out;
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  ASSERT_TRUE(encode_put(out, kKey1, bins, WriteAttrs()).ok());
  const uint8_t* p = out.data();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(encode_put(out, kKey1, bins, WriteAttrs()).ok());
    ASSERT_TRUE(encode_get(out, kKey1, ReadAttrs()).ok());
  }
  EXPECT_EQ(out.data(), p);
}

}  // namespace
}  // namespace aero::wire

namespace aero::wire {
namespace {

// Infinity and Wildcard are range/match arguments inside collection operations; as a bin
// value they have no particle type, so every encoder refuses them instead of writing nil.
TEST(Validation, InfinityAndWildcardAreNotBinValues) {
  const Key key("test", "demo", 1);
  Buffer out;
  const Bin bins[] = {Bin("a", Value(Infinity{}))};
  Status s = encode_put(out, key, bins, WriteAttrs{});
  EXPECT_EQ(s.code(), ResultCode::kParamError) << s.to_string();
  const Operation ops[] = {Operation::write("a", Value(Wildcard{}))};
  s = encode_operate(out, key, ops, WriteAttrs{}, ReadAttrs{});
  EXPECT_EQ(s.code(), ResultCode::kParamError) << s.to_string();
  // Nested inside a collection argument they are fine.
  const Operation nested[] = {Operation::write("a", Value(List{{Value(1), Value(Infinity{})}}))};
  EXPECT_TRUE(encode_operate(out, key, nested, WriteAttrs{}, ReadAttrs{}).ok());
}

}  // namespace
}  // namespace aero::wire
