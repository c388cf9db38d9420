// CIS 1.3 (controller manager), 1.4 (scheduler), 2 (etcd) and 3.2.1 (audit policy): flags of
// the other control-plane components.
#include <algorithm>

#include "probe_rules.h"

namespace rampart::checks {
namespace {

using namespace detail;
using K = probe::TargetKind;
using Role = ProbeLink::Role;

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

// P-8: a connection from rampart's vantage point means the port is bound beyond loopback. A
// refused connection does not prove the bind address, so the probe never PASSes these.
Outcome cm_loopback(const ScanView& v) {
  return with_probes(v, cm(v, loopback_only()), {.ids = {"RMP-114"}, .kinds = {K::kControllerManager}});
}
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

Outcome scheduler_loopback(const ScanView& v) {
  return with_probes(v, flag_check(v, kScheduler, loopback_only()), {.ids = {"RMP-114"}, .kinds = {K::kScheduler}});
}
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

// P-4: plain HTTP answered on a client port contradicts the flags; a TLS listener on every client
// endpoint decides when etcd's flags are not visible.
Outcome etcd_client_tls(const ScanView& v) {
  return with_probes(v, etcd(v, tls_listener("cert-file", "key-file", "listen-client-urls", true)),
                     {.ids = {"RMP-104"}, .kinds = {K::kEtcdClient}, .fallback_pass = true});
}
RAMPART_CHECK("2.1", etcd_client_tls);

// P-5: /version answered without a client certificate (or a plaintext port) contradicts
// --client-cert-auth=true; a refused certificate-less handshake decides when flags are not visible.
Outcome etcd_client_cert_auth(const ScanView& v) {
  return with_probes(v, etcd(v, flag_bool("client-cert-auth", true, false)),
                     {.ids = {"RMP-105"}, .kinds = {K::kEtcdClient}, .fallback_pass = true});
}
RAMPART_CHECK("2.2", etcd_client_cert_auth);

Outcome etcd_no_auto_tls(const ScanView& v) {
  return with_probes(v, etcd(v, flag_bool("auto-tls", false, false)),
                     {.role = Role::kEvidence, .ids = {"RMP-107"}, .kinds = {K::kEtcdClient}});
}
RAMPART_CHECK("2.3", etcd_no_auto_tls);

// Only P-4's plain HTTP answer on a peer port bears on peer TLS; a TLS peer port without client
// certificates is 2.5's finding.
Outcome etcd_peer_tls(const ScanView& v) {
  return with_probes(v, etcd(v, tls_listener("peer-cert-file", "peer-key-file", "listen-peer-urls", false)),
                     {.ids = {"RMP-106"}, .kinds = {K::kEtcdPeer}, .fail_probe = probe::ProbeId::kEtcdPlaintext,
                      .fallback_pass = true});
}
RAMPART_CHECK("2.4", etcd_peer_tls);

Outcome etcd_peer_cert_auth(const ScanView& v) {
  return with_probes(v, etcd(v, flag_bool("peer-client-cert-auth", true, false)),
                     {.ids = {"RMP-106"}, .kinds = {K::kEtcdPeer}, .fallback_pass = true});
}
RAMPART_CHECK("2.5", etcd_peer_cert_auth);

Outcome etcd_no_peer_auto_tls(const ScanView& v) {
  return with_probes(v, etcd(v, flag_bool("peer-auto-tls", false, false)),
                     {.role = Role::kEvidence, .ids = {"RMP-107"}, .kinds = {K::kEtcdPeer}});
}
RAMPART_CHECK("2.6", etcd_no_peer_auto_tls);

// P-7 evidence for 2.7: the CA names etcd lists when it asks for a client certificate. The same
// subject as the cluster CA means etcd trusts every certificate the cluster CA signed.
std::vector<ProbeVerdict> etcd_client_ca_names(const ScanView& v, std::vector<ProbeVerdict> seen, std::vector<Evidence>& notes) {
  const ProbeFacts& pf = v.facts.probes();
  for (const auto* first : pf.targets({K::kEtcdClient, K::kEtcdPeer}))
    for (const auto* r : pf.results_of(first->target.url()))
      if (r->tls && r->tls->client_cert_requested) {
        notes.push_back({"probe", "client CA names listed by " + r->target.url(),
                         r->tls->client_ca_names.empty() ? "(none listed)" : join(r->tls->client_ca_names, "; ")});
        break;
      }
  return seen;
}

Outcome etcd_own_ca(const ScanView& v) {
  // The API server's client CA, to compare paths (same path = etcd trusts the cluster CA).
  std::vector<std::string> cluster_cas;
  for (const auto* c : v.facts.components(kApiServer)) {
    collect::Flags flags = effective_flags(*c);
    if (auto ca = FlagReader{flags}.value("client-ca-file")) cluster_cas.push_back(*ca);
  }
  Outcome flags = etcd(v, [cluster_cas](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, "trusted-ca-file", f);
    if (!f.present("trusted-ca-file")) return Verdict{Status::kFail, "--trusted-ca-file is not set", {e}};
    std::string ca = *f.value("trusted-ca-file");
    if (std::find(cluster_cas.begin(), cluster_cas.end(), ca) != cluster_cas.end())
      return Verdict{Status::kFail, "--trusted-ca-file is the API server's --client-ca-file (" + ca + ")",
                     {e, Evidence{"flags", "kube-apiserver --client-ca-file", ca}}};
    return Verdict{Status::kPass, "--trusted-ca-file=" + ca + " differs from the cluster client CA", {e}};
  });
  return with_probes(v, std::move(flags),
                     {.role = Role::kEvidence, .kinds = {K::kEtcdClient, K::kEtcdPeer}, .refine = etcd_client_ca_names});
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
