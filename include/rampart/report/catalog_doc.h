#pragma once
// The catalog as documentation: docs/checks.md is this function's output
// (`rampart checks list --output markdown`), and a test keeps the committed file in step.
#include <string>

#include "rampart/checks/catalog.h"

namespace rampart::report {

/// Every check with its id, what it reads, pass condition and remediation, plus products.
std::string catalog_markdown(const checks::Catalog& catalog);

/// One line per check: id, level, severity, mode, sources, title.
std::string catalog_table(const checks::Catalog& catalog);

/// Everything the catalog says about one check, for `rampart checks show ID`.
std::string describe_entry(const checks::Catalog& catalog, const checks::CatalogEntry& e);

}  // namespace rampart::report
