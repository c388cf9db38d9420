#include <algorithm>
#include <set>

#include "rampart/checks/flags.h"
#include "rampart/checks/scan_view.h"

namespace rampart::checks {

const std::vector<std::string>& default_system_namespaces() {
  static const std::vector<std::string> ns = {"kube-node-lease", "kube-public", "kube-system"};
  return ns;
}

namespace {

std::string key(std::string_view ns, std::string_view name) {
  return std::string(ns) + "/" + std::string(name);
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

ClusterFacts::ClusterFacts(const collect::Inventory& inv, const ScanOptions& opts, const probe::ProbeResults* probes)
    : system_ns_(opts.system_namespaces),
      excluded_ns_(opts.excluded_namespaces),
      namespace_filter_(inv.namespace_filter),
      probes_(probes) {
  excluded_ns_.insert(excluded_ns_.end(), inv.excluded_namespaces.begin(), inv.excluded_namespaces.end());
  control_plane_ = inv.control_plane.empty() ? control_plane_from_pods(inv) : inv.control_plane;
  for (const auto& n : inv.namespaces) namespaces_.emplace(n.meta.name, &n);
  for (const auto& sa : inv.service_accounts) service_accounts_.emplace(key(sa.meta.namespace_, sa.meta.name), &sa);
  for (const auto& n : inv.nodes) nodes_.emplace(n.meta.name, &n);
  std::set<std::string> with_pods, all_ns;
  for (const auto& p : inv.pods) {
    pods_by_sa_[key(p.meta.namespace_, p.service_account)].push_back(&p);
    if (p.mirror || !is_workload_namespace(p.meta.namespace_)) continue;
    workload_pods_.push_back(&p);
    with_pods.insert(p.meta.namespace_);
  }
  for (const auto& n : inv.namespaces)
    if (is_workload_namespace(n.meta.name)) all_ns.insert(n.meta.name);
  all_ns.insert(with_pods.begin(), with_pods.end());
  workload_ns_with_pods_.assign(with_pods.begin(), with_pods.end());
  workload_ns_.assign(all_ns.begin(), all_ns.end());
}

std::vector<const collect::ControlPlaneComponent*> ClusterFacts::components(std::string_view name) const {
  std::vector<const collect::ControlPlaneComponent*> out;
  for (const auto& c : control_plane_)
    if (c.component == name) out.push_back(&c);
  return out;
}

const collect::Namespace* ClusterFacts::find_namespace(std::string_view name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : it->second;
}

const collect::ServiceAccount* ClusterFacts::find_service_account(std::string_view ns, std::string_view name) const {
  auto it = service_accounts_.find(key(ns, name));
  return it == service_accounts_.end() ? nullptr : it->second;
}

const collect::Node* ClusterFacts::find_node(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second;
}

const std::vector<const collect::Pod*>& ClusterFacts::pods_of(std::string_view ns, std::string_view sa) const {
  static const std::vector<const collect::Pod*> none;
  auto it = pods_by_sa_.find(key(ns, sa));
  return it == pods_by_sa_.end() ? none : it->second;
}

bool ClusterFacts::is_system_namespace(std::string_view ns) const { return contains(system_ns_, ns); }
bool ClusterFacts::is_excluded_namespace(std::string_view ns) const {
  // A scan limited to some namespaces (--namespace) leaves the others out as if excluded.
  return contains(excluded_ns_, ns) || (!namespace_filter_.empty() && !contains(namespace_filter_, ns));
}
bool ClusterFacts::is_workload_namespace(std::string_view ns) const {
  return !is_system_namespace(ns) && !is_excluded_namespace(ns);
}

}  // namespace rampart::checks
