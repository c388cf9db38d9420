#pragma once
// Selecting and running checks. The engine never prints: it returns CheckResults in catalog
// order, each with its findings sorted, so the same inventory always gives the same results.
#include <optional>
#include <string>
#include <vector>

#include "rampart/checks/catalog.h"
#include "rampart/checks/check_result.h"
#include "rampart/checks/scan_view.h"
#include "rampart/core/error.h"

namespace rampart::checks {

/// --checks, --skip-checks, --level.
struct Selection {
  std::vector<std::string> only;  ///< empty = all
  std::vector<std::string> skip;
  std::optional<int> level;       ///< 1 = level-1 checks only; 2 = all levels
};

/// The entries to run, in catalog order. Unknown ids are an error naming them.
[[nodiscard]] Result<std::vector<const CatalogEntry*>> select_checks(const Catalog& catalog,
                                                                     const Selection& selection);

/// Runs one entry: looks up its function, evaluates it (an exception becomes ERROR, never a
/// crash), sorts its findings and fills in the effective severity.
CheckResult run_check(const CatalogEntry& entry, const ScanView& view);

/// Runs every selected entry.
std::vector<CheckResult> run_checks(const std::vector<const CatalogEntry*>& entries,
                                    const ScanView& view);

}  // namespace rampart::checks

namespace rampart::checks {

/// Everything one scan's evaluation produced.
struct Evaluation {
  std::vector<CheckResult> results;              ///< catalog order
  std::vector<std::string> workload_namespaces;  ///< namespaces scored per namespace
  std::vector<std::string> not_selected;         ///< catalog ids left out by the selection
};

/// Builds the RBAC index and per-scan lookups, selects and runs the checks.
[[nodiscard]] Result<Evaluation> evaluate(const collect::Inventory& inv, const Catalog& catalog, const Selection& selection,
                                          const ScanOptions& options, const probe::ProbeResults* probes = nullptr);

}  // namespace rampart::checks
