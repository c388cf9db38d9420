// RMP-101..RMP-119: findings only a network probe can make (cis-controls.md §3). The probe stage
// interprets every answer (probe::probe_findings); these checks only say which targets bear on
// each id and how to aggregate them (probe_rules.h).
#include "probe_rules.h"

namespace rampart::checks {
namespace {

using namespace detail;
using K = probe::TargetKind;

constexpr std::string_view kNoKubelet = "no kubelet endpoint was discovered or given to probe";
constexpr std::string_view kNoEtcdClient =
    "no etcd client endpoint discovered (managed control plane, or no etcd URL in the flags)";
constexpr std::string_view kNoApiServer = "no API server endpoint was discovered or given to probe";
constexpr std::string_view kNoComponent =
    "no controller-manager or scheduler endpoint discovered (managed control plane, or their mirror pods "
    "are not visible)";
constexpr std::string_view kNoTls = "no TLS endpoint was discovered or given to probe";
constexpr std::string_view kNoTlsScan =
    "P-7 (TLS scan) did not run on this endpoint (--no-tls-scan, or the port does not speak TLS)";
constexpr std::string_view kNoCertificate =
    "no serving certificate was seen on this endpoint (plaintext, or no TLS handshake completed)";

Outcome kubelet_read_only_port(const ScanView& v) {
  return rmp_check(v, {"RMP-101", {K::kKubeletReadOnly}, "kubelet read-only endpoints", "no kubelet read-only port was discovered or given to probe", "P-3 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-101", kubelet_read_only_port);

Outcome kubelet_anonymous_pods(const ScanView& v) {
  return rmp_check(v, {"RMP-102", {K::kKubelet}, "kubelet endpoints", kNoKubelet, "P-1 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-102", kubelet_anonymous_pods);

Outcome kubelet_anonymous_identity(const ScanView& v) {
  return rmp_check(v, {"RMP-103", {K::kKubelet}, "kubelet endpoints", kNoKubelet, "P-1 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-103", kubelet_anonymous_identity);

Outcome etcd_client_plaintext(const ScanView& v) {
  return rmp_check(v, {"RMP-104", {K::kEtcdClient}, "etcd client endpoints", kNoEtcdClient, "P-4 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-104", etcd_client_plaintext);

Outcome etcd_client_no_cert(const ScanView& v) {
  return rmp_check(v, {"RMP-105", {K::kEtcdClient}, "etcd client endpoints", kNoEtcdClient, "neither P-4 nor P-5 reached a conclusion on this endpoint"});
}
RAMPART_CHECK("RMP-105", etcd_client_no_cert);

Outcome etcd_peer_exposed(const ScanView& v) {
  return rmp_check(v, {"RMP-106", {K::kEtcdPeer}, "etcd peer endpoints", "no etcd peer endpoint discovered (managed control plane, or no peer URL in the etcd flags)", "neither P-4 nor P-5 reached a conclusion on this endpoint"});
}
RAMPART_CHECK("RMP-106", etcd_peer_exposed);

Outcome etcd_auto_tls(const ScanView& v) {
  return rmp_check(v, {"RMP-107", {K::kEtcdClient, K::kEtcdPeer}, "etcd endpoints", "no etcd endpoint discovered (managed control plane, or no etcd URL in the flags)", kNoCertificate});
}
RAMPART_CHECK("RMP-107", etcd_auto_tls);

Outcome apiserver_anonymous_discovery(const ScanView& v) {
  return rmp_check(v, {"RMP-108", {K::kApiServer}, "API server endpoints", kNoApiServer, "P-6 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-108", apiserver_anonymous_discovery);

Outcome apiserver_anonymous_reads(const ScanView& v) {
  return rmp_check(v, {"RMP-109", {K::kApiServer}, "API server endpoints", kNoApiServer, "P-6 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-109", apiserver_anonymous_reads);

Outcome old_tls_versions(const ScanView& v) {
  return rmp_check(v, {"RMP-110", tls_kinds(), "TLS endpoints", kNoTls, kNoTlsScan});
}
RAMPART_CHECK("RMP-110", old_tls_versions);

Outcome weak_tls_suites(const ScanView& v) {
  return rmp_check(v, {"RMP-111", tls_kinds(), "TLS endpoints", kNoTls, kNoTlsScan});
}
RAMPART_CHECK("RMP-111", weak_tls_suites);

Outcome certificate_expiry(const ScanView& v) {
  return rmp_check(v, {"RMP-112", tls_kinds(), "TLS endpoints", kNoTls, kNoCertificate});
}
RAMPART_CHECK("RMP-112", certificate_expiry);

Outcome kubelet_self_generated_cert(const ScanView& v) {
  return rmp_check(v, {"RMP-113", {K::kKubelet}, "kubelet endpoints", kNoKubelet, kNoCertificate});
}
RAMPART_CHECK("RMP-113", kubelet_self_generated_cert);

Outcome component_reachable(const ScanView& v) {
  return rmp_check(v, {"RMP-114", {K::kControllerManager, K::kScheduler}, "controller-manager and scheduler endpoints", kNoComponent, "P-8 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-114", component_reachable);

Outcome component_metrics_open(const ScanView& v) {
  return rmp_check(v, {"RMP-115", {K::kControllerManager, K::kScheduler}, "controller-manager and scheduler endpoints", kNoComponent, "P-8 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-115", component_metrics_open);

Outcome kube_proxy_metrics_reachable(const ScanView& v) {
  return rmp_check(v, {"RMP-116", {K::kKubeProxy}, "kube-proxy metrics endpoints", "no kube-proxy metrics endpoint was discovered or given to probe", "P-9 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-116", kube_proxy_metrics_reachable);

Outcome apiserver_profiling_reachable(const ScanView& v) {
  return rmp_check(v, {"RMP-117", {K::kApiServer}, "API server endpoints", kNoApiServer, "P-10 runs only with rampart's own credential (--probe-token-file, or --probe-client-cert with " "--probe-client-key)"});
}
RAMPART_CHECK("RMP-117", apiserver_profiling_reachable);

Outcome legacy_apiserver_port(const ScanView& v) {
  return rmp_check(v, {"RMP-118", {K::kLegacyApiServer}, "legacy API server ports", "no API server host was discovered for the legacy insecure port", "P-11 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-118", legacy_apiserver_port);

Outcome legacy_component_ports(const ScanView& v) {
  return rmp_check(v, {"RMP-119", {K::kLegacyControllerManager, K::kLegacyScheduler}, "legacy controller-manager and scheduler ports", kNoComponent, "P-11 did not run on this endpoint"});
}
RAMPART_CHECK("RMP-119", legacy_component_ports);

}  // namespace
}  // namespace rampart::checks
