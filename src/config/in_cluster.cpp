// In-cluster configuration, following client-go's rest.InClusterConfig and the namespace rule of
// clientcmd's inClusterClientConfig.
#include "rampart/config/in_cluster.h"

#include <memory>

#include "rampart/config/files.h"
#include "rampart/config/pem.h"

namespace rampart::config {
bool in_cluster_env_present(const Environment& env) {
  return !env.get("KUBERNETES_SERVICE_HOST").empty() && !env.get("KUBERNETES_SERVICE_PORT").empty();
}

Result<RestConfig> load_in_cluster(const std::string& root, const Environment& env, Clock clock) {
  const std::string host = env.get("KUBERNETES_SERVICE_HOST");
  const std::string port = env.get("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty())
    return fail(ErrorKind::kConfig,
                "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                "(set by Kubernetes in every pod)");
  RestConfig config;
  // net.JoinHostPort: an IPv6 address needs brackets.
  bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  config.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  config.context = "in-cluster";
  config.cluster_name = "in-cluster";
  config.user_name = "service-account";
  config.source = root;

  const std::string token_path = root + "/token";
  auto source = std::make_shared<TokenFileSource>(token_path, "", Credential{}, "in-cluster", clock);
  // The first read happens now, so a missing token is a load error, as in client-go.
  if (auto first = source->get(false); !first)
    return fail(ErrorKind::kConfig, "in-cluster service-account token: " + first.error().message, token_path);
  config.credentials = source;

  const std::string ca_path = root + "/ca.crt";
  auto ca = read_local_file(ca_path, "in-cluster CA");
  if (!ca) return tl::unexpected(ca.error());
  if (auto ok = check_certificates_pem(*ca); !ok)
    return fail(ErrorKind::kConfig, "in-cluster CA: " + ok.error().message, ca_path);
  config.ca_pem = std::move(*ca);
  config.ca_source = ca_path;

  // The downward API's POD_NAMESPACE first, then the mounted namespace file, then "default".
  config.namespace_ = env.get("POD_NAMESPACE");
  if (config.namespace_.empty()) {
    if (auto ns = read_local_file(root + "/namespace", "namespace")) config.namespace_ = trim_space(*ns);
  }
  if (config.namespace_.empty()) config.namespace_ = "default";
  return config;
}

}  // namespace rampart::config
