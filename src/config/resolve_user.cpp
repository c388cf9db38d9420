// A user entry as kubectl uses it: clientcmd's validateAuthInfo and
// getUserIdentificationPartialConfig, then client-go's transport, which decide the precedence:
//   1. token / tokenFile (with both, the file's content is sent while it can be read),
//   2. client certificate (sent together with a token when both are set),
//   3. exec plugin, only when neither of the above is set.
// Basic auth, auth-provider and impersonation are refused (see docs/authentication.md).
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "rampart/config/exec_credential.h"
#include "rampart/config/files.h"
#include "rampart/config/pem.h"
#include "rampart/core/log.h"
#include "resolve.h"

namespace rampart::config::detail {
namespace {

struct UserContext {
  std::string where;  // user "name"
  std::string at;     // file:line
  [[nodiscard]] tl::unexpected<Error> error(const std::string& message) const {
    return fail(ErrorKind::kConfig, where + ": " + message, at);
  }
};

// kubectl's validateAuthInfo checks for the certificate, exec and basic-auth fields.
Result<void> validate_like_kubectl(const UserEntry& u, const UserContext& ctx) {
  bool has_cert = !u.client_certificate.empty() || !u.client_certificate_data.empty();
  if (has_cert) {
    if (!u.client_certificate.empty() && !u.client_certificate_data.empty())
      return ctx.error("client-certificate and client-certificate-data are both set; keep one");
    if (!u.client_key.empty() && !u.client_key_data.empty())
      return ctx.error("client-key and client-key-data are both set; keep one");
    if (u.client_key.empty() && u.client_key_data.empty())
      return ctx.error("client-certificate is set but neither client-key nor client-key-data");
  }
  if (u.exec) {
    const ExecConfig& e = *u.exec;
    if (u.auth_provider) return ctx.error("auth-provider and exec cannot both be set");
    if (e.command.empty()) return ctx.error("exec.command is not set");
    if (e.api_version.empty()) return ctx.error("exec.apiVersion is not set");
    for (const auto& var : e.env)
      if (var.name.empty()) return ctx.error("exec.env has an entry without a name");
    if (e.interactive_mode.empty())
      return ctx.error("exec.interactiveMode must be set (Never, IfAvailable or Always) for " +
                       e.api_version);
    if (e.interactive_mode != "Never" && e.interactive_mode != "IfAvailable" &&
        e.interactive_mode != "Always")
      return ctx.error("exec.interactiveMode \"" + e.interactive_mode +
                       "\" is not one of Never, IfAvailable, Always");
    if (e.api_version != kExecApiV1 && e.api_version != kExecApiV1beta1)
      return ctx.error("exec.apiVersion \"" + e.api_version + "\" is not supported (use " + kExecApiV1 +
                       " or " + kExecApiV1beta1 + ")");
  }
  return {};
}

Result<void> refuse_unsupported(const UserEntry& u, const UserContext& ctx) {
  if (!u.username.empty() || !u.password.empty())
    return ctx.error(
        "username/password (basic authentication) is not supported: Kubernetes removed it from the "
        "API server in 1.19; use a client certificate, a token or an exec plugin");
  if (u.auth_provider) {
    const std::string& name = *u.auth_provider;
    std::string hint = "use an exec credential plugin instead";
    if (name == "gcp") hint = "use the gke-gcloud-auth-plugin exec plugin instead";
    if (name == "azure") hint = "use the kubelogin exec plugin instead";
    if (name == "oidc") hint = "use an OIDC exec plugin such as kubelogin (kubectl oidc-login) instead";
    return ctx.error("auth-provider \"" + name +
                     "\" is not supported (kubectl removed the gcp and azure providers in 1.26 and "
                     "deprecated the rest); " + hint);
  }
  if (!u.impersonation.empty()) {
    std::string keys;
    for (const auto& k : u.impersonation) keys += (keys.empty() ? "" : ", ") + k;
    return ctx.error("impersonation (" + keys +
                     ") is not supported: rampart reports what the credential itself may do");
  }
  return {};
}

// The -data field when set, else the file's content.
Result<std::string> pem_field(const std::string& path, const std::string& data, const char* file_field,
                              const UserContext& ctx) {
  if (!data.empty()) return data;
  auto text = read_local_file(path, file_field);
  if (!text) return ctx.error(text.error().message);
  return text;
}

Result<Credential> load_client_certificate(const UserEntry& u, const UserContext& ctx) {
  Credential cred;
  const bool cert_from_file = u.client_certificate_data.empty();
  const bool key_from_file = u.client_key_data.empty();
  auto cert = pem_field(u.client_certificate, u.client_certificate_data, "client-certificate", ctx);
  if (!cert) return tl::unexpected(cert.error());
  auto key = pem_field(u.client_key, u.client_key_data, "client-key", ctx);
  if (!key) return tl::unexpected(key.error());
  log::register_secret(*key);
  std::string cert_name = cert_from_file ? "client-certificate \"" + u.client_certificate + "\""
                                         : std::string("client-certificate-data");
  std::string key_name = key_from_file ? "client-key \"" + u.client_key + "\"" : std::string("client-key-data");
  if (auto ok = check_certificates_pem(*cert); !ok) return ctx.error(cert_name + ": " + ok.error().message);
  if (auto ok = check_private_key_pem(*key); !ok) return ctx.error(key_name + ": " + ok.error().message);
  if (auto ok = check_key_pair_pem(*cert, *key); !ok)
    return ctx.error(key_name + " does not belong to " + cert_name);
  cred.client_cert_pem = std::move(*cert);
  cred.client_key_pem = std::move(*key);
  return cred;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Go's exec.LookPath with the PATH rampart runs with (not the plugin's env), as kubectl does.
std::optional<std::string> find_executable(const std::string& command, const std::string& path_env) {
  if (command.find('/') != std::string::npos)
    return is_executable_file(command) ? std::optional<std::string>(command) : std::nullopt;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path_env.find(':', start);
    std::string dir = path_env.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + command;
    if (is_executable_file(candidate)) return candidate;
    if (end == std::string::npos) return std::nullopt;
    start = end + 1;
  }
}

Result<std::shared_ptr<CredentialSource>> exec_source(const std::string& name, const UserEntry& u,
                                                      const ClusterEntry& cluster,
                                                      const RestConfig& resolved,
                                                      const LoadOptions& options,
                                                      const Environment& env, const UserContext& ctx) {
  const ExecConfig& e = *u.exec;
  if (e.interactive_mode == "Always")
    return ctx.error("exec plugin \"" + e.command +
                     "\" has interactiveMode Always, but rampart never runs plugins interactively; "
                     "use IfAvailable or Never");
  auto path = find_executable(e.command, env.get("PATH"));
  if (!path) {
    std::string message = "exec plugin \"" + e.command + "\" was not found";
    if (e.command.find('/') == std::string::npos) message += " on PATH";
    std::string hint = single_line(e.install_hint, 400);
    if (!hint.empty()) message += "; install hint: " + hint;
    return ctx.error(message);
  }
  ExecPlugin plugin;
  plugin.path = *path;
  plugin.command = e.command;
  plugin.args = e.args;
  plugin.api_version = e.api_version;
  plugin.user = name;
  plugin.location = ctx.at;
  plugin.timeout = options.exec_timeout;
  plugin.on_stderr_line = options.exec_stderr;
  // The plugin inherits our environment, then the kubeconfig's env entries, then
  // KUBERNETES_EXEC_INFO, later ones replacing earlier ones (as Go's exec does).
  Environment child = env;
  for (const auto& var : e.env) child.vars[var.name] = var.value;
  std::optional<ExecClusterInfo> info;
  if (e.provide_cluster_info) {
    info = ExecClusterInfo{resolved.server,          resolved.tls_server_name,
                           resolved.insecure_skip_tls_verify, resolved.ca_pem,
                           resolved.proxy_url,       cluster.disable_compression,
                           cluster.exec_extension};
  }
  child.vars["KUBERNETES_EXEC_INFO"] = exec_info_json(e.api_version, info);
  plugin.env = child.entries();
  return std::make_shared<ExecCredentialSource>(std::move(plugin), options.clock);
}

}  // namespace

std::string single_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<std::shared_ptr<CredentialSource>> resolve_user(const std::string& name, const UserEntry& u,
                                                       const ClusterEntry& cluster,
                                                       const RestConfig& resolved, bool tls,
                                                       const LoadOptions& options,
                                                       const Environment& env) {
  UserContext ctx{"user \"" + name + "\"", u.origin.describe()};
  if (auto ok = validate_like_kubectl(u, ctx); !ok) return tl::unexpected(ok.error());
  if (auto ok = refuse_unsupported(u, ctx); !ok) return tl::unexpected(ok.error());
  const bool has_token = !u.token.empty() || !u.token_file.empty();
  const bool has_cert = !u.client_certificate.empty() || !u.client_certificate_data.empty();
  if (!tls) return std::make_shared<StaticCredentialSource>(Credential{}, "none", "");

  Credential base;
  if (has_cert) {
    auto cert = load_client_certificate(u, ctx);
    if (!cert) return tl::unexpected(cert.error());
    base = std::move(*cert);
  }
  if (u.exec && (has_token || has_cert))
    spdlog::info("{} ({}): exec plugin not used because a {} is set (kubectl's precedence)", ctx.where,
                 ctx.at, has_token ? "token" : "client certificate");
  if (!u.token_file.empty()) {
    auto source = std::make_shared<TokenFileSource>(u.token_file, u.token, base,
                                                    has_cert ? "client-certificate+token-file" : "token-file",
                                                    options.clock);
    if (auto first = source->get(false); !first) return ctx.error("tokenFile: " + first.error().message);
    return source;
  }
  if (!u.token.empty()) {
    base.bearer_token = u.token;
    return std::make_shared<StaticCredentialSource>(
        std::move(base), has_cert ? "client-certificate+token" : "token", "kubeconfig");
  }
  if (has_cert) {
    std::string origin = u.client_certificate.empty() ? "kubeconfig" : u.client_certificate;
    return std::make_shared<StaticCredentialSource>(std::move(base), "client-certificate", origin);
  }
  if (u.exec) return exec_source(name, u, cluster, resolved, options, env, ctx);
  return std::make_shared<StaticCredentialSource>(Credential{}, "none", "");
}

}  // namespace rampart::config::detail
