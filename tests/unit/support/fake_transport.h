#pragma once
// Test doubles for the client seam: a Transport answering from a function and recording every
// request, and a CredentialSource handing out numbered tokens.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/client/transport.h"
#include "rampart/config/rest_config.h"

namespace rampart::testing {

class FakeTransport final : public client::Transport {
 public:
  using Handler = std::function<tl::expected<client::Response, client::TransportError>(
      const client::Request&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  tl::expected<client::Response, client::TransportError> send(const client::Request& r) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(r);
    }
    return handler_(r);
  }
  std::string server() const override { return "https://fake:6443"; }

  std::vector<client::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Paths (with query) of every request, in order.
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& r : requests()) out.push_back(r.path);
    return out;
  }

 private:
  Handler handler_;
  mutable std::mutex mutex_;
  std::vector<client::Request> requests_;
};

/// A JSON response with a status.
inline client::Response json_response(long status, const nlohmann::json& body) {
  client::Response r;
  r.status = status;
  r.body = body.dump();
  r.content_type = "application/json";
  return r;
}

/// A metav1.Status error body as the API server sends it.
inline client::Response status_response(long status, const std::string& reason,
                                        const std::string& message) {
  return json_response(status, {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                                {"message", message}, {"reason", reason}, {"code", status}});
}

/// Hands out "token-1", then "token-2" after each refresh.
class FakeCredentials final : public config::CredentialSource {
 public:
  Result<config::Credential> get(bool refresh) override {
    std::lock_guard lock(mutex_);
    if (refresh) ++refreshes;
    config::Credential c;
    c.bearer_token = "token-" + std::to_string(refreshes + 1);
    return c;
  }
  std::string kind() const override { return "token-file"; }
  int refreshes = 0;

 private:
  std::mutex mutex_;
};

}  // namespace rampart::testing
