#pragma once
// What a check function reads: the inventory, probe results (when the probe stage ran), the
// options, the RBAC index, the catalog (product data) and lookups derived once per scan.
// Check functions get `const ScanView&` and nothing else: no I/O, no printing.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/catalog.h"
#include "rampart/checks/probe_facts.h"
#include "rampart/checks/scan_options.h"
#include "rampart/collect/inventory.h"
#include "rampart/rbac/index.h"

namespace rampart::checks {

/// Lookups built once per scan so that no check is quadratic.
class ClusterFacts {
 public:
  /// `probes` (nullptr when the probe stage did not run) must outlive the facts.
  ClusterFacts(const collect::Inventory& inv, const ScanOptions& opts,
               const probe::ProbeResults* probes = nullptr);

  /// Control-plane components: the collector's when it found any, else read from the mirror
  /// pods of kube-system in the inventory (offline inventories).
  [[nodiscard]] const std::vector<collect::ControlPlaneComponent>& control_plane() const {
    return control_plane_;
  }
  [[nodiscard]] std::vector<const collect::ControlPlaneComponent*> components(
      std::string_view name) const;

  [[nodiscard]] const collect::Namespace* find_namespace(std::string_view name) const;
  [[nodiscard]] const collect::ServiceAccount* find_service_account(std::string_view ns,
                                                                    std::string_view name) const;
  [[nodiscard]] const collect::Node* find_node(std::string_view name) const;
  /// Pods running as ServiceAccount ns/name.
  [[nodiscard]] const std::vector<const collect::Pod*>& pods_of(std::string_view ns,
                                                                std::string_view sa) const;

  [[nodiscard]] bool is_system_namespace(std::string_view ns) const;
  [[nodiscard]] bool is_excluded_namespace(std::string_view ns) const;
  /// Neither a system namespace nor excluded: workload checks look here.
  [[nodiscard]] bool is_workload_namespace(std::string_view ns) const;
  /// Non-mirror pods in workload namespaces, in inventory order.
  [[nodiscard]] const std::vector<const collect::Pod*>& workload_pods() const { return workload_pods_; }
  /// Workload namespaces that hold at least one workload pod, sorted.
  [[nodiscard]] const std::vector<std::string>& workload_namespaces_with_pods() const {
    return workload_ns_with_pods_;
  }
  /// Every workload namespace known (from Namespaces, or pods when Namespaces are missing), sorted.
  [[nodiscard]] const std::vector<std::string>& workload_namespaces() const { return workload_ns_; }

  /// The probe stage's verdicts, by check id and target (empty when probes did not run).
  [[nodiscard]] const ProbeFacts& probes() const { return probes_; }

 private:
  std::vector<collect::ControlPlaneComponent> control_plane_;
  std::map<std::string, const collect::Namespace*, std::less<>> namespaces_;
  std::map<std::string, const collect::ServiceAccount*, std::less<>> service_accounts_;
  std::map<std::string, const collect::Node*, std::less<>> nodes_;
  std::map<std::string, std::vector<const collect::Pod*>, std::less<>> pods_by_sa_;
  std::vector<std::string> system_ns_;
  std::vector<std::string> excluded_ns_;
  std::vector<std::string> namespace_filter_;
  std::vector<const collect::Pod*> workload_pods_;
  std::vector<std::string> workload_ns_with_pods_;
  std::vector<std::string> workload_ns_;
  ProbeFacts probes_;
};

struct ScanView {
  const collect::Inventory& inv;
  const probe::ProbeResults* probes;  ///< nullptr when the probe stage did not run (facts.probes()
                                      ///< holds the verdicts derived from it)
  const ScanOptions& opts;
  const rbac::Index& rbac;
  const Catalog& catalog;
  const ClusterFacts& facts;
  const CatalogEntry* entry = nullptr;  ///< the entry being evaluated (set by the engine)
};

}  // namespace rampart::checks
