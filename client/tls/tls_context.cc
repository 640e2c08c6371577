#include "client/tls/tls_context.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cctype>
#include <fstream>
#include <memory>

namespace aero::tls {

namespace {

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown reason";
  const char* r = ERR_reason_error_string(e);
  return r != nullptr ? r : "error " + std::to_string(e);
}

// "0a1B" -> "A1B": the canonical form serial numbers are compared in.
std::string canonical_hex(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::size_t zeros = 0;
  while (zeros + 1 < s.size() && s[zeros] == '0') ++zeros;
  return s.substr(zeros);
}

bool is_hex(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::create(const TlsConfig& config, std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error != nullptr) *error = "TLS configuration: " + why;
    return std::shared_ptr<TlsContext>();
  };
  ERR_clear_error();
  SSL_CTX* raw = SSL_CTX_new(TLS_client_method());
  if (raw == nullptr) return fail("SSL_CTX_new: " + openssl_reason());
  std::shared_ptr<TlsContext> ctx(new TlsContext(raw));

  int min_version = 0;
  if (config.min_protocol.empty() || config.min_protocol == "TLSv1.2") {
    min_version = TLS1_2_VERSION;
  } else if (config.min_protocol == "TLSv1.3") {
    min_version = TLS1_3_VERSION;
  } else {
    return fail("min_protocol must be TLSv1.2 or TLSv1.3, not '" + config.min_protocol + "'");
  }
  SSL_CTX_set_min_proto_version(raw, min_version);
  SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // TlsLoop hands the same buffer back after a partial write; allow it to move anyway.
  SSL_CTX_set_mode(raw, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr);
  // Client-side session cache kept by this object (per peer), not OpenSSL's internal one.
  SSL_CTX_set_app_data(raw, ctx.get());
  SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(raw, &TlsContext::on_new_session);

  if (!config.cipher_suite.empty() &&
      SSL_CTX_set_cipher_list(raw, config.cipher_suite.c_str()) != 1) {
    return fail("cipher_suite '" + config.cipher_suite + "': " + openssl_reason());
  }
  if (config.ca_file.empty() && config.ca_path.empty()) {
    if (SSL_CTX_set_default_verify_paths(raw) != 1) {
      return fail("the system's CA store: " + openssl_reason());
    }
  } else if (SSL_CTX_load_verify_locations(raw, config.ca_file.empty() ? nullptr : config.ca_file.c_str(),
                                           config.ca_path.empty() ? nullptr : config.ca_path.c_str()) != 1) {
    return fail("CA file '" + config.ca_file + "' / path '" + config.ca_path + "': " + openssl_reason());
  }
  if (config.cert_file.empty() != config.key_file.empty()) {
    return fail("cert_file and key_file go together (mutual TLS)");
  }
  if (config.cert_file.empty()) {
    // Called when a server asks for a client certificate and none is configured: no
    // certificate is sent, and TlsLoop notes it (app data: a bool) to explain the refusal.
    SSL_CTX_set_client_cert_cb(raw, [](SSL* ssl, X509**, EVP_PKEY**) -> int {
      if (auto* asked = static_cast<bool*>(SSL_get_app_data(ssl))) *asked = true;
      return 0;
    });
  } else {
    if (SSL_CTX_use_certificate_chain_file(raw, config.cert_file.c_str()) != 1) {
      return fail("client certificate '" + config.cert_file + "': " + openssl_reason());
    }
    if (SSL_CTX_use_PrivateKey_file(raw, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail("client key '" + config.key_file + "': " + openssl_reason());
    }
    if (SSL_CTX_check_private_key(raw) != 1) {
      return fail("client key '" + config.key_file + "' does not match its certificate");
    }
  }
  if (config.crl_check || config.crl_check_all) {
    X509_STORE* store = SSL_CTX_get_cert_store(raw);
    X509_STORE_set_flags(store, config.crl_check_all ? X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL
                                                     : X509_V_FLAG_CRL_CHECK);
  }
  if (!config.cert_blacklist.empty()) {
    std::ifstream in(config.cert_blacklist);
    if (!in) return fail("cannot read cert_blacklist '" + config.cert_blacklist + "'");
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      const std::size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      const std::size_t start = line.find_first_not_of(" \t\r");
      if (start == std::string::npos) continue;
      const std::size_t end = line.find_first_of(" \t\r", start);
      std::string serial = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!is_hex(serial)) {
        return fail("cert_blacklist '" + config.cert_blacklist + "' line " + std::to_string(number) +
                    ": '" + serial + "' is not a hexadecimal serial number");
      }
      ctx->blacklist_.insert(canonical_hex(serial));
    }
  }
  return ctx;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
  for (auto& [peer, session] : sessions_) SSL_SESSION_free(session);
}

namespace {

// The SSL's peer key ("address|name", heap-allocated, freed with the SSL).
int peer_key_index() {
  static const int index = SSL_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* key, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<std::string*>(key);
      });
  return index;
}

}  // namespace

bool TlsContext::remember_peer(SSL* ssl, const io::Endpoint& address, const std::string& tls_name) {
  auto key = std::make_unique<std::string>(address.to_string() + "|" + tls_name);
  bool offered = false;
  {
    std::lock_guard<std::mutex> g(sessions_mutex_);
    auto it = sessions_.find(*key);
    if (it != sessions_.end())
      offered = SSL_set_session(ssl, it->second) == 1;  // its own reference
  }
  if (SSL_set_ex_data(ssl, peer_key_index(), key.get()) == 1) key.release();
  return offered;
}

void TlsContext::forget_session(const io::Endpoint& address, const std::string& tls_name) {
  std::lock_guard<std::mutex> g(sessions_mutex_);
  auto it = sessions_.find(address.to_string() + "|" + tls_name);
  if (it == sessions_.end()) return;
  SSL_SESSION_free(it->second);
  sessions_.erase(it);
}

int TlsContext::on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  auto* key = static_cast<std::string*>(SSL_get_ex_data(ssl, peer_key_index()));
  if (self == nullptr || key == nullptr) return 0;  // not kept: OpenSSL frees it
  std::lock_guard<std::mutex> g(self->sessions_mutex_);
  SSL_SESSION*& slot = self->sessions_[*key];
  if (slot != nullptr) SSL_SESSION_free(slot);
  slot = session;
  return 1;  // the reference is ours now
}

std::size_t TlsContext::cached_sessions() const {
  std::lock_guard<std::mutex> g(sessions_mutex_);
  return sessions_.size();
}

std::string TlsContext::key(const io::Endpoint& address) { return address.to_string(); }

void TlsContext::set_name(const io::Endpoint& address, const std::string& tls_name) {
  std::lock_guard<std::mutex> g(names_mutex_);
  if (tls_name.empty()) {
    names_.erase(key(address));
  } else {
    names_[key(address)] = tls_name;
  }
}

std::string TlsContext::name(const io::Endpoint& address) const {
  std::lock_guard<std::mutex> g(names_mutex_);
  auto it = names_.find(key(address));
  return it == names_.end() ? std::string() : it->second;
}

bool TlsContext::blacklisted(X509* certificate) const {
  if (blacklist_.empty() || certificate == nullptr) return false;
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(certificate), nullptr);
  if (bn == nullptr) return false;
  char* hex = BN_bn2hex(bn);
  BN_free(bn);
  if (hex == nullptr) return false;
  const bool listed = blacklist_.count(canonical_hex(hex)) > 0;
  OPENSSL_free(hex);
  return listed;
}

}  // namespace aero::tls
