#pragma once
// The text form of `rampart inventory`: who the cluster is, counts, pages, bytes and time per
// resource type, then every recorded error.
#include <string>

#include "rampart/collect/inventory.h"

namespace rampart::cli {

/// Human-readable sizes: "512 B", "12.3 KiB", "4.0 MiB".
std::string human_bytes(size_t bytes);

std::string render_inventory_text(const collect::Inventory& inventory);

}  // namespace rampart::cli
