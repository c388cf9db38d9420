// CIS 5.4 (secrets), 5.5 (image provenance) and 5.6 (general policies).
#include <algorithm>
#include <set>

#include "pss.h"

namespace rampart::checks {
namespace {

using namespace detail;

Outcome secrets_not_in_env(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    Finding f{Status::kFail, pod_ref(*p), "", {}, {}, {}, {}};
    std::vector<std::string> where;
    for (const auto& c : p->containers)
      for (const auto& ref : c.secret_env) {
        where.push_back(container_label(c));
        // Names only: the secret and key a variable comes from, never a value.
        f.evidence.push_back(api(container_label(c) + (ref.key.empty() ? " envFrom" : " env " + ref.env),
                                 "Secret " + ref.secret + (ref.key.empty() ? " (all keys)" : " key " + ref.key)));
      }
    if (where.empty()) continue;
    where.erase(std::unique(where.begin(), where.end()), where.end());
    f.message = "secrets in environment variables of " + join(where);
    findings.push_back(std::move(f));
  }
  Outcome out;
  out.status = findings.empty() ? Status::kPass : Status::kFail;
  out.reason = findings.empty() ? "no workload pod takes a Secret through its environment"
                                : std::to_string(findings.size()) + " pods take Secrets through environment variables";
  out.findings = std::move(findings);
  return out;
}
RAMPART_CHECK("5.4.1", secrets_not_in_env);

Outcome external_secret_store(const ScanView& v) {
  Outcome out{Status::kManual, v.entry ? v.entry->inspect : "", {}, {}, {}, {}};
  for (const auto& d : detect_products(v, "secret-store")) out.evidence.insert(out.evidence.end(), d.evidence.begin(), d.evidence.end());
  if (out.evidence.empty()) out.evidence.push_back(api("secret-store products", "none recognised"));
  return out;
}
RAMPART_CHECK("5.4.2", external_secret_store);

Outcome image_provenance(const ScanView& v) {
  std::vector<Evidence> engines;
  for (const auto& d : detect_products(v, "image-verification")) engines.insert(engines.end(), d.evidence.begin(), d.evidence.end());
  Outcome flags = flag_check(v, kApiServer, list_contains("enable-admission-plugins", "ImagePolicyWebhook"));
  if (flags.status == Status::kPass || flags.status == Status::kError) return flags;
  if (!engines.empty()) {
    Outcome out{Status::kManual, "an image-verification engine is installed: confirm its policies enforce on pods", {}, engines, {}, {}};
    out.evidence.insert(out.evidence.end(), flags.evidence.begin(), flags.evidence.end());
    return out;
  }
  return flags;  // FAIL with the flag evidence, or SKIP when the control plane is not visible
}
RAMPART_CHECK("5.5.1", image_provenance);

Outcome namespaces_used(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods, ResourceType::kNamespaces})) return *e;
  const auto& used = v.facts.workload_namespaces_with_pods();
  if (used.size() == 1 && used.front() == "default")
    return Outcome{Status::kFail, "every workload pod runs in namespace default",
                   {Finding{Status::kFail, ref("Namespace", "", "default"), "holds every workload pod", {}, {}, {}, {}}}, {}, {}, {}};
  Outcome out{Status::kManual, "review that namespaces separate teams and applications", {}, {}, {}, {}};
  out.evidence.push_back(api("workload namespaces with pods", used.empty() ? "none" : join(used)));
  return out;
}
RAMPART_CHECK("5.6.1", namespaces_used);

Outcome seccomp_on_pods(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    if (p->os_name == "windows") continue;
    std::vector<std::string> unconfined, unset;
    for (const auto& c : p->containers) {
      auto sec = effective_seccomp(*p, c);
      if (sec == "Unconfined") unconfined.push_back(container_label(c));
      else if (!sec || sec->empty()) unset.push_back(container_label(c));
    }
    Finding f{Status::kPass, pod_ref(*p), "", {}, {}, {}, {}};
    if (!unconfined.empty()) {
      f.status = Status::kFail;
      f.message = "seccompProfile Unconfined: " + join(unconfined);
    } else if (!unset.empty()) {
      // Unset falls back to the kubelet's seccompDefault.
      const auto* node = p->node_name.empty() ? nullptr : v.facts.find_node(p->node_name);
      if (!p->node_name.empty() && !v.inv.status_of(ResourceType::kNodes).ok()) {
        f.status = Status::kError;
        f.message = "no seccompProfile (" + join(unset) + ") and nodes were not collected, so seccompDefault is unknown";
      } else if (node == nullptr) {
        f.status = Status::kFail;
        f.message = "no seccompProfile (" + join(unset) + ") and the pod's node is unknown";
      } else if (node->kubelet.state != collect::KubeletConfig::State::kOk) {
        f.status = Status::kError;
        f.message = "no seccompProfile (" + join(unset) + "); node " + node->meta.name + " configz unreadable, so seccompDefault is unknown";
      } else {
        const auto* sd = at_path(node->kubelet.config, "seccompDefault");
        f.evidence.push_back(Evidence{"kubelet", node->meta.name + ": configz seccompDefault", json_text(sd)});
        if (!(sd && sd->is_boolean() && sd->get<bool>())) {
          f.status = Status::kFail;
          f.message = "no seccompProfile (" + join(unset) + ") and node " + node->meta.name + " has no seccompDefault";
        }
      }
    }
    if (f.status != Status::kPass) findings.push_back(std::move(f));
  }
  if (findings.empty()) return Outcome{Status::kPass, "every workload pod runs with a seccomp profile", {}, {}, {}, {}};
  return fold(std::move(findings), "pods");
}
RAMPART_CHECK("5.6.2", seccomp_on_pods);

Outcome security_contexts(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  // Baseline items no 5.2.x control owns (5.6.2 owns seccomp).
  static const std::set<std::string, std::less<>> kOwned = {"apparmor", "selinux", "procmount", "sysctls", "probe-host"};
  std::vector<Finding> findings;
  for (const auto* p : v.facts.workload_pods()) {
    std::vector<std::string> bad;
    for (const auto& x : baseline_violations(*p))
      if (kOwned.count(x.control)) bad.push_back(x.detail);
    if (!bad.empty()) {
      findings.push_back(Finding{Status::kFail, pod_ref(*p), join(bad, "; "), {}, {}, {}, {}});
      continue;
    }
    auto restricted = details(restricted_violations(*p));
    if (!restricted.empty())
      findings.push_back(Finding{Status::kWarn, pod_ref(*p), "does not meet the restricted profile: " + join(restricted, "; "), {}, {}, {}, {}});
  }
  if (findings.empty()) return Outcome{Status::kPass, "every workload pod meets the restricted profile", {}, {}, {}, {}};
  return fold(std::move(findings), "pods");
}
RAMPART_CHECK("5.6.3", security_contexts);

Outcome default_namespace_unused(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods, ResourceType::kServiceAccounts, ResourceType::kSecrets, ResourceType::kRoles,
                           ResourceType::kRoleBindings, ResourceType::kServices}))
    return *e;
  std::vector<Finding> findings;
  auto add = [&](const std::string& kind, const std::string& name) {
    findings.push_back(Finding{Status::kFail, ref(kind, "default", name), kind + " in namespace default", {}, {}, {}, {}});
  };
  for (const auto& p : v.inv.pods)
    if (p.meta.namespace_ == "default") add("Pod", p.meta.name);
  for (const auto& sa : v.inv.service_accounts)
    if (sa.meta.namespace_ == "default" && sa.meta.name != "default") add("ServiceAccount", sa.meta.name);
  for (const auto& s : v.inv.secrets)
    if (s.meta.namespace_ == "default") add("Secret", s.meta.name);
  for (const auto& r : v.inv.roles)
    if (!r.cluster_scoped && r.meta.namespace_ == "default") add("Role", r.meta.name);
  for (const auto& b : v.inv.bindings)
    if (!b.cluster_scoped && b.meta.namespace_ == "default") add("RoleBinding", b.meta.name);
  // The API server keeps Service default/kubernetes itself.
  for (const auto& svc : v.inv.services)
    if (svc.meta.namespace_ == "default" && svc.meta.name != "kubernetes") add("Service", svc.meta.name);
  Outcome out;
  // Listing ConfigMaps would need `list configmaps` in every namespace, i.e. their data: not
  // worth it for one low-severity check.
  out.evidence.push_back(api("ConfigMaps", "not collected (reading them needs access to their data)"));
  out.status = findings.empty() ? Status::kPass : Status::kFail;
  out.reason = findings.empty() ? "namespace default holds nothing beyond its defaults"
                                : std::to_string(findings.size()) + " objects in namespace default";
  out.findings = std::move(findings);
  return out;
}
RAMPART_CHECK("5.6.4", default_namespace_unused);

}  // namespace
}  // namespace rampart::checks
