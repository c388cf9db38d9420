#pragma once
// The report model every renderer reads (text, JSON, and later HTML, JUnit, SARIF...). It holds
// results, never logic: renderers format it and must not re-evaluate anything.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rampart/checks/catalog.h"
#include "rampart/checks/check_result.h"
#include "rampart/collect/inventory.h"
#include "rampart/report/waivers.h"
#include "rampart/score/score.h"

namespace rampart::report {

/// Version of the JSON report schema (docs/report-schema.md). Bump on any breaking change.
inline constexpr int kSchemaVersion = 1;

/// One resource type that could not be collected.
struct CollectionGap {
  std::string resource;  ///< "secrets", "nodes/proxy/configz"
  std::string state;     ///< "forbidden", "not-served", "error", "not-requested"
  std::string error;
  bool operator==(const CollectionGap&) const = default;
};

struct Exclusions {
  std::vector<std::string> system_namespaces;
  std::vector<std::string> excluded_namespaces;
  std::vector<std::string> skipped_checks;  ///< --skip-checks, and checks left out by --checks/--level
  std::optional<int> level;
};

struct ScanReport {
  int schema_version = kSchemaVersion;
  std::string scanner_name = "rampart";
  std::string scanner_version;
  std::string benchmark;        ///< "CIS Kubernetes Benchmark v1.12.0"
  std::string generated_at;     ///< RFC 3339 UTC; empty in golden tests
  std::string source;           ///< "live" or "inventory:<file>"
  collect::ClusterIdentity cluster;
  /// Who the API server authenticated rampart as (user "" when unknown): findings about that
  /// identity are tagged "self" (docs/self-scan.md).
  collect::ScannerIdentity scanned_as;
  std::vector<CollectionGap> gaps;
  Exclusions exclusions;
  std::vector<checks::Section> sections;
  std::vector<checks::CheckResult> checks;  ///< catalog order
  score::ScoreCard score;
  /// Wall-clock start and end of the scan, set by the CLI; unset (golden tests) they are left
  /// out of every format, so a report without them is byte-for-byte reproducible.
  std::optional<std::chrono::system_clock::time_point> started_at, finished_at;
  /// --waivers: what became of each waiver (applied, expired, stale), in file order.
  std::vector<WaiverUse> waivers;
};

/// Resource types whose status is not ok, in report order (kNotRequested included, since a
/// check that needed them says ERROR).
std::vector<CollectionGap> collection_gaps(const collect::Inventory& inv);

}  // namespace rampart::report

namespace rampart::report {

/// Where the inventory came from and what the user chose, for the report header.
struct ReportContext {
  std::string scanner_version;
  std::string generated_at;  ///< empty leaves it out (golden tests)
  std::string source;        ///< "live" or "inventory:<file>"
  std::vector<std::string> system_namespaces;
  std::vector<std::string> excluded_namespaces;
  std::vector<std::string> not_selected;
  std::optional<int> level;
};

/// Scores the results and assembles the model renderers read.
ScanReport make_report(const collect::Inventory& inv, const checks::Catalog& catalog, std::vector<checks::CheckResult> results,
                       const std::vector<std::string>& workload_namespaces, const ReportContext& ctx);

}  // namespace rampart::report
