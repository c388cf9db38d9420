#pragma once
// Turning an HTTP error response into an Error a person can act on. The API server explains a
// refusal in a Status object ({"kind":"Status","message":...,"reason":...}); its message names
// the user, verb and resource, so it is carried into the error line.
#include <optional>
#include <string>
#include <string_view>

#include "rampart/client/transport.h"
#include "rampart/core/error.h"

namespace rampart::client {

/// The fields of a metav1.Status that messages use.
struct ApiStatus {
  std::string message;
  std::string reason;  ///< Forbidden, NotFound, Expired, TooManyRequests, ...
  long code = 0;
  bool operator==(const ApiStatus&) const = default;
};

/// Parses a Status body; nullopt when the body is not a Status (HTML from a proxy, empty, ...).
std::optional<ApiStatus> parse_status(std::string_view body);

/// "403 Forbidden" etc.
std::string status_line(long status);

/// The typed error for a response with status >= 400. `credential_kind` names the rejected
/// credential on 401; `server` is the URL prefix for the error context.
Error http_error(const Request& request, const Response& response, const std::string& server,
                 const std::string& credential_kind);

}  // namespace rampart::client
