// rampart diff OLD.json NEW.json: what got worse and what got better between two JSON reports;
// with --fail-on-new, a CI gate that fails only on failures the change introduced.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/report/diff.h"

namespace rampart::cli {
namespace {

struct DiffOptions {
  std::string old_file, new_file;
  std::string output = "text";
  bool fail_on_new = false;
};

nlohmann::json read_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(path + ": cannot read the report", kExitError);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded()) throw CommandError(path + ": not valid JSON (give the JSON report: rampart scan --output json=FILE)", kExitError);
  return doc;
}

void run_diff(const DiffOptions& o) {
  if (o.output != "text" && o.output != "json") throw CommandError("--output must be text or json", kExitError);
  auto diff = report::diff_reports(read_report(o.old_file), read_report(o.new_file), o.old_file, o.new_file);
  if (!diff) throw CommandError(diff.error());
  if (o.output == "json") std::cout << report::diff_to_json(*diff).dump(2) << "\n";
  else report::render_diff_text(*diff, std::cout);
  std::cout.flush();
  command_exit_code() = o.fail_on_new && !diff->new_failures.empty() ? kExitFindings : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("diff", "Compare two JSON reports: new and fixed failures, status changes, score change");
  auto o = std::make_shared<DiffOptions>();
  cmd->add_option("OLD", o->old_file, "The earlier JSON report")->required();
  cmd->add_option("NEW", o->new_file, "The later JSON report")->required();
  cmd->add_option("-o,--output", o->output, "text (default) or json");
  cmd->add_flag("--fail-on-new", o->fail_on_new, "Exit 2 when NEW has failures OLD did not have (a CI gate)");
  cmd->callback([o] { run_diff(*o); });
}

}  // namespace rampart::cli
