// Client::aggregate_values: the server phase of a stream aggregation (client/aggregate.h runs
// the whole aggregation). The query is a ScanJob in aggregate mode (UDF op 1, every node,
// no partition list, as the C client's aerospike_query_foreach sends it); each node answers
// the values of its stream as one-bin SUCCESS records. No Lua here: the core client does
// not link it.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/command/scan_command.h"
#include "client/wire/udf.h"

namespace aero {

void Client::aggregate_values(std::string_view ns, std::string_view set,
                              std::optional<Filter> where, std::string_view package,
                              std::string_view function, ListRef<Value> args,
                              const QueryPolicy& policy,
                              UniqueFunction<void(Result<std::vector<Value>>)> cb,
                              io::Loop* loop) {
  auto job = std::make_shared<command::ScanJob>();
  job->ns = std::string(ns);
  job->set = std::string(set);
  job->policy = policy;
  job->policy.max_records = 0;  // a page of an aggregation has no meaning
  job->is_query = true;
  job->filter = std::move(where);
  job->aggregate = true;
  job->read_attrs.read_mode_ap =
      policy.read_mode_ap == ReadModeAP::all ? wire::ReadModeAP::kAll : wire::ReadModeAP::kOne;
  job->read_attrs.read_mode_sc = static_cast<wire::ReadModeSC>(static_cast<int>(policy.read_mode_sc));
  job->read_attrs.filter_exp = policy.filter_exp.shared();
  auto udf = std::make_shared<wire::BatchUdf>();
  udf->module.assign(package);
  udf->function.assign(function);
  wire::encode_udf_args(args.span(), udf->args);
  job->udf = std::move(udf);
  // The record callback and on_done run one at a time on the completion executor (a strand
  // per stream), on_done after the last record: the vector needs no lock.
  auto values = std::make_shared<std::vector<Value>>();
  job->on_record = [values](ScanRecord& r) {
    for (Bin& b : r.record.bins) {
      if (b.name == "SUCCESS") {
        values->push_back(std::move(b.value));
        break;
      }
    }
    return true;
  };
  job->on_done = [values, cb = std::move(cb)](ScanSummary s) mutable {
    if (!cb) return;
    if (s.end == StreamEnd::complete) {
      cb(std::move(*values));
    } else if (s.end == StreamEnd::failed) {
      cb(std::move(s.status));
    } else {
      cb(Status(ClientCode::client_error, "the aggregation was aborted"));
    }
  };
  if (package.empty() || package.size() > 127 || function.empty() || function.size() > 127) {
    job->invalid = "UDF module and function names must be 1 to 127 bytes";
  }
  submit_stream(std::move(job), PartitionFilter::all(), {}, loop);
}

}  // namespace aero
