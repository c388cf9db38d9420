#include "rampart/checks/result.h"

#include <array>
#include <utility>

namespace rampart::checks {
namespace {

constexpr std::array<std::pair<Status, const char*>, 7> kStatuses = {{
    {Status::kPass, "PASS"},
    {Status::kFail, "FAIL"},
    {Status::kWarn, "WARN"},
    {Status::kManual, "MANUAL"},
    {Status::kSkip, "SKIP"},
    {Status::kError, "ERROR"},
    {Status::kWaived, "WAIVED"},
}};

constexpr std::array<std::pair<Severity, const char*>, 5> kSeverities = {{
    {Severity::kCritical, "critical"},
    {Severity::kHigh, "high"},
    {Severity::kMedium, "medium"},
    {Severity::kLow, "low"},
    {Severity::kInfo, "info"},
}};

}  // namespace

const char* to_string(Status s) {
  for (const auto& [v, name] : kStatuses)
    if (v == s) return name;
  return "ERROR";
}

const char* to_string(Severity s) {
  for (const auto& [v, name] : kSeverities)
    if (v == s) return name;
  return "info";
}

std::optional<Status> parse_status(std::string_view s) {
  for (const auto& [v, name] : kStatuses)
    if (s == name) return v;
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (const auto& [v, name] : kSeverities)
    if (s == name) return v;
  return std::nullopt;
}

}  // namespace rampart::checks
