#include "inputs.h"

#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/collect/collector.h"
#include "rampart/collect/inventory_file.h"

namespace rampart::cli {

checks::Catalog load_catalog_or_throw(const std::string& dir) {
  auto cat = dir.empty() ? checks::load_embedded_catalog() : checks::load_catalog_dir(dir);
  if (!cat) throw CommandError("check catalog: " + cat.error().describe(), kExitError);
  return std::move(*cat);
}

void add_inventory_source_options(CLI::App* cmd, InventorySource& source, bool namespace_flag) {
  add_connection_options(cmd, source.connection);
  cmd->add_option("--inventory", source.file,
                  "Read a saved inventory (a kubectl -o json dump) instead of the cluster (docs/inventory-file.md)");
  cmd->add_option("--collected", source.collected, "With --inventory: resource types the dump covers even when it holds none of them")
      ->delimiter(',');
  if (namespace_flag)
    cmd->add_option("-n,--namespace", source.namespaces, "Collect only these namespaces (repeatable)")
        ->type_size(1)
        ->allow_extra_args(false);
  cmd->add_flag("--no-kubelet-config", source.no_kubelet_config,
                "Do not read each node's kubelet configuration (needs get nodes/proxy); 4.2.x then say ERROR");
}

LoadedInventory load_inventory_or_throw(const InventorySource& source) {
  if (!source.file.empty()) {
    auto inv = collect::load_inventory_file(source.file, source.collected);
    if (!inv) throw CommandError(inv.error());
    return {std::move(*inv), ""};
  }
  auto connection = connect(source.connection);
  if (!connection) throw CommandError(connection.error());
  collect::CollectOptions options;
  options.chunk_size = connection->chunk_size;
  options.namespaces = source.namespaces;
  options.excluded_namespaces = source.excluded_namespaces;
  options.kubelet_config = !source.no_kubelet_config;
  options.context = connection->rest.context;
  options.claimed_identity = credential_claims(connection->rest);
  auto inventory = collect::collect(*connection->api, options);
  if (!inventory) throw CommandError(connection_failure(inventory.error(), connection->rest), kExitError);
  return {std::move(*inventory), connection->rest.server};
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string item = v.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace rampart::cli
