#include "rampart/probe/classify.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace rampart::probe {
namespace {

bool is_health_path(std::string_view path) {
  return path == "/healthz" || path == "/livez" || path == "/readyz";
}

bool is_discovery_path(std::string_view path) {
  return path == "/version" || path == "/api" || path == "/apis";
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return text.find(n) != std::string_view::npos; });
}

}  // namespace

Classification classify_kubelet_anonymous(int status) {
  switch (status) {
    case 0: return Classification::kNoAnswer;
    case 200: return Classification::kAnonymousAllowed;
    case 401: return Classification::kAnonymousOff;
    case 403: return Classification::kAnonymousForbidden;
    default: return Classification::kUnexpected;
  }
}

Classification classify_kubelet_credentialed(int status) {
  switch (status) {
    case 0: return Classification::kNoAnswer;
    case 200: return Classification::kCredentialAllowed;
    case 401: return Classification::kCredentialRejected;
    case 403: return Classification::kCredentialForbidden;
    default: return Classification::kUnexpected;
  }
}

Classification classify_etcd_plaintext(int status, std::string_view body,
                                       std::string_view first_bytes) {
  if (status != 0) {
    // Go's net/http answers plain HTTP sent to a TLS listener with this 400 before closing.
    if (body.find("HTTP request to an HTTPS server") != std::string_view::npos)
      return Classification::kTlsListener;
    if (status == 200 && body.find("\"etcdserver\"") != std::string_view::npos)
      return Classification::kPlaintext;
    return Classification::kUnexpected;
  }
  if (first_bytes.empty()) return Classification::kNoAnswer;
  // A TLS record: alert (0x15) or handshake (0x16) with a 3.x version.
  if (first_bytes.size() >= 2 && (first_bytes[0] == '\x15' || first_bytes[0] == '\x16') &&
      first_bytes[1] == '\x03')
    return Classification::kTlsListener;
  return Classification::kNotHttp;
}

Classification classify_legacy_port(TargetKind kind, int status, std::string_view body) {
  if (status == 0) return Classification::kNoAnswer;
  if (status != 200) return Classification::kUnexpected;
  if (kind == TargetKind::kLegacyApiServer && body.find("\"gitVersion\"") == std::string_view::npos)
    return Classification::kUnexpected;
  return Classification::kLegacyPortOpen;
}

Classification classify_etcd_tls(const TlsSession& tls, int status) {
  // 40 handshake_failure, 42 bad_certificate, 116 certificate_required: what servers send when
  // the certificate they asked for did not come. TLS 1.3 sends it after the client believes the
  // handshake finished, so it shows on the first read.
  const bool cert_alert =
      tls.alert_received == 40 || tls.alert_received == 42 || tls.alert_received == 116;
  if (!tls.handshake_ok) {
    if (cert_alert || tls.client_cert_requested) return Classification::kClientCertRequired;
    return tls.timed_out ? Classification::kNoAnswer : Classification::kTlsFailed;
  }
  if (status == 0) return cert_alert ? Classification::kClientCertRequired : Classification::kNoAnswer;
  if (status == 200) return Classification::kClientCertNotRequired;
  return Classification::kUnexpected;
}

EtcdRange classify_etcd_range(int status, std::string_view body) {
  EtcdRange out;
  out.outcome = EtcdRange::Outcome::kFailed;
  // etcd's gRPC gateway reports auth problems as an error object (status 401, or 400/500 with
  // gRPC code 3/16) whose text names them.
  if (status == 401 || contains_any(body, {"user name is empty", "permission denied",
                                           "invalid auth token", "authentication failed",
                                           "auth: revision"})) {
    out.outcome = EtcdRange::Outcome::kAuthRequired;
    return out;
  }
  if (status != 200) return out;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("header")) return out;
  // proto3 JSON leaves out zero values: a count of 0 has no "count"; int64 is a string.
  int64_t count = 0;
  if (auto it = j.find("count"); it != j.end()) {
    if (it->is_number_integer()) {
      count = it->get<int64_t>();
    } else if (it->is_string()) {
      const auto& s = it->get_ref<const std::string&>();
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), count);
      if (ec != std::errc() || p != s.data() + s.size()) return out;
    } else {
      return out;
    }
  }
  out.outcome = EtcdRange::Outcome::kCount;
  out.count = count;
  return out;
}

bool names_anonymous(std::string_view body) {
  return contains_any(body, {"system:anonymous", "system:unauthenticated"});
}

Classification classify_apiserver_anonymous(const std::vector<PathAnswer>& answers) {
  bool any_answer = false;
  bool reads_resources = false;
  bool discovery = false;
  bool all_rejected = true;     // every answer 401
  bool others_rejected = true;  // every non-health answer 401
  bool unexplained = false;
  for (const auto& a : answers) {
    if (a.status == 0) {
      unexplained = true;
      continue;
    }
    any_answer = true;
    const bool anonymous_403 = a.status == 403 && names_anonymous(a.body);
    if (a.path.starts_with("/api/v1/namespaces") && a.status == 200) reads_resources = true;
    if ((is_discovery_path(a.path) && a.status == 200) || anonymous_403) discovery = true;
    if (a.status != 401) all_rejected = false;
    if (!is_health_path(a.path) && a.status != 401) others_rejected = false;
    if (is_health_path(a.path) && a.status != 200 && a.status != 401) unexplained = true;
    if (a.status == 403 && !anonymous_403) unexplained = true;
  }
  if (!any_answer) return Classification::kNoAnswer;
  if (reads_resources) return Classification::kAnonymousReadsResources;
  if (discovery) return Classification::kAnonymousDiscovery;
  if (unexplained) return Classification::kUnexpected;
  if (all_rejected) return Classification::kAnonymousOff;
  if (others_rejected) return Classification::kAnonymousHealthOnly;
  return Classification::kUnexpected;
}

Classification classify_component(int healthz_status, int metrics_status) {
  if (metrics_status == 200) return Classification::kMetricsOpen;
  if (metrics_status == 401 || metrics_status == 403) return Classification::kMetricsProtected;
  if (healthz_status == 0 && metrics_status == 0) return Classification::kNoAnswer;
  return Classification::kUnexpected;
}

Classification classify_profiling(int status) {
  switch (status) {
    case 0: return Classification::kNoAnswer;
    case 200: return Classification::kProfilingOn;
    case 404: return Classification::kProfilingOff;
    case 401:
    case 403: return Classification::kProfilingUnknown;
    default: return Classification::kUnexpected;
  }
}

}  // namespace rampart::probe
