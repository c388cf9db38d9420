// The HTML report: one self-contained file an auditor can open offline. Styles and the filter
// script are inline and pinned by hash in a Content-Security-Policy that allows nothing else
// (no network, no other script), so even a resource name that slipped past escaping could not
// run. Report data lives only in escaped element text and attributes, never inside the script.
#include <cstdio>
#include <map>
#include <ostream>
#include <set>

#include "format_util.h"
#include "rampart/report/evidence.h"
#include "rampart/report/rollup.h"
#include "renderers.h"

namespace rampart::report {
namespace {

using checks::Status;
using detail::xml_escape;

constexpr const char* kStyle = R"css(
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--manual:#0969da;--skip:#6e7781;--error:#8250df;--waived:#1b7c83}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1f2328}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}
.meta{color:#57606a;margin:0}
.summary{display:flex;gap:24px;align-items:center;flex-wrap:wrap;margin-top:16px}
.score{font-size:40px;font-weight:700}.score .of{font-size:16px;color:#57606a;font-weight:400}
.grade{display:inline-block;margin-left:12px;padding:2px 12px;border-radius:6px;color:#fff;font-size:28px}
.g-A{background:#1a7f37}.g-B{background:#4d9a2b}.g-C{background:#9a6700}.g-D{background:#bc4c00}.g-F{background:#cf222e}.g--{background:#6e7781}
ul.counts{list-style:none;padding:0;margin:0;display:flex;gap:8px;flex-wrap:wrap}
.badge{display:inline-block;min-width:58px;text-align:center;padding:1px 6px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.self{display:inline-block;padding:0 6px;border:1px solid #555;border-radius:10px;font-size:12px}
.st-PASS{background:var(--pass)}.st-FAIL{background:var(--fail)}.st-WARN{background:var(--warn)}.st-MANUAL{background:var(--manual)}
.st-SKIP{background:var(--skip)}.st-ERROR{background:var(--error)}.st-WAIVED{background:var(--waived)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}
svg text{font-size:12px;fill:#1f2328}svg .bar{fill:#0969da}svg .bar.g-A{fill:#1a7f37}svg .bar.g-B{fill:#4d9a2b}
svg .bar.g-C{fill:#9a6700}svg .bar.g-D{fill:#bc4c00}svg .bar.g-F{fill:#cf222e}svg .track{fill:#eaeef2}
form#filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0}
#shown-count{color:#57606a}
details>summary{cursor:pointer}.detail{margin:6px 0 6px 4px}
.finding{margin:4px 0 8px;padding-left:8px;border-left:3px solid #d0d7de}
.res{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.ev{color:#57606a;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.remediation{background:#fff8c5;padding:4px 8px;border-radius:4px}
.waiver{background:#ddf4ff;padding:4px 8px;border-radius:4px}
footer{margin-top:32px;color:#57606a;font-size:12px}
)css";

// Filters rows by status, severity, section and free text; the initial filter can come from
// the URL fragment (#status=FAIL&severity=high&section=5.1&q=shop) so a link can share a view.
// data-filter-ready="1" on <body> tells a test (and curious people) that the script ran.
constexpr const char* kScript = R"js(
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#check-table tbody tr.check"));
  var form = document.getElementById("filters");
  var fields = {status: "f-status", severity: "f-severity", section: "f-section", q: "f-text"};
  function el(key) { return document.getElementById(fields[key]); }
  function fromHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
    });
    return out;
  }
  function apply() {
    var st = el("status").value, sv = el("severity").value, sc = el("section").value;
    var q = el("q").value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!st || r.getAttribute("data-status") === st) &&
               (!sv || r.getAttribute("data-severity") === sv) &&
               (!sc || r.getAttribute("data-section") === sc) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("shown-count").textContent = shown + " of " + rows.length + " checks shown";
    document.getElementById("no-match").hidden = shown !== 0;
  }
  var initial = fromHash();
  Object.keys(fields).forEach(function (k) { if (initial[k] !== undefined) el(k).value = initial[k]; });
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
  document.body.setAttribute("data-filter-ready", "1");
})();
)js";

std::string grade_class(const std::string& grade) { return "g-" + (grade.empty() ? std::string("-") : grade); }

// The head every page shares: the CSP allows the inline style and (when given) script by hash
// and nothing else, so the page loads nothing and runs nothing else.
void render_head(const std::string& title, const char* script, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" << detail::sha256_base64(kStyle)
      << "'; script-src " << (script ? "'sha256-" + detail::sha256_base64(script) + "'" : std::string("'none'"))
      << "; base-uri 'none'; form-action 'none'\">\n";
  out << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out << "<title>" << xml_escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n";
}

void render_header(const ScanReport& r, std::ostream& out) {
  out << "<header>\n<h1>rampart posture report: " << xml_escape(detail::cluster_name(r)) << "</h1>\n<p class=\"meta\">";
  out << xml_escape(r.benchmark) << " &middot; " << xml_escape(r.scanner_name) << " " << xml_escape(r.scanner_version);
  if (!r.cluster.server.empty()) out << " &middot; API server " << xml_escape(r.cluster.server);
  if (!r.cluster.git_version.empty()) out << " &middot; Kubernetes " << xml_escape(r.cluster.git_version);
  if (!r.scanned_as.user.empty()) out << " &middot; scanned as " << xml_escape(r.scanned_as.user);
  if (!r.generated_at.empty()) out << " &middot; generated " << xml_escape(r.generated_at);
  out << " &middot; source " << xml_escape(r.source) << "</p>\n</header>\n";
}

void render_summary(const ScanReport& r, std::ostream& out) {
  const auto& sc = r.score;
  out << "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"summary\">\n";
  out << "<div class=\"score\"><span id=\"overall-score\">" << detail::score_text(sc.overall) << "</span><span class=\"of\">/100</span>"
      << "<span class=\"grade " << grade_class(sc.grade) << "\" id=\"overall-grade\">" << xml_escape(sc.grade) << "</span></div>\n";
  out << "<ul class=\"counts\">";
  for (auto s : detail::all_statuses())
    out << "<li><span class=\"badge st-" << checks::to_string(s) << "\">" << detail::count_of(sc.counts, s) << " "
        << checks::to_string(s) << "</span></li>";
  out << "</ul>\n</div>\n";
  char cov[160];
  std::snprintf(cov, sizeof cov, "Coverage: %zu of %zu benchmark checks evaluated (%.0f%%); confidence %.0f%% (ERROR counts as unknown).",
                sc.benchmark_evaluated, sc.benchmark_checks, sc.coverage * 100, sc.confidence * 100);
  out << "<p>" << cov << "</p>\n";
  if (!r.gaps.empty()) {
    out << "<p>Not collected:</p><ul>";
    for (const auto& g : r.gaps)
      out << "<li><span class=\"res\">" << xml_escape(g.resource) << "</span>: " << xml_escape(g.state)
          << (g.error.empty() ? "" : " (" + xml_escape(g.error) + ")") << "</li>";
    out << "</ul>\n";
  }
  out << "</section>\n";
}

// A horizontal bar per section: an auditor sees at a glance where the score is lost.
void render_chart(const ScanReport& r, std::ostream& out) {
  const auto& sections = r.score.sections;
  constexpr int kRow = 24, kLabel = 330, kBar = 520, kTop = 8;
  const int height = kTop * 2 + kRow * static_cast<int>(sections.size());
  out << "<section id=\"sections\">\n<h2>Sections</h2>\n";
  out << "<svg id=\"section-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kLabel + kBar + 80 << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"Score per section\">\n";
  int y = kTop;
  for (const auto& s : sections) {
    std::string label = s.id + " " + s.title;
    if (label.size() > 48) label = label.substr(0, 45) + "...";
    out << "<g class=\"section-bar\" data-section=\"" << xml_escape(s.id) << "\"><title>" << xml_escape(s.id + " " + s.title)
        << ": " << detail::score_text(s.score) << "</title>";
    out << "<text x=\"0\" y=\"" << y + 16 << "\">" << xml_escape(label) << "</text>";
    out << "<rect class=\"track\" x=\"" << kLabel << "\" y=\"" << y + 4 << "\" width=\"" << kBar << "\" height=\"16\"/>";
    if (s.score) {
      int w = static_cast<int>(*s.score / 100.0 * kBar + 0.5);
      out << "<rect class=\"bar " << grade_class(s.grade) << "\" x=\"" << kLabel << "\" y=\"" << y + 4 << "\" width=\"" << w
          << "\" height=\"16\"/>";
    }
    out << "<text x=\"" << kLabel + kBar + 8 << "\" y=\"" << y + 16 << "\">" << detail::score_text(s.score) << " "
        << xml_escape(s.grade) << "</text></g>\n";
    y += kRow;
  }
  out << "</svg>\n<table id=\"section-table\"><thead><tr><th>Section</th><th>Title</th><th>Score</th><th>Grade</th>";
  for (auto st : detail::all_statuses()) out << "<th>" << checks::to_string(st) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& s : sections) {
    out << "<tr><td>" << xml_escape(s.id) << "</td><td>" << xml_escape(s.title) << "</td><td>" << detail::score_text(s.score)
        << "</td><td>" << xml_escape(s.grade) << "</td>";
    for (auto st : detail::all_statuses()) out << "<td>" << detail::count_of(s.counts, st) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

void render_evidence(const std::vector<checks::Evidence>& evidence, std::ostream& out) {
  for (const auto& e : evidence)
    out << "<div class=\"ev\">" << xml_escape(e.source) << ": " << xml_escape(e.what) << " = " << xml_escape(e.value) << "</div>";
}

void render_filters(const ScanReport& r, std::ostream& out) {
  out << "<form id=\"filters\" autocomplete=\"off\">\n<select id=\"f-status\" aria-label=\"Status\"><option value=\"\">All statuses</option>";
  for (auto s : detail::all_statuses()) out << "<option>" << checks::to_string(s) << "</option>";
  out << "</select>\n<select id=\"f-severity\" aria-label=\"Severity\"><option value=\"\">All severities</option>";
  for (auto s : detail::all_severities()) out << "<option>" << checks::to_string(s) << "</option>";
  out << "</select>\n<select id=\"f-section\" aria-label=\"Section\"><option value=\"\">All sections</option>";
  std::set<std::string> used;
  for (const auto& c : r.checks) used.insert(c.entry.section);
  for (const auto& s : r.sections)
    if (used.count(s.id))
      out << "<option value=\"" << xml_escape(s.id) << "\">" << xml_escape(s.id + " " + s.title) << "</option>";
  out << "</select>\n<input id=\"f-text\" type=\"search\" placeholder=\"Filter: id, title, resource...\" aria-label=\"Text\">\n"
         "<span id=\"shown-count\"></span>\n</form>\n";
}

void render_check(const checks::CheckResult& c, std::ostream& out) {
  const char* status = checks::to_string(c.outcome.status);
  out << "<tr class=\"check\" id=\"check-" << xml_escape(c.entry.id) << "\" data-status=\"" << status << "\" data-severity=\""
      << checks::to_string(c.severity) << "\" data-section=\"" << xml_escape(c.entry.section) << "\">";
  out << "<td><span class=\"badge st-" << status << "\">" << status << "</span></td><td>" << xml_escape(c.entry.id) << "</td><td>";
  out << "<details" << (c.outcome.status == Status::kFail ? " open" : "") << "><summary>" << xml_escape(c.entry.title)
      << "</summary>\n<div class=\"detail\">";
  if (!c.outcome.reason.empty()) out << "<p class=\"reason\">" << xml_escape(c.outcome.reason) << "</p>";
  if (c.outcome.waiver) out << "<p class=\"waiver\">" << xml_escape(detail::waiver_note(*c.outcome.waiver)) << "</p>";
  for (const auto& f : c.outcome.findings) {
    out << "<div class=\"finding\" data-status=\"" << checks::to_string(f.status) << "\"><span class=\"badge st-"
        << checks::to_string(f.status) << "\">" << checks::to_string(f.status) << "</span> <span class=\"res\">"
        << xml_escape(detail::resource_label(f.resource)) << "</span> (" << checks::to_string(detail::finding_severity(c, f))
        << "): " << xml_escape(f.message);
    if (detail::is_about_scanner(f)) out << " <span class=\"self\">rampart itself</span>";
    render_evidence(f.evidence, out);
    if (f.waiver) out << "<div class=\"waiver\">" << xml_escape(detail::waiver_note(*f.waiver)) << "</div>";
    out << "</div>\n";
  }
  render_evidence(c.outcome.evidence, out);
  if (detail::is_failure_like(c.outcome.status) || c.outcome.status == Status::kManual)
    out << "<p class=\"remediation\"><strong>Remediation:</strong> " << xml_escape(c.entry.remediation) << "</p>";
  out << "</div></details></td><td>" << xml_escape(c.entry.section) << "</td><td>" << checks::to_string(c.severity) << "</td><td>"
      << c.outcome.findings.size() << "</td></tr>\n";
}

void render_waivers(const ScanReport& r, std::ostream& out) {
  if (r.waivers.empty()) return;
  out << "<section id=\"waivers\">\n<h2>Waivers</h2>\n<table><thead><tr><th>State</th><th>Check</th><th>Resource</th><th>Owner</th>"
         "<th>Expires</th><th>Matched</th><th>Justification</th><th>Source</th></tr></thead><tbody>\n";
  for (const auto& u : r.waivers) {
    std::string res = "(whole check)";
    if (u.waiver.resource) res = u.waiver.resource->kind + " " + u.waiver.resource->namespace_ + "/" + u.waiver.resource->name;
    out << "<tr data-state=\"" << to_string(u.state) << "\"><td>" << to_string(u.state) << (u.note.empty() ? "" : ": " + xml_escape(u.note))
        << "</td><td>" << xml_escape(u.waiver.check) << "</td><td class=\"res\">" << xml_escape(res) << "</td><td>"
        << xml_escape(u.waiver.owner) << "</td><td>" << format_date(u.waiver.expires) << "</td><td>" << u.matched << "</td><td>"
        << xml_escape(u.waiver.justification) << "</td><td>" << xml_escape(u.waiver.source) << "</td></tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

class HtmlRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override {
    render_head("rampart report: " + detail::cluster_name(r), kScript, out);
    out << "<body data-filter-ready=\"0\">\n";
    render_header(r, out);
    render_summary(r, out);
    render_chart(r, out);
    out << "<section id=\"checks\">\n<h2>Checks</h2>\n";
    render_filters(r, out);
    out << "<table id=\"check-table\"><thead><tr><th>Status</th><th>ID</th><th>Check</th><th>Section</th><th>Severity</th>"
           "<th>Findings</th></tr></thead>\n<tbody>\n";
    for (const auto& c : r.checks) render_check(c, out);
    out << "</tbody></table>\n<p id=\"no-match\" hidden>No check matches these filters.</p>\n</section>\n";
    render_waivers(r, out);
    out << "<footer>Written by " << xml_escape(r.scanner_name) << " " << xml_escape(r.scanner_version)
        << ". This file is self-contained: it loads nothing from the network. The JSON report holds the same results for machines.</footer>\n";
    out << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  }
};

}  // namespace

std::unique_ptr<Renderer> make_html_renderer() { return std::make_unique<HtmlRenderer>(); }

void render_rollup_html(const Rollup& r, const std::map<std::string, std::string>& links, std::ostream& out) {
  render_head("rampart roll-up: " + std::to_string(r.clusters.size()) + " clusters", nullptr, out);
  out << "<body>\n<header>\n<h1>rampart roll-up: " << r.clusters.size() << " clusters</h1>\n<p class=\"meta\">exit code "
      << r.exit_code << "</p>\n</header>\n";
  out << "<section id=\"clusters\">\n<h2>Clusters</h2>\n<table id=\"cluster-table\"><thead><tr><th>Cluster</th><th>Score</th>"
         "<th>Grade</th>";
  for (auto st : detail::all_statuses()) out << "<th>" << checks::to_string(st) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& c : r.clusters) {
    out << "<tr class=\"cluster\" data-scanned=\"" << (c.scanned ? "1" : "0") << "\"><td>";
    auto link = links.find(c.name);
    if (c.scanned && link != links.end()) out << "<a href=\"" << xml_escape(link->second) << "\">" << xml_escape(c.name) << "</a>";
    else out << xml_escape(c.name);
    out << "</td>";
    if (!c.scanned) {
      out << "<td colspan=\"" << 2 + detail::all_statuses().size() << "\"><span class=\"badge st-ERROR\">NOT SCANNED</span> "
          << xml_escape(c.error) << "</td></tr>\n";
      continue;
    }
    out << "<td class=\"cluster-score\">" << detail::score_text(c.score) << "</td><td><span class=\"grade " << grade_class(c.grade) << "\">"
        << xml_escape(c.grade) << "</span></td>";
    for (auto st : detail::all_statuses()) out << "<td>" << detail::count_of(c.counts, st) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n</section>\n<section id=\"shared\">\n<h2>Failures shared by several clusters</h2>\n";
  if (r.shared.empty()) out << "<p>None.</p>\n";
  else {
    out << "<table id=\"shared-table\"><thead><tr><th>ID</th><th>Check</th><th>Severity</th><th>Clusters</th></tr></thead><tbody>\n";
    for (const auto& s : r.shared) {
      out << "<tr class=\"shared\"><td>" << xml_escape(s.check_id) << "</td><td>" << xml_escape(s.title) << "</td><td>"
          << checks::to_string(s.severity) << "</td><td>";
      for (size_t i = 0; i < s.clusters.size(); ++i) out << (i ? ", " : "") << xml_escape(s.clusters[i]);
      out << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n<footer>Written by rampart. Each cluster's own report holds its checks; this page loads nothing from "
         "the network.</footer>\n</body>\n</html>\n";
}

}  // namespace rampart::report
