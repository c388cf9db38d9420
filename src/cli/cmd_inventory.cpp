// `rampart inventory`: collects the Inventory and prints what was read (text) or the Inventory
// itself (JSON). The exit code is 0 when the collection ran, even with per-type errors (they are
// listed); 1 when it could not start (bad options, unreachable server, rejected credential).
#include <cstdio>
#include <memory>

#include "inputs.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/cli/connection.h"
#include "rampart/cli/inventory_text.h"
#include "rampart/collect/inventory_json.h"

namespace rampart::cli {
namespace {

struct InventoryOptions {
  ConnectionOptions connection;
  std::string output = "text";
  std::vector<std::string> namespaces;
  std::vector<std::string> excluded;
  bool no_kubelet_config = false;
};

void run_inventory(const InventoryOptions& o) {
  InventorySource source;
  source.connection = o.connection;
  source.namespaces = o.namespaces;
  source.excluded_namespaces = o.excluded;
  source.no_kubelet_config = o.no_kubelet_config;
  auto inventory = load_inventory_or_throw(source).inventory;
  if (o.output == "json") {
    if (!collect::write_inventory_json(stdout, inventory) || std::fputc('\n', stdout) == EOF ||
        std::fflush(stdout) != 0)
      throw CommandError("cannot write the inventory to standard output", kExitError);
  } else {
    std::string text = render_inventory_text(inventory);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

}  // namespace

void add_inventory_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("inventory", "Read the cluster and print what was collected (no checks)");
  auto o = std::make_shared<InventoryOptions>();
  add_connection_options(cmd, o->connection);
  cmd->add_option("-o,--output", o->output, "text (counts, timings, errors) or json (the whole inventory)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-n,--namespace", o->namespaces, "Only these namespaces (repeatable)")->type_size(1)->allow_extra_args(false);
  cmd->add_option("--exclude-namespace", o->excluded, "Leave out these namespaces (repeatable)")
      ->type_size(1)->allow_extra_args(false);
  cmd->add_flag("--no-kubelet-config", o->no_kubelet_config, "Do not read each node's kubelet configuration (configz)");
  cmd->callback([o] { run_inventory(*o); });
}

}  // namespace rampart::cli
