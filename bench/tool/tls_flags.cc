#include "bench/tool/tls_flags.h"

#include <CLI/CLI.hpp>

namespace aero::bench {

void add_tls_flags(CLI::App& app, const std::string& group, TlsConfig* tls) {
  auto flag = [&](const char* name, bool* target, const char* help) {
    app.add_flag(name, *target, help)->disable_flag_override()->group(group);
  };
  // A file, folder or list: not empty.
  auto text = [&](const char* name, std::string* target, const char* placeholder,
                  const char* help) {
    app.add_option(name, *target, help)
        ->option_text(placeholder)
        ->group(group)
        ->check(CLI::Validator(
            [name](std::string& v) {
              return v.empty() ? "empty value for " + std::string(name) : std::string();
            },
            "", "not empty"));
  };
  flag("--tls-enable", &tls->enabled, "connect with TLS");
  text("--tls-cafile", &tls->ca_file, "FILE",
       "trusted CA certificates (PEM); default: the system's");
  text("--tls-capath", &tls->ca_path, "DIR", "trusted CA folder (hashed, c_rehash)");
  text("--tls-certfile", &tls->cert_file, "FILE", "client certificate chain (PEM), for mutual TLS");
  text("--tls-keyfile", &tls->key_file, "FILE", "client private key (PEM), for mutual TLS");
  app.add_option("--tls-protocols", tls->min_protocol,
                 "lowest version accepted: TLSv1.2 (default) or TLSv1.3")
      ->option_text("V")
      ->group(group)
      ->check(CLI::Validator(
          [](std::string& v) {
            return v == "TLSv1.2" || v == "TLSv1.3" ? std::string()
                                                    : "bad value '" + v +
                                                          "' for --tls-protocols: the lowest "
                                                          "version accepted, TLSv1.2 or TLSv1.3";
          },
          "", "TLS version"));
  text("--tls-cipher-suite", &tls->cipher_suite, "LIST", "OpenSSL cipher list for TLS 1.2");
  text("--tls-cert-blacklist", &tls->cert_blacklist, "FILE",
       "serial numbers (hex, one per line) of refused certificates");
  flag("--tls-crl-check", &tls->crl_check,
       "check the server certificate against CRLs in the CA file/path");
  flag("--tls-crl-checkall", &tls->crl_check_all, "... and its whole chain");
}

}  // namespace aero::bench
