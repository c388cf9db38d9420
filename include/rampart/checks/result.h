#pragma once
// What a check produces. Checks return an Outcome; the engine pairs it with the catalog entry
// into a CheckResult. Renderers read CheckResults and never re-evaluate anything.
#include <optional>
#include <string>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::checks {

/// Honest statuses (ARCHITECTURE.md): missing data is ERROR or SKIP, never PASS.
enum class Status { kPass, kFail, kWarn, kManual, kSkip, kError, kWaived };
enum class Severity { kCritical, kHigh, kMedium, kLow, kInfo };

const char* to_string(Status s);    ///< "PASS", "FAIL", ...
const char* to_string(Severity s);  ///< "critical", "high", ...
std::optional<Status> parse_status(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);

/// One fact that decided (or informed) a result: a flag, a field, a probe answer.
struct Evidence {
  std::string source;  ///< "api", "flags", "kubelet", "probe"
  std::string what;    ///< "kube-apiserver --anonymous-auth", "configz readOnlyPort", "GET /pods"
  std::string value;   ///< "true (default: flag absent)", "10255", "HTTP 200"
  bool operator==(const Evidence&) const = default;
};

/// Why a result is WAIVED: copied from the waiver that matched (report/waivers.h), so reports
/// keep showing the finding together with who accepted it, why, and until when.
struct WaiverRef {
  Status waived_status = Status::kFail;  ///< the status before the waiver (FAIL or WARN)
  std::string justification;
  std::string owner;
  std::string expires;  ///< YYYY-MM-DD, last day the waiver applies
  std::string source;   ///< where the waiver is written: "waivers.yaml:12"
  bool operator==(const WaiverRef&) const = default;
};

/// One resource-level result under a check.
struct Finding {
  Status status = Status::kFail;
  collect::ObjectRef resource;        ///< kind, namespace, name
  std::string message;                ///< one sentence for people
  std::vector<Evidence> evidence;
  std::optional<Severity> severity;   ///< overrides the check's severity for this finding
  std::vector<std::string> tags;      ///< e.g. "bootstrap", "self", "indirect"
  std::optional<WaiverRef> waiver;    ///< set when status is kWaived
  bool operator==(const Finding&) const = default;
};

/// What an evaluation function returns.
struct Outcome {
  Status status = Status::kError;
  std::string reason;  ///< why this status; required for SKIP, ERROR, MANUAL, WARN and FAIL
  std::vector<Finding> findings;
  std::vector<Evidence> evidence;     ///< check-level evidence (not tied to one resource)
  std::optional<Severity> severity;   ///< overrides the catalog severity (e.g. critical when...)
  /// Set when a whole-check waiver (no resource) turned the status into kWaived. When the check
  /// is WAIVED because each failing finding has its own waiver, the findings carry them.
  std::optional<WaiverRef> waiver;
  bool operator==(const Outcome&) const = default;
};

}  // namespace rampart::checks
