#pragma once
// The score (docs/scoring.md): severity-weighted, 0-100, per check, per section, per namespace
// and overall, with a letter grade. MANUAL, SKIP and WAIVED do not move it; ERROR is shown as
// unknown and lowers confidence and coverage, never the score.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rampart/checks/catalog.h"
#include "rampart/checks/check_result.h"

namespace rampart::score {

/// Weight of a check of this severity in every average.
double severity_weight(checks::Severity s);

/// 100 for PASS, 50 for WARN, 0 for FAIL; nullopt for statuses that do not count.
std::optional<double> status_points(checks::Status s);

/// A >= 90, B >= 80, C >= 70, D >= 60, else F; "-" when there is no score.
std::string grade(std::optional<double> score);

using StatusCounts = std::map<checks::Status, size_t>;

struct SectionScore {
  std::string id;
  std::string title;
  std::optional<double> score;
  std::string grade;
  StatusCounts counts;
};

struct NamespaceScore {
  std::string namespace_;
  std::optional<double> score;
  std::string grade;
  size_t failing_checks = 0;  ///< namespace-scoped checks with a FAIL finding here
  size_t warning_checks = 0;
  size_t checks = 0;          ///< namespace-scoped checks that were evaluated
};

struct ScoreCard {
  std::optional<double> overall;
  std::string grade;
  StatusCounts counts;
  /// Share of the selected benchmark (CIS) checks that got PASS, FAIL, WARN or WAIVED.
  double coverage = 0;
  /// Share of decided checks among those that were decided or ended in ERROR.
  double confidence = 0;
  size_t benchmark_checks = 0;
  size_t benchmark_evaluated = 0;
  std::vector<SectionScore> sections;      ///< catalog section order
  std::vector<NamespaceScore> namespaces;  ///< lowest score first, then by name
  std::map<std::string, std::optional<double>> checks;  ///< id -> points
};

/// Scores `results`. `namespaces` are the workload namespaces to score (each gets a row).
ScoreCard compute(const std::vector<checks::CheckResult>& results, const std::vector<checks::Section>& sections,
                  const std::vector<std::string>& namespaces);

}  // namespace rampart::score
