#pragma once
// The effective-permission index: who may do what, where. Built once from the Inventory's
// Roles, ClusterRoles and bindings; every 5.1.x check and `rampart who-can` query it.
//
// Matching follows Kubernetes (pkg/apis/rbac/v1/evaluation_helpers.go): "*" matches any verb,
// group or resource (subresources included); "R/S" matches that subresource; "*/S" matches S
// of any resource; "R/*" is not special. A RoleBinding grants namespaced resources in its own
// namespace only; a ClusterRoleBinding grants everywhere. Aggregated ClusterRoles use their
// published rules, or their selectors when no rules were published.
//
// Cost: building is linear in rules and bindings (each rule is exploded into
// verb x group x resource keys once); a query looks up at most a dozen keys and touches only
// the bindings of the roles that match, never every binding times every rule.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::rbac {

/// An authenticated identity as the authorizer sees it.
struct Identity {
  std::string user;
  std::vector<std::string> groups;
  bool operator==(const Identity&) const = default;
};

/// The identity of ServiceAccount ns/name, with its implicit groups (system:serviceaccounts,
/// system:serviceaccounts:<ns>, system:authenticated).
Identity service_account_identity(std::string_view ns, std::string_view name);

/// Where a query looks.
struct Scope {
  enum class Kind { kAnywhere, kClusterWide, kNamespace };
  Kind kind = Kind::kAnywhere;
  std::string namespace_;
  static Scope anywhere() { return {}; }
  static Scope cluster_wide() { return {Kind::kClusterWide, {}}; }
  static Scope in(std::string ns) { return {Kind::kNamespace, std::move(ns)}; }
};

/// One subject's permission, with the binding and role it comes from.
struct Grant {
  collect::Subject subject;                   ///< as written in the binding
  const collect::Binding* binding = nullptr;
  const collect::Role* role = nullptr;        ///< the role the binding names (aggregated or not)
  const collect::PolicyRule* rule = nullptr;  ///< a rule that grants it
  std::string namespace_;  ///< where it applies: "" = cluster-wide (ClusterRoleBinding)
  bool narrowed = false;   ///< every granting rule lists resourceNames
  bool bootstrap = false;  ///< binding and role both carry autoupdate=true
};

/// One effective permission of an identity: the index's subject -> (scope, group, resource,
/// verb, resourceNames) view.
struct Permission {
  std::string namespace_;  ///< "" = cluster-wide
  std::string api_group;
  std::string resource;    ///< "R" or "R/S", or "*"
  std::string verb;
  std::vector<std::string> resource_names;  ///< empty = all
  const collect::Binding* binding = nullptr;
  bool operator==(const Permission& o) const {
    return namespace_ == o.namespace_ && api_group == o.api_group && resource == o.resource && verb == o.verb &&
           resource_names == o.resource_names && binding == o.binding;
  }
};

/// True when the object carries rbac.authorization.kubernetes.io/autoupdate: "true", which
/// the API server sets on the default (bootstrap) roles and bindings it reconciles.
bool is_bootstrap(const collect::Meta& meta);

/// Resources that are not namespaced ("nodes", "persistentvolumes", "clusterroles", ...),
/// by resource name without subresource. RoleBindings never grant them.
bool is_cluster_scoped_resource(std::string_view resource);

/// Kubernetes rule matching for a resource request. `resource` may be "R" or "R/S".
bool rule_matches(const collect::PolicyRule& rule, std::string_view verb, std::string_view group,
                  std::string_view resource);

class Index {
 public:
  /// Borrows `inv`: the index points into it and must not outlive it.
  explicit Index(const collect::Inventory& inv);

  /// Every (subject, binding) that may `verb` `resource` ("R" or "R/S") in API group `group`
  /// within `scope`, sorted by subject then binding. One grant per binding subject.
  [[nodiscard]] std::vector<Grant> who_can(std::string_view verb, std::string_view group,
                                           std::string_view resource, const Scope& scope) const;

  /// The grants that let `identity` do it (through its user name, its groups and, for a
  /// service account, bindings naming the ServiceAccount).
  [[nodiscard]] std::vector<Grant> grants_for(const Identity& identity, std::string_view verb,
                                              std::string_view group, std::string_view resource,
                                              const Scope& scope) const;

  /// Everything `identity` may do, through its user name, groups and (for a service account)
  /// bindings naming it; sorted by namespace, group, resource, verb. Non-resource URLs are left out.
  [[nodiscard]] std::vector<Permission> permissions_of(const Identity& identity) const;

  /// The rules a role grants: its published rules, or the union of the ClusterRoles its
  /// aggregation selectors match when it published none.
  [[nodiscard]] const std::vector<const collect::PolicyRule*>& effective_rules(
      const collect::Role& role) const;

  /// Bindings whose roleRef names this role.
  [[nodiscard]] std::vector<const collect::Binding*> bindings_of(const collect::Role& role) const;

  /// The role a binding refers to, or nullptr if it was not read (dangling roleRef).
  [[nodiscard]] const collect::Role* role_of(const collect::Binding& binding) const;

  /// Bindings that name `identity` directly or through one of its groups.
  [[nodiscard]] std::vector<const collect::Binding*> bindings_for(const Identity& identity) const;

 private:
  struct RuleRef {
    size_t role;
    const collect::PolicyRule* rule;
  };
  std::string role_key(const collect::Role& role) const;
  std::string ref_key(const collect::Binding& binding) const;
  void resolve(size_t role, std::vector<int>& state);
  bool in_scope(const collect::Binding& b, bool cluster_scoped_resource, const Scope& scope) const;
  std::vector<Grant> collect_grants(const std::vector<std::pair<const collect::Binding*, size_t>>& candidates,
                                    std::string_view verb, std::string_view group,
                                    std::string_view resource, const Scope& scope) const;

  const collect::Inventory& inv_;
  std::unordered_map<std::string, size_t> role_by_key_;         ///< "ClusterRole//x", "Role/ns/x"
  std::vector<std::vector<const collect::PolicyRule*>> rules_;  ///< effective, per role index
  std::unordered_map<std::string, std::vector<RuleRef>> atoms_; ///< "verb\x1fgroup\x1fresource"
  std::unordered_map<std::string, std::vector<const collect::Binding*>> bindings_by_role_;
  std::unordered_map<std::string, std::vector<std::pair<const collect::Binding*, size_t>>>
      bindings_by_subject_;  ///< subject key -> (binding, subject index)
};

}  // namespace rampart::rbac
