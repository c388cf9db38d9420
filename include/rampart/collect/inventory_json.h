#pragma once
// The Inventory as JSON: what `rampart inventory --output json` writes and what later stages
// (or a scan run from a saved inventory) read back. Keys are the snake_case field names
// ("namespace" for namespace_); empty strings, empty lists and unset optionals are left out and
// read back as their defaults. The format is versioned by a top-level "format" key. Secret
// values cannot appear: the Inventory never holds them.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"

namespace rampart::collect {

/// "rampart.inventory/v1"
extern const char* const kInventoryFormat;

void to_json(nlohmann::json& j, const Inventory& inventory);
/// Throws nlohmann::json exceptions on mistyped fields; use inventory_from_json at boundaries.
void from_json(const nlohmann::json& j, Inventory& inventory);

/// Writes exactly `nlohmann::json(inventory).dump()` (invalid UTF-8 replaced), but one list
/// element at a time: the JSON tree of a 100k-pod inventory would be many times its size.
/// Returns false when writing failed.
bool write_inventory_json(std::FILE* out, const Inventory& inventory);

/// from_json with errors as values (kParse naming the problem); checks the format key.
[[nodiscard]] Result<Inventory> inventory_from_json(const nlohmann::json& j);

}  // namespace rampart::collect
