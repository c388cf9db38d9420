// CIS 1.3 (controller manager), 1.4 (scheduler), 2 (etcd) and 3.2.1 (audit policy): flags of
// the other control-plane components.
#include <algorithm>

#include "common.h"

namespace rampart::checks {
namespace {

using namespace detail;

// ---------------------------------------------------------------- 1.3 controller manager

Outcome cm(const ScanView& v, const FlagFn& fn) { return flag_check(v, kControllerManager, fn); }

Outcome gc_threshold(const ScanView& v) { return cm(v, flags_present({"terminated-pod-gc-threshold"})); }
RAMPART_CHECK("1.3.1", gc_threshold);

Outcome cm_profiling(const ScanView& v) { return cm(v, flag_bool("profiling", false, true)); }
RAMPART_CHECK("1.3.2", cm_profiling);

Outcome cm_sa_credentials(const ScanView& v) { return cm(v, flag_bool("use-service-account-credentials", true, false)); }
RAMPART_CHECK("1.3.3", cm_sa_credentials);

Outcome cm_sa_key(const ScanView& v) { return cm(v, flags_present({"service-account-private-key-file"})); }
RAMPART_CHECK("1.3.4", cm_sa_key);

Outcome cm_root_ca(const ScanView& v) { return cm(v, flags_present({"root-ca-file"})); }
RAMPART_CHECK("1.3.5", cm_root_ca);

Outcome cm_serving_rotation(const ScanView& v) {
  return cm(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, "feature-gates", f);
    for (const auto& gate : f.list("feature-gates")) {
      auto eq = gate.find('=');
      if (eq == std::string::npos || gate.substr(0, eq) != "RotateKubeletServerCertificate") continue;
      auto on = parse_go_bool(gate.substr(eq + 1));
      if (on == false) return Verdict{Status::kFail, "--feature-gates sets RotateKubeletServerCertificate=false", {e}};
    }
    return Verdict{Status::kPass, "RotateKubeletServerCertificate is not disabled", {e}};
  });
}
RAMPART_CHECK("1.3.6", cm_serving_rotation);

// 1.3.7 / 1.4.2: we fail an absent --bind-address (compiled default 0.0.0.0), unlike kube-bench.
FlagFn loopback_only() {
  return [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    std::vector<Evidence> e = {flag_evidence(c.component, "bind-address", f, "(default 0.0.0.0)"),
                               flag_evidence(c.component, "secure-port", f)};
    if (f.value("secure-port") == "0") return Verdict{Status::kPass, "--secure-port=0: nothing is served", e};
    auto addr = f.value("bind-address");
    if (!addr) return Verdict{Status::kFail, "--bind-address is not set, so it serves on 0.0.0.0", e};
    if (*addr == "127.0.0.1" || *addr == "::1" || *addr == "localhost")
      return Verdict{Status::kPass, "--bind-address=" + *addr, e};
    return Verdict{Status::kFail, "--bind-address=" + *addr + " is not a loopback address", e};
  };
}

Outcome cm_loopback(const ScanView& v) { return cm(v, loopback_only()); }
RAMPART_CHECK("1.3.7", cm_loopback);

// ---------------------------------------------------------------- 1.4 scheduler

Outcome scheduler_profiling(const ScanView& v) {
  return flag_check(v, kScheduler, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    if (!f.has("profiling") && f.present("config"))
      return Verdict{Status::kManual,
                     "--profiling is absent and --config is set: enableProfiling may be set in " + *f.value("config"),
                     {flag_evidence(c.component, "config", f)}};
    return flag_bool("profiling", false, true)(f, c);
  });
}
RAMPART_CHECK("1.4.1", scheduler_profiling);

Outcome scheduler_loopback(const ScanView& v) { return flag_check(v, kScheduler, loopback_only()); }
RAMPART_CHECK("1.4.2", scheduler_loopback);

// ---------------------------------------------------------------- 2 etcd

Outcome etcd(const ScanView& v, const FlagFn& fn) { return flag_check(v, kEtcd, fn); }

bool loopback_url(const std::string& url) {
  auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

// TLS files present and every URL of `urls_flag` https (an http URL on loopback is tolerated
// for client URLs, as kubeadm's health-check listener uses one).
FlagFn tls_listener(std::string cert, std::string key, std::string urls_flag, bool tolerate_loopback_http) {
  return [=](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Verdict out = flags_present({cert, key})(f, c);
    out.evidence.push_back(flag_evidence(c.component, urls_flag, f));
    std::vector<std::string> plain;
    for (const auto& url : f.list(urls_flag))
      if (url.starts_with("http://") && !(tolerate_loopback_http && loopback_url(url))) plain.push_back(url);
    if (!plain.empty()) {
      out.status = Status::kFail;
      out.message = "--" + urls_flag + " listens in plaintext on " + join(plain) +
                    (out.message.starts_with("not set") ? "; " + out.message : std::string());
    }
    return out;
  };
}

Outcome etcd_client_tls(const ScanView& v) { return etcd(v, tls_listener("cert-file", "key-file", "listen-client-urls", true)); }
RAMPART_CHECK("2.1", etcd_client_tls);

Outcome etcd_client_cert_auth(const ScanView& v) { return etcd(v, flag_bool("client-cert-auth", true, false)); }
RAMPART_CHECK("2.2", etcd_client_cert_auth);

Outcome etcd_no_auto_tls(const ScanView& v) { return etcd(v, flag_bool("auto-tls", false, false)); }
RAMPART_CHECK("2.3", etcd_no_auto_tls);

Outcome etcd_peer_tls(const ScanView& v) {
  return etcd(v, tls_listener("peer-cert-file", "peer-key-file", "listen-peer-urls", false));
}
RAMPART_CHECK("2.4", etcd_peer_tls);

Outcome etcd_peer_cert_auth(const ScanView& v) { return etcd(v, flag_bool("peer-client-cert-auth", true, false)); }
RAMPART_CHECK("2.5", etcd_peer_cert_auth);

Outcome etcd_no_peer_auto_tls(const ScanView& v) { return etcd(v, flag_bool("peer-auto-tls", false, false)); }
RAMPART_CHECK("2.6", etcd_no_peer_auto_tls);

Outcome etcd_own_ca(const ScanView& v) {
  // The API server's client CA, to compare paths (same path = etcd trusts the cluster CA).
  std::vector<std::string> cluster_cas;
  for (const auto* c : v.facts.components(kApiServer)) {
    collect::Flags flags = effective_flags(*c);
    if (auto ca = FlagReader{flags}.value("client-ca-file")) cluster_cas.push_back(*ca);
  }
  return etcd(v, [cluster_cas](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, "trusted-ca-file", f);
    if (!f.present("trusted-ca-file")) return Verdict{Status::kFail, "--trusted-ca-file is not set", {e}};
    std::string ca = *f.value("trusted-ca-file");
    if (std::find(cluster_cas.begin(), cluster_cas.end(), ca) != cluster_cas.end())
      return Verdict{Status::kFail, "--trusted-ca-file is the API server's --client-ca-file (" + ca + ")",
                     {e, Evidence{"flags", "kube-apiserver --client-ca-file", ca}}};
    return Verdict{Status::kPass, "--trusted-ca-file=" + ca + " differs from the cluster client CA", {e}};
  });
}
RAMPART_CHECK("2.7", etcd_own_ca);

// ---------------------------------------------------------------- 3.2 audit

Outcome audit_policy(const ScanView& v) {
  return flag_check(v, kApiServer, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    std::vector<Evidence> e = {flag_evidence(c.component, "audit-policy-file", f),
                               flag_evidence(c.component, "audit-log-path", f),
                               flag_evidence(c.component, "audit-webhook-config-file", f)};
    if (!f.present("audit-policy-file")) return Verdict{Status::kFail, "--audit-policy-file is not set", e};
    if (!f.present("audit-log-path") && !f.present("audit-webhook-config-file"))
      return Verdict{Status::kWarn, "an audit policy is set but no backend (--audit-log-path or --audit-webhook-config-file)", e};
    return Verdict{Status::kPass, "--audit-policy-file=" + *f.value("audit-policy-file"), e};
  });
}
RAMPART_CHECK("3.2.1", audit_policy);

}  // namespace
}  // namespace rampart::checks
