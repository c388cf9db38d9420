#pragma once
// Discovery: who the server is (/version) and which API group versions it serves (/api,
// /apis). The collector uses the group versions to tell "not served" from "not allowed".
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/client/api_client.h"
#include "rampart/core/error.h"

namespace rampart::client {

struct ServerInfo {
  std::string git_version;  ///< "v1.32.4"
  std::string major, minor;
  std::string platform;
  /// "v1", "apps/v1", ...; sorted. Empty when /api and /apis could not be read.
  std::vector<std::string> group_versions;
  bool groups_known = false;  ///< /api and /apis were both read
  /// Whether `group_version` is served (true when discovery failed: the list call will tell).
  [[nodiscard]] bool serves(const std::string& group_version) const;
};

/// Reads /version into `info` (pure, for tests).
void apply_version(const nlohmann::json& version, ServerInfo& info);
/// Adds the group versions of an /api (APIVersions) or /apis (APIGroupList) answer.
void apply_group_list(const nlohmann::json& list, ServerInfo& info);

/// /version, then /api and /apis. A failure of /version is returned: it is the first request
/// and tells an unreachable server or a rejected credential. /api or /apis failing is logged
/// and leaves groups_known false.
Result<ServerInfo> discover(ApiClient& api);

}  // namespace rampart::client
