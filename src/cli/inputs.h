#pragma once
// Inputs several commands share: the catalog (embedded or --checks-dir) and the inventory
// (a saved dump with --inventory; live collection once the collect stage provides it).
#include <string>
#include <vector>

#include "rampart/checks/catalog.h"
#include "rampart/collect/inventory.h"

namespace rampart::cli {

/// The embedded catalog, or the one in `dir` when set. Throws CommandError on a bad catalog.
checks::Catalog load_catalog_or_throw(const std::string& dir);

struct InventorySource {
  std::string file;                    ///< --inventory
  std::vector<std::string> collected;  ///< --collected
};

/// Reads the inventory. Throws CommandError with one line on failure.
collect::Inventory load_inventory_or_throw(const InventorySource& source);

/// Splits "a,b" values (CLI11 gives one string per occurrence) into a flat, trimmed list.
std::vector<std::string> split_list(const std::vector<std::string>& values);

}  // namespace rampart::cli
