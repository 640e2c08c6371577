#include "client/tls/client_tls.h"

#include "client/tls/tls_context.h"
#include "client/tls/tls_loop.h"

namespace aero::tls {

namespace {

class OpenSslClientTls final : public ClientTls {
 public:
  explicit OpenSslClientTls(std::shared_ptr<TlsContext> context) : context_(std::move(context)) {}
  std::unique_ptr<io::Loop> wrap(io::Loop& inner) override {
    return std::make_unique<TlsLoop>(inner, context_);
  }
  std::unique_ptr<io::Loop> wrap(std::unique_ptr<io::Loop> inner) override {
    return std::make_unique<TlsLoop>(std::move(inner), context_);
  }
  void set_name(const io::Endpoint& address, const std::string& tls_name) override {
    context_->set_name(address, tls_name);
  }

 private:
  std::shared_ptr<TlsContext> context_;
};

}  // namespace

std::unique_ptr<ClientTls> ClientTls::create(const TlsConfig& config, std::string* error) {
  std::shared_ptr<TlsContext> context = TlsContext::create(config, error);
  if (!context) return nullptr;
  return std::make_unique<OpenSslClientTls>(std::move(context));
}

}  // namespace aero::tls
