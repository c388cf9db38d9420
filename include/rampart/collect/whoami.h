#pragma once
// Who the API server says rampart is: a SelfSubjectReview (authentication.k8s.io/v1, what
// `kubectl auth whoami` sends). Every authenticated user may create one (system:basic-user);
// it is a question to the server and stores nothing.
#include <optional>

#include <nlohmann/json.hpp>

#include "rampart/client/api_client.h"
#include "rampart/collect/inventory.h"
#include "rampart/config/claimed_identity.h"
#include "rampart/core/error.h"

namespace rampart::collect {

inline constexpr const char* kSelfSubjectReviewPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

/// The request body: an empty SelfSubjectReview.
nlohmann::json self_subject_review_body();

/// status.userInfo of a SelfSubjectReview (an answer, or a saved `kubectl auth whoami -o json`).
[[nodiscard]] Result<ScannerIdentity> parse_self_subject_review(const nlohmann::json& review);

/// user, groups and source: how reports, evidence manifests and `auth check` name the scanner.
nlohmann::json identity_summary(const ScannerIdentity& who);

/// Asks the server; when it cannot answer (403, not served on servers before 1.28), falls back
/// to what the credential claims, recording why. Never fails: an unknown identity has user "".
ScannerIdentity whoami(client::ApiClient& api, const std::optional<config::ClaimedIdentity>& claimed);

}  // namespace rampart::collect
