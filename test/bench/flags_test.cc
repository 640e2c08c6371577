// aerobench's flags: defaults, every flag's parsing, asbench spellings, and a clear error
// (never a run) for each kind of bad input.
#include "bench/tool/flags.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace aero::bench {
namespace {

ParseOutcome parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"aerobench"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_flags(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::initializer_list<const char*> args) {
  ParseOutcome r = parse(args);
  EXPECT_EQ(r.what, ParseOutcome::What::error);
  return r.error;
}

TEST(Flags, Defaults) {
  ParseOutcome r = parse({});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  const Options& o = r.options;
  EXPECT_TRUE(o.embedded());
  EXPECT_EQ(o.nodes, 3);
  EXPECT_EQ(o.ns, "test");
  EXPECT_EQ(o.set, "testset");
  EXPECT_EQ(o.keys, 100000);
  EXPECT_EQ(object_spec_string(o.object), "I4");
  EXPECT_EQ(o.workload.kind, Workload::Kind::read_update);
  EXPECT_EQ(o.workload.read_percent, 50);
  EXPECT_EQ(o.duration_s, 10);
  EXPECT_EQ(o.in_flight, 100);
  EXPECT_EQ(o.loops, 1);
  EXPECT_FALSE(o.open_loop());
  EXPECT_EQ(o.executor, ExecutorKind::serial);
  EXPECT_EQ(o.prefill, Prefill::automatic);
  EXPECT_FALSE(o.io_uring);
}

TEST(Flags, IoBackend) {
  ParseOutcome r = parse({"--io", "uring"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_TRUE(r.options.io_uring);
  r = parse({"--io", "uring", "--io", "epoll"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_FALSE(r.options.io_uring);
  EXPECT_NE(error_of({"--io", "kqueue"}).find("epoll or uring"), std::string::npos);
}

TEST(Flags, EveryFlag) {
  ParseOutcome r = parse({"--hosts", "10.0.0.1:3100,db2", "-p", "4000", "-n", "bar", "-s", "s1",
                          "--bin", "b", "-k", "500", "-K", "7", "-o", "I2,S100,B64,D", "--random",
                          "-w", "RU,80", "--batch-size", "10", "--prefill", "yes", "-t", "2.5",
                          "--loops", "4", "--in-flight", "64", "--rate", "1000", "--executor",
                          "tbb", "--tbb-threads", "3", "--timeout", "250", "--max-conns", "32",
                          "--json", "r.json", "--hgrm", "lat", "--plot", "p.svg", "-q", "--seed", "9"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  const Options& o = r.options;
  ASSERT_EQ(o.hosts.size(), 2u);
  EXPECT_EQ(o.hosts[0].name, "10.0.0.1");
  EXPECT_EQ(o.hosts[0].port, 3100);
  EXPECT_EQ(o.hosts[1].name, "db2");
  EXPECT_EQ(o.hosts[1].port, 4000);  // --port applies to hosts without one, wherever it comes
  EXPECT_EQ(o.ns, "bar");
  EXPECT_EQ(o.set, "s1");
  EXPECT_EQ(o.bin, "b");
  EXPECT_EQ(o.keys, 500);
  EXPECT_EQ(o.start_key, 7);
  EXPECT_EQ(object_spec_string(o.object), "I2,S100,B64,D");
  EXPECT_TRUE(o.random_values);
  EXPECT_EQ(o.workload.read_percent, 80);
  EXPECT_EQ(o.workload.batch_size, 10);
  EXPECT_EQ(o.prefill, Prefill::yes);
  EXPECT_DOUBLE_EQ(o.duration_s, 2.5);
  EXPECT_EQ(o.loops, 4);
  EXPECT_EQ(o.in_flight, 64);
  EXPECT_TRUE(o.open_loop());
  EXPECT_DOUBLE_EQ(o.rate, 1000);
  EXPECT_EQ(o.executor, ExecutorKind::tbb);
  EXPECT_EQ(o.tbb_threads, 3);
  EXPECT_EQ(o.timeout_ms, 250);
  EXPECT_EQ(o.max_conns_per_node, 32);
  EXPECT_EQ(o.json_path, "r.json");
  EXPECT_EQ(o.hgrm_prefix, "lat");
  EXPECT_EQ(o.plot_path, "p.svg");
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.seed, 9u);
}

TEST(Flags, AsbenchSpellingsAndInlineValues) {
  ParseOutcome r = parse({"--object-spec=S10", "--async-max-commands=8", "--event-loops", "2",
                          "--throughput", "500", "--workload=RMW", "--duration=500ms"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_EQ(object_spec_string(r.options.object), "S10");
  EXPECT_EQ(r.options.in_flight, 8);
  EXPECT_EQ(r.options.loops, 2);
  EXPECT_DOUBLE_EQ(r.options.rate, 500);
  EXPECT_EQ(r.options.workload.kind, Workload::Kind::read_modify_write);
  EXPECT_DOUBLE_EQ(r.options.duration_s, 0.5);
}

TEST(Flags, Workloads) {
  Workload w;
  std::string err;
  ASSERT_TRUE(parse_workload("I", &w, &err));
  EXPECT_EQ(w.kind, Workload::Kind::insert);
  ASSERT_TRUE(parse_workload("ru,0", &w, &err));
  EXPECT_EQ(w.read_percent, 0);
  ASSERT_TRUE(parse_workload("RU", &w, &err));
  EXPECT_EQ(w.read_percent, 50);
  ASSERT_TRUE(parse_workload("BR,100", &w, &err));
  EXPECT_EQ(w.kind, Workload::Kind::batch_read);
  EXPECT_EQ(w.batch_size, 100);
  EXPECT_EQ(workload_string(w), "BR,100");
  ASSERT_TRUE(parse_workload("scan", &w, &err));
  EXPECT_EQ(w.kind, Workload::Kind::scan);
  EXPECT_TRUE(is_stream(w));
  ASSERT_TRUE(parse_workload("QUERY", &w, &err));
  EXPECT_EQ(workload_string(w), "QUERY");
  EXPECT_TRUE(is_stream(w));
  EXPECT_FALSE(is_stream(Workload{}));
  // Insert ends by itself: no default duration.
  ParseOutcome r = parse({"-w", "I"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_EQ(r.options.duration_s, 0);
  // --ops without -t: no time limit.
  r = parse({"--ops", "1000"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_EQ(r.options.duration_s, 0);
  EXPECT_EQ(r.options.ops, 1000);
}

TEST(Flags, ObjectSpecs) {
  std::vector<BinSpec> spec;
  std::string err;
  ASSERT_TRUE(parse_object_spec("I", &spec, &err));
  EXPECT_EQ(spec[0].size, 4);
  ASSERT_TRUE(parse_object_spec("I8, S:20 ,B1", &spec, &err));
  EXPECT_EQ(object_spec_string(spec), "I8,S20,B1");
  EXPECT_FALSE(parse_object_spec("I9", &spec, &err));
  EXPECT_NE(err.find("I1..I8"), std::string::npos) << err;
  EXPECT_FALSE(parse_object_spec("S", &spec, &err));
  EXPECT_NE(err.find("string"), std::string::npos) << err;
  EXPECT_FALSE(parse_object_spec("B0", &spec, &err));
  EXPECT_FALSE(parse_object_spec("S100,", &spec, &err));
  EXPECT_NE(err.find("empty bin"), std::string::npos) << err;
  EXPECT_FALSE(parse_object_spec("[3*I2]", &spec, &err));
  EXPECT_NE(err.find("not supported"), std::string::npos) << err;
  EXPECT_FALSE(parse_object_spec("X", &spec, &err));
  EXPECT_NE(err.find("unknown bin type"), std::string::npos) << err;
  EXPECT_FALSE(parse_object_spec("", &spec, &err));
}

TEST(Flags, BinMakerHonoursTheSpec) {
  std::vector<BinSpec> spec;
  std::string err;
  ASSERT_TRUE(parse_object_spec("I1,I2,I8,D,S100,B7", &spec, &err));
  BinMaker maker(spec, "bin");
  Rng rng(3);
  for (int round = 0; round < 100; ++round) {
    const std::vector<Bin> bins = maker.make(rng);
    ASSERT_EQ(bins.size(), 6u);
    EXPECT_EQ(bins[0].name, "bin");
    EXPECT_EQ(bins[5].name, "bin_6");
    ASSERT_NE(bins[0].value.as_int(), nullptr);
    EXPECT_GE(*bins[0].value.as_int(), 0);
    EXPECT_LE(*bins[0].value.as_int(), 255);
    EXPECT_GE(*bins[1].value.as_int(), 256);
    EXPECT_LE(*bins[1].value.as_int(), 65535);
    ASSERT_NE(bins[3].value.as_double(), nullptr);
    ASSERT_NE(bins[4].value.as_string(), nullptr);
    EXPECT_EQ(bins[4].value.as_string()->size(), 100u);
    ASSERT_NE(bins[5].value.as_bytes(), nullptr);
    EXPECT_EQ(bins[5].value.as_bytes()->data.size(), 7u);
  }
  // The fixed record is the same for the same inputs (what bench/limit relies on).
  EXPECT_EQ(fixed_bins(spec, "bin", 5), fixed_bins(spec, "bin", 5));
  EXPECT_NE(fixed_bins(spec, "bin", 5), fixed_bins(spec, "bin", 6));
}

TEST(Flags, Hosts) {
  std::vector<Host> hosts;
  std::string err;
  ASSERT_TRUE(parse_hosts("[::1]:3100,[fe80::1],a.example:1", 3000, &hosts, &err)) << err;
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0].name, "::1");
  EXPECT_EQ(hosts[0].port, 3100);
  EXPECT_EQ(hosts[1].name, "fe80::1");
  EXPECT_EQ(hosts[1].port, 3000);
  EXPECT_EQ(hosts[2].port, 1);
  EXPECT_FALSE(parse_hosts("::1", 3000, &hosts, &err));
  EXPECT_NE(err.find("brackets"), std::string::npos) << err;
  EXPECT_FALSE(parse_hosts("h:0", 3000, &hosts, &err));
  EXPECT_FALSE(parse_hosts("h:70000", 3000, &hosts, &err));
  EXPECT_FALSE(parse_hosts("h:", 3000, &hosts, &err));
  EXPECT_FALSE(parse_hosts("a,,b", 3000, &hosts, &err));
  EXPECT_FALSE(parse_hosts("[::1", 3000, &hosts, &err));
  // A seed's TLS name, as the official clients write it.
  ASSERT_TRUE(parse_hosts("10.0.0.1:node.example:4333,b", 3000, &hosts, &err)) << err;
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].name, "10.0.0.1");
  EXPECT_EQ(hosts[0].tls_name, "node.example");
  EXPECT_EQ(hosts[0].port, 4333);
  EXPECT_EQ(hosts[1].tls_name, "");
  EXPECT_FALSE(parse_hosts("a:name:", 3000, &hosts, &err));
  EXPECT_FALSE(parse_hosts("a:name:x", 3000, &hosts, &err));
}

TEST(Flags, Tls) {
  const char* argv[] = {"aerobench", "--hosts", "h:n.example:4333", "--tls-enable",
                        "--tls-cafile", "/ca.pem", "--tls-certfile=/c.pem", "--tls-keyfile", "/k.pem",
                        "--tls-protocols", "TLSv1.3", "--tls-crl-check"};
  ParseOutcome r = parse_flags(static_cast<int>(std::size(argv)), argv);
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_TRUE(r.options.tls.enabled);
  EXPECT_EQ(r.options.tls.ca_file, "/ca.pem");
  EXPECT_EQ(r.options.tls.cert_file, "/c.pem");
  EXPECT_EQ(r.options.tls.key_file, "/k.pem");
  EXPECT_EQ(r.options.tls.min_protocol, "TLSv1.3");
  EXPECT_TRUE(r.options.tls.crl_check);
  EXPECT_EQ(r.options.hosts.at(0).tls_name, "n.example");
  EXPECT_NE(error_of({"--tls-enable"}).find("needs --hosts"), std::string::npos);
  EXPECT_NE(error_of({"--hosts", "h", "--tls-protocols", "SSLv3"}).find("TLSv1.2"), std::string::npos);
  EXPECT_NE(error_of({"--hosts", "h", "--tls-bogus", "x"}).find("unknown flag"), std::string::npos);
  EXPECT_NE(error_of({"--hosts", "h", "--tls-enable=yes"}).find("takes no value"), std::string::npos);
}

TEST(Flags, ClearErrors) {
  EXPECT_NE(error_of({"-w", "XY"}).find("unknown workload 'XY'"), std::string::npos);
  EXPECT_NE(error_of({"-w", "RU,101"}).find("read percentage"), std::string::npos);
  EXPECT_NE(error_of({"-w", "BR"}).find("batch size"), std::string::npos);
  EXPECT_NE(error_of({"-w", "I,5"}).find("no argument"), std::string::npos);
  EXPECT_NE(error_of({"-o", "Q5"}).find("unknown bin type"), std::string::npos);
  EXPECT_NE(error_of({"--frobnicate"}).find("unknown flag '--frobnicate'"), std::string::npos);
  EXPECT_NE(error_of({"--keys"}).find("missing value for --keys"), std::string::npos);
  EXPECT_NE(error_of({"--keys", "0"}).find("--keys"), std::string::npos);
  EXPECT_NE(error_of({"--keys", "12x"}).find("'12x'"), std::string::npos);
  EXPECT_NE(error_of({"--in-flight", "-1"}).find("--in-flight"), std::string::npos);
  EXPECT_NE(error_of({"--rate", "fast"}).find("--rate"), std::string::npos);
  EXPECT_NE(error_of({"--executor", "gpu"}).find("serial or tbb"), std::string::npos);
  EXPECT_NE(error_of({"--nodes", "9"}).find("1..8"), std::string::npos);
  EXPECT_NE(error_of({"--hosts", "h:99999"}).find("--hosts"), std::string::npos);
  EXPECT_NE(error_of({"--duration", "0"}).find("no end"), std::string::npos);
  EXPECT_NE(error_of({"-w", "RMW", "--batch-size", "5"}).find("--batch-size"), std::string::npos);
  EXPECT_NE(error_of({"-k", "5", "-w", "BR,10"}).find("larger than the key space"), std::string::npos);
  EXPECT_NE(error_of({"-n", "a-namespace-name-longer-than-31-bytes"}).find("1..31"), std::string::npos);
  EXPECT_NE(error_of({"--quiet=yes"}).find("no value"), std::string::npos);
  EXPECT_NE(error_of({"-w", "SCAN,3"}).find("no argument"), std::string::npos);
  EXPECT_NE(error_of({"-w", "SCAN", "--rate", "100"}).find("--rate"), std::string::npos);
  EXPECT_NE(error_of({"-w", "QUERY", "--plot", "x.svg"}).find("--plot"), std::string::npos);
  EXPECT_NE(error_of({"-w", "QUERY", "-o", "S10"}).find("must start with I"), std::string::npos);
}

TEST(Flags, ResilienceKnobs) {
  ParseOutcome r = parse({"--socket-timeout", "50", "--retries", "3", "--sleep-between-retries", "5",
                          "--backoff", "2", "--max-sleep", "40", "--jitter", "--timeout-delay", "500",
                          "--max-error-rate", "20", "--error-rate-window", "3"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  const Options& o = r.options;
  EXPECT_EQ(o.socket_timeout_ms, 50);
  EXPECT_EQ(o.max_retries, 3);
  EXPECT_EQ(o.sleep_between_retries_ms, 5);
  EXPECT_EQ(o.sleep_multiplier, 2.0);
  EXPECT_EQ(o.max_sleep_ms, 40);
  EXPECT_TRUE(o.retry_jitter);
  EXPECT_EQ(o.timeout_delay_ms, 500);
  EXPECT_EQ(o.max_error_rate, 20);
  EXPECT_EQ(o.error_rate_window, 3);
  const Options d = parse({}).options;
  EXPECT_EQ(d.max_retries, -1);  // the client's default
  EXPECT_EQ(d.timeout_delay_ms, 0);
  EXPECT_NE(error_of({"--backoff", "0.5"}).find("--backoff"), std::string::npos);
  EXPECT_NE(error_of({"--error-rate-window", "0"}).find("--error-rate-window"), std::string::npos);
  EXPECT_NE(help_text().find("--timeout-delay"), std::string::npos);
}

TEST(Flags, AddressFlowControlAndFaultKnobs) {
  ParseOutcome r = parse({"--services-alternate", "--max-commands-in-process", "32",
                          "--max-commands-in-queue", "128", "--server-delay", "60"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_TRUE(r.options.services_alternate);
  EXPECT_EQ(r.options.max_commands_in_process, 32);
  EXPECT_EQ(r.options.max_commands_in_queue, 128);
  EXPECT_EQ(r.options.server_delay_ms, 60);
  const Options d = parse({}).options;
  EXPECT_FALSE(d.services_alternate);
  EXPECT_EQ(d.max_commands_in_process, 0);
  EXPECT_EQ(d.server_delay_ms, 0);
  EXPECT_NE(error_of({"--max-commands-in-queue", "-1"}).find("--max-commands-in-queue"), std::string::npos);
  EXPECT_NE(help_text().find("--server-delay"), std::string::npos);
}

TEST(Flags, HelpNamesBothLoadModels) {
  EXPECT_EQ(parse({"--help"}).what, ParseOutcome::What::help);
  const std::string h = help_text();
  EXPECT_NE(h.find("closed loop"), std::string::npos);
  EXPECT_NE(h.find("open loop (--rate R)"), std::string::npos);
  EXPECT_NE(h.find("intended start"), std::string::npos);
  EXPECT_NE(h.find("coordinated omission"), std::string::npos);
}

TEST(Flags, SecurityFlagsAsAsbench) {
  ParseOutcome r = parse({"-U", "app", "-P", "secret", "--auth", "EXTERNAL_INSECURE"});
  ASSERT_EQ(r.what, ParseOutcome::What::run) << r.error;
  EXPECT_EQ(r.options.user, "app");
  EXPECT_EQ(r.options.password, "secret");
  EXPECT_EQ(r.options.auth_mode, AuthMode::external_insecure);
  ParseOutcome l = parse({"--user", "u", "--password", "p"});
  ASSERT_EQ(l.what, ParseOutcome::What::run) << l.error;
  EXPECT_EQ(l.options.auth_mode, AuthMode::internal);
  EXPECT_TRUE(parse({}).options.user.empty());
  EXPECT_NE(error_of({"--auth", "LDAP"}).find("--auth"), std::string::npos);
  EXPECT_NE(help_text().find("--password"), std::string::npos);
}

}  // namespace
}  // namespace aero::bench
