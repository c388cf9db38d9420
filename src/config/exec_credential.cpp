// The ExecCredential exchange. Field names and checks follow client-go's
// plugin/pkg/client/auth/exec (refreshCredsLocked) so that a plugin that works with kubectl
// works with rampart and one that kubectl rejects is rejected here too.
#include "rampart/config/exec_credential.h"

#include <cstdio>
#include <ctime>

#include "rampart/config/pem.h"
#include "rampart/core/log.h"

namespace rampart::config {
namespace {

Result<std::string> optional_string(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(ErrorKind::kConfig, std::string("status.") + key + " is not a string");
  return it->get<std::string>();
}

std::string member_string(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string exec_info_json(const std::string& api_version,
                           const std::optional<ExecClusterInfo>& cluster) {
  // Key order as client-go's encoder writes it: kind, apiVersion, spec{cluster, interactive}.
  nlohmann::ordered_json info;
  info["kind"] = "ExecCredential";
  info["apiVersion"] = api_version;
  nlohmann::ordered_json spec = nlohmann::ordered_json::object();
  if (cluster) {
    nlohmann::ordered_json c;
    c["server"] = cluster->server;
    if (!cluster->tls_server_name.empty()) c["tls-server-name"] = cluster->tls_server_name;
    if (cluster->insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster->certificate_authority_data.empty())
      c["certificate-authority-data"] = encode_base64(cluster->certificate_authority_data);
    if (!cluster->proxy_url.empty()) c["proxy-url"] = cluster->proxy_url;
    if (cluster->disable_compression) c["disable-compression"] = true;
    if (cluster->config) c["config"] = nlohmann::ordered_json::parse(cluster->config->dump());
    spec["cluster"] = std::move(c);
  }
  spec["interactive"] = false;
  info["spec"] = std::move(spec);
  return info.dump();
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  std::string s(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt]%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 || consumed != 19)
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  std::size_t pos = 19;
  long long nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t d = digits; d < 9; ++d) nanos *= 10;
  }
  long offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0, n = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5) return std::nullopt;
    offset_seconds = (oh * 3600L + om * 60L) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = ::timegm(&tm);
  auto tp = std::chrono::system_clock::from_time_t(t - offset_seconds);
  return tp + std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

Result<Credential> parse_exec_credential(std::string_view out, const std::string& api_version) {
  nlohmann::json doc = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(ErrorKind::kConfig, "printed something that is not an ExecCredential JSON object");
  std::string got_version = member_string(doc, "apiVersion");
  if (got_version != api_version)
    return fail(ErrorKind::kConfig, "returned apiVersion \"" + got_version + "\", but the kubeconfig asks for \"" +
                                        api_version + "\"");
  std::string kind = member_string(doc, "kind");
  if (kind != "ExecCredential")
    return fail(ErrorKind::kConfig, "returned kind \"" + kind + "\", expected \"ExecCredential\"");
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object())
    return fail(ErrorKind::kConfig, "did not return a status field");

  Credential cred;
  auto token = optional_string(*status, "token");
  auto cert = optional_string(*status, "clientCertificateData");
  auto key = optional_string(*status, "clientKeyData");
  auto expiry = optional_string(*status, "expirationTimestamp");
  for (const auto* r : {&token, &cert, &key, &expiry})
    if (!*r) return tl::unexpected(r->error());
  // Registered before any check can fail, so no later message can carry them.
  log::register_secret(*token);
  log::register_secret(*key);
  if (token->empty() && cert->empty() && key->empty())
    return fail(ErrorKind::kConfig, "did not return a token or a client certificate and key");
  if (cert->empty() != key->empty())
    return fail(ErrorKind::kConfig, "returned only one of clientCertificateData and clientKeyData");
  if (!cert->empty()) {
    if (auto r = check_certificates_pem(*cert); !r)
      return fail(ErrorKind::kConfig, "status.clientCertificateData: " + r.error().message);
    if (auto r = check_private_key_pem(*key); !r)
      return fail(ErrorKind::kConfig, "status.clientKeyData: " + r.error().message);
    if (auto r = check_key_pair_pem(*cert, *key); !r)
      return fail(ErrorKind::kConfig, "status.clientKeyData: " + r.error().message);
  }
  if (!expiry->empty()) {
    auto when = parse_rfc3339(*expiry);
    if (!when) return fail(ErrorKind::kConfig, "status.expirationTimestamp is not an RFC 3339 time");
    cred.expires = *when;
  }
  cred.bearer_token = std::move(*token);
  cred.client_cert_pem = std::move(*cert);
  cred.client_key_pem = std::move(*key);
  return cred;
}

}  // namespace rampart::config
