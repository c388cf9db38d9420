// CIS 1.2: kube-apiserver flags. Each check is one predicate over each API server instance.
#include <algorithm>
#include <set>

#include "probe_rules.h"
#include "rbac_common.h"

namespace rampart::checks {
namespace {

using namespace detail;
using K = probe::TargetKind;
using Role = ProbeLink::Role;

Outcome apiserver(const ScanView& v, const FlagFn& fn) { return flag_check(v, kApiServer, fn); }

Verdict manual(std::string message, std::vector<Evidence> evidence) {
  return Verdict{Status::kManual, std::move(message), std::move(evidence)};
}

// P-6 decides when the flags cannot (managed control plane, or --authentication-config): PASS
// only if every API server answered 401 beyond the health paths.
Outcome anonymous_auth(const ScanView& v) {
  Outcome flags = apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    // With structured authentication config the anonymous setting may live in that file.
    if (!f.has("anonymous-auth") && f.present("authentication-config"))
      return manual("--anonymous-auth is absent and --authentication-config is set: anonymous access "
                    "is configured in that file (a probe of the API server decides)",
                    {flag_evidence(c.component, "authentication-config", f)});
    return flag_bool("anonymous-auth", false, true)(f, c);
  });
  return with_probes(v, std::move(flags),
                     {.ids = {"RMP-108"}, .kinds = {K::kApiServer}, .fallback_pass = true, .critical_if = "RMP-109"});
}
RAMPART_CHECK("1.2.1", anonymous_auth);

Outcome no_token_file(const ScanView& v) { return apiserver(v, flag_absent("token-auth-file")); }
RAMPART_CHECK("1.2.2", no_token_file);

Outcome deny_external_ips(const ScanView& v) {
  return apiserver(v, list_contains("enable-admission-plugins", "DenyServiceExternalIPs"));
}
RAMPART_CHECK("1.2.3", deny_external_ips);

Outcome kubelet_client_cert(const ScanView& v) {
  return apiserver(v, flags_present({"kubelet-client-certificate", "kubelet-client-key"}));
}
RAMPART_CHECK("1.2.4", kubelet_client_cert);

// P-7 evidence: kubelets serving certificates from their own ephemeral CA cannot be verified.
Outcome kubelet_ca(const ScanView& v) {
  return with_probes(v, apiserver(v, flags_present({"kubelet-certificate-authority"})),
                     {.role = Role::kEvidence, .ids = {"RMP-113"}, .kinds = {K::kKubelet}});
}
RAMPART_CHECK("1.2.5", kubelet_ca);

// The authorizer chain: --authorization-mode (default AlwaysAllow) or --authorization-config.
std::optional<Verdict> authz_config_file(const FlagReader& f, const collect::ControlPlaneComponent& c) {
  if (f.has("authorization-mode") || !f.present("authorization-config")) return std::nullopt;
  return manual("authorizers are set in the --authorization-config file, which cannot be read remotely",
                {flag_evidence(c.component, "authorization-config", f)});
}

std::vector<std::string> authz_modes(const FlagReader& f) {
  auto modes = f.list("authorization-mode");
  if (modes.empty()) modes.push_back("AlwaysAllow");  // the compiled default
  return modes;
}

// An anonymous resource list answered 200 (RMP-109) shows AlwaysAllow only when RBAC grants the
// anonymous identity nothing: a grant to system:anonymous explains the 200 (and is 5.1's and
// 1.2.1's business), and without the RBAC objects we cannot tell the two apart.
std::vector<ProbeVerdict> not_explained_by_rbac(const ScanView& v, std::vector<ProbeVerdict> seen,
                                                std::vector<Evidence>& notes) {
  if (seen.empty()) return seen;
  if (auto missing = require_rbac(v)) {
    notes.push_back({"probe", "anonymous GET /api/v1/namespaces answered 200",
                     "not counted: " + missing->reason + ", so an RBAC grant to system:anonymous cannot be ruled out"});
    return {};
  }
  const rbac::Identity anonymous{"system:anonymous", {"system:unauthenticated"}};
  auto grants = v.rbac.grants_for(anonymous, "list", "", "namespaces", rbac::Scope::anywhere());
  if (!grants.empty()) {
    notes.push_back({"api", "RBAC grant letting anonymous callers list namespaces",
                     describe_binding(*grants.front().binding) + ": the 200 does not show AlwaysAllow"});
    return {};
  }
  for (auto& s : seen)
    s.finding.evidence.push_back(api("RBAC grants to system:anonymous / system:unauthenticated on list namespaces", "none"));
  return seen;
}

Outcome authorization_not_always_allow(const ScanView& v) {
  Outcome flags = apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    if (auto m = authz_config_file(f, c)) return *m;
    Evidence e = flag_evidence(c.component, "authorization-mode", f, "(default AlwaysAllow)");
    auto modes = authz_modes(f);
    if (std::find(modes.begin(), modes.end(), "AlwaysAllow") != modes.end())
      return Verdict{Status::kFail,
                     f.has("authorization-mode") ? "--authorization-mode includes AlwaysAllow"
                                                 : "--authorization-mode is not set, so every request is allowed (AlwaysAllow)",
                     {e}};
    return Verdict{Status::kPass, "--authorization-mode=" + join(modes, ","), {e}};
  });
  return with_probes(v, std::move(flags),
                     {.ids = {"RMP-109"}, .kinds = {K::kApiServer}, .refine = not_explained_by_rbac});
}
RAMPART_CHECK("1.2.6", authorization_not_always_allow);

FlagFn authz_includes(std::string mode) {
  return [mode](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    if (auto m = authz_config_file(f, c)) return *m;
    Evidence e = flag_evidence(c.component, "authorization-mode", f, "(default AlwaysAllow)");
    auto modes = authz_modes(f);
    if (std::find(modes.begin(), modes.end(), mode) != modes.end())
      return Verdict{Status::kPass, "--authorization-mode includes " + mode, {e}};
    return Verdict{Status::kFail, "--authorization-mode=" + join(modes, ",") + " lacks " + mode, {e}};
  };
}

Outcome node_authorizer(const ScanView& v) { return apiserver(v, authz_includes("Node")); }
RAMPART_CHECK("1.2.7", node_authorizer);

Outcome rbac_authorizer(const ScanView& v) { return apiserver(v, authz_includes("RBAC")); }
RAMPART_CHECK("1.2.8", rbac_authorizer);

Outcome event_rate_limit(const ScanView& v) { return apiserver(v, list_contains("enable-admission-plugins", "EventRateLimit")); }
RAMPART_CHECK("1.2.9", event_rate_limit);

Outcome no_always_admit(const ScanView& v) { return apiserver(v, list_lacks("enable-admission-plugins", "AlwaysAdmit")); }
RAMPART_CHECK("1.2.10", no_always_admit);

Outcome always_pull_images(const ScanView& v) {
  Outcome out = apiserver(v, list_contains("enable-admission-plugins", "AlwaysPullImages"));
  // Evidence only: the plugin rewrites every admitted pod, so another policy betrays its absence.
  if (out.status == Status::kFail && v.inv.status_of(ResourceType::kPods).ok()) {
    size_t shown = 0, total = 0;
    for (const auto* p : v.facts.workload_pods())
      for (const auto& c : p->containers)
        if (c.image_pull_policy != "Always") {
          ++total;
          if (shown++ < 5)
            out.evidence.push_back(detail::api("Pod " + p->meta.namespace_ + "/" + p->meta.name + " container " + c.name,
                                               "imagePullPolicy " + (c.image_pull_policy.empty() ? "(unset)" : c.image_pull_policy)));
        }
    if (total > shown)
      out.evidence.push_back(detail::api("containers without imagePullPolicy Always", std::to_string(total)));
  }
  return out;
}
RAMPART_CHECK("1.2.11", always_pull_images);

Outcome keep_service_account_plugin(const ScanView& v) {
  return apiserver(v, list_lacks("disable-admission-plugins", "ServiceAccount"));
}
RAMPART_CHECK("1.2.12", keep_service_account_plugin);

Outcome keep_namespace_lifecycle(const ScanView& v) {
  return apiserver(v, list_lacks("disable-admission-plugins", "NamespaceLifecycle"));
}
RAMPART_CHECK("1.2.13", keep_namespace_lifecycle);

Outcome node_restriction(const ScanView& v) { return apiserver(v, list_contains("enable-admission-plugins", "NodeRestriction")); }
RAMPART_CHECK("1.2.14", node_restriction);

// P-10: /debug/pprof/ 200 contradicts --profiling=false; 404 decides when the flags cannot.
Outcome apiserver_profiling(const ScanView& v) {
  return with_probes(v, apiserver(v, flag_bool("profiling", false, true)),
                     {.ids = {"RMP-117"}, .kinds = {K::kApiServer}, .fallback_pass = true});
}
RAMPART_CHECK("1.2.15", apiserver_profiling);

Outcome audit_log_path(const ScanView& v) { return apiserver(v, flags_present({"audit-log-path"})); }
RAMPART_CHECK("1.2.16", audit_log_path);

Outcome audit_log_maxage(const ScanView& v) { return apiserver(v, int_at_least("audit-log-maxage", 30, 0)); }
RAMPART_CHECK("1.2.17", audit_log_maxage);

Outcome audit_log_maxbackup(const ScanView& v) { return apiserver(v, int_at_least("audit-log-maxbackup", 10, 0)); }
RAMPART_CHECK("1.2.18", audit_log_maxbackup);

Outcome audit_log_maxsize(const ScanView& v) { return apiserver(v, int_at_least("audit-log-maxsize", 100, 0)); }
RAMPART_CHECK("1.2.19", audit_log_maxsize);

Outcome request_timeout(const ScanView& v) {
  return apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    auto value = f.value("request-timeout");
    return manual("--request-timeout=" + (value ? *value : std::string("1m0s (default)")) +
                      ": judge whether it suits the cluster",
                  {flag_evidence(c.component, "request-timeout", f, "(default 1m0s)")});
  });
}
RAMPART_CHECK("1.2.20", request_timeout);

Outcome service_account_lookup(const ScanView& v) { return apiserver(v, flag_bool("service-account-lookup", true, true)); }
RAMPART_CHECK("1.2.21", service_account_lookup);

Outcome service_account_key(const ScanView& v) { return apiserver(v, flags_present({"service-account-key-file"})); }
RAMPART_CHECK("1.2.22", service_account_key);

Outcome etcd_client_cert(const ScanView& v) {
  return apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Verdict out = flags_present({"etcd-certfile", "etcd-keyfile"})(f, c);
    out.evidence.push_back(flag_evidence(c.component, "etcd-servers", f));
    std::vector<std::string> plain;
    for (const auto& url : f.list("etcd-servers"))
      if (!url.starts_with("https://")) plain.push_back(url);
    if (!plain.empty()) {
      out.status = Status::kFail;
      out.message = (out.message.starts_with("not set") ? out.message + "; " : std::string()) +
                    "--etcd-servers has non-https entries: " + join(plain);
    }
    return out;
  });
}
RAMPART_CHECK("1.2.23", etcd_client_cert);

// P-7 evidence: the certificate chain and its expiry.
Outcome serving_cert(const ScanView& v) {
  return with_probes(v, apiserver(v, flags_present({"tls-cert-file", "tls-private-key-file"})),
                     {.role = Role::kEvidence, .ids = {"RMP-112"}, .kinds = {K::kApiServer}});
}
RAMPART_CHECK("1.2.24", serving_cert);

Outcome client_ca(const ScanView& v) { return apiserver(v, flags_present({"client-ca-file"})); }
RAMPART_CHECK("1.2.25", client_ca);

Outcome etcd_ca(const ScanView& v) { return apiserver(v, flags_present({"etcd-cafile"})); }
RAMPART_CHECK("1.2.26", etcd_ca);

Outcome encryption_config(const ScanView& v) { return apiserver(v, flags_present({"encryption-provider-config"})); }
RAMPART_CHECK("1.2.27", encryption_config);

Outcome encryption_provider(const ScanView& v) {
  return apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, "encryption-provider-config", f);
    if (!f.present("encryption-provider-config"))
      return Verdict{Status::kFail, "no --encryption-provider-config: Secrets are stored unencrypted", {e}};
    return manual("check that the first provider for secrets in " + *f.value("encryption-provider-config") +
                      " is aescbc, secretbox or kms (not identity)",
                  {e});
  });
}
RAMPART_CHECK("1.2.28", encryption_provider);

Outcome strong_ciphers(const ScanView& v) {
  static const std::set<std::string, std::less<>> kAllowed = {
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
  Outcome flags = apiserver(v, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, "tls-cipher-suites", f, "(Go defaults)");
    auto suites = f.list("tls-cipher-suites");
    if (suites.empty()) return Verdict{Status::kFail, "--tls-cipher-suites is not set: Go's default suites are offered", {e}};
    std::vector<std::string> weak;
    for (const auto& s : suites)
      if (!kAllowed.count(s)) weak.push_back(s);
    if (!weak.empty()) return Verdict{Status::kFail, "weak suites allowed: " + join(weak), {e}};
    return Verdict{Status::kPass, "only strong suites are allowed", {e}};
  });
  // P-7: a TLS 1.0/1.1 handshake or a TLS 1.2 suite outside the set, accepted, contradicts the flag.
  return with_probes(v, std::move(flags),
                     {.ids = {"RMP-110", "RMP-111"}, .kinds = {K::kApiServer}, .fallback_pass = true});
}
RAMPART_CHECK("1.2.29", strong_ciphers);

Outcome no_extended_tokens(const ScanView& v) {
  return apiserver(v, flag_bool("service-account-extend-token-expiration", false, true));
}
RAMPART_CHECK("1.2.30", no_extended_tokens);

}  // namespace
}  // namespace rampart::checks
