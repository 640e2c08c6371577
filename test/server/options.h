// Configuration of a test cluster (plain data; see cluster.h for the API that uses it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aero::testserver {

inline constexpr int kMaxNodes = 8;

// What a node answers to a single-record or batch command for a partition it does not hold.
enum class NotOwnerPolicy : uint8_t {
  // Serve it, as a real AP cluster does by proxying to the owner (the default; the captures
  // show a real server answering normally through a non-master node).
  kProxy,
  // Answer result 11 (partition unavailable): writes need the master, reads any replica. This
  // is what a client meets when it talks to the old owner of a partition that has migrated
  // away, and it is the code the official clients retry on the next replica.
  kUnavailable,
};

struct ClusterOptions {
  int nodes = 1;                                  // 1..8
  int replication_factor = 1;                     // clamped to the number of nodes
  std::vector<std::string> namespaces = {"test"};  // at most 32, each 1..31 bytes
  // Port of node 0; node i listens on base_port + i * port_step. 0 = an ephemeral port per
  // node (read them back with Node::port()).
  uint16_t port = 0;
  uint16_t port_step = 1;
  std::string cluster_name = "aerospike-test-server";
  std::string host = "127.0.0.1";  // address listened on and advertised to clients
  // The server's access-address / alternate-access-address: what peers-clear-std and
  // service-clear-std advertise (empty: `host`), and what peers-clear-alt and
  // service-clear-alt advertise (empty: none, the default of a real server), for clients
  // outside the cluster's network (ClientConfig::use_services_alternate).
  std::string access_address{};
  std::string alternate_access_address{};
  int loops_per_node = 1;           // event-loop threads per node
  uint32_t default_ttl = 0;         // namespace default TTL in seconds; 0 = never expire
  NotOwnerPolicy not_owner_policy = NotOwnerPolicy::kProxy;
  // Enterprise behaviour: durable deletes are accepted (Community answers 25), compressed
  // requests are inflated and COMPRESS_RESPONSE is honoured (Community answers 25 / ignores).
  bool enterprise = false;
  // Answer to admin (security) messages. 52 "security not enabled" is what clients treat as
  // success, so credentialed clients can connect; a real Community server answers 51.
  uint8_t admin_result = 52;
  // Security mode (an Enterprise server with `security {}`): users, roles, login and session
  // tokens; see security/security.h. admin_result is then unused.
  bool security = false;
  uint32_t session_ttl = 86400;  // seconds a login token stays valid (server session-ttl)
  // TLS listeners beside the clear ones, as an Enterprise node's tls port (tls.h): enabled
  // when tls_cert is set. Node i listens on tls_port + i * port_step (0: an ephemeral port per
  // node; read them back with Node::tls_port()). With tls_ca, client certificates signed by
  // it are required (mutual TLS). tls_name is what peers-tls-std / service-tls-std report.
  uint16_t tls_port = 0;
  std::string tls_cert{};  // PEM certificate (chain) file
  std::string tls_key{};   // PEM private key file
  std::string tls_ca{};    // PEM CA file for client certificates (empty: none asked)
  std::string tls_name{};
  // First node id; node i gets node_id_base + i (printed as upper-case hex without zeros).
  uint64_t node_id_base = 0xBB9000000000001ull;
};

}  // namespace aero::testserver
