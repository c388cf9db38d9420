// rampart scan: collect (or read saved inventories), evaluate the catalog, apply waivers, score,
// and write every requested format, the evidence bundle and, for several clusters, a roll-up.
// Everything that can be checked before the scan (formats, files, waivers, the signing key,
// the evidence directory) is checked first, so a typo never costs a long collection.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "inputs.h"
#include "progress.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/cli/outputs.h"
#include "rampart/cli/probe_options.h"
#include "rampart/config/load.h"
#include "rampart/probe/discover.h"
#include "rampart/probe/runner.h"
#include "rampart/core/build_info.h"
#include "rampart/report/evidence.h"
#include "rampart/report/rollup.h"
#include "scan_pipeline.h"

namespace rampart::cli {
namespace {

namespace fs = std::filesystem;

struct ScanCliOptions {
  InventorySource source;  ///< connection, collection and --collected; file/context per target
  ProbeFlags probes;
  std::vector<std::string> inventories;
  std::string checks_dir;
  std::vector<std::string> only, skip, exclude_ns, system_ns, registries, outputs;
  int level = 0;
  std::string fail_on;
  std::string waivers;
  std::string evidence_dir;
  std::string sign_key;
  std::vector<std::string> contexts;
  bool all_contexts = false;
  size_t parallel = 4;
};

/// How one cluster's inventory is read: the shared connection options with this target's
/// context or dump, then probes of the targets discovered in it (live only: a saved dump's
/// addresses may belong to a network the user is not on) plus those named on the command line.
InventoryLoader make_loader(const ScanCliOptions& o, const probe::ProbeOptions& probe_opts,
                            const std::vector<probe::Target>& explicit_list) {
  return [&o, probe_opts, explicit_list](const ClusterTarget& t, const StageReporter& stage) -> Result<LoadedCluster> {
    InventorySource source = o.source;
    source.file = t.inventory_file;
    source.collected = t.collected;
    if (!t.context.empty()) source.connection.context = t.context;
    LoadedCluster out;
    std::string server;
    try {
      auto loaded = load_inventory_or_throw(source);
      out.inventory = std::move(loaded.inventory);
      server = loaded.server;
    } catch (const CommandError& e) {
      return fail(ErrorKind::kNetwork, e.what());
    }
    if (!o.probes.no_probes) {
      std::vector<probe::Target> targets = explicit_list;
      if (source.file.empty()) {
        auto discovered = probe::discover_targets(out.inventory, server);
        targets.insert(targets.end(), discovered.begin(), discovered.end());
      }
      // A live scan always hands its (possibly empty) probe results to the checks, so they can
      // say "no etcd endpoint discovered" rather than "probes were not run"; a saved dump is
      // probed only at the targets named on the command line.
      if (source.file.empty() || !targets.empty()) {
        stage("probing " + std::to_string(targets.size()) + (targets.size() == 1 ? " endpoint..." : " endpoints..."));
        out.probes = probe::run_probes(targets, probe_opts);
      }
    }
    return out;
  };
}

std::chrono::year_month_day today_utc() {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

std::string stem(const std::string& path) {
  std::string s = fs::path(path).filename().string();
  if (auto dot = s.rfind('.'); dot != std::string::npos && dot > 0) s = s.substr(0, dot);
  return s;
}

std::vector<ClusterTarget> make_targets(const ScanCliOptions& o) {
  std::vector<std::string> collected = o.source.collected;
  std::vector<ClusterTarget> targets;
  if (!o.inventories.empty() && (!o.contexts.empty() || o.all_contexts))
    throw CommandError("give either --inventory or --context/--all-contexts, not both", kExitError);
  if (o.all_contexts && !o.contexts.empty()) throw CommandError("give either --context or --all-contexts, not both", kExitError);
  std::set<std::string> names;
  auto add = [&](ClusterTarget t) {
    if (!names.insert(file_safe(t.name)).second)
      throw CommandError("two clusters would both be called '" + t.name + "' in file names", kExitError);
    targets.push_back(std::move(t));
  };
  for (const auto& file : o.inventories) add({stem(file), "", file, collected});
  std::vector<std::string> contexts = split_list(o.contexts);
  if (o.all_contexts) {
    config::LoadOptions load;
    load.kubeconfig = o.source.connection.kubeconfig;
    auto listed = config::list_contexts(load);
    if (!listed) throw CommandError(listed.error());
    if (listed->empty()) throw CommandError("--all-contexts: the kubeconfig has no contexts", kExitError);
    contexts = *listed;
  }
  for (const auto& c : contexts) add({c, c, "", {}});
  if (targets.empty()) add({o.source.connection.in_cluster ? "in-cluster" : "current-context", "", "", {}});
  return targets;
}

report::ManifestInfo manifest_info(const report::ScanReport& r, const ScanCliOptions& o, const GlobalOptions& global) {
  report::ManifestInfo info;
  info.scanner_version = kVersion;
  info.catalog_version = o.checks_dir.empty() ? std::string(kVersion) + " (embedded, " + r.benchmark + ")"
                                              : "custom catalog from " + o.checks_dir;
  info.cluster = r.cluster;
  info.scanned_as = r.scanned_as;
  info.started_at = r.started_at.value_or(std::chrono::system_clock::now());
  info.finished_at = r.finished_at.value_or(info.started_at);
  info.command_line = report::redact_command_line(global.argv);
  return info;
}

void run_scan(const ScanCliOptions& o, const GlobalOptions& global) {
  // 1. Everything that can be wrong before the scan.
  std::optional<checks::Severity> fail_on;
  if (!o.fail_on.empty()) {
    fail_on = checks::parse_severity(o.fail_on);
    if (!fail_on) throw CommandError("--fail-on must be critical, high, medium, low or info", kExitError);
  }
  auto outputs = parse_outputs(o.outputs);
  if (!outputs) throw CommandError(outputs.error().describe(), kExitError);
  if (o.level != 0 && o.level != 1 && o.level != 2) throw CommandError("--level must be 1 or 2", kExitError);
  if (!o.sign_key.empty() && o.evidence_dir.empty()) throw CommandError("--sign-key needs --evidence-dir", kExitError);

  auto catalog = load_catalog_or_throw(o.checks_dir);
  ScanSettings settings;
  settings.catalog = &catalog;
  settings.selection = checks::Selection{split_list(o.only), split_list(o.skip), o.level ? std::optional<int>(o.level) : std::nullopt};
  if (auto sel = checks::select_checks(catalog, settings.selection); !sel) throw CommandError(sel.error());
  settings.options.excluded_namespaces = split_list(o.exclude_ns);
  if (!o.system_ns.empty()) settings.options.system_namespaces = split_list(o.system_ns);
  settings.options.allowed_registries = split_list(o.registries);
  settings.today = today_utc();
  settings.scanner_version = kVersion;
  if (!o.waivers.empty()) {
    auto waivers = report::load_waivers(o.waivers);
    if (!waivers) throw CommandError(waivers.error());
    settings.waivers = std::move(*waivers);
  }
  // Probe options are validated before the (possibly long) collection, too.
  auto probe_opts = probe_options(o.probes);
  if (!probe_opts) throw CommandError(probe_opts.error());
  auto explicit_list = explicit_targets(o.probes);
  if (!explicit_list) throw CommandError(explicit_list.error());
  std::optional<report::EvidenceKey> key;
  if (!o.sign_key.empty()) {
    auto k = report::EvidenceKey::load_private(o.sign_key);
    if (!k) throw CommandError(k.error());
    key.emplace(std::move(*k));
  }

  auto targets = make_targets(o);
  const bool several = targets.size() > 1 || o.all_contexts;
  const OutputSpec* stdout_spec = nullptr;
  for (const auto& s : *outputs)
    if (s.file.empty()) stdout_spec = &s;
  if (several && stdout_spec && !report::has_rollup_format(stdout_spec->format))
    throw CommandError("with several clusters stdout carries the roll-up (text, json, html or prometheus); write " +
                           stdout_spec->format + " to files with --output " + stdout_spec->format + "=FILE",
                       kExitError);

  // Evidence directories are claimed now: a bundle must be a new or empty directory.
  std::vector<std::optional<report::EvidenceWriter>> writers(targets.size());
  if (!o.evidence_dir.empty())
    for (size_t i = 0; i < targets.size(); ++i) {
      fs::path dir = several ? fs::path(o.evidence_dir) / file_safe(targets[i].name) : fs::path(o.evidence_dir);
      auto w = report::EvidenceWriter::create(dir);
      if (!w) throw CommandError(w.error());
      writers[i].emplace(std::move(*w));
    }

  // 2. The scans.
  Progress progress(Progress::stderr_is_tty());
  auto scans = scan_clusters(targets, settings, make_loader(o, *probe_opts, *explicit_list), several ? o.parallel : 1, progress);

  // 3. Reports, evidence, exit codes.
  const bool tty = isatty(STDOUT_FILENO) && !global.no_color;
  report::RenderOptions stdout_options{tty, global.verbosity > 0};
  std::vector<report::ClusterReport> rollup_input;
  for (size_t i = 0; i < scans.size(); ++i) {
    auto& scan = scans[i];
    report::ClusterReport line{scan.target.name, nullptr, "", {}, kExitError};
    if (!scan.report) {
      line.error = scan.error ? scan.error->describe() : "unknown error";
      if (!several) throw CommandError(*scan.error);
      std::fprintf(stderr, "rampart: cluster %s: %s\n", scan.target.name.c_str(), line.error.c_str());
      if (writers[i]) {
        // Nothing to put in it: leave no empty bundle behind.
        std::error_code ec;
        fs::path dir = writers[i]->dir();
        writers[i].reset();
        fs::remove(dir, ec);
      }
      rollup_input.push_back(line);
      continue;
    }
    std::vector<OutputSpec> specs;
    for (const auto& s : *outputs) {
      if (s.file.empty() && several) continue;  // stdout is the roll-up's
      specs.push_back({s.format, several ? path_for_cluster(s.file, scan.target.name) : s.file});
      if (!specs.back().file.empty()) line.files.push_back(specs.back().file);
    }
    if (auto w = write_outputs(*scan.report, specs, stdout_options, std::cout); !w) throw CommandError(w.error());
    if (writers[i]) {
      auto written = report::write_scan_evidence(*writers[i], *scan.report, scan.inventory, manifest_info(*scan.report, o, global),
                                                 key ? &*key : nullptr, scan.probes ? &*scan.probes : nullptr);
      if (!written) throw CommandError(written.error());
      line.files.push_back(writers[i]->dir().string() + "/");
    }
    for (const auto& u : scan.report->waivers)
      if (u.state != report::WaiverUse::State::kApplied)
        std::fprintf(stderr, "rampart: %swaiver %s (%s) %s: %s\n", several ? ("cluster " + scan.target.name + ": ").c_str() : "",
                     u.waiver.check.c_str(), u.waiver.source.c_str(), report::to_string(u.state), u.note.c_str());
    line.report = &*scan.report;
    line.exit_code = fail_on && reaches_fail_on(*scan.report, *fail_on) ? kExitFindings : kExitOk;
    rollup_input.push_back(line);
  }
  if (!several) {
    command_exit_code() = rollup_input.front().exit_code;
    return;
  }
  // The roll-up goes to stdout and, in the formats that have one, to the file each --output
  // names (the clusters' own files carry their names: report.json beside report.A.json).
  auto rollup = report::make_rollup(rollup_input);
  for (const auto& s : *outputs) {
    if (!report::has_rollup_format(s.format)) continue;
    std::map<std::string, std::string> links;  // the HTML roll-up links each cluster's page
    if (!s.file.empty())
      for (const auto& t : targets) links[t.name] = fs::path(path_for_cluster(s.file, t.name)).filename().string();
    std::ostringstream buf;
    report::render_rollup(rollup, s.format, links, buf);
    if (s.file.empty()) std::cout << buf.str();
    else if (auto w = write_file_atomic(s.file, buf.str()); !w) throw CommandError(w.error());
  }
  if (!stdout_spec) report::render_rollup_text(rollup, std::cout);
  std::cout.flush();
  command_exit_code() = rollup.exit_code;
}

}  // namespace

void add_scan_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("scan", "Scan the cluster (or saved inventories) against the check catalog");
  auto o = std::make_shared<ScanCliOptions>();
  add_inventory_source_options(cmd, o->source);
  add_probe_flags(*cmd, o->probes, /*with_no_probes=*/true);
  // scan takes several clusters: --inventory and --context repeat here (one target each).
  cmd->remove_option(cmd->get_option("--inventory"));
  cmd->remove_option(cmd->get_option("--context"));
  cmd->add_option("--inventory", o->inventories,
                  "Scan a saved inventory (a kubectl -o json dump, docs/inventory-file.md) instead of the cluster; "
                  "repeat for several clusters");
  cmd->add_option("--context", o->contexts, "Kubeconfig context to scan; repeat (or comma-separate) for several clusters")
      ->group("Connection");
  cmd->add_flag("--all-contexts", o->all_contexts, "Scan every context of the kubeconfig, concurrently")->group("Connection");
  cmd->add_option("--parallel", o->parallel, "Clusters scanned at once with several contexts (default 4)")
      ->check(CLI::Range(1, 64))
      ->group("Connection");
  cmd->add_option("--checks-dir", o->checks_dir, "Read the catalog from this directory instead of the embedded one");
  cmd->add_option("--checks", o->only, "Run only these check ids (comma-separated)");
  cmd->add_option("--skip-checks", o->skip, "Do not run these check ids (comma-separated)");
  cmd->add_option("--level", o->level, "1: level-1 checks only; 2: every level");
  cmd->add_option("--exclude-namespace", o->exclude_ns, "Leave these namespaces out of workload checks (repeatable, comma-separated)");
  cmd->add_option("--system-namespaces", o->system_ns,
                  "Replace the list of system namespaces (default kube-system,kube-public,kube-node-lease)");
  cmd->add_option("--allowed-registries", o->registries, "Registries (or registry/path prefixes) images may come from (RMP-004)");
  cmd->add_option("-o,--output", o->outputs,
                  "FORMAT[=FILE], repeatable: text, json, html, junit, csv, sarif, prometheus, oscal; no FILE = stdout "
                  "(at most one); default text on stdout (docs/formats.md)");
  cmd->add_option("--waivers", o->waivers, "Waivers file (YAML, docs/waivers.md): matching FAIL/WARN results become WAIVED");
  cmd->add_option("--fail-on", o->fail_on, "Exit 2 when a check fails at or above this severity (critical, high, medium, low, info)");
  cmd->add_option("--evidence-dir", o->evidence_dir, "Write an evidence bundle to this new directory (docs/evidence.md)");
  cmd->add_option("--sign-key", o->sign_key, "Sign the evidence manifest with this private key (PEM)");
  cmd->callback([o, &global] { run_scan(*o, global); });
}

}  // namespace rampart::cli
