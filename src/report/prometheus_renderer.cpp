// Prometheus text exposition (format 0.0.4) for the node-exporter textfile collector or a
// Pushgateway. Every series carries a `cluster` label; samples have no timestamps (the
// textfile collector refuses them). Series whose value is unknown (no score, no scan time) are
// left out rather than written as 0, which would read as "everything failed". Metric list and
// the meaning of rampart_check_status's values: docs/formats.md.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>

#include "format_util.h"
#include "rampart/report/rollup.h"
#include "renderers.h"

namespace rampart::report {
namespace {

using checks::Status;

// Values of rampart_check_status, ordered so that alerting on "> 0" catches anything but PASS
// and "== 2" catches FAIL. Documented in docs/formats.md; never renumber.
int status_code(Status s) {
  switch (s) {
    case Status::kPass: return 0;
    case Status::kWarn: return 1;
    case Status::kFail: return 2;
    case Status::kError: return 3;
    case Status::kManual: return 4;
    case Status::kSkip: return 5;
    case Status::kWaived: return 6;
  }
  return 3;
}

std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[40];
  if (std::floor(v) == v && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Writes families one after another; every sample gets the cluster label first, unless the
// family set belongs to no single cluster (the roll-up), where the samples name their own.
class Family {
 public:
  Family(std::ostream& out, std::optional<std::string> cluster) : out_(out), cluster_(std::move(cluster)) {}

  void header(const char* name, const char* help) {
    name_ = name;
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
  }
  void sample(double value, const std::vector<std::pair<const char*, std::string>>& labels = {}) {
    out_ << name_ << "{";
    const char* sep = "";
    if (cluster_) {
      out_ << "cluster=\"" << label_value(*cluster_) << "\"";
      sep = ",";
    }
    for (const auto& [k, v] : labels) {
      out_ << sep << k << "=\"" << label_value(v) << "\"";
      sep = ",";
    }
    out_ << "} " << number(value) << "\n";
  }

 private:
  std::ostream& out_;
  std::optional<std::string> cluster_;
  std::string name_;
};

using SeverityStatusCounts = std::map<std::pair<checks::Severity, Status>, size_t>;

// One sample per severity and status, zeros included, so a series never vanishes.
void sample_every_pair(Family& m, const SeverityStatusCounts& counts) {
  for (auto sev : detail::all_severities())
    for (auto s : detail::all_statuses()) {
      auto it = counts.find({sev, s});
      m.sample(static_cast<double>(it == counts.end() ? 0 : it->second),
               {{"severity", checks::to_string(sev)}, {"status", checks::to_string(s)}});
    }
}

class PrometheusRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override {
    Family m(out, detail::cluster_name(r));
    const auto& sc = r.score;
    m.header("rampart_info", "Scanner and benchmark that produced these metrics (value is always 1).");
    m.sample(1, {{"version", r.scanner_version}, {"benchmark", r.benchmark}, {"kubernetes_version", r.cluster.git_version}});
    if (sc.overall) {
      m.header("rampart_score", "Overall posture score, 0-100, severity-weighted (docs/scoring.md).");
      m.sample(*sc.overall);
    }
    m.header("rampart_section_score", "Score of one catalog section, 0-100; absent when nothing in it was decided.");
    for (const auto& s : sc.sections)
      if (s.score) m.sample(*s.score, {{"section", s.id}});
    m.header("rampart_checks", "Checks by status in this scan.");
    for (auto s : detail::all_statuses()) m.sample(static_cast<double>(detail::count_of(sc.counts, s)), {{"status", checks::to_string(s)}});

    // Checks by their severity too: a failing check without findings (an unsupported version,
    // a missing agent) has no finding to count, and "how many critical checks fail" is the
    // first question of an alert.
    SeverityStatusCounts by_severity, findings;
    for (const auto& c : r.checks) {
      ++by_severity[{c.severity, c.outcome.status}];
      for (const auto& f : c.outcome.findings) ++findings[{detail::finding_severity(c, f), f.status}];
    }
    m.header("rampart_checks_by_severity", "Checks by severity and status in this scan.");
    sample_every_pair(m, by_severity);
    m.header("rampart_findings", "Resource-level findings by severity and status.");
    sample_every_pair(m, findings);

    m.header("rampart_check_status",
             "Status of one check: 0 PASS, 1 WARN, 2 FAIL, 3 ERROR, 4 MANUAL, 5 SKIP, 6 WAIVED.");
    for (const auto& c : r.checks)
      m.sample(status_code(c.outcome.status), {{"id", c.entry.id}, {"section", c.entry.section}, {"severity", checks::to_string(c.severity)}});

    m.header("rampart_coverage_ratio", "Share of the selected benchmark checks that were evaluated (PASS, FAIL, WARN or WAIVED).");
    m.sample(sc.coverage);
    m.header("rampart_confidence_ratio", "Share of decided checks among those decided or in ERROR.");
    m.sample(sc.confidence);
    m.header("rampart_collection_gaps", "Resource types that could not be collected (forbidden, not served, error, not requested).");
    m.sample(static_cast<double>(r.gaps.size()));
    if (!r.waivers.empty()) {
      std::map<WaiverUse::State, size_t> states;
      for (const auto& u : r.waivers) ++states[u.state];
      m.header("rampart_waivers", "Waivers by state: applied, expired, stale.");
      for (auto s : {WaiverUse::State::kApplied, WaiverUse::State::kExpired, WaiverUse::State::kStale})
        m.sample(static_cast<double>(states[s]), {{"state", to_string(s)}});
    }
    if (r.started_at && r.finished_at) {
      m.header("rampart_scan_duration_seconds", "Wall-clock time of the scan, collection to report.");
      m.sample(std::round(std::chrono::duration<double>(*r.finished_at - *r.started_at).count() * 1000) / 1000);
    }
    if (r.finished_at) {
      m.header("rampart_scan_timestamp_seconds", "When the scan finished, Unix time; alert when it grows stale.");
      m.sample(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(r.finished_at->time_since_epoch()).count()));
    }
  }
};

}  // namespace

std::unique_ptr<Renderer> make_prometheus_renderer() { return std::make_unique<PrometheusRenderer>(); }

// The roll-up's own families only: each scanned cluster's file already has its series, and the
// textfile collector refuses a series that two files in its directory both carry.
void render_rollup_prometheus(const Rollup& r, std::ostream& out) {
  Family m(out, std::nullopt);
  m.header("rampart_rollup_cluster_scanned",
           "1 when the cluster was scanned, 0 when it could not be (unreachable, rejected credential); its reports are missing then.");
  for (const auto& c : r.clusters) m.sample(c.scanned ? 1 : 0, {{"cluster", c.name}});
  m.header("rampart_rollup_shared_failure_clusters", "Clusters in which a check fails, for checks failing in more than one.");
  for (const auto& s : r.shared)
    m.sample(static_cast<double>(s.clusters.size()), {{"id", s.check_id}, {"severity", checks::to_string(s.severity)}});
  m.header("rampart_rollup_exit_code", "Exit code of the whole run: 0, 2 (--fail-on reached), 1 (a cluster not scanned).");
  m.sample(r.exit_code, {{"clusters", std::to_string(r.clusters.size())}});
}

}  // namespace rampart::report
