// CIS 4.2: kubelet settings from each node's configz (the effective configuration), and 4.3.1
// (kube-proxy metrics address).
//
// configz is kubelet.config.k8s.io/v1beta1 with omitempty: an absent non-pointer field is its
// Go zero value. Pointer fields are always present after defaulting, so their absence means
// we are not looking at a real configz: absent fields whose default would pass are ERROR, and
// absent fields whose default is insecure FAIL with the default as evidence.
#include <algorithm>
#include <set>


#include "probe_rules.h"
#include "rampart/collect/kube_proxy.h"
#include "rbac_common.h"

namespace rampart::checks {
namespace {

using namespace detail;
using nlohmann::json;
using K = probe::TargetKind;
using Role = ProbeLink::Role;

Evidence field_ev(std::string_view path, const json* value, std::string_view absent_note = {}) {
  std::string v = value ? json_text(value) : "(absent" + (absent_note.empty() ? std::string() : ": " + std::string(absent_note)) + ")";
  return Evidence{"kubelet", "configz " + std::string(path), v};
}

// A boolean field: want `want`; `absent` is the value an absent field stands for, or nullopt
// when the field is always present (absence is then an ERROR unless the default fails anyway).
NodeFn bool_field(std::string path, bool want, std::optional<bool> absent, std::optional<bool> insecure_default = std::nullopt) {
  return [=](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, path);
    if (j == nullptr) {
      if (absent) {
        Evidence e = field_ev(path, j, std::string("means ") + (*absent ? "true" : "false"));
        if (*absent == want) return Verdict{Status::kPass, path + " absent (" + (*absent ? "true" : "false") + ")", {e}};
        return Verdict{Status::kFail, path + " is absent, which means " + (*absent ? "true" : "false"), {e}};
      }
      if (insecure_default && *insecure_default != want)
        return Verdict{Status::kFail, path + " is absent; its default " + (*insecure_default ? "true" : "false") + " is insecure",
                       {field_ev(path, j, "default applies")}};
      return Verdict{Status::kError, path + " is absent from configz, which always carries it", {field_ev(path, j)}};
    }
    Evidence e = field_ev(path, j);
    if (!j->is_boolean()) return Verdict{Status::kError, path + " is not a boolean", {e}};
    if (j->get<bool>() == want) return Verdict{Status::kPass, path + " is " + j->dump(), {e}};
    return Verdict{Status::kFail, path + " is " + j->dump() + ", should be " + (want ? "true" : "false"), {e}};
  };
}

std::string str_field(const json& cfg, std::string_view path) {
  const json* j = at_path(cfg, path);
  return j && j->is_string() ? j->get<std::string>() : std::string();
}

// P-1: 401 expected. 403 or 200 contradicts configz (200 makes it critical); 401 on every node
// decides when configz cannot be read.
Outcome anonymous_off(const ScanView& v) {
  return with_probes(v, per_node(v, bool_field("authentication.anonymous.enabled", false, std::nullopt, true)),
                     {.ids = {"RMP-103"}, .kinds = {K::kKubelet}, .fallback_pass = true, .critical_if = "RMP-102",
                      .source = "kubelet"});
}
RAMPART_CHECK("4.2.1", anonymous_off);

// P-2: GET /pods answered 200 to rampart's own credential although RBAC grants it neither
// nodes/proxy nor nodes/pods: the kubelet authorizes every caller (AlwaysAllow). P-2 has no RMP
// id: it only means something next to the RBAC index, which the checks hold.
std::vector<ProbeVerdict> with_credential_bypass(const ScanView& v, std::vector<ProbeVerdict> seen,
                                                 std::vector<Evidence>& notes) {
  const ProbeFacts& pf = v.facts.probes();
  std::vector<const probe::ProbeResult*> allowed;
  for (const auto* first : pf.targets({K::kKubelet}))
    for (const auto* r : pf.results_of(first->target.url()))
      if (r->probe == probe::ProbeId::kKubeletCredentialed &&
          r->classification == probe::Classification::kCredentialAllowed)
        allowed.push_back(r);
  if (allowed.empty()) return seen;
  const std::string what = "P-2 GET /pods with rampart's credential answered 200 on " + std::to_string(allowed.size()) +
                           (allowed.size() == 1 ? " kubelet" : " kubelets");
  if (!v.opts.self) {
    notes.push_back({"probe", what, "not counted: rampart's own identity is unknown, so its RBAC cannot be compared"});
    return seen;
  }
  if (auto missing = require_rbac(v)) {
    notes.push_back({"probe", what, "not counted: " + missing->reason});
    return seen;
  }
  for (const char* resource : {"nodes/proxy", "nodes/pods"})
    if (auto g = v.rbac.grants_for(*v.opts.self, "get", "", resource, rbac::Scope::anywhere()); !g.empty()) {
      notes.push_back({"probe", what, std::string("expected: RBAC grants rampart get ") + resource + " (" +
                                          describe_binding(*g.front().binding) + ")"});
      return seen;
    }
  for (const auto* r : allowed) {
    ProbeVerdict pv{"P-2", {}, r};
    pv.finding.status = Status::kFail;
    pv.finding.resource = ref("NetworkEndpoint", "", r->target.url());
    pv.finding.message = "GET /pods answered 200 to rampart's credential, which RBAC grants neither nodes/proxy nor "
                         "nodes/pods: the kubelet authorizes every authenticated caller";
    pv.finding.evidence = probe_result_evidence(*r);
    pv.finding.evidence.push_back(api("RBAC grants to " + v.opts.self->user + " on get nodes/proxy, nodes/pods", "none"));
    if (!r->target.node.empty()) pv.finding.tags.push_back("node:" + r->target.node);
    seen.push_back(std::move(pv));
  }
  return seen;
}

Outcome webhook_authz(const ScanView& v) {
  Outcome configz = per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "authorization.mode");
    Evidence e = field_ev("authorization.mode", j);
    if (j == nullptr) return Verdict{Status::kError, "authorization.mode is absent from configz", {e}};
    if (json_text(j) == "Webhook") return Verdict{Status::kPass, "authorization.mode is Webhook", {e}};
    return Verdict{Status::kFail, "authorization.mode is " + json_text(j) + ": every caller is authorized", {e}};
  });
  // P-1 200 (anonymous served /pods) or P-2 (above) contradict a Webhook mode. Neither can show
  // Webhook, so the probes never PASS this control.
  return with_probes(v, std::move(configz),
                     {.ids = {"RMP-102"}, .kinds = {K::kKubelet}, .source = "kubelet", .refine = with_credential_bypass});
}
RAMPART_CHECK("4.2.2", webhook_authz);

Outcome client_ca_file(const ScanView& v) {
  return per_node(v, [](const collect::Node&, const json& cfg) {
    std::string path = "authentication.x509.clientCAFile";
    Evidence e = field_ev(path, at_path(cfg, path), "empty");
    if (str_field(cfg, path).empty()) return Verdict{Status::kFail, path + " is not set", {e}};
    return Verdict{Status::kPass, path + " is set", {e}};
  });
}
RAMPART_CHECK("4.2.3", client_ca_file);

// P-3: any HTTP answer contradicts readOnlyPort 0. A refused port does not prove the setting.
Outcome read_only_port(const ScanView& v) {
  Outcome configz = per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "readOnlyPort");
    Evidence e = field_ev("readOnlyPort", j, "0");
    if (j == nullptr || (j->is_number_integer() && j->get<int64_t>() == 0))
      return Verdict{Status::kPass, "read-only port is disabled", {e}};
    return Verdict{Status::kFail, "read-only port " + json_text(j) + " is open", {e}};
  });
  return with_probes(v, std::move(configz), {.ids = {"RMP-101"}, .kinds = {K::kKubeletReadOnly}, .source = "kubelet"});
}
RAMPART_CHECK("4.2.4", read_only_port);

Outcome idle_timeout(const ScanView& v) {
  return per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "streamingConnectionIdleTimeout");
    Evidence e = field_ev("streamingConnectionIdleTimeout", j);
    if (j == nullptr) return Verdict{Status::kError, "streamingConnectionIdleTimeout is absent from configz", {e}};
    std::string t = json_text(j);
    if (t == "0s" || t == "0") return Verdict{Status::kFail, "streaming connections never time out (0s)", {e}};
    return Verdict{Status::kPass, "streamingConnectionIdleTimeout is " + t, {e}};
  });
}
RAMPART_CHECK("4.2.5", idle_timeout);

Outcome iptables_chains(const ScanView& v) { return per_node(v, bool_field("makeIPTablesUtilChains", true, std::nullopt)); }
RAMPART_CHECK("4.2.6", iptables_chains);

Outcome event_qps(const ScanView& v) {
  return per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "eventRecordQPS");
    Evidence e = field_ev("eventRecordQPS", j);
    if (j == nullptr || !j->is_number_integer()) return Verdict{Status::kError, "eventRecordQPS is absent from configz", {e}};
    if (j->get<int64_t>() < 0) return Verdict{Status::kFail, "eventRecordQPS is negative", {e}};
    return Verdict{Status::kPass, "eventRecordQPS is " + j->dump() + (j->get<int64_t>() == 0 ? " (no limit)" : ""), {e}};
  });
}
RAMPART_CHECK("4.2.8", event_qps);

Outcome serving_cert_files(const ScanView& v) {
  Outcome configz = per_node(v, [](const collect::Node&, const json& cfg) {
    std::vector<Evidence> e = {field_ev("tlsCertFile", at_path(cfg, "tlsCertFile"), "empty"),
                               field_ev("tlsPrivateKeyFile", at_path(cfg, "tlsPrivateKeyFile"), "empty"),
                               field_ev("serverTLSBootstrap", at_path(cfg, "serverTLSBootstrap"), "false")};
    const json* boot = at_path(cfg, "serverTLSBootstrap");
    if (boot && boot->is_boolean() && boot->get<bool>())
      return Verdict{Status::kPass, "serving certificate is requested from the cluster CA (serverTLSBootstrap)", e};
    if (!str_field(cfg, "tlsCertFile").empty() && !str_field(cfg, "tlsPrivateKeyFile").empty())
      return Verdict{Status::kPass, "serving certificate files are set", e};
    return Verdict{Status::kFail, "no serving certificate files and no serverTLSBootstrap: the kubelet serves a self-signed certificate", e};
  });
  // P-7 evidence: a leaf issued by "<node>-ca@<unix-time>" is the kubelet's own.
  return with_probes(v, std::move(configz),
                     {.role = Role::kEvidence, .ids = {"RMP-113"}, .kinds = {K::kKubelet}, .source = "kubelet"});
}
RAMPART_CHECK("4.2.9", serving_cert_files);

Outcome client_rotation(const ScanView& v) { return per_node(v, bool_field("rotateCertificates", true, false)); }
RAMPART_CHECK("4.2.10", client_rotation);

Outcome serving_rotation(const ScanView& v) {
  return per_node(v, [](const collect::Node&, const json& cfg) {
    const json* boot = at_path(cfg, "serverTLSBootstrap");
    const json* gate = at_path(cfg, "featureGates.RotateKubeletServerCertificate");
    std::vector<Evidence> e = {field_ev("serverTLSBootstrap", boot, "false"),
                               field_ev("featureGates.RotateKubeletServerCertificate", gate, "default true")};
    if (boot && boot->is_boolean() && boot->get<bool>()) return Verdict{Status::kPass, "serverTLSBootstrap is true", e};
    if (gate && gate->is_boolean() && !gate->get<bool>())
      return Verdict{Status::kFail, "RotateKubeletServerCertificate is disabled and serverTLSBootstrap is off", e};
    return Verdict{Status::kPass, "serving certificate rotation is not disabled", e};
  });
}
RAMPART_CHECK("4.2.11", serving_rotation);

Outcome kubelet_ciphers(const ScanView& v) {
  static const std::set<std::string, std::less<>> kAllowed = {
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"};
  Outcome configz = per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "tlsCipherSuites");
    Evidence e = field_ev("tlsCipherSuites", j, "Go defaults");
    if (j == nullptr || !j->is_array() || j->empty())
      return Verdict{Status::kFail, "tlsCipherSuites is not set: Go's default suites are offered", {e}};
    std::vector<std::string> weak;
    for (const auto& s : *j)
      if (!s.is_string() || !kAllowed.count(s.get<std::string>())) weak.push_back(s.is_string() ? s.get<std::string>() : s.dump());
    if (!weak.empty()) return Verdict{Status::kFail, "weak suites allowed: " + join(weak), {e}};
    return Verdict{Status::kPass, "only strong suites are allowed", {e}};
  });
  // P-7 on 10250: TLS 1.0/1.1 or a TLS 1.2 suite outside the set, accepted, contradicts configz.
  return with_probes(v, std::move(configz),
                     {.ids = {"RMP-110", "RMP-111"}, .kinds = {K::kKubelet}, .fallback_pass = true, .source = "kubelet"});
}
RAMPART_CHECK("4.2.12", kubelet_ciphers);

Outcome pod_pids_limit(const ScanView& v) {
  return per_node(v, [](const collect::Node&, const json& cfg) {
    const json* j = at_path(cfg, "podPidsLimit");
    Evidence e = field_ev("podPidsLimit", j, "default -1");
    if (j != nullptr && !j->is_number_integer()) return Verdict{Status::kError, "podPidsLimit is not a number", {e}};
    int64_t n = j ? j->get<int64_t>() : -1;
    if (n > 0) return Verdict{Status::kPass, "podPidsLimit is " + std::to_string(n), {e}};
    return Verdict{Status::kFail, "podPidsLimit is " + std::to_string(n) + ": pods may create unlimited processes", {e}};
  });
}
RAMPART_CHECK("4.2.13", pod_pids_limit);

Outcome seccomp_default(const ScanView& v) { return per_node(v, bool_field("seccompDefault", true, false)); }
RAMPART_CHECK("4.2.14", seccomp_default);

// ---------------------------------------------------------------- 4.3.1 kube-proxy

std::string host_part(const std::string& addr) {
  if (addr.starts_with("[")) return addr.substr(1, addr.find(']') - 1);
  if (std::count(addr.begin(), addr.end(), ':') == 1) return addr.substr(0, addr.find(':'));
  return addr;
}

bool loopback_host(const std::string& host) {
  return host.empty() || host.starts_with("127.") || host == "::1" || host == "localhost";
}

Outcome kube_proxy_metrics(const ScanView& v) {
  std::vector<Finding> findings;
  std::vector<Evidence> pass_ev;
  auto judge = [&](collect::ObjectRef where, Evidence e, const std::string& addr) {
    std::string host = host_part(addr);
    Finding f{loopback_host(host) ? Status::kPass : Status::kFail, std::move(where),
              addr.empty() ? "metrics address not set: default 127.0.0.1:10249" : "metrics bound to " + addr, {e}, {}, {}, {}};
    if (f.status == Status::kPass) pass_ev.push_back(e);
    findings.push_back(std::move(f));
  };
  bool pods_seen = false;
  for (const auto& p : v.inv.pods) {
    if (!collect::is_kube_proxy_pod(p)) continue;
    pods_seen = true;
    for (const auto& c : p.containers) {
      collect::Flags flags = parse_flags(collect::command_line(c));
      if (auto addr = FlagReader{flags}.value("metrics-bind-address"))
        judge(pod_ref(p), Evidence{"flags", p.meta.name + ": kube-proxy --metrics-bind-address", *addr}, *addr);
    }
  }
  if (v.inv.kube_proxy_config) {
    auto addr = collect::config_metrics_bind_address(*v.inv.kube_proxy_config);
    if (!addr)
      findings.push_back(Finding{Status::kError, ref("ConfigMap", "kube-system", "kube-proxy"),
                                 "config.conf is not valid YAML: " + addr.error().message, {}, {}, {}, {}});
    if (findings.empty() || findings.back().status != Status::kError) {
      std::string value = addr.value_or("");
      judge(ref("ConfigMap", "kube-system", "kube-proxy"),
            api("ConfigMap kube-system/kube-proxy config.conf metricsBindAddress", value.empty() ? "(empty: default 127.0.0.1:10249)" : value),
            value);
    }
  } else if (pods_seen) {
    findings.push_back(Finding{Status::kError, ref("ConfigMap", "kube-system", "kube-proxy"),
                               "ConfigMap kube-system/kube-proxy was not collected, so metricsBindAddress is unknown", {}, {}, {}, {}});
  }
  if (findings.empty()) {
    if (!v.inv.status_of(ResourceType::kPods).ok())
      return Outcome{Status::kError, describe_status(ResourceType::kPods, v.inv.status_of(ResourceType::kPods)), {}, {}, {}, {}};
    return Outcome{Status::kSkip, "no kube-proxy found (kube-proxy replaced, e.g. by the CNI)", {}, {}, {}, {}};
  }
  return fold(std::move(findings), "kube-proxy settings", std::move(pass_ev));
}

// P-9: an answer on 10249 from rampart's vantage point contradicts a loopback metrics address.
Outcome kube_proxy_metrics_probed(const ScanView& v) {
  return with_probes(v, kube_proxy_metrics(v), {.ids = {"RMP-116"}, .kinds = {K::kKubeProxy}});
}
RAMPART_CHECK("4.3.1", kube_proxy_metrics_probed);

}  // namespace
}  // namespace rampart::checks
