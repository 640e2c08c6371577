#include "test/certs/certs.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace aero::testcerts {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key new_key() { return Key(EVP_EC_gen("P-256")); }

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

struct Spec {
  std::string cn;
  bool ca;
  std::string san;  // "DNS:x,IP:127.0.0.1" or empty
  long not_before;  // seconds from now
  long not_after;   // seconds from now
  long serial;
};

constexpr long kHourAgo = -3600;
constexpr long kInADay = 86400;

// Signs with `issuer_key` (self-signed when issuer is null).
Cert make_cert(const Spec& s, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), s.serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), s.not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), s.not_after);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("aerospike-async test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(s.cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = true;
  if (s.ca) {
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    ok = ok && add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    ok = ok && add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
    ok = ok && add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    if (!s.san.empty()) ok = ok && add_ext(cert.get(), signer, NID_subject_alt_name, s.san.c_str());
  }
  ok = ok && X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0;
  return ok ? std::move(cert) : nullptr;
}

bool write_cert(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = PEM_write_X509(f, cert) == 1;
  return std::fclose(f) == 0 && ok;
}

bool write_key(const std::string& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  return std::fclose(f) == 0 && ok;
}

std::string make_dir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/certs.XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return std::string();
  return tmpl;
}

}  // namespace

Pki make_pki(const std::string& tls_name, std::string* error) {
  Pki p;
  auto fail = [&](const std::string& what) {
    if (error != nullptr) *error = "test certificates: " + what;
    return p;
  };
  if (error != nullptr) error->clear();
  p.dir = make_dir();
  if (p.dir.empty()) return fail("cannot create a temporary folder");

  // Serial numbers differ per run so that two Pkis never share one.
  static std::atomic<long> next_serial{static_cast<long>(std::time(nullptr) % 100000) * 100};
  const std::string san = "DNS:" + tls_name + ",IP:127.0.0.1";

  Key ca_key = new_key(), other_ca_key = new_key(), server_key = new_key(),
      client_key = new_key(), expired_key = new_key(), other_server_key = new_key();
  if (!ca_key || !other_ca_key || !server_key || !client_key || !expired_key || !other_server_key) {
    return fail("key generation failed");
  }
  Cert ca_cert = make_cert({"test CA", true, "", kHourAgo, kInADay, next_serial++}, ca_key.get(),
                           nullptr, nullptr);
  Cert other_ca_cert = make_cert({"unrelated CA", true, "", kHourAgo, kInADay, next_serial++},
                                 other_ca_key.get(), nullptr, nullptr);
  if (!ca_cert || !other_ca_cert) return fail("CA certificate failed");

  const long server_serial = next_serial++;
  Cert server = make_cert({tls_name, false, san, kHourAgo, kInADay, server_serial},
                          server_key.get(), ca_cert.get(), ca_key.get());
  Cert client = make_cert({"client", false, "", kHourAgo, kInADay, next_serial++},
                          client_key.get(), ca_cert.get(), ca_key.get());
  // Valid for a day, two years ago.
  constexpr long kTwoYearsAgo = -2L * 365 * 86400;
  Cert expired = make_cert({tls_name, false, san, kTwoYearsAgo, kTwoYearsAgo + kInADay, next_serial++},
                           expired_key.get(), ca_cert.get(), ca_key.get());
  Cert other_server = make_cert({tls_name, false, san, kHourAgo, kInADay, next_serial++},
                                other_server_key.get(), other_ca_cert.get(), other_ca_key.get());
  if (!server || !client || !expired || !other_server) return fail("certificate signing failed");

  char hex[32];
  std::snprintf(hex, sizeof hex, "%lX", server_serial);
  p.server_serial = hex;
  const std::string& d = p.dir;
  p.ca_cert = d + "/ca.pem";
  p.other_ca_cert = d + "/other_ca.pem";
  p.server_cert = d + "/server.pem";
  p.server_key = d + "/server.key";
  p.client_cert = d + "/client.pem";
  p.client_key = d + "/client.key";
  p.expired_cert = d + "/expired.pem";
  p.expired_key = d + "/expired.key";
  p.other_server_cert = d + "/other_server.pem";
  p.other_server_key = d + "/other_server.key";
  bool ok = write_cert(p.ca_cert, ca_cert.get()) && write_cert(p.other_ca_cert, other_ca_cert.get()) &&
            write_cert(p.server_cert, server.get()) && write_key(p.server_key, server_key.get()) &&
            write_cert(p.client_cert, client.get()) && write_key(p.client_key, client_key.get()) &&
            write_cert(p.expired_cert, expired.get()) && write_key(p.expired_key, expired_key.get()) &&
            write_cert(p.other_server_cert, other_server.get()) &&
            write_key(p.other_server_key, other_server_key.get());
  if (!ok) return fail("cannot write the PEM files into " + d);
  return p;
}

}  // namespace aero::testcerts
