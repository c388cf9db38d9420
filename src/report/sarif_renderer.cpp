// SARIF 2.1.0 for code-scanning dashboards. One rule per check in the report (from the
// catalog), one result per FAIL, WARN or WAIVED finding (WAIVED ones carry an accepted external
// suppression), located at the Kubernetes object as a logical location. partialFingerprints
// hash the check id and the object's identity, so a dashboard tracks the same problem across
// scans. Field choices: docs/formats.md.
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "format_util.h"
#include "rampart/report/evidence.h"
#include "renderers.h"

namespace rampart::report {
namespace {

using checks::Severity;
using checks::Status;
using nlohmann::json;

constexpr const char* kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char* kFingerprintKey = "rampartFinding/v1";

// SARIF levels by severity; WARN never goes above "warning".
const char* level_of(Severity sev, Status status) {
  const char* level = sev == Severity::kCritical || sev == Severity::kHigh ? "error" : sev == Severity::kMedium ? "warning" : "note";
  if (status == Status::kWarn && std::string(level) == "error") return "warning";
  return level;
}

// GitHub code scanning reads this number (0-10) to rank alerts: >= 9 critical, 7-8.9 high,
// 4-6.9 medium, below 4 low.
const char* security_severity(Severity sev) {
  switch (sev) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: return "1.0";
  }
  return "1.0";
}

// "API server manifest: file mode" -> "ApiServerManifestFileMode": SARIF's rule name is an
// identifier-like name, the title goes in shortDescription.
std::string rule_name(const std::string& title) {
  std::string out;
  bool upper = true;
  for (char c : title) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      upper = true;
      continue;
    }
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += c;
    upper = false;
  }
  return out;
}

json rule_json(const checks::CheckResult& c) {
  const auto& e = c.entry;
  std::string help = e.remediation.empty() ? e.title : "Remediation: " + e.remediation;
  json rule = {{"id", e.id},
               {"name", rule_name(e.title)},
               {"shortDescription", {{"text", e.title}}},
               {"fullDescription", {{"text", e.rationale.empty() ? e.title : e.rationale}}},
               {"help", {{"text", help}, {"markdown", "**Remediation:** " + e.remediation}}},
               {"defaultConfiguration", {{"level", level_of(e.severity, Status::kFail)}}},
               {"properties",
                {{"severity", checks::to_string(e.severity)},
                 {"level", e.level},
                 {"section", e.section},
                 {"automated", e.automated},
                 {"security-severity", security_severity(e.severity)},
                 {"tags", json::array({"security", "kubernetes", "section-" + e.section})}}}};
  for (const auto& ref : e.references)
    if (ref.rfind("https://", 0) == 0) {
      rule["helpUri"] = ref;
      break;
    }
  return rule;
}

// One path segment of a URI: RFC 3986 unreserved characters as they are, every other byte
// percent-encoded, and "." / ".." encoded too so that no segment can climb out of the path.
std::string uri_segment(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  const bool dots_only = !text.empty() && text.find_first_not_of('.') == std::string_view::npos && text.size() <= 2;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                      c == '~' || (c == '.' && !dots_only);
    if (unreserved) out += static_cast<char>(c);
    else out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

// Code-scanning dashboards (GitHub's among them) refuse a result without a physical location:
// the object gets a stable, relative pseudo-path "kubernetes/Kind/namespace/name". It names no
// file; the logical location below is the real one.
std::string object_uri(const collect::ObjectRef& ref) {
  std::string uri = "kubernetes/" + uri_segment(ref.kind);
  if (!ref.namespace_.empty()) uri += "/" + uri_segment(ref.namespace_);
  return uri + "/" + uri_segment(ref.name);
}

json location_json(const collect::ObjectRef& ref) {
  return {{"physicalLocation", {{"artifactLocation", {{"uri", object_uri(ref)}}}, {"region", {{"startLine", 1}}}}},
          {"logicalLocations",
           json::array({{{"kind", "resource"},
                         {"name", ref.name},
                         {"fullyQualifiedName", detail::resource_path(ref)},
                         {"properties", {{"kubernetes", {{"kind", ref.kind}, {"namespace", ref.namespace_}, {"name", ref.name}}}}}}})}};
}

json result_json(const checks::CheckResult& c, size_t rule_index, Status status, Severity sev, const collect::ObjectRef& where,
                 const std::string& message, const std::vector<checks::Evidence>& evidence,
                 const std::optional<checks::WaiverRef>& waiver) {
  // Unit separators keep "a/b"+"c" and "a"+"b/c" apart.
  std::string identity = c.entry.id + '\x1f' + where.kind + '\x1f' + where.namespace_ + '\x1f' + where.name;
  json ev = json::array();
  for (const auto& e : evidence) ev.push_back({{"source", e.source}, {"what", e.what}, {"value", e.value}});
  Status shown = waiver ? waiver->waived_status : status;
  json result = {{"ruleId", c.entry.id},
                 {"ruleIndex", rule_index},
                 {"level", level_of(sev, shown)},
                 {"kind", "fail"},
                 {"message", {{"text", message}}},
                 {"locations", json::array({location_json(where)})},
                 {"partialFingerprints", {{kFingerprintKey, sha256_hex(identity)}}},
                 {"properties", {{"status", checks::to_string(status)}, {"severity", checks::to_string(sev)}, {"evidence", ev}}}};
  if (waiver)
    result["suppressions"] = json::array({{{"kind", "external"},
                                           {"status", "accepted"},
                                           {"justification", waiver->justification + " (owner " + waiver->owner + ", until " +
                                                                 waiver->expires + ", " + waiver->source + ")"}}});
  return result;
}

class SarifRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override {
    json rules = json::array(), results = json::array();
    // The cluster itself is where check-level results (a flag, a setting) are located.
    collect::ObjectRef cluster{"Cluster", "", detail::cluster_name(r)};
    for (size_t i = 0; i < r.checks.size(); ++i) {
      const auto& c = r.checks[i];
      rules.push_back(rule_json(c));
      if (!detail::is_failure_like(c.outcome.status)) continue;
      bool any = false;
      for (const auto& f : c.outcome.findings) {
        if (!detail::is_failure_like(f.status)) continue;
        any = true;
        std::string msg = detail::resource_label(f.resource) + ": " + f.message;
        results.push_back(result_json(c, i, f.status, detail::finding_severity(c, f), f.resource, msg, f.evidence, f.waiver));
      }
      if (!any)
        results.push_back(result_json(c, i, c.outcome.status, c.severity, cluster, c.outcome.reason, c.outcome.evidence, c.outcome.waiver));
    }
    json notifications = json::array();
    for (const auto& g : r.gaps)
      notifications.push_back({{"level", "warning"},
                               {"message", {{"text", "not collected: " + g.resource + " (" + g.state + (g.error.empty() ? "" : ": " + g.error) + ")"}}}});
    json invocation = {{"executionSuccessful", true}, {"toolExecutionNotifications", notifications}};
    if (r.started_at) invocation["startTimeUtc"] = format_rfc3339_utc(*r.started_at);
    if (r.finished_at) invocation["endTimeUtc"] = format_rfc3339_utc(*r.finished_at);
    json run = {{"tool",
                 {{"driver",
                   {{"name", r.scanner_name},
                    {"version", r.scanner_version},
                    {"semanticVersion", r.scanner_version},
                    {"rules", rules}}}}},
                {"automationDetails", {{"id", "rampart/" + detail::cluster_name(r) + "/"}}},
                {"invocations", json::array({invocation})},
                {"results", results},
                {"properties",
                 {{"cluster", {{"server", r.cluster.server}, {"context", r.cluster.context}, {"version", r.cluster.git_version},
                               {"kube_system_uid", r.cluster.kube_system_uid}}},
                  {"benchmark", r.benchmark},
                  {"score", r.score.overall ? json(*r.score.overall) : json(nullptr)},
                  {"grade", r.score.grade}}}};
    json doc = {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", json::array({run})}};
    out << doc.dump(2) << "\n";
  }
};

}  // namespace

std::unique_ptr<Renderer> make_sarif_renderer() { return std::make_unique<SarifRenderer>(); }

}  // namespace rampart::report
