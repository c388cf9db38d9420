// CSV for spreadsheets: one row per finding, RFC 4180 (CRLF line ends, every field quoted,
// quotes doubled). A check without findings gets one row with an empty resource. A cell that
// a spreadsheet would run as a formula (starting with = + - @, or tab/CR) gets a leading
// apostrophe: resource names and messages come from the cluster, and a cluster is not trusted.
#include <ostream>
#include <string>

#include "format_util.h"
#include "renderers.h"

namespace rampart::report {
namespace {

std::string csv_cell(std::string_view text) {
  std::string out = "\"";
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r'))
    out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void row(std::ostream& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (auto c : cells) {
    if (!first) out << ',';
    first = false;
    out << csv_cell(c);
  }
  out << "\r\n";
}

class CsvRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override {
    row(out, {"check_id", "title", "section", "severity", "status", "resource_kind", "resource_namespace", "resource_name", "message"});
    for (const auto& c : r.checks) {
      if (c.outcome.findings.empty()) {
        std::string message = c.outcome.reason;
        if (c.outcome.waiver) message = detail::waiver_note(*c.outcome.waiver) + "; " + message;
        row(out, {c.entry.id, c.entry.title, c.entry.section, checks::to_string(c.severity), checks::to_string(c.outcome.status), "", "",
                  "", message});
        continue;
      }
      for (const auto& f : c.outcome.findings) {
        std::string message = f.message;
        if (f.waiver) message = detail::waiver_note(*f.waiver) + "; " + message;
        row(out, {c.entry.id, c.entry.title, c.entry.section, checks::to_string(detail::finding_severity(c, f)),
                  checks::to_string(f.status), f.resource.kind, f.resource.namespace_, f.resource.name, message});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Renderer> make_csv_renderer() { return std::make_unique<CsvRenderer>(); }

}  // namespace rampart::report
