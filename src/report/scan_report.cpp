#include "rampart/report/scan_report.h"

#include "rampart/core/log.h"

namespace rampart::report {

std::vector<CollectionGap> collection_gaps(const collect::Inventory& inv) {
  std::vector<CollectionGap> out;
  for (auto type : collect::all_resource_types()) {
    const auto& s = inv.status_of(type);
    if (s.ok()) continue;
    out.push_back({collect::to_string(type), collect::to_string(s.state), s.error});
  }
  return out;
}

}  // namespace rampart::report

namespace rampart::report {

namespace {

void scrub(std::string& text) { text = log::scrub(text); }

void scrub(std::vector<checks::Evidence>& evidence) {
  for (auto& e : evidence) {
    scrub(e.what);
    scrub(e.value);
  }
}

// Every format and the evidence bundle render from the report, so this is the one place where
// whatever the checks quoted (a flag value, a probe answer, an API message) is passed through
// the log scrubber: a registered credential, a bearer token or a private key never reaches a
// report file, whichever format or bundle it is.
void scrub(checks::Outcome& outcome) {
  scrub(outcome.reason);
  scrub(outcome.evidence);
  for (auto& f : outcome.findings) {
    scrub(f.message);
    scrub(f.evidence);
  }
}

}  // namespace

ScanReport make_report(const collect::Inventory& inv, const checks::Catalog& catalog, std::vector<checks::CheckResult> results,
                       const std::vector<std::string>& workload_namespaces, const ReportContext& ctx) {
  ScanReport r;
  r.scanner_version = ctx.scanner_version;
  r.benchmark = catalog.benchmark;
  r.generated_at = ctx.generated_at;
  r.source = ctx.source;
  r.cluster = inv.identity;
  r.scanned_as = inv.scanner;
  r.gaps = collection_gaps(inv);
  r.exclusions = Exclusions{ctx.system_namespaces, ctx.excluded_namespaces, ctx.not_selected, ctx.level};
  r.sections = catalog.sections;
  r.score = score::compute(results, catalog.sections, workload_namespaces);
  r.checks = std::move(results);
  for (auto& c : r.checks) scrub(c.outcome);
  return r;
}

}  // namespace rampart::report
