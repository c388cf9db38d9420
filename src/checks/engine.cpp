#include "rampart/checks/engine.h"

#include <algorithm>
#include <exception>
#include <set>
#include <tuple>

#include "rampart/checks/registry.h"

namespace rampart::checks {

Result<std::vector<const CatalogEntry*>> select_checks(const Catalog& catalog, const Selection& sel) {
  std::vector<std::string> unknown;
  for (const auto* list : {&sel.only, &sel.skip})
    for (const auto& id : *list)
      if (catalog.find(id) == nullptr) unknown.push_back(id);
  if (!unknown.empty()) {
    std::string msg = "unknown check id";
    msg += unknown.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < unknown.size(); ++i) msg += (i ? ", " : "") + unknown[i];
    return fail(ErrorKind::kUsage, msg + " (see rampart checks list)");
  }
  if (sel.level && *sel.level != 1 && *sel.level != 2)
    return fail(ErrorKind::kUsage, "--level must be 1 or 2");
  std::set<std::string> only(sel.only.begin(), sel.only.end());
  std::set<std::string> skip(sel.skip.begin(), sel.skip.end());
  std::vector<const CatalogEntry*> out;
  for (const auto& e : catalog.entries) {
    if (!only.empty() && !only.count(e.id)) continue;
    if (skip.count(e.id)) continue;
    if (sel.level && e.level > *sel.level) continue;
    out.push_back(&e);
  }
  return out;
}

namespace {

int severity_rank(const Finding& f, Severity fallback) {
  return static_cast<int>(f.severity.value_or(fallback));
}

}  // namespace

CheckResult run_check(const CatalogEntry& entry, const ScanView& view) {
  CheckResult r;
  r.entry = entry;
  auto it = registry().find(entry.id);
  if (it == registry().end()) {
    r.outcome = Outcome{Status::kError, "no evaluation function is registered for " + entry.id, {}, {}, {}, {}};
  } else {
    ScanView v = view;
    v.entry = &entry;
    try {
      r.outcome = it->second(v);
    } catch (const std::exception& e) {
      // A check bug must not end the scan, and must not pass: report it as ERROR.
      r.outcome = Outcome{Status::kError, std::string("internal error while evaluating: ") + e.what(), {}, {}, {}, {}};
    }
  }
  r.severity = r.outcome.severity.value_or(entry.severity);
  Severity sev = r.severity;
  std::stable_sort(r.outcome.findings.begin(), r.outcome.findings.end(),
                   [sev](const Finding& a, const Finding& b) {
                     int ra = severity_rank(a, sev), rb = severity_rank(b, sev);
                     return std::tie(ra, a.resource, a.message) < std::tie(rb, b.resource, b.message);
                   });
  return r;
}

std::vector<CheckResult> run_checks(const std::vector<const CatalogEntry*>& entries, const ScanView& view) {
  std::vector<CheckResult> out;
  out.reserve(entries.size());
  for (const CatalogEntry* e : entries) out.push_back(run_check(*e, view));
  return out;
}

}  // namespace rampart::checks

namespace rampart::checks {

Result<Evaluation> evaluate(const collect::Inventory& inv, const Catalog& catalog, const Selection& selection,
                            const ScanOptions& options, const probe::ProbeResults* probes) {
  auto selected = select_checks(catalog, selection);
  if (!selected) return tl::unexpected(selected.error());
  rbac::Index index(inv);
  // Who collected the inventory is who the scanner was, unless the caller says otherwise.
  ScanOptions opts = options;
  if (!opts.self && !inv.scanner.user.empty()) opts.self = rbac::Identity{inv.scanner.user, inv.scanner.groups};
  if (opts.self_cert_organizations.empty()) opts.self_cert_organizations = inv.scanner.certificate_organizations;
  ClusterFacts facts(inv, opts, probes);
  ScanView view{inv, probes, opts, index, catalog, facts, nullptr};
  Evaluation out;
  out.results = run_checks(*selected, view);
  out.workload_namespaces = facts.workload_namespaces();
  std::set<std::string> chosen;
  for (const auto* e : *selected) chosen.insert(e->id);
  for (const auto& e : catalog.entries)
    if (!chosen.count(e.id)) out.not_selected.push_back(e.id);
  return out;
}

}  // namespace rampart::checks
