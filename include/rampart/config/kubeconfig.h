#pragma once
// The kubeconfig file format and kubectl's loading rules: which files are read, how several are
// merged, and how relative paths are resolved. Only this part of config/ touches YAML.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/core/error.h"

namespace rampart::config {

/// Where an entry was defined, for messages: "file:line".
struct Location {
  std::string file;
  int line = 0;  ///< 1-based; 0 when unknown
  [[nodiscard]] std::string describe() const;
  bool operator==(const Location&) const = default;
};

/// One `env` entry of an exec plugin.
struct ExecEnvVar {
  std::string name;
  std::string value;
  bool operator==(const ExecEnvVar&) const = default;
};

/// users[].user.exec: a client-go credential plugin.
struct ExecConfig {
  std::string command;  ///< absolute when it contained a '/', else looked up on PATH
  std::vector<std::string> args;
  std::vector<ExecEnvVar> env;
  std::string api_version;
  std::string install_hint;
  bool provide_cluster_info = false;
  /// After kubectl's defaulting: empty stays empty for v1, v1beta1 defaults to IfAvailable.
  std::string interactive_mode;
  bool operator==(const ExecConfig&) const = default;
};

/// clusters[].cluster. Paths are absolute (resolved against the defining file's folder);
/// *_data fields are already base64-decoded.
struct ClusterEntry {
  std::string server;
  std::string certificate_authority;
  std::string certificate_authority_data;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  bool disable_compression = false;
  /// extensions[name == client.authentication.k8s.io/exec].extension, passed to exec plugins.
  std::optional<nlohmann::json> exec_extension;
  Location origin;
  /// Whether every field is unset (kubectl: "cluster has no server defined").
  [[nodiscard]] bool empty() const;
};

/// users[].user (kubectl's AuthInfo). Same path and data conventions as ClusterEntry.
struct UserEntry {
  std::string client_certificate;
  std::string client_certificate_data;
  std::string client_key;
  std::string client_key_data;
  std::string token;
  std::string token_file;
  std::string username;
  std::string password;
  std::optional<std::string> auth_provider;  ///< auth-provider.name when the stanza is present
  std::vector<std::string> impersonation;    ///< the impersonation keys set: "as", "as-groups"...
  std::optional<ExecConfig> exec;
  Location origin;
};

/// contexts[].context.
struct ContextEntry {
  std::string cluster;
  std::string user;
  std::string namespace_;
  Location origin;
};

/// One kubeconfig file, or several merged by kubectl's rules.
struct Kubeconfig {
  std::map<std::string, ClusterEntry> clusters;
  std::map<std::string, UserEntry> users;
  std::map<std::string, ContextEntry> contexts;
  std::string current_context;
  Location current_context_origin;
  std::vector<std::string> files;    ///< files read, in precedence order
  std::vector<std::string> missing;  ///< files listed in KUBECONFIG that do not exist

  /// kubectl's IsConfigEmpty: nothing defined at all (then in-cluster config may apply).
  [[nodiscard]] bool empty() const;
};

/// Parses one kubeconfig file's text. `path` is used for messages and to resolve relative
/// paths (against its folder, made absolute). An empty text is an empty config, as in kubectl.
[[nodiscard]] Result<Kubeconfig> parse_kubeconfig(std::string_view text, const std::string& path);

/// The files kubectl would read, in precedence order.
struct KubeconfigFiles {
  std::vector<std::string> paths;
  bool explicit_path = false;  ///< from --kubeconfig: must exist
  std::string origin;          ///< "--kubeconfig", "KUBECONFIG" or "default", for messages
};

/// kubectl's choice: --kubeconfig, else KUBECONFIG (split on ':', duplicates dropped), else
/// $HOME/.kube/config. `kubeconfig_env` and `home` are the values of those variables.
[[nodiscard]] KubeconfigFiles kubeconfig_files(const std::string& explicit_path,
                                               const std::string& kubeconfig_env,
                                               const std::string& home);

/// Reads and merges `files`: for clusters, users and contexts the first file to define a name
/// wins (the whole entry); current-context comes from the first file that sets it. Empty names
/// and missing files are skipped, except a missing --kubeconfig file, which is an error; any
/// file that exists but cannot be read or parsed is an error.
[[nodiscard]] Result<Kubeconfig> read_kubeconfig(const KubeconfigFiles& files);

}  // namespace rampart::config
