#pragma once
// The catalog files (checks/*.yaml) compiled into the binary at build time.
#include <string_view>
#include <vector>

namespace rampart::checks {

/// One catalog file as it was in checks/ when the binary was built.
struct EmbeddedFile {
  std::string_view name;     ///< file name, e.g. "5.1-rbac.yaml"
  std::string_view content;  ///< the YAML text
};

/// Every embedded catalog file, sorted by name.
const std::vector<EmbeddedFile>& embedded_catalog();

}  // namespace rampart::checks
