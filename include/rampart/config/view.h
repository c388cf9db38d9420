#pragma once
// What `rampart config view --output json` prints: which context, cluster and user were chosen,
// where the CA and the credential come from, and SHA-256 fingerprints of the credential (never
// the values), so a test can compare rampart's choice with kubectl's.
#include <nlohmann/json.hpp>

#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::config {

/// The resolved connection as JSON. Exec plugins are run only when `run_exec` is true (to show
/// the fingerprints of what they return); otherwise their credential is left out.
[[nodiscard]] Result<nlohmann::json> view_json(const RestConfig& config, bool run_exec);

}  // namespace rampart::config
