// The JSON report (docs/report-schema.md). Key order is nlohmann's (sorted), array order is the
// model's (catalog order, sorted findings), so the same scan gives the same bytes.
#include <optional>

#include "rampart/collect/whoami.h"
#include "rampart/report/evidence.h"
#include "rampart/report/renderer.h"

namespace rampart::report {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json counts_json(const score::StatusCounts& counts) {
  json out = json::object();
  for (auto s : {checks::Status::kPass, checks::Status::kFail, checks::Status::kWarn, checks::Status::kManual,
                 checks::Status::kSkip, checks::Status::kError, checks::Status::kWaived}) {
    auto it = counts.find(s);
    out[checks::to_string(s)] = it == counts.end() ? 0 : it->second;
  }
  return out;
}

json evidence_json(const std::vector<checks::Evidence>& ev) {
  json out = json::array();
  for (const auto& e : ev) out.push_back({{"source", e.source}, {"what", e.what}, {"value", e.value}});
  return out;
}

json waiver_json(const checks::WaiverRef& w) {
  return {{"waived_status", checks::to_string(w.waived_status)},
          {"justification", w.justification},
          {"owner", w.owner},
          {"expires", w.expires},
          {"source", w.source}};
}

json check_json(const checks::CheckResult& r) {
  json findings = json::array();
  for (const auto& f : r.outcome.findings) {
    json finding = {{"status", checks::to_string(f.status)},
                    {"severity", checks::to_string(f.severity.value_or(r.severity))},
                    {"resource", {{"kind", f.resource.kind}, {"namespace", f.resource.namespace_}, {"name", f.resource.name}}},
                    {"message", f.message},
                    {"evidence", evidence_json(f.evidence)},
                    {"tags", f.tags}};
    if (f.waiver) finding["waiver"] = waiver_json(*f.waiver);
    findings.push_back(std::move(finding));
  }
  json check = {{"id", r.entry.id},
                {"title", r.entry.title},
                {"section", r.entry.section},
                {"level", r.entry.level},
                {"automated", r.entry.automated},
                {"sources", r.entry.sources},
                {"status", checks::to_string(r.outcome.status)},
                {"score", optional_number(score::status_points(r.outcome.status))},
                {"severity", checks::to_string(r.severity)},
                {"reason", r.outcome.reason},
                {"remediation", r.entry.remediation},
                {"evidence", evidence_json(r.outcome.evidence)},
                {"findings", findings}};
  if (r.outcome.waiver) check["waiver"] = waiver_json(*r.outcome.waiver);
  return check;
}

json document(const ScanReport& r, bool with_checks);

// Writes the same bytes as to_json(report).dump(2), but holds only one check's JSON in memory at
// a time: a large cluster's report has hundreds of thousands of findings.
class JsonRenderer : public Renderer {
 public:
  void render(const ScanReport& report, std::ostream& out) const override {
    std::string head = document(report, false).dump(2);
    const std::string placeholder = "\"checks\": []";
    auto at = head.find(placeholder);
    out << head.substr(0, at) << "\"checks\": [";
    for (size_t i = 0; i < report.checks.size(); ++i) {
      out << (i ? ",\n" : "\n");
      std::string one = check_json(report.checks[i]).dump(2);
      // Re-indent to the array's depth (two levels of two spaces).
      size_t start = 0;
      while (start < one.size()) {
        size_t nl = one.find('\n', start);
        if (nl == std::string::npos) nl = one.size();
        out << "    " << std::string_view(one).substr(start, nl - start);
        if (nl < one.size()) out << "\n";
        start = nl + 1;
      }
    }
    out << (report.checks.empty() ? "]" : "\n  ]") << head.substr(at + placeholder.size()) << "\n";
  }
};

json document(const ScanReport& r, bool with_checks) {
  json doc;
  doc["schema_version"] = r.schema_version;
  doc["scanner"] = {{"name", r.scanner_name}, {"version", r.scanner_version}};
  std::string bench = r.benchmark;
  auto v = bench.rfind(" v");
  doc["benchmark"] = {{"name", v == std::string::npos ? bench : bench.substr(0, v)},
                      {"version", v == std::string::npos ? "" : bench.substr(v + 1)}};
  doc["generated_at"] = r.generated_at.empty() ? json(nullptr) : json(r.generated_at);
  if (r.started_at) doc["started_at"] = format_rfc3339_utc(*r.started_at);
  if (r.started_at && r.finished_at)
    doc["duration_seconds"] = std::chrono::duration<double>(*r.finished_at - *r.started_at).count();
  // Only present when --waivers was given, so reports without waivers keep their shape.
  if (!r.waivers.empty()) doc["waivers"] = waivers_to_json(r.waivers);
  doc["source"] = r.source;
  doc["cluster"] = {{"server", r.cluster.server},
                    {"context", r.cluster.context},
                    {"version", r.cluster.git_version},
                    {"platform", r.cluster.platform},
                    {"kube_system_uid", r.cluster.kube_system_uid}};
  doc["scanned_as"] = collect::identity_summary(r.scanned_as);
  json gaps = json::array();
  for (const auto& g : r.gaps) gaps.push_back({{"resource", g.resource}, {"state", g.state}, {"error", g.error}});
  doc["coverage"] = {{"benchmark_checks", r.score.benchmark_checks},
                     {"benchmark_evaluated", r.score.benchmark_evaluated},
                     {"share", r.score.coverage},
                     {"confidence", r.score.confidence},
                     {"not_collected", gaps}};
  doc["exclusions"] = {{"system_namespaces", r.exclusions.system_namespaces},
                       {"excluded_namespaces", r.exclusions.excluded_namespaces},
                       {"skipped_checks", r.exclusions.skipped_checks},
                       {"level", r.exclusions.level ? json(*r.exclusions.level) : json(nullptr)}};
  doc["summary"] = counts_json(r.score.counts);
  json checks = json::array();
  if (with_checks)
    for (const auto& c : r.checks) checks.push_back(check_json(c));
  doc["checks"] = checks;
  json sections = json::array();
  for (const auto& s : r.score.sections)
    sections.push_back({{"id", s.id}, {"title", s.title}, {"score", optional_number(s.score)}, {"grade", s.grade}, {"counts", counts_json(s.counts)}});
  json namespaces = json::array();
  for (const auto& n : r.score.namespaces)
    namespaces.push_back({{"namespace", n.namespace_},
                          {"score", optional_number(n.score)},
                          {"grade", n.grade},
                          {"failing_checks", n.failing_checks},
                          {"warning_checks", n.warning_checks},
                          {"checks", n.checks}});
  doc["score"] = {{"overall", optional_number(r.score.overall)}, {"grade", r.score.grade}, {"sections", sections}, {"namespaces", namespaces}};
  return doc;
}

}  // namespace

json to_json(const ScanReport& r) { return document(r, true); }

json check_to_json(const checks::CheckResult& check) { return check_json(check); }

json waivers_to_json(const std::vector<WaiverUse>& uses) {
  json out = json::array();
  for (const auto& u : uses) {
    json resource = nullptr;
    if (u.waiver.resource)
      resource = {{"kind", u.waiver.resource->kind}, {"namespace", u.waiver.resource->namespace_}, {"name", u.waiver.resource->name}};
    out.push_back({{"check", u.waiver.check},
                   {"resource", resource},
                   {"justification", u.waiver.justification},
                   {"owner", u.waiver.owner},
                   {"expires", format_date(u.waiver.expires)},
                   {"source", u.waiver.source},
                   {"state", to_string(u.state)},
                   {"matched", u.matched},
                   {"note", u.note}});
  }
  return out;
}

std::unique_ptr<Renderer> make_json_renderer() { return std::make_unique<JsonRenderer>(); }

}  // namespace rampart::report
