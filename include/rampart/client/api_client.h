#pragma once
// ApiClient: Kubernetes API requests over a Transport. It presents the credential, retries
// 429/5xx and broken connections with backoff (honouring Retry-After), refreshes the
// credential once on 401, turns error responses into typed Errors carrying the API Status
// message, and pages through lists with limit/continue, restarting a list once when its
// continue token expired (410 Gone).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "rampart/client/list_page.h"
#include "rampart/client/retry.h"
#include "rampart/client/transport.h"
#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::client {

struct ClientOptions {
  RetryPolicy retry;
  /// How to wait between attempts; tests record the delays instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;
  uint64_t seed = 0;  ///< jitter seed; 0 = from std::random_device
};

/// One list to page through.
struct ListRequest {
  std::string path;    ///< "/api/v1/pods", no query
  std::string query;   ///< extra parameters, "includeObject=Metadata" (limit/continue are added)
  std::string accept = "application/json";
  std::string what;    ///< "list pods", for messages
  size_t chunk_size = 500;  ///< limit per page; 0 = no limit (one page)
};

/// What paging through one list cost.
struct ListStats {
  size_t pages = 0;
  size_t items = 0;   ///< items delivered by the final (successful) pass
  size_t bytes = 0;   ///< response bytes of every page, restarted passes included
  int restarts = 0;   ///< 410 restarts (0 or 1)
};

class ApiClient {
 public:
  ApiClient(Transport& transport, std::shared_ptr<config::CredentialSource> credentials,
            ClientOptions options = {});

  /// GET returning the 2xx response; errors are typed (kUnauthorized, kForbidden, ...).
  [[nodiscard]] Result<Response> get(const std::string& path, const std::string& what,
                                     const std::string& accept = "application/json");
  /// GET and parse the body as JSON.
  [[nodiscard]] Result<nlohmann::json> get_json(const std::string& path, const std::string& what);
  /// POST a JSON body and parse the JSON answer (SelfSubjectAccessReview).
  [[nodiscard]] Result<nlohmann::json> post_json(const std::string& path,
                                                 const nlohmann::json& body,
                                                 const std::string& what);
  /// Pages through a list. Items go to `on_item` page by page as they are parsed. When an
  /// expired continue token (410) forces the list to start over, `on_restart` is called first:
  /// the caller drops what it kept. A second 410 is an error.
  [[nodiscard]] Result<ListStats> list(const ListRequest& request, const ItemCallback& on_item,
                                       const std::function<void()>& on_restart);

  [[nodiscard]] std::string server() const { return transport_.server(); }
  [[nodiscard]] std::string credential_kind() const { return credentials_->kind(); }

 private:
  Result<Response> execute(Request request);
  std::chrono::milliseconds next_delay(int retry, std::optional<std::chrono::milliseconds> after);

  Transport& transport_;
  std::shared_ptr<config::CredentialSource> credentials_;
  ClientOptions options_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

/// Percent-encodes a query parameter value (continue tokens are base64 with '+', '/', '=').
std::string url_encode(std::string_view value);

}  // namespace rampart::client
