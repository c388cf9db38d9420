// A cluster entry as kubectl uses it (clientcmd DirectClientConfig.ClientConfig and
// validateClusterInfo, transport.TLSConfigFor).
#include <spdlog/spdlog.h>

#include "rampart/config/files.h"
#include "rampart/config/pem.h"
#include "resolve.h"

namespace rampart::config::detail {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// kubectl (rest.DefaultServerURL) treats a server without a scheme as plain http, because
// at that point it has no TLS settings to go by.
Result<std::string> normalize_server(const std::string& server, bool& tls) {
  std::string url = server;
  std::size_t sep = url.find("://");
  if (sep == std::string::npos) {
    url = "http://" + url;
    sep = 4;
  }
  std::string scheme = lower(url.substr(0, sep));
  if (scheme != "https" && scheme != "http")
    return fail(ErrorKind::kConfig, "server \"" + server + "\" has scheme \"" + scheme +
                                        "\"; only https (and http) are supported");
  std::string rest = url.substr(sep + 3);
  std::size_t path_start = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, path_start);
  if (authority.empty() || authority.find('@') != std::string::npos)
    return fail(ErrorKind::kConfig, "server \"" + server + "\" is not a valid URL (no host)");
  std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
  // kubectl drops a query and fragment when the server has a path.
  std::size_t cut = path.find_first_of("?#");
  if (cut != std::string::npos && cut > 1) path.erase(cut);
  while (!path.empty() && path.back() == '/') path.pop_back();
  tls = scheme == "https";
  return scheme + "://" + authority + path;
}

// clientcmd's parseProxyURL.
Result<void> check_proxy_url(const std::string& proxy) {
  std::size_t sep = proxy.find("://");
  std::string scheme = sep == std::string::npos ? "" : lower(proxy.substr(0, sep));
  if (scheme != "http" && scheme != "https" && scheme != "socks5")
    return fail(ErrorKind::kConfig, "proxy-url \"" + proxy + "\": unsupported scheme \"" + scheme +
                                        "\", must be http, https, or socks5");
  if (proxy.size() == sep + 3) return fail(ErrorKind::kConfig, "proxy-url \"" + proxy + "\" has no host");
  return {};
}

}  // namespace

Result<void> resolve_cluster(const std::string& name, const ClusterEntry& cluster, RestConfig& out,
                             bool& tls) {
  const std::string where = "cluster \"" + name + "\"";
  const std::string at = cluster.origin.describe();
  auto error = [&](const std::string& message) { return fail(ErrorKind::kConfig, where + ": " + message, at); };

  if (cluster.server.empty()) return error("no server is set");
  auto server = normalize_server(cluster.server, tls);
  if (!server) return error(server.error().message);
  out.server = *server;
  if (!cluster.proxy_url.empty()) {
    if (auto ok = check_proxy_url(cluster.proxy_url); !ok) return error(ok.error().message);
    out.proxy_url = cluster.proxy_url;
  }
  out.tls_server_name = cluster.tls_server_name;

  // kubectl's validation refuses both; it would otherwise prefer the data.
  if (!cluster.certificate_authority.empty() && !cluster.certificate_authority_data.empty())
    return error("certificate-authority and certificate-authority-data are both set; keep one");
  if (!cluster.certificate_authority.empty()) {
    auto ca = read_local_file(cluster.certificate_authority, "certificate-authority");
    if (!ca) return error(ca.error().message);
    if (auto ok = check_certificates_pem(*ca); !ok)
      return error("certificate-authority \"" + cluster.certificate_authority + "\": " + ok.error().message);
    out.ca_pem = std::move(*ca);
    out.ca_source = cluster.certificate_authority;
  } else if (!cluster.certificate_authority_data.empty()) {
    if (auto ok = check_certificates_pem(cluster.certificate_authority_data); !ok)
      return error("certificate-authority-data: " + ok.error().message);
    out.ca_pem = cluster.certificate_authority_data;
    out.ca_source = "kubeconfig";
  } else {
    out.ca_source = "system";
  }

  if (!tls) {
    spdlog::warn("{} ({}): server {} is plain http: no TLS, and no credentials are sent (as kubectl)",
                 where, at, out.server);
    out.ca_pem.clear();
    out.ca_source = "none";
    out.tls_server_name.clear();
    return {};
  }
  if (cluster.insecure_skip_tls_verify) {
    // client-go's transport refuses the combination rather than guess which one was meant.
    if (!out.ca_pem.empty())
      return error("insecure-skip-tls-verify is set together with a certificate authority; keep one");
    out.insecure_skip_tls_verify = true;
    spdlog::warn("{} ({}): insecure-skip-tls-verify is set: the API server's certificate is not verified",
                 where, at);
  }
  return {};
}

}  // namespace rampart::config::detail
