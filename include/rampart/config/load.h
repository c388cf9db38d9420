#pragma once
// The entry point of config/: find the kubeconfig (or the pod's service account) the way kubectl
// does and resolve it into a RestConfig. No network I/O happens here; exec plugins run later,
// when client/ first asks the CredentialSource for a credential.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/config/credential_sources.h"
#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::config {

/// The pod service-account folder kubelet mounts.
inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Command-line choices plus the parts of the environment tests need to replace.
struct LoadOptions {
  std::string kubeconfig;   ///< --kubeconfig FILE (must exist)
  std::string context;      ///< --context NAME (overrides current-context)
  bool in_cluster = false;  ///< --in-cluster: use the pod's service account, ignore kubeconfigs
  std::chrono::seconds exec_timeout{30};  ///< an exec plugin is killed after this long
  std::optional<std::string> kubeconfig_env;  ///< KUBECONFIG; unset = from `env`
  std::optional<std::string> home;            ///< HOME; unset = from `env`
  /// Where in-cluster mode reads token, ca.crt and namespace; the environment variable
  /// RAMPART_SERVICE_ACCOUNT_DIR, when set, takes precedence.
  std::string in_cluster_root = kServiceAccountDir;
  /// The environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE, PATH, and
  /// what exec plugins inherit). Null = the process's environment.
  const std::map<std::string, std::string>* env = nullptr;
  Clock clock;  ///< null = the system clock
  /// Where exec plugins' stderr lines go; null = rampart's stderr (scrubbed of secrets).
  std::function<void(std::string_view)> exec_stderr;
};

/// Resolves the connection to use. Every bad input is one Error{kConfig} (kUsage for
/// contradictory options) naming the file and the field.
[[nodiscard]] Result<RestConfig> load(const LoadOptions& options);

/// The context names of the merged kubeconfig, sorted (for --all-contexts).
[[nodiscard]] Result<std::vector<std::string>> list_contexts(const LoadOptions& options);

}  // namespace rampart::config
