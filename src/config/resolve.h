#pragma once
// Internal to config/: turning the chosen kubeconfig entries into RestConfig parts.
#include <memory>
#include <string>

#include "rampart/config/environment.h"
#include "rampart/config/kubeconfig.h"
#include "rampart/config/load.h"
#include "rampart/config/rest_config.h"

namespace rampart::config::detail {

/// Fills server, CA, TLS and proxy fields of `out` from the cluster entry `name`.
/// Sets `tls` to whether the server is https (kubectl sends credentials only then).
[[nodiscard]] Result<void> resolve_cluster(const std::string& name, const ClusterEntry& cluster,
                                           RestConfig& out, bool& tls);

/// Builds the credential source for user `name`, following kubectl's precedence.
[[nodiscard]] Result<std::shared_ptr<CredentialSource>> resolve_user(
    const std::string& name, const UserEntry& user, const ClusterEntry& cluster,
    const RestConfig& resolved, bool tls, const LoadOptions& options, const Environment& env);

/// Text from a kubeconfig (an installHint) made safe for a one-line message: control
/// characters dropped, lines joined, at most `max_chars` characters.
[[nodiscard]] std::string single_line(std::string_view text, std::size_t max_chars);

}  // namespace rampart::config::detail
