#pragma once
// The seam between the API client and the wire. HttpClient implements it over libcurl; unit
// tests of client/ and collect/ implement it with canned responses. One call = one HTTP
// exchange: no retries, no credential refresh, no interpretation of the status (ApiClient's job).
#include <chrono>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::client {

/// One HTTP request to the API server.
struct Request {
  std::string method = "GET";
  std::string path;  ///< absolute path with query: "/api/v1/pods?limit=500"
  std::string accept = "application/json";
  std::string content_type;  ///< for a body
  std::string body;
  /// What the request does, for messages: "list pods", "get nodes/proxy (node-1)".
  std::string what;
  /// The credential to present (bearer token and/or client certificate). The transport must
  /// never log it.
  config::Credential credential;
};

/// One HTTP response. Any status is a response; only transport failures are errors.
struct Response {
  long status = 0;
  std::string body;  ///< decoded (gzip removed)
  std::string content_type;
  /// Retry-After, when the server sent one (seconds or an HTTP date, converted).
  std::optional<std::chrono::milliseconds> retry_after;
};

/// A request that got no HTTP response: DNS, connect, TLS, timeout, reset.
struct TransportError {
  Error error;             ///< kind kNetwork or kTls, one line naming host:port / CA / timeout
  bool retryable = false;  ///< worth another attempt (reset, refused), not a verification failure
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Performs one exchange. Thread-safe: the collector calls it from several threads.
  [[nodiscard]] virtual tl::expected<Response, TransportError> send(const Request& request) = 0;
  /// The server URL requests go to ("https://host:port"), for messages.
  [[nodiscard]] virtual std::string server() const = 0;
};

}  // namespace rampart::client
