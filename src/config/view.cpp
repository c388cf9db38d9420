#include "rampart/config/view.h"

#include "rampart/config/pem.h"

namespace rampart::config {
namespace {

nlohmann::json fingerprint(const std::string& value) {
  if (value.empty()) return nullptr;
  return sha256_hex(value);
}

}  // namespace

Result<nlohmann::json> view_json(const RestConfig& config, bool run_exec) {
  nlohmann::json out;
  out["source"] = config.source;
  out["context"] = config.context;
  out["cluster"] = config.cluster_name;
  out["user"] = config.user_name;
  out["namespace"] = config.namespace_;
  out["server"] = config.server;
  out["tls_server_name"] = config.tls_server_name;
  out["proxy_url"] = config.proxy_url;
  out["insecure_skip_tls_verify"] = config.insecure_skip_tls_verify;
  out["ca"] = {{"source", config.ca_source}, {"sha256", fingerprint(config.ca_pem)}};

  nlohmann::json cred;
  const std::string kind = config.credentials ? config.credentials->kind() : "none";
  cred["kind"] = kind;
  cred["origin"] = config.credentials ? config.credentials->origin() : "";
  cred["token_sha256"] = nullptr;
  cred["client_cert_sha256"] = nullptr;
  cred["client_key_sha256"] = nullptr;
  cred["expires"] = nullptr;
  // Exec plugins may open browsers or call cloud APIs: run them only when asked.
  if (config.credentials && (kind != "exec" || run_exec)) {
    auto current = config.credentials->get(false);
    if (!current) return tl::unexpected(current.error());
    cred["token_sha256"] = fingerprint(current->bearer_token);
    cred["client_cert_sha256"] = fingerprint(current->client_cert_pem);
    cred["client_key_sha256"] = fingerprint(current->client_key_pem);
    if (current->expires) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(current->expires->time_since_epoch());
      cred["expires"] = secs.count();
    }
  }
  out["credential"] = std::move(cred);
  return out;
}

}  // namespace rampart::config
