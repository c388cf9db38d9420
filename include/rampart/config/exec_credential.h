#pragma once
// The client.authentication.k8s.io ExecCredential exchange with credential plugins: what we
// pass in KUBERNETES_EXEC_INFO, and how the plugin's stdout is read (as client-go reads it).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::config {

inline constexpr const char* kExecApiV1 = "client.authentication.k8s.io/v1";
inline constexpr const char* kExecApiV1beta1 = "client.authentication.k8s.io/v1beta1";

/// The spec.cluster object client-go sends when provideClusterInfo is true.
struct ExecClusterInfo {
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority_data;  ///< PEM bytes (sent base64-encoded)
  std::string proxy_url;
  bool disable_compression = false;
  std::optional<nlohmann::json> config;  ///< the cluster's client.authentication.k8s.io/exec extension
};

/// The KUBERNETES_EXEC_INFO value: {"kind":"ExecCredential","apiVersion":...,"spec":{...}}.
/// We never run plugins interactively, so spec.interactive is always false.
[[nodiscard]] std::string exec_info_json(const std::string& api_version,
                                         const std::optional<ExecClusterInfo>& cluster);

/// Reads a plugin's stdout. Errors (kConfig, message only, never the output itself): not JSON,
/// wrong apiVersion or kind, no status, no token and no certificate, a certificate without a key
/// or the reverse, a bad PEM, a malformed expirationTimestamp.
[[nodiscard]] Result<Credential> parse_exec_credential(std::string_view out,
                                                       const std::string& api_version);

/// Parses an RFC 3339 timestamp ("2024-05-01T10:00:00Z", fractions and offsets allowed).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace rampart::config
