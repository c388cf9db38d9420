// `rampart probe TARGET...`: probes endpoints from the network the way an attacker on the node
// network would, with no Kubernetes credentials, and prints what each probe saw and the RMP
// findings it implies. Exit 0 when the probes ran (whatever they found), 1 on bad input.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "rampart/checks/result.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/cli/probe_options.h"
#include "rampart/collect/inventory_json.h"
#include "rampart/probe/discover.h"
#include "rampart/probe/findings.h"
#include "rampart/probe/json.h"
#include "rampart/probe/runner.h"

namespace rampart::cli {
namespace {

struct ProbeCommand {
  std::vector<std::string> targets;
  std::string inventory;  ///< a saved `rampart inventory --output json` to discover targets from
  ProbeFlags flags;
  std::string output = "text";
};

// Targets implied by a saved inventory (discover_targets), the API server being the one the
// inventory was read from.
std::vector<probe::Target> inventory_targets(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(Error{ErrorKind::kIo, "cannot read the inventory file", path});
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) throw CommandError(Error{ErrorKind::kParse, "the inventory file is not JSON", path});
  auto inv = collect::inventory_from_json(j);
  if (!inv) {
    Error e = inv.error();
    e.context = e.context.empty() ? path : path + ": " + e.context;
    throw CommandError(e);
  }
  return probe::discover_targets(*inv, inv->identity.server);
}

checks::Severity severity_of(const probe::ProbeFinding& f) {
  if (f.finding.severity) return *f.finding.severity;
  for (const auto& rule : probe::rmp_rules())
    if (rule.id == f.id) return rule.severity;
  return checks::Severity::kInfo;
}

nlohmann::json findings_json(const std::vector<probe::ProbeFinding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& e : f.finding.evidence)
      evidence.push_back({{"source", e.source}, {"what", e.what}, {"value", e.value}});
    list.push_back({{"id", f.id},
                    {"status", checks::to_string(f.finding.status)},
                    {"severity", checks::to_string(severity_of(f))},
                    {"resource", {{"kind", f.finding.resource.kind}, {"name", f.finding.resource.name}}},
                    {"message", f.finding.message},
                    {"evidence", evidence},
                    {"tags", f.finding.tags}});
  }
  return list;
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size() + 1, ' ');
}

void print_text(const probe::ProbeResults& results, const std::vector<probe::ProbeFinding>& findings) {
  struct Row {
    std::string target, probe, reach, result, summary;
  };
  std::vector<Row> rows;
  rows.push_back({"TARGET", "PROBE", "REACH", "RESULT", "SUMMARY"});
  for (const auto& r : results.results)
    rows.push_back({r.target.url(), probe::probe_code(r.probe), probe::to_string(r.reachability),
                    probe::to_string(r.classification), r.summary});
  size_t w[4] = {0, 0, 0, 0};
  for (const auto& row : rows) {
    w[0] = std::max(w[0], row.target.size());
    w[1] = std::max(w[1], row.probe.size());
    w[2] = std::max(w[2], row.reach.size());
    w[3] = std::max(w[3], row.result.size());
  }
  for (const auto& row : rows)
    std::printf("%s%s%s%s%s\n", pad(row.target, w[0]).c_str(), pad(row.probe, w[1]).c_str(),
                pad(row.reach, w[2]).c_str(), pad(row.result, w[3]).c_str(), row.summary.c_str());

  size_t shown = 0;
  for (const auto& f : findings) {
    if (f.finding.status == checks::Status::kPass) continue;
    if (shown++ == 0) std::printf("\nFINDINGS (PASS omitted; --output json has all)\n");
    std::printf("%-6s %-8s %-8s %s\n", checks::to_string(f.finding.status), f.id.c_str(),
                checks::to_string(severity_of(f)), f.finding.message.c_str());
  }
  if (shown == 0) std::printf("\nNo probe finding failed or errored.\n");
}

void run_probe(const ProbeCommand& cmd) {
  std::vector<probe::Target> targets;
  for (const auto& text : cmd.targets) {
    auto t = probe::parse_target(text);
    if (!t) throw CommandError(t.error());
    targets.push_back(*t);
  }
  auto explicit_list = explicit_targets(cmd.flags);
  if (!explicit_list) throw CommandError(explicit_list.error());
  targets.insert(targets.end(), explicit_list->begin(), explicit_list->end());
  const bool from_inventory = !cmd.inventory.empty();
  if (from_inventory) {
    auto discovered = inventory_targets(cmd.inventory);
    targets.insert(targets.end(), discovered.begin(), discovered.end());
  }
  if (targets.empty())
    throw CommandError(from_inventory
                           ? "no targets: the inventory names no nodes, control-plane pods or server"
                           : "no targets: give TARGET URLs (e.g. kubelet://10.0.0.1:10250), --kubelet, "
                             "--etcd, --apiserver, --controller-manager, --scheduler or --inventory",
                       kExitError);
  auto options = probe_options(cmd.flags);
  if (!options) throw CommandError(options.error());

  probe::ProbeResults results = probe::run_probes(targets, *options);
  std::vector<probe::ProbeFinding> findings = probe::probe_findings(results);
  if (cmd.output == "json") {
    nlohmann::json out = {{"probes", probe::to_json(results)}, {"findings", findings_json(findings)}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    print_text(results, findings);
  }
  command_exit_code() = kExitOk;
}

}  // namespace

void add_probe_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto cmd = std::make_shared<ProbeCommand>();
  auto* sub = app.add_subcommand(
      "probe",
      "Probe kubelet, etcd, API server, controller-manager and scheduler endpoints from the network "
      "(read-only; no Kubernetes credentials; see docs/probes.md)");
  sub->add_option("targets", cmd->targets,
                  "KIND://HOST[:PORT] with KIND one of apiserver, kubelet, kubelet-readonly, etcd, "
                  "etcd-peer, controller-manager, scheduler, kube-proxy, legacy-apiserver, "
                  "legacy-controller-manager, legacy-scheduler, tls; or https://HOST:PORT (API server)");
  sub->add_option("--inventory", cmd->inventory,
                  "Also probe every target discovered in a saved inventory (rampart inventory -o json)");
  add_probe_flags(*sub, cmd->flags, false);
  sub->add_option("-o,--output", cmd->output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  sub->callback([cmd] { run_probe(*cmd); });
}

}  // namespace rampart::cli
