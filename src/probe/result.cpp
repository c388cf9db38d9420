#include "rampart/probe/result.h"

#include <array>
#include <utility>

namespace rampart::probe {
namespace {

struct ProbeInfo {
  ProbeId id;
  const char* code;
  const char* name;
};

constexpr std::array<ProbeInfo, 11> kProbes = {{
    {ProbeId::kKubeletAnonymous, "P-1", "kubelet-anonymous"},
    {ProbeId::kKubeletCredentialed, "P-2", "kubelet-credentialed"},
    {ProbeId::kKubeletReadOnly, "P-3", "kubelet-read-only"},
    {ProbeId::kEtcdPlaintext, "P-4", "etcd-plaintext"},
    {ProbeId::kEtcdTls, "P-5", "etcd-tls-no-client-cert"},
    {ProbeId::kApiServerAnonymous, "P-6", "apiserver-anonymous"},
    {ProbeId::kTlsScan, "P-7", "tls-scan"},
    {ProbeId::kComponentEndpoints, "P-8", "component-endpoints"},
    {ProbeId::kKubeProxyMetrics, "P-9", "kube-proxy-metrics"},
    {ProbeId::kProfiling, "P-10", "apiserver-profiling"},
    {ProbeId::kLegacyPort, "P-11", "legacy-insecure-port"},
}};

constexpr std::array<std::pair<Classification, const char*>, 27> kClassifications = {{
    {Classification::kNoConnection, "no-connection"},
    {Classification::kNoAnswer, "no-answer"},
    {Classification::kNotHttp, "not-http"},
    {Classification::kTlsFailed, "tls-failed"},
    {Classification::kUnexpected, "unexpected"},
    {Classification::kAnonymousAllowed, "anonymous-allowed"},
    {Classification::kAnonymousForbidden, "anonymous-forbidden"},
    {Classification::kAnonymousOff, "anonymous-off"},
    {Classification::kCredentialAllowed, "credential-allowed"},
    {Classification::kCredentialForbidden, "credential-forbidden"},
    {Classification::kCredentialRejected, "credential-rejected"},
    {Classification::kReadOnlyOpen, "read-only-open"},
    {Classification::kPlaintext, "plaintext"},
    {Classification::kTlsListener, "tls-listener"},
    {Classification::kClientCertRequired, "client-cert-required"},
    {Classification::kClientCertNotRequired, "client-cert-not-required"},
    {Classification::kAnonymousHealthOnly, "anonymous-health-only"},
    {Classification::kAnonymousDiscovery, "anonymous-discovery"},
    {Classification::kAnonymousReadsResources, "anonymous-reads-resources"},
    {Classification::kTlsScanned, "tls-scanned"},
    {Classification::kTlsScanIncomplete, "tls-scan-incomplete"},
    {Classification::kMetricsOpen, "metrics-open"},
    {Classification::kMetricsProtected, "metrics-protected"},
    {Classification::kProfilingOn, "profiling-on"},
    {Classification::kProfilingOff, "profiling-off"},
    {Classification::kProfilingUnknown, "profiling-unknown"},
    {Classification::kLegacyPortOpen, "legacy-port-open"},
}};

const ProbeInfo& info(ProbeId id) {
  for (const auto& p : kProbes)
    if (p.id == id) return p;
  return kProbes.front();
}

}  // namespace

const char* probe_code(ProbeId id) { return info(id).code; }
const char* to_string(ProbeId id) { return info(id).name; }

const char* to_string(Reachability r) {
  switch (r) {
    case Reachability::kOpen: return "open";
    case Reachability::kClosed: return "closed";
    case Reachability::kFiltered: return "filtered";
    case Reachability::kError: return "error";
  }
  return "error";
}

const char* to_string(Classification c) {
  for (const auto& [v, name] : kClassifications)
    if (v == c) return name;
  return "unexpected";
}

const char* to_string(SuiteStrength s) {
  switch (s) {
    case SuiteStrength::kStrong: return "strong";
    case SuiteStrength::kWeak: return "weak";
    case SuiteStrength::kInsecure: return "insecure";
  }
  return "weak";
}

const char* to_string(EtcdRange::Outcome o) {
  switch (o) {
    case EtcdRange::Outcome::kCount: return "count";
    case EtcdRange::Outcome::kAuthRequired: return "auth-required";
    case EtcdRange::Outcome::kFailed: return "failed";
  }
  return "failed";
}

}  // namespace rampart::probe
