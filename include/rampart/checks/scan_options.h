#pragma once
// What the user chose for a scan, as far as check evaluation cares.
#include <optional>
#include <string>
#include <vector>

#include "rampart/rbac/index.h"

namespace rampart::checks {

/// Namespaces the workload checks leave out unless the user overrides the list.
const std::vector<std::string>& default_system_namespaces();

struct ScanOptions {
  std::vector<std::string> system_namespaces = default_system_namespaces();
  std::vector<std::string> excluded_namespaces;  ///< --exclude-namespace
  std::vector<std::string> allowed_registries;   ///< --allowed-registries (empty: not checked)
  /// The scanner's own identity when known (findings about it are tagged "self"). evaluate()
  /// takes it from Inventory::scanner when it is not set here.
  std::optional<rbac::Identity> self;
  /// Organisations (O=) in the scanner's client certificate, when it used one (default:
  /// Inventory::scanner).
  std::vector<std::string> self_cert_organizations;
};

}  // namespace rampart::checks
