#include "inputs.h"

#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/collect/inventory_file.h"

namespace rampart::cli {

checks::Catalog load_catalog_or_throw(const std::string& dir) {
  auto cat = dir.empty() ? checks::load_embedded_catalog() : checks::load_catalog_dir(dir);
  if (!cat) throw CommandError("check catalog: " + cat.error().describe(), kExitError);
  return std::move(*cat);
}

collect::Inventory load_inventory_or_throw(const InventorySource& source) {
  if (source.file.empty())
    // Live collection (collect::collect) belongs to the collect stage, which this build does
    // not have yet; a saved dump works everywhere.
    throw CommandError("live collection is not available in this build: pass --inventory FILE (a kubectl -o json dump)",
                       kExitError);
  auto inv = collect::load_inventory_file(source.file, source.collected);
  if (!inv) throw CommandError(inv.error());
  return std::move(*inv);
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
