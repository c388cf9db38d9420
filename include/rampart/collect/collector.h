#pragma once
// The collector: reads the cluster into an Inventory. Lists are paged and parsed page by page
// into the compact value types, a few resource types at a time; a type that cannot be read
// (403, API not served, errors) is recorded in Inventory::status and the rest carries on. Only
// a failure of the very first request (/version: unreachable, TLS, rejected credential) stops
// the collection.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rampart/client/api_client.h"
#include "rampart/collect/inventory.h"
#include "rampart/config/claimed_identity.h"
#include "rampart/core/error.h"

namespace rampart::collect {

/// Objects per page. Measured against the simulator with 40 ms of server time per page
/// (bench/README.md, docs/collection.md): see the table there for why this value.
inline constexpr size_t kDefaultChunkSize = 1000;

struct CollectOptions {
  size_t chunk_size = kDefaultChunkSize;
  /// --namespace: namespaced types are listed in these namespaces only (one list per
  /// namespace, so RBAC scoped to them is enough). Empty = all namespaces.
  std::vector<std::string> namespaces;
  /// --exclude-namespace: objects in these namespaces are dropped while parsing.
  std::vector<std::string> excluded_namespaces;
  bool kubelet_config = true;  ///< read nodes/NAME/proxy/configz
  size_t parallelism = 4;      ///< lists in flight at once
  std::string context;         ///< kubeconfig context, for the identity
  /// What the credential says about who rampart is, used when the server cannot say it.
  std::optional<config::ClaimedIdentity> claimed_identity;
};

/// Whether an object in namespace `ns` is in scope ("" = cluster-scoped: always).
bool namespace_in_scope(const CollectOptions& options, const std::string& ns);

/// Collects everything `api_calls()` lists.
[[nodiscard]] Result<Inventory> collect(client::ApiClient& api, const CollectOptions& options);

}  // namespace rampart::collect
