// CIS 5.3: network policies and the CNI that enforces them.
#include <algorithm>
#include <map>

#include "common.h"

namespace rampart::checks {
namespace {

using namespace detail;

Outcome cni_enforces(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kDaemonSets})) return *e;
  auto found = detect_products(v, "cni");
  Outcome out;
  std::vector<std::string> enforcing, none, depends;
  for (const auto& d : found) {
    out.evidence.insert(out.evidence.end(), d.evidence.begin(), d.evidence.end());
    auto t = d.product->traits.find("network-policy");
    std::string trait = t == d.product->traits.end() ? "depends" : t->second;
    (trait == "enforces" ? enforcing : trait == "none" ? none : depends).push_back(d.product->name);
  }
  if (!enforcing.empty()) {
    out.status = Status::kPass;
    out.reason = join(enforcing) + " enforces NetworkPolicy";
  } else if (!none.empty() && depends.empty()) {
    out.status = Status::kFail;
    out.reason = join(none) + " is the only CNI and does not enforce NetworkPolicy";
  } else {
    out.status = Status::kManual;
    out.reason = found.empty() ? "no known CNI recognised: check whether the cluster's CNI enforces NetworkPolicy"
                               : join(depends) + ": NetworkPolicy enforcement depends on its configuration (e.g. a network-policy agent)";
  }
  return out;
}
RAMPART_CHECK("5.3.1", cni_enforces);

bool default_deny(const collect::NetworkPolicy& np, const char* type) {
  bool has_type = std::find(np.policy_types.begin(), np.policy_types.end(), type) != np.policy_types.end();
  const auto& rules = std::string_view(type) == "Ingress" ? np.ingress : np.egress;
  return np.pod_selector.empty() && has_type && rules.empty();
}

// A rule with no peers and no ports admits everything: a policy made only of such rules
// selects pods without restricting them.
bool allows_all(const std::vector<collect::NetworkPolicyRule>& rules) {
  return std::any_of(rules.begin(), rules.end(), [](const collect::NetworkPolicyRule& r) { return r.peers.empty() && r.ports.empty(); });
}

Outcome policies_per_namespace(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kNetworkPolicies, ResourceType::kPods, ResourceType::kNamespaces})) return *e;
  std::map<std::string, std::vector<const collect::NetworkPolicy*>> by_ns;
  for (const auto& np : v.inv.network_policies) by_ns[np.meta.namespace_].push_back(&np);
  std::map<std::string, std::pair<size_t, size_t>> pods;  // ns -> (pods, selected)
  size_t total = 0, unselected = 0;
  for (const auto* p : v.facts.workload_pods()) {
    auto& [n, sel] = pods[p->meta.namespace_];
    ++n;
    ++total;
    const auto& nps = by_ns[p->meta.namespace_];
    if (std::any_of(nps.begin(), nps.end(), [&](const auto* np) { return np->pod_selector.matches(p->meta.labels); })) ++sel;
    else ++unselected;
  }
  std::vector<Finding> findings;
  std::vector<Evidence> pass_ev;
  for (const auto& ns : v.facts.workload_namespaces()) {
    const auto& nps = by_ns[ns];
    auto [n, sel] = pods[ns];
    Finding f;
    f.resource = ref("Namespace", "", ns);
    bool deny_in = std::any_of(nps.begin(), nps.end(), [](const auto* np) { return default_deny(*np, "Ingress"); });
    bool deny_out = std::any_of(nps.begin(), nps.end(), [](const auto* np) { return default_deny(*np, "Egress"); });
    f.evidence.push_back(api("NetworkPolicies", std::to_string(nps.size())));
    f.evidence.push_back(api("default-deny ingress", deny_in ? "yes" : "no"));
    f.evidence.push_back(api("default-deny egress", deny_out ? "yes" : "no"));
    f.evidence.push_back(api("pods selected by a policy", std::to_string(sel) + " of " + std::to_string(n)));
    std::vector<std::string> allow_all;
    for (const auto* np : nps)
      if (np->pod_selector.empty() && (allows_all(np->ingress) || allows_all(np->egress))) allow_all.push_back(np->meta.name);
    if (!allow_all.empty()) f.evidence.push_back(api("allow-all policies", join(allow_all)));
    if (nps.empty()) {
      f.status = n ? Status::kFail : Status::kWarn;
      f.message = n ? "no NetworkPolicy: its " + std::to_string(n) + " pods accept all traffic" : "no NetworkPolicy (no pods yet)";
    } else if (!allow_all.empty()) {
      f.status = Status::kWarn;
      f.message = "policies " + join(allow_all) + " allow all traffic to every pod";
    } else {
      f.status = Status::kPass;
      f.message = std::to_string(nps.size()) + " policies; default-deny ingress " + (deny_in ? "yes" : "no") + ", egress " +
                  (deny_out ? "yes" : "no") + "; " + std::to_string(sel) + " of " + std::to_string(n) + " pods selected";
      pass_ev.push_back(api("Namespace " + ns, f.message));
    }
    findings.push_back(std::move(f));
  }
  if (findings.empty()) return Outcome{Status::kSkip, "no workload namespaces", {}, {}, {}, {}};
  Outcome out = fold(std::move(findings), "namespaces", std::move(pass_ev));
  out.evidence.insert(out.evidence.begin(),
                      api("workload pods selected by no NetworkPolicy",
                          std::to_string(unselected) + " of " + std::to_string(total) +
                              (total ? " (" + std::to_string(unselected * 100 / total) + "%)" : std::string())));
  return out;
}
RAMPART_CHECK("5.3.2", policies_per_namespace);

}  // namespace
}  // namespace rampart::checks
