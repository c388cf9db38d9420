#include "scan_pipeline.h"

#include <atomic>
#include <ctime>
#include <exception>
#include <mutex>
#include <thread>

#include "rampart/core/log.h"
#include "rampart/report/evidence.h"

namespace rampart::cli {

std::vector<report::WaiverUse> apply_waivers_to_results(std::vector<checks::CheckResult>& results,
                                                        const std::vector<report::Waiver>& waivers,
                                                        std::chrono::year_month_day today) {
  std::vector<report::CheckOutcome> outcomes;
  outcomes.reserve(results.size());
  for (auto& r : results) outcomes.push_back({r.entry.id, std::move(r.outcome)});
  auto uses = report::apply_waivers(outcomes, waivers, today);
  for (size_t i = 0; i < results.size(); ++i) results[i].outcome = std::move(outcomes[i].outcome);
  return uses;
}

bool reaches_fail_on(const report::ScanReport& report, checks::Severity threshold) {
  for (const auto& r : report.checks) {
    if (r.outcome.status != checks::Status::kFail) continue;
    if (r.severity <= threshold) return true;  // enum order: critical first
    for (const auto& f : r.outcome.findings)
      if (f.status == checks::Status::kFail && f.severity && *f.severity <= threshold) return true;
  }
  return false;
}

ClusterScan scan_cluster(const ClusterTarget& target, const ScanSettings& settings, const InventoryLoader& load,
                         Progress* stages) {
  ClusterScan out{target, std::nullopt, {}, std::nullopt, std::nullopt};
  auto stage = [&](const std::string& what) {
    if (stages) stages->show(what);
  };
  try {
    auto started = std::chrono::system_clock::now();
    stage(target.inventory_file.empty() ? "collecting " + target.name + "..." : "reading " + target.inventory_file + "...");
    auto loaded = load(target, stage);
    if (!loaded) {
      out.error = loaded.error();
      return out;
    }
    const collect::Inventory* inv = &loaded->inventory;
    out.inventory = report::summarize_inventory(*inv);
    stage("evaluating checks...");
    auto eval = checks::evaluate(*inv, *settings.catalog, settings.selection, settings.options,
                                 loaded->probes ? &*loaded->probes : nullptr);
    if (!eval) {
      out.error = eval.error();
      return out;
    }
    std::vector<report::WaiverUse> uses;
    if (!settings.waivers.empty()) uses = apply_waivers_to_results(eval->results, settings.waivers, settings.today);
    auto finished = std::chrono::system_clock::now();
    report::ReportContext ctx{settings.scanner_version,
                              report::format_rfc3339_utc(finished),
                              target.inventory_file.empty() ? "live" : "inventory:" + target.inventory_file,
                              settings.options.system_namespaces,
                              settings.options.excluded_namespaces,
                              eval->not_selected,
                              settings.selection.level};
    out.report = report::make_report(*inv, *settings.catalog, std::move(eval->results), eval->workload_namespaces, ctx);
    out.report->started_at = started;
    out.report->finished_at = finished;
    out.report->waivers = std::move(uses);
    out.probes = std::move(loaded->probes);
  } catch (const std::exception& e) {
    // A bug in one cluster's scan must not take the others down with it.
    out.report.reset();
    out.error = Error{ErrorKind::kInternal, std::string("internal error: ") + e.what(), target.name, 0};
  }
  return out;
}

std::vector<ClusterScan> scan_clusters(const std::vector<ClusterTarget>& targets, const ScanSettings& settings,
                                       const InventoryLoader& load, size_t parallel, Progress& progress) {
  std::vector<ClusterScan> out(targets.size());
  std::atomic<size_t> next{0}, done{0};
  if (targets.size() == 1) {
    out[0] = scan_cluster(targets[0], settings, load, &progress);
    progress.clear();
    return out;
  }
  auto report_progress = [&] {
    progress.show("scanned " + std::to_string(done.load()) + " of " + std::to_string(targets.size()) + " clusters");
  };
  report_progress();
  auto worker = [&] {
    for (size_t i = next++; i < targets.size(); i = next++) {
      out[i] = scan_cluster(targets[i], settings, load);
      ++done;
      report_progress();
    }
  };
  std::vector<std::thread> threads;
  size_t n = std::max<size_t>(1, std::min(parallel, targets.size()));
  for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  progress.clear();
  return out;
}

}  // namespace rampart::cli
