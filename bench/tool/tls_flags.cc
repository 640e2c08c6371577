#include "bench/tool/tls_flags.h"

namespace aero::bench {

bool parse_tls_flag(const std::string& arg, const std::string* inline_value, int argc,
                    const char* const* argv, int& i, TlsConfig* tls, std::string* error) {
  auto flag = [&](bool* target) {
    if (inline_value != nullptr) {
      *error = arg + " takes no value";
      return false;
    }
    *target = true;
    return true;
  };
  if (arg == "--tls-enable") return flag(&tls->enabled);
  if (arg == "--tls-crl-check") return flag(&tls->crl_check);
  if (arg == "--tls-crl-checkall") return flag(&tls->crl_check_all);
  std::string* target = nullptr;
  if (arg == "--tls-cafile") target = &tls->ca_file;
  else if (arg == "--tls-capath") target = &tls->ca_path;
  else if (arg == "--tls-certfile") target = &tls->cert_file;
  else if (arg == "--tls-keyfile") target = &tls->key_file;
  else if (arg == "--tls-cipher-suite") target = &tls->cipher_suite;
  else if (arg == "--tls-cert-blacklist") target = &tls->cert_blacklist;
  else if (arg == "--tls-protocols") target = &tls->min_protocol;
  if (target == nullptr) {
    *error = "unknown flag '" + arg + "' (see --help)";
    return false;
  }
  std::string value;
  if (inline_value != nullptr) {
    value = *inline_value;
  } else if (i + 1 < argc) {
    value = argv[++i];
  } else {
    *error = "missing value for " + arg;
    return false;
  }
  if (value.empty()) {
    *error = "empty value for " + arg;
    return false;
  }
  if (arg == "--tls-protocols" && value != "TLSv1.2" && value != "TLSv1.3") {
    *error = "bad value '" + value + "' for --tls-protocols: the lowest version accepted, TLSv1.2 or TLSv1.3";
    return false;
  }
  *target = value;
  return true;
}

const char* tls_help_text() {
  return R"(TLS (a cluster with TLS listeners; name each seed's certificate in --hosts as
host:tls-name:port, peers' names come from the cluster):
  --tls-enable              connect with TLS
  --tls-cafile FILE         trusted CA certificates (PEM); default: the system's
  --tls-capath DIR          trusted CA folder (hashed, c_rehash)
  --tls-certfile FILE       client certificate chain (PEM), for mutual TLS
  --tls-keyfile FILE        client private key (PEM), for mutual TLS
  --tls-protocols V         lowest version accepted: TLSv1.2 (default) or TLSv1.3
  --tls-cipher-suite LIST   OpenSSL cipher list for TLS 1.2
  --tls-cert-blacklist FILE serial numbers (hex, one per line) of refused certificates
  --tls-crl-check           check the server certificate against CRLs in the CA file/path
  --tls-crl-checkall        ... and its whole chain
)";
}

}  // namespace aero::bench
