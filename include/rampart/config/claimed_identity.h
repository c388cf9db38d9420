#pragma once
// Who a credential says it is, read from the credential itself: the `sub` claim of a
// service-account token, or the subject of a client certificate. Nothing here is verified (the
// API server's SelfSubjectReview is the authority); it names the scanner when that review is
// not allowed or not served. The token and key are only read, never kept or logged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/config/rest_config.h"

namespace rampart::config {

struct ClaimedIdentity {
  std::string user;
  std::vector<std::string> groups;
  std::string source;  ///< "token claims" or "client certificate"
  /// O= of the client certificate, when the credential has one.
  std::vector<std::string> certificate_organizations;
};

/// The service account a Kubernetes service-account token (a JWT) names in its `sub` claim
/// ("system:serviceaccount:NS:NAME"), with the groups the API server adds to it. Other tokens
/// (opaque, OIDC with another subject) claim nothing.
[[nodiscard]] std::optional<ClaimedIdentity> service_account_token_claims(std::string_view token);

/// What `credential` says: the client certificate's subject when there is one (it decides
/// authentication before a token does), else the service-account token's claims.
[[nodiscard]] std::optional<ClaimedIdentity> claimed_identity(const Credential& credential);

}  // namespace rampart::config
