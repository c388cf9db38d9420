// rampart scan: collect (or read a saved inventory), evaluate the catalog, score, report.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "inputs.h"
#include "rampart/checks/engine.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/cli/probe_options.h"
#include "rampart/probe/discover.h"
#include "rampart/probe/runner.h"
#include "rampart/core/build_info.h"
#include "rampart/report/renderer.h"

namespace rampart::cli {
namespace {

struct ScanCliOptions {
  InventorySource source;
  ProbeFlags probes;
  std::string checks_dir;
  std::vector<std::string> only, skip, exclude_ns, system_ns, registries, outputs;
  int level = 0;
  std::string fail_on;
};

std::string now_utc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Exit code 2 when a failing check (or one of its findings) reaches --fail-on.
bool reaches(const checks::CheckResult& r, checks::Severity threshold) {
  if (r.outcome.status != checks::Status::kFail) return false;
  if (r.severity <= threshold) return true;  // enum order: critical first
  for (const auto& f : r.outcome.findings)
    if (f.status == checks::Status::kFail && f.severity && *f.severity <= threshold) return true;
  return false;
}

void run_scan(const ScanCliOptions& o, const GlobalOptions& global) {
  std::optional<checks::Severity> fail_on;
  if (!o.fail_on.empty()) {
    fail_on = checks::parse_severity(o.fail_on);
    if (!fail_on) throw CommandError("--fail-on must be critical, high, medium, low or info", kExitError);
  }
  // Validate outputs before the (possibly long) scan.
  std::vector<std::pair<std::string, std::string>> outputs;  // format, file ("" = stdout)
  for (const auto& spec : split_list(o.outputs)) {
    auto eq = spec.find('=');
    std::string format = spec.substr(0, eq), file = eq == std::string::npos ? "" : spec.substr(eq + 1);
    if (format != "text" && format != "json") throw CommandError("unknown output format '" + format + "' (known: text, json)", kExitError);
    if (eq != std::string::npos && file.empty()) throw CommandError("--output " + spec + ": missing file name after '='", kExitError);
    outputs.emplace_back(format, file);
  }
  if (outputs.empty()) outputs.emplace_back("text", "");

  auto catalog = load_catalog_or_throw(o.checks_dir);
  checks::Selection selection{split_list(o.only), split_list(o.skip), o.level ? std::optional<int>(o.level) : std::nullopt};
  if (o.level != 0 && o.level != 1 && o.level != 2) throw CommandError("--level must be 1 or 2", kExitError);
  if (auto sel = checks::select_checks(catalog, selection); !sel) throw CommandError(sel.error());

  // Probe options are validated before the (possibly long) collection, too.
  auto probe_opts = probe_options(o.probes);
  if (!probe_opts) throw CommandError(probe_opts.error());
  auto explicit_list = explicit_targets(o.probes);
  if (!explicit_list) throw CommandError(explicit_list.error());

  auto [inv, server] = load_inventory_or_throw(o.source);

  // Probes: targets discovered from a live cluster plus any named on the command line. A saved
  // dump is never probed implicitly: its addresses may belong to a network the user is not on.
  std::optional<probe::ProbeResults> probe_results;
  if (!o.probes.no_probes) {
    std::vector<probe::Target> targets = *explicit_list;
    if (o.source.file.empty()) {
      auto discovered = probe::discover_targets(inv, server);
      targets.insert(targets.end(), discovered.begin(), discovered.end());
    }
    if (!targets.empty()) probe_results = probe::run_probes(targets, *probe_opts);
  }
  checks::ScanOptions options;
  options.excluded_namespaces = split_list(o.exclude_ns);
  if (!o.system_ns.empty()) options.system_namespaces = split_list(o.system_ns);
  options.allowed_registries = split_list(o.registries);

  auto eval = checks::evaluate(inv, catalog, selection, options, probe_results ? &*probe_results : nullptr);
  if (!eval) throw CommandError(eval.error());
  report::ReportContext ctx{kVersion, now_utc(), o.source.file.empty() ? "live" : "inventory:" + o.source.file,
                            options.system_namespaces, options.excluded_namespaces, eval->not_selected, selection.level};
  auto rep = report::make_report(inv, catalog, std::move(eval->results), eval->workload_namespaces, ctx);

  for (const auto& [format, file] : outputs) {
    bool tty = file.empty() && isatty(STDOUT_FILENO) && !global.no_color;
    auto renderer = report::make_renderer(format, report::RenderOptions{tty, global.verbosity > 0});
    if (!renderer) throw CommandError(renderer.error());
    if (file.empty()) {
      (*renderer)->render(rep, std::cout);
      std::cout.flush();
    } else {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      if (!out) throw CommandError("cannot write " + file, kExitError);
      (*renderer)->render(rep, out);
      if (!out.flush()) throw CommandError("cannot write " + file, kExitError);
    }
  }
  if (fail_on)
    for (const auto& r : rep.checks)
      if (reaches(r, *fail_on)) {
        command_exit_code() = kExitFindings;
        break;
      }
}

}  // namespace

void add_scan_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("scan", "Scan the cluster (or a saved inventory) against the check catalog");
  auto o = std::make_shared<ScanCliOptions>();
  add_inventory_source_options(cmd, o->source);
  add_probe_flags(*cmd, o->probes, /*with_no_probes=*/true);
  cmd->add_option("--checks-dir", o->checks_dir, "Read the catalog from this directory instead of the embedded one");
  cmd->add_option("--checks", o->only, "Run only these check ids (comma-separated)");
  cmd->add_option("--skip-checks", o->skip, "Do not run these check ids (comma-separated)");
  cmd->add_option("--level", o->level, "1: level-1 checks only; 2: every level");
  cmd->add_option("--exclude-namespace", o->exclude_ns, "Leave these namespaces out of workload checks (repeatable, comma-separated)");
  cmd->add_option("--system-namespaces", o->system_ns,
                  "Replace the list of system namespaces (default kube-system,kube-public,kube-node-lease)");
  cmd->add_option("--allowed-registries", o->registries, "Registries (or registry/path prefixes) images may come from (RMP-004)");
  cmd->add_option("-o,--output", o->outputs, "text or json, optionally =FILE (repeatable); default text on stdout");
  cmd->add_option("--fail-on", o->fail_on, "Exit 2 when a check fails at or above this severity");
  cmd->callback([o, &global] { run_scan(*o, global); });
}

}  // namespace rampart::cli
