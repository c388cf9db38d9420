// Checks of our own (RMP-0xx), decided from the inventory: versions, images, products present,
// audit shipping, SSO and each pod's blast radius.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "pss.h"
#include "rbac_common.h"

namespace rampart::checks {
namespace {

using namespace detail;

// "v1.32.4-eks-1234" -> {1, 32}
std::optional<std::pair<int, int>> minor_of(std::string_view version) {
  if (version.starts_with("v")) version.remove_prefix(1);
  int major = 0, minor = 0;
  auto [p, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc() || p == version.data() + version.size() || *p != '.') return std::nullopt;
  auto [q, ec2] = std::from_chars(p + 1, version.data() + version.size(), minor);
  if (ec2 != std::errc()) return std::nullopt;
  (void)q;
  return std::make_pair(major, minor);
}

std::string minor_text(std::pair<int, int> m) { return std::to_string(m.first) + "." + std::to_string(m.second); }

std::vector<std::pair<int, int>> supported(const ScanView& v) {
  std::vector<std::pair<int, int>> out;
  for (const auto& s : v.catalog.releases.supported_minors)
    if (auto m = minor_of(s)) out.push_back(*m);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::pair<int, int>> apiserver_minor(const ScanView& v) {
  const auto& id = v.inv.identity;
  if (auto m = minor_of(id.git_version)) return m;
  if (!id.major.empty() && !id.minor.empty()) return minor_of(id.major + "." + id.minor);
  return std::nullopt;
}

Outcome apiserver_version(const ScanView& v) {
  auto m = apiserver_minor(v);
  if (!m) return Outcome{Status::kError, "the API server version is unknown (/version not read)", {}, {}, {}, {}};
  auto sup = supported(v);
  Outcome out;
  out.evidence = {api("/version gitVersion", v.inv.identity.git_version.empty() ? minor_text(*m) : v.inv.identity.git_version),
                  api("supported minors (as of " + v.catalog.releases.as_of + ")", join(v.catalog.releases.supported_minors))};
  if (sup.empty()) return Outcome{Status::kError, "the catalog lists no supported Kubernetes minors", {}, out.evidence, {}, {}};
  if (std::find(sup.begin(), sup.end(), *m) != sup.end()) {
    out.status = Status::kPass;
    out.reason = "Kubernetes " + minor_text(*m) + " is supported";
  } else if (*m < sup.front()) {
    out.status = Status::kFail;
    out.reason = "Kubernetes " + minor_text(*m) + " is out of support (oldest supported: " + minor_text(sup.front()) + ")";
  } else {
    out.status = Status::kWarn;
    out.reason = "Kubernetes " + minor_text(*m) + " is newer than the catalog's release data (" + v.catalog.releases.as_of + ")";
  }
  return out;
}
RAMPART_CHECK("RMP-001", apiserver_version);

Outcome kubelet_versions(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kNodes})) return *e;
  if (v.inv.nodes.empty()) return Outcome{Status::kSkip, "no nodes are visible", {}, {}, {}, {}};
  auto api_minor = apiserver_minor(v);
  auto sup = supported(v);
  int skew = v.catalog.releases.kubelet_max_skew;
  std::vector<Finding> findings;
  std::vector<Evidence> pass_ev;
  for (const auto& n : v.inv.nodes) {
    Finding f{Status::kPass, ref("Node", "", n.meta.name), "", {api("kubeletVersion", n.kubelet_version)}, {}, {}, {}};
    auto m = minor_of(n.kubelet_version);
    std::vector<std::string> problems;
    if (!m) {
      f.status = Status::kError;
      f.message = "kubelet version unknown";
    } else {
      if (!sup.empty() && m < sup.front()) problems.push_back("kubelet " + minor_text(*m) + " is out of support");
      if (api_minor && m->first == api_minor->first) {
        if (m->second > api_minor->second) problems.push_back("kubelet " + minor_text(*m) + " is newer than the API server " + minor_text(*api_minor));
        else if (api_minor->second - m->second > skew)
          problems.push_back("kubelet " + minor_text(*m) + " trails the API server " + minor_text(*api_minor) + " by more than " +
                             std::to_string(skew) + " minors");
      }
      if (!problems.empty()) {
        f.status = Status::kFail;
        f.message = join(problems, "; ");
      } else {
        f.message = "kubelet " + n.kubelet_version;
        pass_ev.push_back(api(n.meta.name + ": kubeletVersion", n.kubelet_version));
      }
    }
    findings.push_back(std::move(f));
  }
  Outcome out = fold(std::move(findings), "nodes", std::move(pass_ev));
  if (!api_minor) out.evidence.push_back(api("API server version", "unknown: skew not checked"));
  return out;
}
RAMPART_CHECK("RMP-002", kubelet_versions);

Outcome images_pinned(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    std::vector<std::string> moving, unpinned;
    for (const auto& c : p->containers) {
      ImageRef img = parse_image(c.image);
      if (!img.digest.empty()) continue;
      if (img.tag.empty() || img.tag == "latest") moving.push_back(container_label(c) + " uses " + c.image);
      else unpinned.push_back(container_label(c) + " uses " + c.image);
    }
    if (!moving.empty()) findings.push_back(Finding{Status::kFail, pod_ref(*p), "moving tag: " + join(moving, "; "), {}, {}, {}, {}});
    else if (!unpinned.empty())
      findings.push_back(Finding{Status::kWarn, pod_ref(*p), "tag without digest: " + join(unpinned, "; "), {}, {}, {}, {}});
  }
  if (findings.empty()) return Outcome{Status::kPass, "every workload image is pinned by digest", {}, {}, {}, {}};
  return fold(std::move(findings), "pods");
}
RAMPART_CHECK("RMP-003", images_pinned);

Outcome allowed_registries(const ScanView& v) {
  if (v.opts.allowed_registries.empty()) return Outcome{Status::kSkip, "no --allowed-registries given", {}, {}, {}, {}};
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    std::vector<std::string> outside;
    for (const auto& c : p->containers) {
      ImageRef img = parse_image(c.image);
      std::string full = img.registry + "/" + img.repository;
      bool ok = std::any_of(v.opts.allowed_registries.begin(), v.opts.allowed_registries.end(), [&](const std::string& a) {
        std::string allow = a;
        while (allow.ends_with("/")) allow.pop_back();
        return img.registry == allow || full.starts_with(allow + "/");
      });
      if (!ok) outside.push_back(container_label(c) + " uses " + c.image);
    }
    if (!outside.empty()) findings.push_back(Finding{Status::kFail, pod_ref(*p), "registry not allowed: " + join(outside, "; "), {}, {}, {}, {}});
  }
  Outcome out;
  out.evidence.push_back(Evidence{"api", "--allowed-registries", join(v.opts.allowed_registries)});
  if (findings.empty()) {
    out.status = Status::kPass;
    out.reason = "every workload image comes from an allowed registry";
    return out;
  }
  Outcome f = fold(std::move(findings), "pods", out.evidence);
  return f;
}
RAMPART_CHECK("RMP-004", allowed_registries);

Outcome mesh_mtls(const ScanView& v) {
  auto meshes = detect_products(v, "mesh");
  if (meshes.empty()) {
    if (auto e = require(v, {ResourceType::kDeployments, ResourceType::kCustomResourceDefinitions})) return *e;
    return Outcome{Status::kSkip, "no service mesh installed", {}, {}, {}, {}};
  }
  Outcome out;
  std::vector<std::string> names;
  for (const auto& d : meshes) {
    names.push_back(d.product->name);
    out.evidence.insert(out.evidence.end(), d.evidence.begin(), d.evidence.end());
  }
  // Pods without a mesh proxy cannot take part in mutual TLS, whatever the mesh's policy.
  std::map<std::string, size_t> unmeshed;
  size_t total = 0;
  for (const auto* p : v.facts.workload_pods()) {
    ++total;
    bool proxy = std::any_of(p->containers.begin(), p->containers.end(), [](const collect::Container& c) {
      return c.name == "istio-proxy" || c.name == "linkerd-proxy";
    });
    if (!proxy) ++unmeshed[p->meta.namespace_];
  }
  for (const auto& [ns, n] : unmeshed)
    out.findings.push_back(Finding{Status::kWarn, ref("Namespace", "", ns), std::to_string(n) + " pods run without a mesh proxy", {}, {}, {}, {}});
  if (!out.findings.empty()) {
    out.status = Status::kWarn;
    out.reason = join(names) + " installed, but pods in " + std::to_string(unmeshed.size()) + " namespaces run outside the mesh";
  } else {
    out.status = Status::kManual;
    out.reason = join(names) + " installed and every workload pod has a proxy; mesh policy objects (e.g. Istio PeerAuthentication "
                 "mode STRICT) are not collected: confirm plaintext is refused";
  }
  out.evidence.push_back(api("workload pods", std::to_string(total)));
  return out;
}
RAMPART_CHECK("RMP-005", mesh_mtls);

Outcome product_present(const ScanView& v, std::string_view category, std::initializer_list<ResourceType> needed,
                        const std::string& what) {
  auto found = detect_products(v, category);
  Outcome out;
  if (!found.empty()) {
    std::vector<std::string> names;
    for (const auto& d : found) {
      names.push_back(d.product->name);
      out.evidence.insert(out.evidence.end(), d.evidence.begin(), d.evidence.end());
    }
    out.status = Status::kPass;
    out.reason = what + " present: " + join(names);
    return out;
  }
  if (auto e = require(v, needed)) {
    e->reason = "no " + what + " recognised, but " + e->reason;
    return *e;
  }
  out.status = Status::kFail;
  out.reason = "no " + what + " recognised (products known: see the catalog's products)";
  return out;
}

Outcome runtime_security(const ScanView& v) {
  return product_present(v, "runtime-security", {ResourceType::kDaemonSets, ResourceType::kDeployments}, "runtime-security agent");
}
RAMPART_CHECK("RMP-006", runtime_security);

Outcome secret_store(const ScanView& v) {
  return product_present(v, "secret-store",
                         {ResourceType::kDaemonSets, ResourceType::kDeployments, ResourceType::kCustomResourceDefinitions,
                          ResourceType::kMutatingWebhooks},
                         "external secret store");
}
RAMPART_CHECK("RMP-007", secret_store);

Outcome audit_shipped(const ScanView& v) {
  auto shippers = detect_products(v, "log-shipper");
  std::vector<std::string> names;
  std::vector<Evidence> shipper_ev;
  for (const auto& d : shippers) {
    names.push_back(d.product->name);
    shipper_ev.insert(shipper_ev.end(), d.evidence.begin(), d.evidence.end());
  }
  return flag_check(v, kApiServer, [&](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    std::vector<Evidence> e = {flag_evidence(c.component, "audit-webhook-config-file", f), flag_evidence(c.component, "audit-log-path", f)};
    if (f.present("audit-webhook-config-file")) return Verdict{Status::kPass, "audit events go to a webhook", e};
    if (f.present("audit-log-path")) {
      e.insert(e.end(), shipper_ev.begin(), shipper_ev.end());
      if (!names.empty()) return Verdict{Status::kPass, "audit log file with a log shipper running: " + join(names), e};
      return Verdict{Status::kWarn, "audit log is written to " + *f.value("audit-log-path") + " but no known log shipper runs", e};
    }
    return Verdict{Status::kFail, "no audit backend: neither --audit-webhook-config-file nor --audit-log-path", e};
  });
}
RAMPART_CHECK("RMP-008", audit_shipped);

Outcome sso(const ScanView& v) {
  return flag_check(v, kApiServer, [](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    std::vector<Evidence> e = {flag_evidence(c.component, "oidc-issuer-url", f), flag_evidence(c.component, "authentication-config", f),
                               flag_evidence(c.component, "authentication-token-webhook-config-file", f)};
    if (f.present("oidc-issuer-url")) return Verdict{Status::kPass, "OIDC issuer " + *f.value("oidc-issuer-url"), e};
    if (f.present("authentication-config"))
      return Verdict{Status::kPass, "structured authentication configuration (JWT issuers) is set", e};
    if (f.present("authentication-token-webhook-config-file")) return Verdict{Status::kPass, "an authentication webhook is set", e};
    return Verdict{Status::kFail, "no OIDC, authentication configuration or webhook: people log in with certificates or tokens", e};
  });
}
RAMPART_CHECK("RMP-009", sso);

// ---------------------------------------------------------------- RMP-010 blast radius

struct Ability {
  const char* text;
  Severity severity;
  const char* verb;
  const char* group;
  const char* resource;
  bool cluster_wide;
};

// Ordered from worst: the first match sets the finding's severity.
const std::vector<Ability>& abilities() {
  static const std::vector<Ability> a = {
      {"act as cluster-admin (every verb on every resource)", Severity::kCritical, "*", "*", "*", true},
      {"read all secrets cluster-wide", Severity::kCritical, "get|list|watch", "", "secrets", true},
      {"reach every kubelet through nodes/proxy", Severity::kCritical, "get", "", "nodes/proxy", true},
      {"escalate role permissions", Severity::kCritical, "escalate", "rbac.authorization.k8s.io", "clusterroles", true},
      {"bind any cluster role", Severity::kCritical, "bind", "rbac.authorization.k8s.io", "clusterroles", true},
      {"impersonate users", Severity::kCritical, "impersonate", "", "users", true},
      {"impersonate groups", Severity::kCritical, "impersonate", "", "groups", true},
      {"create pods in every namespace", Severity::kHigh, "create", "", "pods", true},
      {"exec into pods in every namespace", Severity::kHigh, "create", "", "pods/exec", true},
      {"create deployments in every namespace", Severity::kHigh, "create", "apps", "deployments", true},
      {"mint service-account tokens in every namespace", Severity::kHigh, "create", "", "serviceaccounts/token", true},
      {"read secrets in its own namespace", Severity::kMedium, "get|list|watch", "", "secrets", false},
      {"create pods in its own namespace", Severity::kMedium, "create", "", "pods", false},
  };
  return a;
}

Outcome blast_radius(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  struct Power {
    std::vector<std::string> abilities;
    std::vector<Evidence> evidence;
    Severity worst = Severity::kInfo;
  };
  std::map<std::string, Power> by_sa;  // each service account evaluated once, however many pods
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    std::string key = p->meta.namespace_ + "/" + p->service_account;
    auto it = by_sa.find(key);
    if (it == by_sa.end()) {
      Power power;
      std::set<std::string> cluster_wide;
      auto id = rbac::service_account_identity(p->meta.namespace_, p->service_account);
      for (const auto& a : abilities()) {
        auto scope = a.cluster_wide ? rbac::Scope::cluster_wide() : rbac::Scope::in(p->meta.namespace_);
        std::vector<rbac::Grant> grants;
        std::string verbs = a.verb;
        for (size_t start = 0; start <= verbs.size();) {  // "get|list|watch": any of them
          size_t bar = std::min(verbs.find('|', start), verbs.size());
          auto more = v.rbac.grants_for(id, verbs.substr(start, bar - start), a.group, a.resource, scope);
          grants.insert(grants.end(), more.begin(), more.end());
          start = bar + 1;
        }
        grants.erase(std::remove_if(grants.begin(), grants.end(), [](const rbac::Grant& g) { return g.narrowed; }), grants.end());
        if (grants.empty()) continue;
        // An own-namespace ability adds nothing when the same one is held cluster-wide.
        std::string what = std::string(a.verb) + " " + a.resource;
        if (!a.cluster_wide && (cluster_wide.count(what) || cluster_wide.count("* *"))) continue;
        if (a.cluster_wide) cluster_wide.insert(what);
        power.abilities.push_back(a.text);
        if (static_cast<int>(a.severity) < static_cast<int>(power.worst)) power.worst = a.severity;
        const auto& g = grants.front();
        power.evidence.push_back(api(a.text, "via " + describe_binding(*g.binding) + " -> " + g.binding->role_ref.kind + " " +
                                                 g.binding->role_ref.name + " (subject " + describe_subject(g.subject) + ")"));
      }
      it = by_sa.emplace(key, std::move(power)).first;
    }
    const Power& power = it->second;
    if (power.abilities.empty()) continue;
    Finding f;
    f.status = Status::kFail;
    f.resource = pod_ref(*p);
    f.message = "pod " + p->meta.name + " in namespace " + p->meta.namespace_ + " runs as ServiceAccount " + p->service_account +
                ", which can " + join(power.abilities, ", ");
    f.evidence = power.evidence;
    f.severity = power.worst;
    if (is_scanner_service_account(v, p->meta.namespace_, p->service_account)) {
      f.tags.push_back("self");
      f.evidence.push_back(self_hint("the pod runs as"));
    }
    const auto* sa = v.facts.find_service_account(p->meta.namespace_, p->service_account);
    bool automount = p->automount_service_account_token.value_or(sa && sa->automount_service_account_token ? *sa->automount_service_account_token : true);
    bool projected = std::any_of(p->volumes.begin(), p->volumes.end(), [](const collect::Volume& vol) { return vol.type == "projected"; });
    if (!automount && !projected) {
      // No token in the pod: the power is there but not handed to the container.
      f.severity = Severity::kLow;
      f.tags.push_back("token-not-mounted");
    }
    findings.push_back(std::move(f));
  }
  if (findings.empty()) return Outcome{Status::kPass, "no workload pod runs as a powerful service account", {}, {}, {}, {}};
  Outcome out;
  out.status = Status::kFail;
  out.reason = std::to_string(findings.size()) + " pods run as service accounts with a wide blast radius";
  out.findings = std::move(findings);
  return out;
}
RAMPART_CHECK("RMP-010", blast_radius);

}  // namespace
}  // namespace rampart::checks
