// Job info commands: query-show (every job, or one by `id=` (8.1) / `trid=` (older)),
// query-abort and query-abort-all. Scans and queries are both listed (scan-show is gone in
// 8.1: ERROR:4:unrecognized command). Answer shapes follow the captured query-show
// (test/captures/operations/info_commands.json) and aerospike-server as/src/base/monitor.c.
#include <charconv>
#include <string>

#include "test/server/info.h"
#include "test/server/jobs.h"

namespace aero::testserver {

namespace {

// The task id of `id=` or `trid=`; false if absent or not a decimal uint64.
bool task_id(std::string_view args, uint64_t* out) {
  const InfoParams p = parse_info_params(args);
  const std::string v = info_param(p, {"id", "trid"});
  if (v.empty()) return false;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), *out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

std::string query_show(const InfoContext& ctx, const InfoRequest& req) {
  JobTable& jobs = ctx.cluster.jobs(size_t(ctx.node));
  if (!req.args.empty()) {
    uint64_t trid = 0;
    if (!task_id(req.args, &trid)) return "ERROR:4:bad id";
    const auto job = jobs.find(trid);
    if (!job) return "ERROR:2:job not found";
    return job_info_string(*job);
  }
  std::string out;
  for (const auto& job : jobs.list()) {
    if (!out.empty()) out += ';';
    out += job_info_string(*job);
  }
  return out;
}

std::string query_abort(const InfoContext& ctx, const InfoRequest& req) {
  uint64_t trid = 0;
  if (!task_id(req.args, &trid)) return "ERROR:4:bad id";
  if (!ctx.cluster.jobs(size_t(ctx.node)).abort(trid)) return "ERROR:2:job not active";
  return "OK";
}

std::string query_abort_all(const InfoContext& ctx, const InfoRequest&) {
  const size_t n = ctx.cluster.jobs(size_t(ctx.node)).abort_all();
  return "OK - number of queries killed: " + std::to_string(n);
}

constexpr InfoCommand kCommands[] = {
    {"query-show", query_show},
    {"query-abort", query_abort},
    {"query-abort-all", query_abort_all},
};

}  // namespace

std::span<const InfoCommand> job_info_commands() { return kCommands; }

}  // namespace aero::testserver
