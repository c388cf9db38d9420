#pragma once
// In-cluster configuration, as client-go's rest.InClusterConfig: the API server from
// KUBERNETES_SERVICE_HOST/PORT, the service-account token (re-read as it rotates), its CA and
// namespace from the mounted folder.
#include <string>

#include "rampart/config/credential_sources.h"
#include "rampart/config/environment.h"
#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::config {

/// Whether KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are both set (non-empty).
[[nodiscard]] bool in_cluster_env_present(const Environment& env);

/// Builds the in-cluster RestConfig from `root` (token, ca.crt, namespace).
[[nodiscard]] Result<RestConfig> load_in_cluster(const std::string& root, const Environment& env,
                                                 Clock clock);

}  // namespace rampart::config
