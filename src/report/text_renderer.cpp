// The CIS-style text report: sections in catalog order, each check with its status and id, the
// resources behind a failure and its remediation, after the overall and per-section summary.
#include <algorithm>
#include <cstdio>

#include "format_util.h"
#include "rampart/report/renderer.h"

namespace rampart::report {

namespace {

using checks::Status;

constexpr size_t kFindingsShown = 10;  // without -v; the JSON report always has all of them

const char* colour_of(Status s) {
  switch (s) {
    case Status::kPass: return "\033[32m";
    case Status::kFail: return "\033[31m";
    case Status::kWarn: return "\033[33m";
    case Status::kError: return "\033[35m";
    case Status::kManual: return "\033[36m";
    case Status::kSkip: return "\033[90m";
    case Status::kWaived: return "\033[34m";
  }
  return "";
}

std::string pct(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

std::string points(const std::optional<double>& v) {
  if (!v) return "unknown";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

std::string counts_line(const score::StatusCounts& c) {
  std::string out;
  for (auto s : {Status::kPass, Status::kFail, Status::kWarn, Status::kManual, Status::kSkip, Status::kError, Status::kWaived}) {
    auto it = c.find(s);
    if (it == c.end() || it->second == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(it->second) + " " + checks::to_string(s);
  }
  return out.empty() ? "no checks" : out;
}

std::string resource_text(const collect::ObjectRef& r) {
  return r.kind + " " + (r.namespace_.empty() ? "" : r.namespace_ + "/") + r.name;
}

class TextRenderer : public Renderer {
 public:
  explicit TextRenderer(RenderOptions o) : opts_(o) {}

  void render(const ScanReport& r, std::ostream& out) const override {
    out << r.scanner_name << " " << r.scanner_version << " - " << r.benchmark << "\n";
    out << "Cluster: " << (r.cluster.server.empty() ? r.source : r.cluster.server);
    if (!r.cluster.context.empty()) out << " (context " << r.cluster.context << ")";
    if (!r.cluster.git_version.empty()) out << ", Kubernetes " << r.cluster.git_version;
    out << "\n";
    if (!r.scanned_as.user.empty()) out << "Scanned as: " << r.scanned_as.user << " (" << r.scanned_as.source << ")\n";
    // Summary first: in a terminal or a CronJob log the score and counts are what people look
    // for, and they should not have to scroll past every check to find them.
    render_summary(r, out);
    for (const auto& sec : r.sections) render_section(r, sec, out);
  }

 private:
  std::string status(Status s) const {
    std::string tag = std::string("[") + checks::to_string(s) + "]";
    tag.resize(9, ' ');
    if (!opts_.color) return tag;
    return std::string(colour_of(s)) + tag + "\033[0m";
  }

  void render_section(const ScanReport& r, const checks::Section& sec, std::ostream& out) const {
    std::vector<const checks::CheckResult*> in;
    for (const auto& c : r.checks)
      if (c.entry.section == sec.id) in.push_back(&c);
    if (in.empty()) return;
    out << "\n[" << sec.id << "] " << sec.title << "\n";
    size_t hidden = 0;
    for (const auto* c : in) {
      if (c->outcome.status == Status::kPass && !opts_.verbose) {
        ++hidden;
        continue;
      }
      render_check(*c, out);
    }
    for (const auto& s : r.score.sections)
      if (s.id == sec.id) {
        out << "  == " << sec.id << ": " << counts_line(s.counts) << "; score " << points(s.score) << " (" << s.grade << ")";
        if (hidden) out << "; " << hidden << " passing checks hidden (-v shows them)";
        out << "\n";
      }
  }

  void render_check(const checks::CheckResult& c, std::ostream& out) const {
    Status s = c.outcome.status;
    out << status(s) << c.entry.id << "  " << c.entry.title << "  (" << checks::to_string(c.severity) << ")\n";
    if (!c.outcome.reason.empty()) out << "           " << c.outcome.reason << "\n";
    if (c.outcome.waiver) out << "           " << detail::waiver_note(*c.outcome.waiver) << "\n";
    size_t shown = 0;
    for (const auto& f : c.outcome.findings) {
      if (!opts_.verbose && shown == kFindingsShown) break;
      ++shown;
      out << "           - " << checks::to_string(f.status) << " " << resource_text(f.resource);
      // A lone finding usually is the reason itself: name the resource without repeating it.
      if (!(c.outcome.findings.size() == 1 && f.message == c.outcome.reason)) out << ": " << f.message;
      if (f.severity && *f.severity != c.severity) out << " [" << checks::to_string(*f.severity) << "]";
      if (detail::is_about_scanner(f)) out << " [rampart itself]";
      out << "\n";
      if (f.waiver) out << "               " << detail::waiver_note(*f.waiver) << "\n";
      if (opts_.verbose)
        for (const auto& e : f.evidence) out << "               " << e.source << ": " << e.what << " = " << e.value << "\n";
    }
    if (shown < c.outcome.findings.size())
      out << "           ... and " << c.outcome.findings.size() - shown << " more (-v or --output json shows all)\n";
    if (opts_.verbose)
      for (const auto& e : c.outcome.evidence) out << "           evidence: " << e.source << ": " << e.what << " = " << e.value << "\n";
    if (s == Status::kFail || s == Status::kWarn) out << "           Remediation: " << c.entry.remediation << "\n";
  }

  void render_summary(const ScanReport& r, std::ostream& out) const {
    const auto& sc = r.score;
    out << "\n== Summary\n";
    out << "  Checks: " << counts_line(sc.counts) << "\n";
    out << "  Score: " << points(sc.overall) << "/100 (" << sc.grade << ")\n";
    out << "  Coverage: " << sc.benchmark_evaluated << " of " << sc.benchmark_checks << " benchmark checks evaluated ("
        << pct(sc.coverage) << "); confidence " << pct(sc.confidence) << " (ERROR counts as unknown)\n";
    out << "  Sections:\n";
    for (const auto& s : sc.sections) {
      char line[160];
      std::snprintf(line, sizeof line, "    %-5s %-32s %7s  %s\n", s.id.c_str(), s.title.c_str(), points(s.score).c_str(), s.grade.c_str());
      out << line;
    }
    if (!sc.namespaces.empty()) {
      out << "  Namespaces (lowest score first):\n";
      size_t shown = 0;
      for (const auto& n : sc.namespaces) {
        if (!opts_.verbose && shown++ == kFindingsShown) {
          out << "    ... and " << sc.namespaces.size() - kFindingsShown << " more\n";
          break;
        }
        char line[200];
        std::snprintf(line, sizeof line, "    %-32s %7s  %s  (%zu failing, %zu warning of %zu checks)\n", n.namespace_.c_str(),
                      points(n.score).c_str(), n.grade.c_str(), n.failing_checks, n.warning_checks, n.checks);
        out << line;
      }
    }
    if (!r.gaps.empty()) {
      out << "  Not collected:\n";
      for (const auto& g : r.gaps) out << "    " << g.resource << ": " << g.state << (g.error.empty() ? "" : " (" + g.error + ")") << "\n";
    }
    out << "  System namespaces (left out of workload checks): ";
    for (size_t i = 0; i < r.exclusions.system_namespaces.size(); ++i) out << (i ? ", " : "") << r.exclusions.system_namespaces[i];
    out << "\n";
    if (!r.exclusions.excluded_namespaces.empty()) {
      out << "  Excluded namespaces: ";
      for (size_t i = 0; i < r.exclusions.excluded_namespaces.size(); ++i) out << (i ? ", " : "") << r.exclusions.excluded_namespaces[i];
      out << "\n";
    }
    if (!r.exclusions.skipped_checks.empty()) out << "  Checks not run: " << r.exclusions.skipped_checks.size() << "\n";
    if (!r.waivers.empty()) {
      out << "  Waivers:\n";
      for (const auto& u : r.waivers)
        out << "    " << to_string(u.state) << ": " << u.waiver.check << " (" << u.waiver.source << ", owner " << u.waiver.owner
            << ", expires " << format_date(u.waiver.expires) << "), " << u.matched << " matched" << (u.note.empty() ? "" : "; " + u.note)
            << "\n";
    }
  }

  RenderOptions opts_;
};

}  // namespace

std::unique_ptr<Renderer> make_text_renderer(const RenderOptions& options) { return std::make_unique<TextRenderer>(options); }

}  // namespace rampart::report
