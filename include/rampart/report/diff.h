#pragma once
// Comparing two JSON reports (`rampart diff OLD.json NEW.json`): which failures are new, which
// were fixed, which checks changed status, and how the score moved. A failure is a FAIL
// finding (check id + resource) or a FAIL check without findings (check id alone), so a new
// failing pod under an already failing check still shows up as new.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/core/error.h"

namespace rampart::report {

/// One failure present in one report and not in the other.
struct FailureChange {
  std::string check_id;
  std::string title;
  std::string severity;
  std::string kind, namespace_, name;  ///< empty for a check-level failure
  std::string message;
  std::string other_status;  ///< the check's status in the other report ("absent" if missing)
  bool operator==(const FailureChange&) const = default;
};

struct StatusChange {
  std::string check_id;
  std::string title;
  std::string old_status;  ///< "absent" when the check was not in the old report
  std::string new_status;
  bool operator==(const StatusChange&) const = default;
};

struct ReportDiff {
  std::optional<double> old_score, new_score;
  std::string old_grade, new_grade;
  std::string old_generated_at, new_generated_at;
  bool same_cluster = true;  ///< false when both name a kube-system UID and they differ
  std::vector<FailureChange> new_failures;    ///< check order, then resource
  std::vector<FailureChange> fixed_failures;  ///< check order, then resource
  std::vector<StatusChange> status_changes;   ///< check order
};

/// Compares two documents of docs/report-schema.md. `old_name`/`new_name` name them in errors.
[[nodiscard]] Result<ReportDiff> diff_reports(const nlohmann::json& old_report, const nlohmann::json& new_report,
                                              const std::string& old_name, const std::string& new_name);

void render_diff_text(const ReportDiff& diff, std::ostream& out);
nlohmann::json diff_to_json(const ReportDiff& diff);

}  // namespace rampart::report
