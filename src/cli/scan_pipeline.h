#pragma once
// One cluster's scan as a function of its inputs: get the inventory, evaluate the selected
// checks, apply waivers, score. Where the inventory comes from is injected (a saved dump, or
// the live collector), so several clusters run through the same code, concurrently, and tests
// can drive it with fixture inventories.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "progress.h"
#include "rampart/checks/catalog.h"
#include "rampart/checks/engine.h"
#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"
#include "rampart/probe/result.h"
#include "rampart/report/scan_evidence.h"
#include "rampart/report/scan_report.h"
#include "rampart/report/waivers.h"

namespace rampart::cli {

/// What every cluster of one `rampart scan` shares.
struct ScanSettings {
  const checks::Catalog* catalog = nullptr;
  checks::Selection selection;
  checks::ScanOptions options;
  std::vector<report::Waiver> waivers;
  std::chrono::year_month_day today;  ///< UTC date waivers are checked against
  std::string scanner_version;
};

/// One cluster to scan: a kubeconfig context (live) or a saved inventory.
struct ClusterTarget {
  std::string name;            ///< how reports and file names call it
  std::string context;         ///< live: kubeconfig context ("" = current-context)
  std::string inventory_file;  ///< offline: --inventory
  std::vector<std::string> collected;  ///< --collected, for inventory files
};

/// What a cluster's scan reads: its inventory and, when probes ran, their results.
struct LoadedCluster {
  collect::Inventory inventory;
  std::optional<probe::ProbeResults> probes;
};

/// Names the step a loader is in ("probing 6 endpoints..."), for the progress line.
using StageReporter = std::function<void(const std::string&)>;
using InventoryLoader = std::function<Result<LoadedCluster>(const ClusterTarget&, const StageReporter&)>;

struct ClusterScan {
  ClusterTarget target;
  std::optional<report::ScanReport> report;  ///< set when the scan ran
  report::InventorySummary inventory;
  std::optional<probe::ProbeResults> probes;  ///< when probes ran: their transcripts, for evidence
  std::optional<Error> error;  ///< why it could not run
};

/// Applies waivers to engine results in place (report::apply_waivers on their outcomes).
std::vector<report::WaiverUse> apply_waivers_to_results(std::vector<checks::CheckResult>& results,
                                                        const std::vector<report::Waiver>& waivers,
                                                        std::chrono::year_month_day today);

/// True when a FAIL check (or one of its FAIL findings) is at or above `threshold`.
bool reaches_fail_on(const report::ScanReport& report, checks::Severity threshold);

/// Scans one cluster. Never throws: a failure is in ClusterScan::error. `stages`, when given,
/// shows which step is running (one cluster: "collecting", "evaluating 141 checks").
ClusterScan scan_cluster(const ClusterTarget& target, const ScanSettings& settings, const InventoryLoader& load,
                         Progress* stages = nullptr);

/// Scans every target, at most `parallel` at once, and returns them in the order given.
/// `progress` shows the stages of a lone cluster, or how many of several are done.
std::vector<ClusterScan> scan_clusters(const std::vector<ClusterTarget>& targets, const ScanSettings& settings,
                                       const InventoryLoader& load, size_t parallel, Progress& progress);

}  // namespace rampart::cli
