// Client security set-up: credentials, the shared Session, one AuthLoop per loop.
#include "client/auth/auth_loop.h"
#include "client/auth/credential.h"
#include "client/auth/session.h"
#include "client/client.h"

namespace aero {

namespace {

// Whether the connections are encrypted (ClientConfig::tls).
bool tls_configured(const ClientConfig& config) { return config.tls.enabled; }

}  // namespace

Status Client::start_security(const std::vector<io::Loop*>& io_loops) {
  const bool pki = config_.auth_mode == AuthMode::pki;
  if (config_.user.empty() && !pki) {
    if (!config_.password.empty()) {
      return Status(ClientCode::invalid_argument, "ClientConfig::password is set but user is empty");
    }
    command_loops_ = io_loops;
    return Status();
  }
  auth::Credentials c;
  c.mode = config_.auth_mode;
  switch (config_.auth_mode) {
    case AuthMode::pki:
      if (!tls_configured(config_)) {
        return Status(ClientCode::invalid_argument,
                      "AuthMode::pki takes the identity from the TLS client certificate: "
                      "configure TLS with a client certificate");
      }
      break;
    case AuthMode::external:
      if (!tls_configured(config_)) {
        return Status(ClientCode::invalid_argument,
                      "AuthMode::external sends the password in clear: it needs TLS (or "
                      "AuthMode::external_insecure, for tests only)");
      }
      [[fallthrough]];
    case AuthMode::external_insecure:
      c.clear_password = config_.password;
      [[fallthrough]];
    case AuthMode::internal: {
      auto credential = auth::credential_of(config_.password);
      if (!credential.ok()) return credential.status();
      c.user = config_.user;
      c.credential = std::move(*credential);
      break;
    }
  }
  session_ = std::make_shared<auth::Session>(std::move(c));
  for (io::Loop* l : io_loops) {
    auth_loops_.push_back(std::make_unique<auth::AuthLoop>(*l, session_, config_.login_timeout));
    command_loops_.push_back(auth_loops_.back().get());
  }
  return Status();
}

void Client::add_security_stats(ClientStats& s) const {
  if (!session_) return;
  const auth::SessionCounters c = session_->counters();
  s.logins = c.logins;
  s.authentications = c.authentications;
  s.session_renewals = c.renewals;
}

}  // namespace aero
