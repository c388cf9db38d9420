// `rampart config view`: a hidden diagnostic command (documented in docs/authentication.md) that
// shows which kubeconfig entries rampart chose and fingerprints of the credential, never values.
#include <cstdio>

#include "rampart/cli/commands.h"
#include "rampart/config/load.h"
#include "rampart/config/view.h"

namespace rampart::cli {
namespace {

struct ConfigViewOptions {
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  bool run_exec = false;
  int exec_timeout = 30;
  std::string output = "json";
};

}  // namespace

void add_config_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* config = app.add_subcommand("config", "Inspect how rampart resolves the kubeconfig");
  config->group("");  // hidden from --help; documented in docs/authentication.md
  config->require_subcommand(1);
  auto opts = std::make_shared<ConfigViewOptions>();
  auto* view = config->add_subcommand(
      "view", "Print the resolved server, context, cluster, user and credential fingerprints");
  view->add_option("--kubeconfig", opts->kubeconfig, "Kubeconfig file (default: KUBECONFIG, ~/.kube/config)");
  view->add_option("--context", opts->context, "Kubeconfig context (default: current-context)");
  view->add_flag("--in-cluster", opts->in_cluster, "Use the pod's service account");
  view->add_flag("--run-exec", opts->run_exec, "Run the exec plugin to fingerprint what it returns");
  view->add_option("--exec-timeout", opts->exec_timeout, "Seconds before an exec plugin is killed")
      ->check(CLI::Range(1, 3600));
  view->add_option("-o,--output", opts->output, "Output format")->check(CLI::IsMember({"json"}));
  view->callback([opts] {
    config::LoadOptions load;
    load.kubeconfig = opts->kubeconfig;
    load.context = opts->context;
    load.in_cluster = opts->in_cluster;
    load.exec_timeout = std::chrono::seconds(opts->exec_timeout);
    auto rest = config::load(load);
    if (!rest) throw CommandError(rest.error());
    auto json = config::view_json(*rest, opts->run_exec);
    if (!json) throw CommandError(json.error());
    std::printf("%s\n", json->dump(2).c_str());
  });
}

}  // namespace rampart::cli
