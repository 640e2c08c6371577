// Fuzzes the test server's expression decoder and evaluator (test/server/exp/): any bytes as
// a filter expression and as an expression write op, evaluated against a record holding a
// bin of every type. Must never crash, hang, leak or read out of bounds; anything that builds
// must evaluate.
#include <cstddef>
#include <cstdint>
#include <string>

#include "test/server/exp/exp.h"
#include "test/server/exp/exp_command.h"
#include "test/server/response.h"

namespace {

using namespace aero::testserver;

Record sample_record() {
  Record r;
  r.generation = 3;
  r.void_time = 1000;
  r.last_update_ms = 500000;
  r.set = "demo";
  r.key = std::string("\x01\0\0\0\0\0\0\0\x07", 9);
  auto add = [&](const char* name, uint8_t type, std::string value) {
    r.bins.push_back(Bin{name, type, std::move(value)});
  };
  add("i", 1, std::string("\0\0\0\0\0\0\0\x2a", 8));
  add("f", 2, std::string("\x40\x04\0\0\0\0\0\0", 8));
  add("s", 3, "hello");
  add("b", 4, std::string("\x01\x02", 2));
  add("t", 17, std::string("\x01", 1));
  add("l", 20, std::string("\x92\x01\xa2\x03x", 5));
  add("m", 19, std::string("\x81\x01\x02", 3));
  add("g", 23, std::string("\0\0\0", 3) + R"({"type":"Point","coordinates":[1,2]})");
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Record record = sample_record();
  static const uint8_t digest[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  uint8_t result = 0;
  if (auto e = exp::Expression::build(data, size, &result)) {
    (void)e->evaluate(exp::Context{&record, digest, 2000});
    (void)e->matches(exp::Context{&record, digest, 2000});
  }
  // The same bytes as an expression op's value ([exp, flags] or anything else).
  OpView op;
  op.type = 8;
  op.name = "w";
  op.value = data;
  op.value_size = static_cast<uint32_t>(size);
  Record copy = record;
  (void)exp::write_op(op, copy, digest, 2000);
  std::vector<uint8_t> out;
  ResponseWriter w(out);
  w.begin_frame(3);
  w.begin_message(MsgHeader{});
  op.type = 7;
  (void)exp::read_op(op, record, digest, 2000, w);
  w.end_message();
  w.end_frame();
  return 0;
}
