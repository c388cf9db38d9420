#pragma once
// The roll-up of a scan of several clusters (`rampart scan --context A --context B`,
// `--all-contexts`): one line per cluster (score, grade, counts, or why it could not be
// scanned) and the failures the clusters share, so a platform team fixes a shared cause once.
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/report/scan_report.h"

namespace rampart::report {

/// One cluster's outcome as the roll-up sees it: a report, or the error that stopped it.
struct ClusterReport {
  std::string name;                ///< kubeconfig context, or inventory name
  const ScanReport* report = nullptr;  ///< null when the scan could not run
  std::string error;               ///< why, when report is null
  std::vector<std::string> files;  ///< reports written for this cluster
  int exit_code = 0;
};

struct ClusterLine {
  std::string name;
  bool scanned = false;
  std::string error;
  std::optional<double> score;
  std::string grade;
  score::StatusCounts counts;
  std::vector<std::string> files;
  int exit_code = 0;
  bool operator==(const ClusterLine&) const = default;
};

/// A check that fails (FAIL, not WAIVED) in more than one cluster.
struct SharedFailure {
  std::string check_id;
  std::string title;
  checks::Severity severity = checks::Severity::kMedium;
  std::vector<std::string> clusters;  ///< sorted
  bool operator==(const SharedFailure&) const = default;
};

struct Rollup {
  std::vector<ClusterLine> clusters;   ///< in the order given (sorted by name by the CLI)
  std::vector<SharedFailure> shared;   ///< most clusters first, then severity, then check order
  int exit_code = 0;                   ///< the worst: 1 (a cluster not scanned) > 2 > 0
};

Rollup make_rollup(const std::vector<ClusterReport>& clusters);

/// Exit code of several clusters: 1 if any could not be scanned, else 2 if any reached
/// --fail-on, else 0 (docs/exit-codes.md).
int worst_exit_code(const std::vector<int>& codes);

void render_rollup_text(const Rollup& rollup, std::ostream& out);
nlohmann::json rollup_to_json(const Rollup& rollup);
/// A self-contained page: each cluster's score, grade and counts (linked to its own HTML report
/// through `links`, cluster name -> href, when it has one) and the shared failures.
void render_rollup_html(const Rollup& rollup, const std::map<std::string, std::string>& links, std::ostream& out);
/// Only the roll-up's own series (rampart_rollup_*): whether each cluster was scanned, the shared
/// failures, the run's exit code. Each cluster's own file carries its scores.
void render_rollup_prometheus(const Rollup& rollup, std::ostream& out);

/// The formats a roll-up is written in ("text", "json", "html", "prometheus"); the others
/// (junit, csv, sarif, oscal) describe one cluster's checks and have no roll-up.
bool has_rollup_format(std::string_view format);
/// The roll-up in one of those formats; `links` as for render_rollup_html.
void render_rollup(const Rollup& rollup, std::string_view format, const std::map<std::string, std::string>& links,
                   std::ostream& out);

}  // namespace rampart::report
