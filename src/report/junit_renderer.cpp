// JUnit XML for CI systems: each check is a testcase, each catalog section a testsuite.
// FAIL -> <failure>, ERROR -> <error>, SKIP and MANUAL -> <skipped>, WAIVED and WARN pass with
// a <system-out> note (a WARN is worth reading but should not break a build on its own; use
// --fail-on for gating). The failure body lists the resources, evidence and remediation.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>
#include <sstream>

#include "format_util.h"
#include "renderers.h"

namespace rampart::report {
namespace {

using checks::Status;
using detail::xml_escape;

struct Tally {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(Status s) {
    ++tests;
    if (s == Status::kFail) ++failures;
    else if (s == Status::kError) ++errors;
    else if (s == Status::kSkip || s == Status::kManual) ++skipped;
  }
};

// JUnit's schema wants a local timestamp without a zone; ours is UTC, which the suite name says.
std::string junit_timestamp(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

// The readable body of a <failure> or <error>: what failed, where, why, and what to do.
std::string detail_text(const checks::CheckResult& c) {
  std::ostringstream out;
  out << checks::to_string(c.outcome.status) << " (" << checks::to_string(c.severity) << "): " << c.outcome.reason << "\n";
  for (const auto& f : c.outcome.findings) {
    out << "- " << checks::to_string(f.status) << " " << detail::resource_label(f.resource) << " ("
        << checks::to_string(detail::finding_severity(c, f)) << "): " << f.message << "\n";
    for (const auto& e : f.evidence) out << "    " << e.source << ": " << e.what << " = " << e.value << "\n";
    if (f.waiver) out << "    " << detail::waiver_note(*f.waiver) << "\n";
  }
  for (const auto& e : c.outcome.evidence) out << "evidence: " << e.source << ": " << e.what << " = " << e.value << "\n";
  if (c.outcome.status == Status::kFail) out << "Remediation: " << c.entry.remediation << "\n";
  return out.str();
}

void render_case(const checks::CheckResult& c, std::ostream& out) {
  Status s = c.outcome.status;
  out << "    <testcase name=\"" << xml_escape(c.entry.id + " " + c.entry.title) << "\" classname=\"rampart." << xml_escape(c.entry.section)
      << "\" time=\"0\"";
  std::string message = xml_escape(c.outcome.reason);
  switch (s) {
    case Status::kPass:
      out << "/>\n";
      return;
    case Status::kFail:
      out << ">\n      <failure message=\"" << message << "\" type=\"" << checks::to_string(c.severity) << "\">"
          << xml_escape(detail_text(c)) << "</failure>\n";
      break;
    case Status::kError:
      out << ">\n      <error message=\"" << message << "\" type=\"ERROR\">" << xml_escape(detail_text(c)) << "</error>\n";
      break;
    case Status::kSkip:
    case Status::kManual:
      out << ">\n      <skipped message=\"" << checks::to_string(s) << ": " << message << "\"/>\n";
      break;
    case Status::kWarn:
    case Status::kWaived: {
      std::string note = detail_text(c);
      if (c.outcome.waiver) note = detail::waiver_note(*c.outcome.waiver) + "\n" + note;
      out << ">\n      <system-out>" << xml_escape(note) << "</system-out>\n";
      break;
    }
  }
  out << "    </testcase>\n";
}

class JunitRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override {
    Tally total;
    for (const auto& c : r.checks) total.add(c.outcome.status);
    double duration = 0;
    if (r.started_at && r.finished_at) duration = std::chrono::duration<double>(*r.finished_at - *r.started_at).count();
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"" << xml_escape("rampart " + r.benchmark + " on " + detail::cluster_name(r)) << "\" tests=\""
        << total.tests << "\" failures=\"" << total.failures << "\" errors=\"" << total.errors << "\" skipped=\"" << total.skipped
        << "\" time=\"" << seconds(duration) << "\">\n";
    for (const auto& sec : r.sections) {
      Tally t;
      for (const auto& c : r.checks)
        if (c.entry.section == sec.id) t.add(c.outcome.status);
      if (t.tests == 0) continue;
      out << "  <testsuite name=\"" << xml_escape(sec.id + " " + sec.title) << "\" id=\"" << xml_escape(sec.id) << "\" package=\"rampart\" tests=\""
          << t.tests << "\" failures=\"" << t.failures << "\" errors=\"" << t.errors << "\" skipped=\"" << t.skipped
          << "\" time=\"0\"";
      if (r.started_at) out << " timestamp=\"" << junit_timestamp(*r.started_at) << "\"";
      out << ">\n    <properties>\n";
      out << "      <property name=\"cluster\" value=\"" << xml_escape(detail::cluster_name(r)) << "\"/>\n";
      for (const auto& s : r.score.sections)
        if (s.id == sec.id) out << "      <property name=\"score\" value=\"" << detail::score_text(s.score) << "\"/>\n";
      out << "    </properties>\n";
      for (const auto& c : r.checks)
        if (c.entry.section == sec.id) render_case(c, out);
      out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<Renderer> make_junit_renderer() { return std::make_unique<JunitRenderer>(); }

}  // namespace rampart::report
