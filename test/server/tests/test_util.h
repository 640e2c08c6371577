// Small helpers shared by the test server's tests (on top of the independent wire client).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test/server/cluster.h"
#include "test/server/tests/wire_client.h"

namespace testclient {

inline std::unique_ptr<aero::testserver::Cluster> start_cluster(
    aero::testserver::ClusterOptions o) {
  auto c = std::make_unique<aero::testserver::Cluster>(std::move(o));
  std::string error;
  EXPECT_TRUE(c->start(&error)) << error;
  return c;
}

inline RawConnection connect_to(aero::testserver::Cluster& c, size_t node = 0) {
  RawConnection conn;
  EXPECT_TRUE(conn.connect(c.node(node).port())) << "errno " << conn.last_errno();
  return conn;
}

// A write (info2 WRITE) of `ops` to (ns, set, digest), answered as one message.
inline DecodedMsg write(RawConnection& c, const Bytes& digest, std::vector<Op> ops,
                        uint8_t info2 = 0, uint8_t info3 = 0, uint32_t ttl = 0,
                        uint32_t generation = 0, std::string_view set = "demo",
                        std::string_view ns = "test") {
  Msg m = keyed(ns, set, digest);
  m.info2 = uint8_t(0x01 | info2);
  m.info3 = info3;
  m.record_ttl = ttl;
  m.generation = generation;
  for (const Op& o : ops) {
    if (o.type == 1) m.info1 |= 0x01;
  }
  m.ops = std::move(ops);
  auto r = call_msg(c, m);
  EXPECT_TRUE(r.has_value());
  return r.value_or(DecodedMsg{});
}

// Read all bins (info1 READ|GET_ALL).
inline DecodedMsg get(RawConnection& c, const Bytes& digest, std::string_view set = "demo",
                      std::string_view ns = "test") {
  Msg m = keyed(ns, set, digest);
  m.info1 = 0x03;
  auto r = call_msg(c, m);
  EXPECT_TRUE(r.has_value());
  return r.value_or(DecodedMsg{});
}

inline DecodedMsg remove(RawConnection& c, const Bytes& digest, uint8_t extra_info2 = 0) {
  Msg m = keyed("test", "demo", digest);
  m.info2 = uint8_t(0x03 | extra_info2);
  auto r = call_msg(c, m);
  EXPECT_TRUE(r.has_value());
  return r.value_or(DecodedMsg{});
}

inline int64_t int_bin(const DecodedMsg& m, std::string_view name) {
  const DecodedOp* o = m.op(name);
  return o == nullptr ? INT64_MIN : as_int(o->value);
}

}  // namespace testclient
