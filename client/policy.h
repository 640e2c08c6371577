// Policies: per-command behaviour (timeouts, retries, replica choice, write semantics) and
// the client's configuration. Defaults follow the official C client (protocol reference
// §10) unless a comment says otherwise.
//
// Threads: plain values. A ClientConfig is read once at Client construction; per-command
// policies are copied into the command when it is submitted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "client/exp/expression.h"
#include "client/log.h"

namespace aero::metrics {
struct MetricsSnapshot;  // client/metrics/metrics.h
}  // namespace aero::metrics

namespace aero {

class Executor;
namespace io {
class Loop;
enum class LoopKind : std::uint8_t;  // io/loop.h
}

// The duration type of every timeout, interval and sleep in the policies (milliseconds).
using Millis = std::chrono::milliseconds;

// Which replica a command goes to (C: as_policy_replica).
enum class Replica : std::uint8_t {
  master,       // always the partition's master
  any,          // like sequence, with a starting replica that rotates per command
  sequence,     // master first; each retry moves to the next replica (default)
  prefer_rack,  // a replica on ClientConfig::rack_id first, then the others
  random,       // rotating start for reads and writes
};

// Read consistency for AP namespaces: one replica, or all (duplicate resolution).
enum class ReadModeAP : std::uint8_t { one, all };
// Read consistency for SC namespaces.
enum class ReadModeSC : std::uint8_t { session, linearize, allow_replica, allow_unavailable };

// What a write does depending on whether the record exists (C: as_policy_exists).
enum class ExistsAction : std::uint8_t {
  upsert,             // create or update (default; C: AS_POLICY_EXISTS_IGNORE)
  create_only,        // fail with 5 if the record exists
  update_only,        // fail with 2 if it does not exist; merge bins
  replace,            // create or replace all bins (C: CREATE_OR_REPLACE)
  replace_only,       // fail with 2 if it does not exist; replace all bins
};

// Optimistic concurrency for writes: whether the server checks the record's generation
// (its write count) against WritePolicy::generation first; a failed check is result 3
// (generation error) and nothing is written (C: as_policy_gen).
enum class GenerationPolicy : std::uint8_t {
  none,            // no check (default)
  expect_equal,    // write only if the stored generation equals Write/OperatePolicy::generation
  expect_greater,  // write only if the given generation is greater than the stored one
};

// Record TTL values with special meaning (seconds otherwise).
namespace ttl {
// 0: the namespace's (or set's) default-ttl applies.
inline constexpr std::uint32_t namespace_default = 0;
// -1 on the wire: the record never expires.
inline constexpr std::uint32_t never_expire = 0xFFFFFFFF;
// -2 on the wire: an update leaves the record's TTL as it is.
inline constexpr std::uint32_t dont_update = 0xFFFFFFFE;
}  // namespace ttl

// What every command takes: timeouts, retries, replica choice, read consistency, filter and
// cancellation. The base of the per-command policies (ReadPolicy, WritePolicy, ...).
struct Policy {
  // Deadline for the whole command, retries and queueing included; 0 = none. Checked
  // before every attempt and at every socket read, not only between attempts.
  Millis total_timeout{1000};
  // Longest wait for progress within one attempt (connecting, sending, then each proto
  // header and each frame of the answer); 0 or >= total means total.
  Millis socket_timeout{30000};
  // Attempts after the first one (on connection errors and client timeouts).
  int max_retries = 2;
  // Sleep before the first retry; 0 (default): retry at once. Grows per the backoff below.
  Millis sleep_between_retries{0};
  // Backoff: the sleep before retry k (k = 1, 2, ...) is sleep_between_retries *
  // sleep_multiplier^(k-1), capped at max_sleep_between_retries (0: no cap); with
  // retry_jitter, a uniformly random duration between half of it and all of it. A retry
  // whose sleep would reach the total deadline is not made.
  double sleep_multiplier = 1.0;
  Millis max_sleep_between_retries{0};  // cap of the backoff sleep; 0 (default): none
  bool retry_jitter = false;  // randomize each sleep between half and all of it (default off)
  // After a socket or total timeout while the answer is on its way, keep reading the
  // connection in the background for up to this long: a late answer is read and thrown
  // away and the connection goes back to the pool, instead of being closed (C:
  // timeout_delay). The command still completes with its timeout at once. 0: close at once
  // (default). Single-record commands only; batch, scan and query connections are closed.
  Millis timeout_delay{0};
  // Which node a command goes to, and where its retries move (default: sequence). Scans and
  // queries use only master (as given) or sequence (anything else).
  Replica replica = Replica::sequence;
  // AP namespaces: `all` sets info1 READ_MODE_AP_ALL (the server duplicate-resolves across
  // replicas on read); `one` (default) does not. Reads only.
  ReadModeAP read_mode_ap = ReadModeAP::one;
  // SC namespaces: sent as info3 SC_READ_TYPE / SC_READ_RELAX (default session). Reads only.
  ReadModeSC read_mode_sc = ReadModeSC::session;
  // Store the user key with the record (writes), or send it for checking (reads).
  bool send_key = false;
  // Filter expression (exp::filter(...), see client/exp/exp.h): the command applies only to
  // a record that matches; a single-record command on one that does not fails with 27
  // (filtered out), a batch row answers 27, a scan or query skips it. Empty: no filter.
  exp::Filter filter_exp;
  // Cancellation: a token of a std::stop_source the caller keeps. request_stop() on it, from
  // any thread, cancels every command submitted with the token: one not yet sent (waiting
  // for its loop, in the delay queue or for a connection) never goes out; one in flight
  // completes at once with ClientCode::cancelled and its connection is closed (or drained,
  // with timeout_delay); a scan or query stops reading. A command that already completed is
  // not affected: each command still has exactly one outcome, whichever came first. Empty
  // (the default): not cancellable, and nothing is spent on it.
  std::stop_token cancel;
};

// Policy of single-record reads (get, get_view, get_header, exists); operate takes a
// WritePolicy, for its reads too.
struct ReadPolicy : Policy {
  // Reset the record's TTL on read when within this percentage of its write TTL
  // (0 = server default, -1 = never, 1..100).
  int read_touch_ttl_percent = 0;
};

// Policy of single-record writes (put, remove, touch, operate, apply) and background_udf.
// Unlike the others its max_retries defaults to 0.
struct WritePolicy : Policy {
  WritePolicy() { max_retries = 0; }  // writes are not retried by default (C client)
  // What the write does depending on whether the record exists (default upsert); sent as
  // the info2/info3 existence bits of every write command.
  ExistsAction exists = ExistsAction::upsert;
  GenerationPolicy generation_policy = GenerationPolicy::none;  // default: no check
  // The generation generation_policy compares with (ignored with GenerationPolicy::none).
  std::uint16_t generation = 0;
  // Record TTL in seconds set by the write, or a ttl:: value (default: namespace default).
  std::uint32_t ttl = ttl::namespace_default;
  // Leave a tombstone on delete (Enterprise servers; a test server may ignore it).
  bool durable_delete = false;
};

// Policy of batch reads (Client::batch_get), whose keys are sent as one request per node.
struct BatchPolicy : Policy {
  // Keep going on per-row errors and report each (C: respond_all_keys, default true).
  bool respond_all_keys = true;
  // Let the server process in-memory rows on the receiving thread (C: allow_inline).
  bool allow_inline = true;
};

// Policy of Client::batch_operate and Client::batch_apply; max_retries defaults to 0, as for
// single writes.
struct BatchWritePolicy : BatchPolicy {
  BatchWritePolicy() { max_retries = 0; }
};

// Flow control per loop (C: as_policy_event).
struct FlowControl {
  // Commands executing at once on one loop (each holds a connection); 0 = unlimited.
  int max_commands_in_process = 0;
  // Commands waiting behind them; 0 = unlimited. When full, a command fails at once with
  // ClientCode::queue_full. Memory stays bounded only when both limits are set.
  int max_commands_in_queue = 0;
};

// How the client logs in to a cluster with security enabled (C: as_auth_mode).
enum class AuthMode : std::uint8_t {
  internal,           // user and password checked by the server (bcrypt credential sent)
  external,           // LDAP: the clear password is sent too, so TLS is required
  external_insecure,  // external over plain TCP (the password travels in clear; tests only)
  pki,                // the TLS client certificate is the identity: no user, no password
};

// A seed node's address.
struct Host {
  std::string name;  // numeric IPv4/IPv6 address or a host name
  std::uint16_t port = 3000;  // service port (with TLS, the node's TLS port)
  // With TLS: the name the node's certificate must carry (the `host:tls-name:port` of the
  // official clients). Empty: the certificate must name the address itself (SAN IP).
  std::string tls_name{};
};

// TLS for every connection (commands and tending), as the official clients configure it
// (C client: as_config_tls). Nodes are then reached on their TLS ports: seeds name them,
// peers are found through peers-tls-std (or -alt). Off by default; when off nothing of it
// is on any path. Needs OpenSSL: on a build without it (Windows), connect() refuses it.
struct TlsConfig {
  bool enabled = false;  // TLS on every connection; false (default): plain TCP
  // Trusted CAs: a PEM file and/or a hashed folder (c_rehash). Both empty: the system's.
  std::string ca_file{};
  std::string ca_path{};  // folder of CA certificates named by hash (c_rehash)
  // Client certificate (chain) and key, PEM, for mutual TLS (both or neither).
  std::string cert_file{};
  std::string key_file{};  // private key of cert_file, PEM
  // Lowest protocol accepted: "TLSv1.2" (default) or "TLSv1.3".
  std::string min_protocol = "TLSv1.2";
  // OpenSSL cipher list for TLS 1.2 (empty: OpenSSL's default); TLS 1.3 suites are OpenSSL's.
  std::string cipher_suite{};
  // Certificate blacklist: a file of serial numbers (hex, one per line, optionally followed
  // by an issuer name; '#' starts a comment). A server certificate listed there is refused.
  std::string cert_blacklist{};
  // Check CRLs (found in ca_file / ca_path) for the server's certificate (crl_check_all: for
  // its whole chain).
  bool crl_check = false;
  bool crl_check_all = false;  // check CRLs for every certificate of the chain
};

// Everything Client::connect needs: seeds, loops, pools, tending, security, TLS, logging
// and the default policies. Read once by Client::connect; bad values fail connect with
// ClientCode::invalid_argument.
struct ClientConfig {
  // Nodes to discover the cluster from (at least one); the others are found through peers.
  std::vector<Host> seeds;
  // If set, nodes reporting another cluster name are rejected.
  std::string cluster_name;

  // Loops: the client creates `loops` loop threads, unless `user_loops` is given (loops the
  // caller runs and keeps alive longer than the client).
  int loops = 1;
  std::vector<io::Loop*> user_loops;  // non-empty: use these loops and ignore `loops`
  // The backend of the loops the client creates (io::LoopKind, io/loop.h); {} is automatic:
  // epoll on Linux, or what AERO_IO_BACKEND names. io_uring falls back to epoll where the
  // kernel refuses it.
  io::LoopKind io_backend{};

  // Where completions run: nullptr = the serial executor of the command's loop (callbacks
  // for one loop never overlap); otherwise any executor, e.g. a TbbExecutor.
  Executor* completion_executor = nullptr;

  // Connections per node, split over the loops (remainder to the first loops).
  int async_max_conns_per_node = 100;
  // Connections per node kept open even when idle (split over the loops as above): each tend
  // opens what is missing, and idle trimming never goes below it. Default 0.
  int async_min_conns_per_node = 0;
  // Pooled connections idle longer than this are closed (checked when taken and trimmed
  // at every tend); keep it a few seconds below the server's proto-fd-idle-ms.
  Millis max_socket_idle{55000};

  FlowControl flow_control;  // per-loop limits on commands in process and queued

  // Pause between tends (node, peers and partition map refresh); also the default wait
  // between the rounds of a scan or query retrying unfinished partitions.
  Millis tend_interval{1000};
  // Timeout for connecting and for each tend info exchange.
  Millis conn_timeout{1000};
  // A node failing this many tends in a row while no other node answers is removed.
  int max_tend_failures = 5;
  // Circuit breaker per node: once a node has had more than `max_error_rate` errors in the
  // current window of `error_rate_window` tends, commands routed to it fail at once with
  // ClientCode::max_error_rate, naming the node and the count, until the window ends (a
  // command with retries left tries the next replica instead). Counted: errors that close a
  // connection (socket errors, client timeouts), server timeouts and device overload (18).
  // 0: no limit. Defaults as the official clients.
  int max_error_rate = 100;
  int error_rate_window = 1;  // window length in tends (>= 1)
  // Fail Client::connect when no seed answers (otherwise keep tending in the background).
  bool fail_if_not_connected = true;
  // Take node addresses from the servers' alternate access addresses (peers-clear-alt),
  // for clients outside the cluster's own network (behind NAT, outside Docker or
  // Kubernetes), instead of their access addresses (peers-clear-std).
  bool use_services_alternate = false;
  // Record per-node latency histograms and outcome counters for Client::metrics()
  // (client/metrics/metrics.h). Off by default, as in the official clients; counters of
  // loops, connections and the cluster are kept either way.
  bool enable_metrics = false;
  // Periodic metrics listener (client/metrics/reporter.h): with an interval > 0 and a
  // listener, the listener is called every `metrics_interval` with what happened since its
  // previous call (MetricsSnapshot::since; the first call: since connect). It runs on
  // `metrics_executor`, or when that is null on `completion_executor`, or when that is null
  // too on the first loop's executor. Calls never overlap; none starts after close()
  // returns (close waits for one in progress: do not call close() from the listener).
  Millis metrics_interval{0};                                             // 0: no periodic listener
  std::function<void(const metrics::MetricsSnapshot&)> metrics_listener;  // the interval's snapshot
  Executor* metrics_executor = nullptr;  // where the listener runs (null: see above)
  // Logging (client/log.h): nothing is logged without a sink.
  LogSink log;
  LogLevel log_level = LogLevel::info;  // most verbose level passed to `log` (default info)
  // Rack of this client, for Replica::prefer_rack (-1: none; then `rack-ids` is not fetched
  // and prefer_rack behaves as sequence).
  int rack_id = -1;

  // Security (Enterprise servers with security enabled). With a user (or AuthMode::pki) the
  // client logs in to every node at tend for a session token, authenticates each new
  // connection with it before its first command, and renews it before it goes stale or when
  // a server refuses it. Without a user (and not pki) no admin message is ever sent.
  std::string user;
  std::string password;                     // clear; internal mode sends only its bcrypt hash
  AuthMode auth_mode = AuthMode::internal;  // how to log in (default internal)
  // Deadline of a login or authentication exchange when the command that opens the
  // connection has none (C: login_timeout_ms).
  Millis login_timeout{5000};
  // TLS for every connection (client/tls): off unless tls.enabled.
  TlsConfig tls;

  // Default policies of the overloads that take none.
  ReadPolicy read;               // get, get_view, get_header, exists
  WritePolicy write;             // put, remove, touch, operate, apply, background_udf
  BatchPolicy batch;             // batch_get
  BatchWritePolicy batch_write;  // batch_operate, batch_apply
};

}  // namespace aero
