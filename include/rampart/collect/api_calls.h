#pragma once
// Every API call the collector makes, as data. The collector is driven by this list, so it is
// also the exact permission set rampart needs: `rampart auth check` asks the server about each
// call, docs/permissions.md derives the least-privilege ClusterRole from it, and deploy/'s
// ClusterRole is tested against it.
#include <string>
#include <string_view>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::collect {

struct ApiCall {
  ResourceType type;
  std::string verb;         ///< "list" or "get"
  std::string group;        ///< "" for the core group
  std::string version;      ///< "v1"
  std::string resource;     ///< "pods"
  std::string subresource;  ///< "proxy" for nodes/proxy, else empty
  bool namespaced = false;  ///< a namespaced resource (listed cluster-wide unless --namespace)
  /// Not needed for most checks and sensitive to grant: the ClusterRole marks it optional.
  bool optional = false;
  std::string needed_for;   ///< what is missing without it (inventory part and checks)
  /// A `get` of one named object instead of a list: its namespace and name (e.g. kube-system,
  /// kube-proxy); the ClusterRole rule then carries resourceNames: [name]. A list with only
  /// object_namespace set reads that one namespace (Services of `default`); empty for lists of
  /// every namespace.
  std::string object_namespace;
  std::string object_name;

  /// "v1" or "apps/v1", as discovery lists it.
  [[nodiscard]] std::string group_version() const;
  /// "/api/v1/pods", "/apis/apps/v1/namespaces/NS/deployments" (NS when given and namespaced).
  [[nodiscard]] std::string list_path(std::string_view ns = {}) const;
  /// "pods", "nodes/proxy".
  [[nodiscard]] std::string resource_path() const;
  /// "/api/v1/namespaces/kube-system/configmaps/kube-proxy" for a named object, else empty.
  [[nodiscard]] std::string object_path() const;
};

/// The calls, in ResourceType order (one per type).
const std::vector<ApiCall>& api_calls();

/// The call that reads `type`.
const ApiCall& api_call(ResourceType type);

/// The least-privilege ClusterRole rules that allow exactly the calls (`optional` = false: the
/// required ones; true: only the optional ones), one rule per API group, verb and resource name
/// (a named-object get gets its own rule with resourceNames), resources in call order.
/// docs/permissions.md prints them and a test keeps the two in step.
std::vector<PolicyRule> cluster_role_rules(bool optional);

}  // namespace rampart::collect
