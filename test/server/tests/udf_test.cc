// The test server's UDF support: module registration and record apply replayed against the
// captures of a real 8.1.2 node (test/captures/operations/udf_*.json.gz), then what the
// captures do not show: compile errors, runtime errors, a runaway script, every value type.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "test/server/cluster.h"
#include "test/server/tests/capture_file.h"
#include "test/server/tests/wire_client.h"

namespace {

using namespace testclient;
using aero::testserver::Cluster;
using aero::testserver::ClusterOptions;

std::string capture_path(const std::string& file) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  const std::string base =
      srcdir ? std::string(srcdir) + "/" + (workspace ? workspace : "") : std::string(".");
  return base + "/test/captures/operations/" + file;
}

std::string b64(const std::string& s) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = (unsigned(uint8_t(s[i])) << 16) | (unsigned(uint8_t(s[i + 1])) << 8) |
                       uint8_t(s[i + 2]);
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], a[v & 63]};
  }
  if (i + 1 == s.size()) {
    const unsigned v = unsigned(uint8_t(s[i])) << 16;
    out += {a[v >> 18], a[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == s.size()) {
    const unsigned v = (unsigned(uint8_t(s[i])) << 16) | (unsigned(uint8_t(s[i + 1])) << 8);
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], '='};
  }
  return out;
}

std::string put_command(const std::string& name, const std::string& source) {
  const std::string c = b64(source);
  return "udf-put:filename=" + name + ";content=" + c + ";content-len=" +
         std::to_string(c.size()) + ";udf-type=LUA;";
}

// A message re-encoded with its void time reduced to "set or not" (void times are the clock's).
std::string normalized(const DecodedMsg& m) {
  Msg e;
  e.info1 = m.info1;
  e.info2 = m.info2;
  e.info3 = m.info3;
  e.info4 = m.info4;
  e.generation = m.generation;
  e.record_ttl = m.void_time != 0 ? 1 : 0;
  e.transaction_ttl = m.transaction_ttl;
  for (const auto& f : m.fields) e.fields.push_back({f.type, f.data});
  for (const auto& o : m.ops) e.ops.push_back({o.type, o.particle, o.name, o.value});
  Bytes b = encode_body(e);
  b[5] = char(m.result);
  return to_hex(b);
}

std::vector<std::string> normalized_frames(const std::vector<std::string>& frames) {
  std::vector<std::string> out;
  for (const std::string& f : frames) {
    auto msgs = decode_messages(std::string_view(f).substr(8));
    EXPECT_TRUE(msgs);
    if (!msgs) continue;
    for (const auto& m : *msgs) out.push_back(normalized(m));
  }
  std::sort(out.begin(), out.end());  // batch rows: order and framing are the server's choice
  return out;
}

std::string info_command(const std::string& request) {
  std::string body = request.substr(8);
  if (!body.empty() && body.back() == '\n') body.pop_back();
  return body;
}

// Replays a capture on one connection, comparing every UDF info answer and every message.
void replay(const std::string& file) {
  std::string error;
  auto capture = load_capture(capture_path(file), &error);
  ASSERT_TRUE(capture) << error;
  Cluster cluster;
  ASSERT_TRUE(cluster.start(&error)) << error;
  RawConnection c;
  ASSERT_TRUE(c.connect(cluster.seed_port()));
  // Hidden state: the captured server already held two modules of earlier runs.
  for (const char* name : {"client_record_lists.lua", "list_unordered.lua"}) {
    auto r = call_info(c, {put_command(name, "function f(r) return 1 end\n")});
    ASSERT_TRUE(r);
    ASSERT_NE(r->find("\tok"), std::string::npos) << *r;
  }
  int compared = 0;
  for (size_t vi = 0; vi < capture->vectors.size(); ++vi) {
    const CaptureVector& v = capture->vectors[vi];
    SCOPED_TRACE(file + " vector " + std::to_string(vi));
    if (uint8_t(v.request[1]) == 1) {
      const std::string cmd = info_command(v.request);
      if (cmd.rfind("udf-", 0) != 0) continue;  // tend and config commands: not ours
      auto f = c.call(v.request);
      ASSERT_TRUE(f);
      std::string want = v.response_frames.at(0).substr(8), got = f->body;
      if (cmd == "udf-list") {
        // The hidden modules' text is unknown, so their hashes are too.
        auto mask = [](std::string s) {
          for (const char* n : {"client_record_lists.lua,hash=", "list_unordered.lua,hash="}) {
            const size_t at = s.find(n);
            if (at != std::string::npos) s.replace(at + std::string(n).size(), 40, 40, '#');
          }
          return s;
        };
        want = mask(want);
        got = mask(got);
      }
      EXPECT_EQ(got, want);
      ++compared;
      continue;
    }
    ASSERT_TRUE(c.send(v.request));
    std::vector<std::string> got;
    for (size_t k = 0; k < v.response_frames.size(); ++k) {
      Frame f;
      ASSERT_EQ(c.read_frame(&f), ReadStatus::kOk);
      got.push_back(f.raw());
      if (v.response_frames.size() > 1) {
        auto msgs = decode_messages(f.body);
        ASSERT_TRUE(msgs);
        bool last = false;
        for (const auto& m : *msgs) last = last || (m.info3 & 0x01);
        if (last) break;
      }
    }
    // The test server may split a batch answer into a different number of frames.
    while (v.response_frames.size() > 1) {
      auto msgs = decode_messages(std::string_view(got.back()).substr(8));
      ASSERT_TRUE(msgs);
      bool last = false;
      for (const auto& m : *msgs) last = last || (m.info3 & 0x01);
      if (last) break;
      Frame f;
      ASSERT_EQ(c.read_frame(&f), ReadStatus::kOk);
      got.push_back(f.raw());
    }
    EXPECT_EQ(normalized_frames(got), normalized_frames(v.response_frames));
    ++compared;
  }
  EXPECT_GT(compared, 3);
}

TEST(UdfCapture, Basics) { replay("udf_basics.json.gz"); }
TEST(UdfCapture, RecordApply) { replay("udf_record.json.gz"); }

// ---- Beyond the captures ----

class Udf : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(cluster_.start(&error)) << error;
    ASSERT_TRUE(c_.connect(cluster_.seed_port()));
  }

  std::string info(const std::string& line) {
    auto r = call_info(c_, {line});
    if (!r) return "<no answer>";
    auto v = info_value(*r, line);
    return v ? *v : "<no value>";
  }

  // Applies module.function(args) to key digest `salt`.
  DecodedMsg apply(uint64_t salt, const std::string& module, const std::string& function,
                   const Bytes& args = "\x90") {
    Msg m = keyed("test", "udf", digest_for(salt));
    m.info2 = 0x01;
    m.fields.push_back({30, module});
    m.fields.push_back({31, function});
    m.fields.push_back({32, args});
    auto r = call_msg(c_, m);
    if (r) return *r;
    DecodedMsg none;
    none.result = 255;
    return none;
  }

  Cluster cluster_;
  RawConnection c_;
};

TEST_F(Udf, SyntaxErrorNamesTheLineAndRegistersNothing) {
  const std::string before = info("udf-list");
  const std::string answer =
      info(put_command("bad.lua", "function f(r)\n  return 1\nend\nfunction g(\n  x = = 1\nend\n"));
  ASSERT_EQ(answer.rfind("error=compile_error;file=bad.lua;line=5;message=", 0), 0u) << answer;
  EXPECT_EQ(info("udf-list"), before);
  EXPECT_EQ(info("udf-get:filename=bad.lua"), "error=not_found");
}

TEST_F(Udf, BadRegistrations) {
  EXPECT_EQ(info("udf-put:content=AAAA;content-len=4;"), "error=invalid_filename");
  EXPECT_EQ(info("udf-put:filename=noext;content=AAAA;content-len=4;"), "error=invalid_filename");
  EXPECT_EQ(info("udf-put:filename=a.lua;content=AAAA;content-len=5;"), "error=invalid_content_len");
  EXPECT_EQ(info("udf-put:filename=a.lua;content=AAAA;content-len=8;"), "error=invalid_content");
  EXPECT_EQ(info("udf-put:filename=a.lua;content=A*AA;content-len=4;"),
            "error=invalid_base64_content");
  EXPECT_EQ(info("udf-put:filename=a.lua;content=AAAA;content-len=4;udf-type=PY;"),
            "error=invalid_udf_type");
}

TEST_F(Udf, ErrorsRaisedByLua) {
  ASSERT_EQ(info(put_command("m.lua", "function boom(r)\n  error('no way')\nend\n"
                                      "function plain(r)\n  error('bare', 0)\nend\n")),
            "ok");
  DecodedMsg r = apply(1, "m", "boom");
  EXPECT_EQ(r.result, 100);
  ASSERT_TRUE(r.op("FAILURE"));
  EXPECT_EQ(r.op("FAILURE")->value, "/var/lib/aerospike/work-dir/usr/udf/lua/m.lua:2: no way");
  r = apply(1, "m", "plain");
  ASSERT_TRUE(r.op("FAILURE"));
  EXPECT_EQ(r.op("FAILURE")->value, "bare");
  r = apply(1, "m", "nope");
  EXPECT_EQ(r.result, 100);
  ASSERT_TRUE(r.op("FAILURE"));
  EXPECT_EQ(r.op("FAILURE")->value, "function not found");
  r = apply(1, "nomodule", "boom");
  EXPECT_EQ(r.result, 100);
  ASSERT_TRUE(r.op("FAILURE"));
  EXPECT_EQ(r.op("FAILURE")->value, "UDF: Execution Error 1");
  EXPECT_EQ(cluster_.record_count("test"), 0u);
}

TEST_F(Udf, RunawayScriptFailsAndTheNodeKeepsServing) {
  ASSERT_EQ(info(put_command("spin.lua",
                             "function spin(r)\n  while true do end\nend\n"
                             "function sneaky(r)\n  while true do pcall(function() while true do end end) end\nend\n"
                             "function hog(r)\n  local t = {}\n  for i = 1, 1e9 do t[i] = string.rep('x', 1000000) .. i end\nend\n")),
            "ok");
  for (const char* fn : {"spin", "sneaky"}) {
    DecodedMsg r = apply(2, "spin", fn);
    EXPECT_EQ(r.result, 100) << fn;
    ASSERT_TRUE(r.op("FAILURE")) << fn;
    EXPECT_NE(r.op("FAILURE")->value.find("UDF Execution Timeout"), std::string::npos);
  }
  DecodedMsg r = apply(2, "spin", "hog");  // runs out of Lua heap
  EXPECT_EQ(r.result, 100);
  ASSERT_TRUE(r.op("FAILURE"));
  EXPECT_NE(r.op("FAILURE")->value.find("not enough memory"), std::string::npos);
  EXPECT_EQ(r.result, 100);
  Msg put = keyed("test", "udf", digest_for(3));
  put.info2 = 0x01;
  put.ops.push_back(write_int("a", 1));
  auto w = call_msg(c_, put);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->result, 0);
}

TEST_F(Udf, WritesFollowGenerationAndTtlRules) {
  ASSERT_EQ(info(put_command("w.lua",
                             "function set(r, v)\n"
                             "  r.v = v\n"
                             "  if aerospike:exists(r) then aerospike:update(r) else aerospike:create(r) end\n"
                             "  return record.gen(r)\n"
                             "end\n"
                             "function forget(r) r.v = 99 end\n"
                             "function clear(r) r.v = nil; return aerospike:update(r) end\n")),
            "ok");
  DecodedMsg r = apply(4, "w", "set", "\x91\x05");
  ASSERT_EQ(r.result, 0);
  EXPECT_EQ(r.generation, 1u);
  r = apply(4, "w", "set", "\x91\x06");
  EXPECT_EQ(r.generation, 2u);
  const Bytes d = digest_for(4);
  auto rec = cluster_.record("test", reinterpret_cast<const uint8_t*>(d.data()));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->generation, 2);
  ASSERT_EQ(rec->bins.size(), 1u);
  EXPECT_EQ(rec->bins[0].value, int_value(6));
  // Changes without create/update are dropped.
  r = apply(4, "w", "forget");
  EXPECT_EQ(r.generation, 2u);
  rec = cluster_.record("test", reinterpret_cast<const uint8_t*>(d.data()));
  EXPECT_EQ(rec->bins[0].value, int_value(6));
  // Removing the last bin deletes the record.
  r = apply(4, "w", "clear");
  EXPECT_EQ(r.result, 0);
  EXPECT_FALSE(cluster_.record("test", reinterpret_cast<const uint8_t*>(d.data())));
}

TEST_F(Udf, ValuesRoundTrip) {
  ASSERT_EQ(info(put_command("v.lua",
                             "function echo(r, v) return v end\n"
                             "function kind(r, v) return type(v) .. ':' .. tostring(v) end\n"
                             "function build(r)\n"
                             "  local l = list{1, 'two', 3.5, true}\n"
                             "  list.append(l, map{a = 1})\n"
                             "  return l\n"
                             "end\n")),
            "ok");
  struct Case {
    Bytes arg;
    uint8_t particle;
    Bytes value;
  } cases[] = {
      {"\x91\x07", 1, int_value(7)},
      {"\x91\xd0\x85", 1, int_value(-123)},
      {Bytes("\x91\xcb\x3f\xf8\0\0\0\0\0\0", 10), 2, Bytes("\x3f\xf8\0\0\0\0\0\0", 8)},
      {"\x91\xa3\x03hi", 3, "hi"},
      {Bytes("\x91\xc4\x03\x04\x01\x02", 6), 4, "\x01\x02"},
      {"\x91\xc3", 17, "\x01"},
      {"\x91\x92\x01\xa2\x03x", 20, "\x92\x01\xa2\x03x"},
      {"\x91\x81\xa2\x03k\x02", 19, "\x81\xa2\x03k\x02"},
      {"\x91\xc0", 0, ""},
  };
  for (const Case& c : cases) {
    DecodedMsg r = apply(5, "v", "echo", c.arg);
    ASSERT_EQ(r.result, 0) << to_hex(c.arg);
    ASSERT_TRUE(r.op("SUCCESS"));
    EXPECT_EQ(r.op("SUCCESS")->particle, c.particle) << to_hex(c.arg);
    EXPECT_EQ(to_hex(r.op("SUCCESS")->value), to_hex(c.value)) << to_hex(c.arg);
  }
  DecodedMsg r = apply(5, "v", "kind", "\x91\x81\xa2\x03k\x02");
  ASSERT_TRUE(r.op("SUCCESS"));
  EXPECT_EQ(r.op("SUCCESS")->value, "userdata:{\"k\":2}");
  r = apply(5, "v", "build");
  ASSERT_TRUE(r.op("SUCCESS"));
  EXPECT_EQ(r.op("SUCCESS")->particle, 20);
  EXPECT_EQ(to_hex(r.op("SUCCESS")->value),
            to_hex(Bytes("\x95\x01\xa4\x03two\xcb\x40\x0c\0\0\0\0\0\0\xc3\x81\xa2\x03" "a\x01", 22)));
  // Malformed argument lists are refused before the script runs.
  r = apply(5, "v", "echo", "\x92\x01");
  EXPECT_EQ(r.result, 4);
}

}  // namespace
