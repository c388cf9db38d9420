#pragma once
// Helpers the report formats share (not a public interface): escaping for markup, the
// identity of a resource as text, counts, and the severity a finding is ranked by.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/check_result.h"
#include "rampart/report/scan_report.h"

namespace rampart::report::detail {

/// Text for XML and HTML content and attribute values: & < > " ' escaped, and the control
/// characters XML 1.0 cannot carry at all (even escaped) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

/// "Pod shop/web-1", "ClusterRole admin", or "" for an empty reference.
std::string resource_label(const collect::ObjectRef& ref);

/// "Pod/shop/web-1" or "ClusterRole/admin": a stable path-like identity.
std::string resource_path(const collect::ObjectRef& ref);

/// The finding's own severity, else the check's effective one.
checks::Severity finding_severity(const checks::CheckResult& check, const checks::Finding& finding);

/// Statuses in report order (PASS, FAIL, WARN, MANUAL, SKIP, ERROR, WAIVED).
const std::vector<checks::Status>& all_statuses();
/// Severities from critical to info.
const std::vector<checks::Severity>& all_severities();

/// How many results in `counts` have status `s` (0 when absent).
size_t count_of(const score::StatusCounts& counts, checks::Status s);

/// "72.5", or `unknown` when there is no score.
std::string score_text(const std::optional<double>& score, std::string_view unknown = "unknown");

/// The name reports give the cluster: the kubeconfig context, else the API server, else the
/// report's source ("inventory:FILE").
std::string cluster_name(const ScanReport& report);

/// A FAIL/WARN/WAIVED check or finding: something that needs attention or was accepted.
bool is_failure_like(checks::Status s);

/// A finding about rampart itself (tag "self": the identity the scan ran as, or its own pod).
bool is_about_scanner(const checks::Finding& finding);

/// Base64 of the SHA-256 of `data` (a CSP source hash: 'sha256-...').
std::string sha256_base64(std::string_view data);

/// "WAIVED (was FAIL) by alice@example.com until 2026-03-31 (waivers.yaml:4): justification".
std::string waiver_note(const checks::WaiverRef& waiver);

}  // namespace rampart::report::detail
