#pragma once
// Asking the API server whether the current credential may make each call of api_calls()
// (SelfSubjectAccessReview, authorization.k8s.io/v1): which parts of the inventory, and so which
// checks, a scan with this credential would miss. A review is a create of a virtual object:
// nothing is stored, nothing in the cluster changes.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/client/api_client.h"
#include "rampart/collect/api_calls.h"
#include "rampart/core/error.h"

namespace rampart::collect {

struct AccessCheck {
  ApiCall call;
  std::string namespace_;  ///< empty: all namespaces (namespaced calls) or the cluster scope
  bool allowed = false;
  std::string reason;  ///< the authorizer's reason or evaluation error, when it gave one
  std::string error;   ///< the review itself failed (then allowed is false and unknown)
};

/// The SelfSubjectAccessReview body for one call.
nlohmann::json access_review_body(const ApiCall& call, std::string_view ns);

/// Reads an answered review into `check`.
void apply_access_review(const nlohmann::json& review, AccessCheck& check);

/// Reviews every call (per namespace under `namespaces`, else cluster-wide). An error only when
/// the API server cannot be asked at all (the first review fails with 401, TLS, network).
[[nodiscard]] Result<std::vector<AccessCheck>> check_access(client::ApiClient& api,
                                                            const std::vector<std::string>& namespaces);

}  // namespace rampart::collect
