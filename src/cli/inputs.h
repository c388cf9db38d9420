#pragma once
// Inputs several commands share: the catalog (embedded or --checks-dir) and the inventory
// (a saved dump with --inventory; live collection once the collect stage provides it).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rampart/checks/catalog.h"
#include "rampart/cli/connection.h"
#include "rampart/collect/inventory.h"

namespace rampart::cli {

/// The embedded catalog, or the one in `dir` when set. Throws CommandError on a bad catalog.
checks::Catalog load_catalog_or_throw(const std::string& dir);

/// Where a command's inventory comes from: the live cluster (the default) or a saved dump.
struct InventorySource {
  std::string file;                    ///< --inventory
  std::vector<std::string> collected;  ///< --collected
  ConnectionOptions connection;        ///< live: --kubeconfig, --context, ...
  std::vector<std::string> namespaces; ///< live: --namespace (collect only these)
  std::vector<std::string> excluded_namespaces;  ///< live: objects dropped while collecting
  bool no_kubelet_config = false;      ///< live: --no-kubelet-config
};

/// Adds --inventory/--collected and the live connection and collection options. With
/// `namespace_flag` false the command keeps -n/--namespace for its own meaning (who-can).
void add_inventory_source_options(CLI::App* cmd, InventorySource& source, bool namespace_flag = true);

/// A loaded inventory and, when it was read live, the server it came from.
struct LoadedInventory {
  collect::Inventory inventory;
  std::string server;  ///< API server URL (live only; empty for a dump)
};

/// Reads the inventory: collects it live, or loads --inventory FILE. Throws CommandError with
/// one line when that fails (unreachable server, rejected credential, unreadable dump).
LoadedInventory load_inventory_or_throw(const InventorySource& source);

/// Splits "a,b" values (CLI11 gives one string per occurrence) into a flat, trimmed list.
std::vector<std::string> split_list(const std::vector<std::string>& values);

}  // namespace rampart::cli
