#pragma once
// What config/ hands to client/: where the API server is and how to authenticate, resolved
// exactly as kubectl would resolve it. Everything is in memory: certificate and key PEM are
// passed to libcurl as blobs and never written to temporary files.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "rampart/core/error.h"

namespace rampart::config {

/// A credential presented on a request. Exec plugins may return a token, a client
/// certificate, or both; token files and in-cluster tokens are re-read when they change.
struct Credential {
  std::string bearer_token;     ///< empty when none
  std::string client_cert_pem;  ///< empty when none
  std::string client_key_pem;   ///< empty when none
  /// When the credential stops being valid (exec plugin expirationTimestamp), if known.
  std::optional<std::chrono::system_clock::time_point> expires;
};

/// Produces the current credential. Implementations cache (exec plugins until expiry) and
/// re-read token files when they change; they register every secret they return with
/// log::register_secret so it can never be logged. Thread-safe.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  /// The credential to use now. `refresh` = the server just answered 401: drop any cache.
  [[nodiscard]] virtual Result<Credential> get(bool refresh) = 0;
  /// "client-certificate", "token", "token-file", "exec", "in-cluster", "none": what 401
  /// messages name as the rejected credential kind. Never the credential itself.
  [[nodiscard]] virtual std::string kind() const = 0;
  /// Where the credential comes from, for messages and `rampart config view`: a file path,
  /// "kubeconfig", an exec plugin's command. Never the credential itself.
  [[nodiscard]] virtual std::string origin() const { return {}; }
};

/// A resolved connection to one cluster.
struct RestConfig {
  std::string server;           ///< https://host:port (no trailing slash)
  std::string context;          ///< kubeconfig context name, or "in-cluster"
  std::string cluster_name;     ///< kubeconfig cluster name
  std::string user_name;        ///< kubeconfig user (AuthInfo) name
  std::string source;           ///< file(s) it came from, for messages: "/home/a/.kube/config"
  std::string namespace_;       ///< the context's namespace (informational)
  std::string ca_pem;           ///< trusted CA bundle; empty = system trust store
  std::string ca_source;        ///< where ca_pem came from: a file path, "kubeconfig", "system"
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  ///< SNI / verification name override
  std::string proxy_url;
  std::shared_ptr<CredentialSource> credentials;  ///< never null (a "none" source at least)
};

}  // namespace rampart::config
