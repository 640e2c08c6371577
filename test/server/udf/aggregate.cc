#include "test/server/udf/aggregate.h"

#include "test/server/udf/runtime.h"
#include "test/server/wire.h"

namespace aero::testserver::udf {

bool Aggregation::requested(const MessageView& m) {
  const FieldView& op = m.field(wire::field::kUdfOp);
  return op.present && op.size == 1 && op.data[0] == 1;
}

std::unique_ptr<Aggregation> Aggregation::parse(const MessageView& m, UdfRegistry& registry,
                                                uint8_t* result) {
  const FieldView& package = m.field(wire::field::kUdfPackage);
  const FieldView& function = m.field(wire::field::kUdfFunction);
  const FieldView& args = m.field(wire::field::kUdfArgs);
  if (!package.present || !function.present || package.size == 0 || function.size == 0 ||
      (m.info2 & wire::info2::kWrite) != 0) {
    *result = wire::result::kParameter;
    return nullptr;
  }
  std::unique_ptr<Aggregation> a(new Aggregation());
  a->registry_ = &registry;
  a->package_.assign(package.str());
  a->function_.assign(function.str());
  if (args.present) a->args_.assign(args.str());
  return a;
}

bool Aggregation::emit(ResponseWriter& w, const uint8_t* digest, const Record& r, uint32_t now) {
  UdfRecordState st;
  st.work = r;  // the script's writes (if any) are dropped: aggregations only read
  st.exists = true;
  st.digest = digest;
  st.now = now;
  const StreamOutcome out = run_stream_udf(*registry_, package_, function_, args_, st);
  if (out.result != 0) {
    result_ = out.result == wire::result::kParameter ? out.result : uint8_t(100);
    return false;
  }
  for (const auto& [particle, bytes] : out.values) {
    if (w.frame_bytes() > wire::kProtoHeaderSize) {  // one value per frame, as the server
      w.end_frame();
      w.begin_frame(wire::kTypeMessage);
    }
    MsgHeader h;
    w.begin_message(h);
    w.add_op(wire::op::kRead, particle, "SUCCESS", bytes.data(), bytes.size());
    w.end_message();
  }
  return true;
}

}  // namespace aero::testserver::udf
