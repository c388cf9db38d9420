#include "rampart/rbac/index.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

namespace rampart::rbac {

using collect::Binding;
using collect::PolicyRule;
using collect::Role;

namespace {

constexpr char kSep = '\x1f';

std::string atom_key(std::string_view verb, std::string_view group, std::string_view resource) {
  std::string k;
  k.reserve(verb.size() + group.size() + resource.size() + 2);
  k.append(verb).push_back(kSep);
  k.append(group).push_back(kSep);
  k.append(resource);
  return k;
}

bool contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string subject_key(const collect::Subject& s, std::string_view binding_ns) {
  if (s.kind == "ServiceAccount")
    return "ServiceAccount:" + (s.namespace_.empty() ? std::string(binding_ns) : s.namespace_) +
           ":" + s.name;
  return s.kind + ":" + s.name;
}

// The resource keys a request for `resource` can be granted under.
std::vector<std::string> resource_candidates(std::string_view resource) {
  auto slash = resource.find('/');
  if (slash == std::string_view::npos) return {std::string(resource), "*"};
  return {std::string(resource), "*", "*/" + std::string(resource.substr(slash + 1))};
}

}  // namespace

Identity service_account_identity(std::string_view ns, std::string_view name) {
  std::string n(ns);
  return Identity{"system:serviceaccount:" + n + ":" + std::string(name),
                  {"system:serviceaccounts", "system:serviceaccounts:" + n, "system:authenticated"}};
}

bool is_bootstrap(const collect::Meta& meta) {
  auto it = meta.annotations.find("rbac.authorization.kubernetes.io/autoupdate");
  return it != meta.annotations.end() && it->second == "true";
}

bool is_cluster_scoped_resource(std::string_view resource) {
  static const std::set<std::string, std::less<>> kClusterScoped = {
      "apiservices", "certificatesigningrequests", "clusterrolebindings", "clusterroles",
      "clustertrustbundles", "componentstatuses", "csidrivers", "csinodes",
      "customresourcedefinitions", "flowschemas", "groups", "ingressclasses", "ipaddresses",
      "mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
      "mutatingwebhookconfigurations", "namespaces", "nodes", "persistentvolumes",
      "priorityclasses", "prioritylevelconfigurations", "runtimeclasses",
      "selfsubjectaccessreviews", "selfsubjectreviews", "selfsubjectrulesreviews", "servicecidrs",
      "signers", "storageclasses", "subjectaccessreviews", "tokenreviews", "uids", "userextras",
      "users", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
      "validatingwebhookconfigurations", "volumeattachments"};
  return kClusterScoped.count(resource.substr(0, resource.find('/'))) > 0;
}

bool rule_matches(const PolicyRule& rule, std::string_view verb, std::string_view group,
                  std::string_view resource) {
  if (!contains(rule.verbs, verb) && !contains(rule.verbs, "*")) return false;
  if (!contains(rule.api_groups, group) && !contains(rule.api_groups, "*")) return false;
  for (const auto& cand : resource_candidates(resource))
    if (contains(rule.resources, cand)) return true;
  return false;
}

Index::Index(const collect::Inventory& inv) : inv_(inv) {
  for (size_t i = 0; i < inv.roles.size(); ++i) role_by_key_.emplace(role_key(inv.roles[i]), i);
  rules_.resize(inv.roles.size());
  // 0 = unresolved, 1 = resolving (cycle guard), 2 = done.
  std::vector<int> state(inv.roles.size(), 0);
  for (size_t i = 0; i < inv.roles.size(); ++i) resolve(i, state);
  for (size_t i = 0; i < rules_.size(); ++i) {
    for (const PolicyRule* rule : rules_[i]) {
      for (const auto& v : rule->verbs)
        for (const auto& g : rule->api_groups)
          for (const auto& r : rule->resources) atoms_[atom_key(v, g, r)].push_back({i, rule});
    }
  }
  for (const Binding& b : inv.bindings) {
    bindings_by_role_[ref_key(b)].push_back(&b);
    for (size_t s = 0; s < b.subjects.size(); ++s)
      bindings_by_subject_[subject_key(b.subjects[s], b.meta.namespace_)].emplace_back(&b, s);
  }
}

std::string Index::role_key(const Role& role) const {
  return role.cluster_scoped ? "ClusterRole//" + role.meta.name
                             : "Role/" + role.meta.namespace_ + "/" + role.meta.name;
}

std::string Index::ref_key(const Binding& b) const {
  if (b.role_ref.kind == "ClusterRole") return "ClusterRole//" + b.role_ref.name;
  return "Role/" + b.meta.namespace_ + "/" + b.role_ref.name;
}

void Index::resolve(size_t i, std::vector<int>& state) {
  if (state[i] != 0) return;
  state[i] = 1;
  const Role& role = inv_.roles[i];
  for (const auto& r : role.rules) rules_[i].push_back(&r);
  // The aggregation controller publishes the union of the matched roles' rules. When a dump
  // holds the aggregated role without them (a controller that has not run, or a fixture),
  // compute the union ourselves. Selectors are few, so a scan of the ClusterRoles is cheap.
  if (role.cluster_scoped && role.rules.empty() && !role.aggregation_selectors.empty()) {
    std::set<const PolicyRule*> seen;
    for (size_t j = 0; j < inv_.roles.size(); ++j) {
      const Role& other = inv_.roles[j];
      if (j == i || !other.cluster_scoped) continue;
      bool selected = std::any_of(role.aggregation_selectors.begin(), role.aggregation_selectors.end(),
                                  [&](const collect::LabelSelector& s) {
                                    return !s.empty() && s.matches(other.meta.labels);
                                  });
      if (!selected) continue;
      resolve(j, state);
      for (const PolicyRule* r : rules_[j])
        if (seen.insert(r).second) rules_[i].push_back(r);
    }
  }
  state[i] = 2;
}

const std::vector<const PolicyRule*>& Index::effective_rules(const Role& role) const {
  static const std::vector<const PolicyRule*> none;
  auto it = role_by_key_.find(role_key(role));
  return it == role_by_key_.end() ? none : rules_[it->second];
}

std::vector<const Binding*> Index::bindings_of(const Role& role) const {
  std::vector<const Binding*> out;
  auto it = bindings_by_role_.find(role_key(role));
  if (it != bindings_by_role_.end()) out = it->second;
  // A RoleBinding in namespace X to Role "r" is keyed by its own namespace, which is what
  // role_key gives for a Role in X: the lookup above already covers both cases.
  return out;
}

const Role* Index::role_of(const Binding& b) const {
  auto it = role_by_key_.find(ref_key(b));
  return it == role_by_key_.end() ? nullptr : &inv_.roles[it->second];
}

bool Index::in_scope(const Binding& b, bool cluster_scoped_resource, const Scope& scope) const {
  if (b.cluster_scoped) return true;
  if (cluster_scoped_resource) return false;
  switch (scope.kind) {
    case Scope::Kind::kAnywhere: return true;
    case Scope::Kind::kClusterWide: return false;
    case Scope::Kind::kNamespace: return b.meta.namespace_ == scope.namespace_;
  }
  return false;
}

namespace {

bool grant_less(const Grant& a, const Grant& b) {
  return std::tie(a.subject.kind, a.subject.namespace_, a.subject.name, a.binding->cluster_scoped,
                  a.binding->meta.namespace_, a.binding->meta.name) <
         std::tie(b.subject.kind, b.subject.namespace_, b.subject.name, b.binding->cluster_scoped,
                  b.binding->meta.namespace_, b.binding->meta.name);
}

}  // namespace

std::vector<Grant> Index::who_can(std::string_view verb, std::string_view group,
                                  std::string_view resource, const Scope& scope) const {
  bool cluster_res = is_cluster_scoped_resource(resource);
  // (binding, subject) -> grant; a non-narrowed rule wins over a narrowed one.
  std::map<std::pair<const Binding*, size_t>, Grant> found;
  for (std::string_view v : {verb, std::string_view("*")}) {
    for (std::string_view g : {group, std::string_view("*")}) {
      for (const auto& r : resource_candidates(resource)) {
        auto it = atoms_.find(atom_key(v, g, r));
        if (it == atoms_.end()) continue;
        for (const RuleRef& ref : it->second) {
          const Role& role = inv_.roles[ref.role];
          auto bit = bindings_by_role_.find(role_key(role));
          if (bit == bindings_by_role_.end()) continue;
          for (const Binding* b : bit->second) {
            // A Role is only reachable from RoleBindings of its own namespace (the key says so).
            if (!in_scope(*b, cluster_res, scope)) continue;
            bool narrowed = !ref.rule->resource_names.empty();
            for (size_t s = 0; s < b->subjects.size(); ++s) {
              auto [pos, inserted] = found.try_emplace({b, s});
              Grant& gr = pos->second;
              if (inserted || (gr.narrowed && !narrowed)) {
                gr = Grant{b->subjects[s], b, &role, ref.rule,
                           b->cluster_scoped ? "" : b->meta.namespace_, narrowed,
                           is_bootstrap(b->meta) && is_bootstrap(role.meta)};
                if (gr.subject.kind == "ServiceAccount" && gr.subject.namespace_.empty())
                  gr.subject.namespace_ = b->meta.namespace_;
              }
            }
          }
        }
      }
    }
  }
  std::vector<Grant> out;
  out.reserve(found.size());
  for (auto& [k, g] : found) out.push_back(std::move(g));
  std::sort(out.begin(), out.end(), grant_less);
  return out;
}

std::vector<const Binding*> Index::bindings_for(const Identity& id) const {
  std::vector<std::string> keys = {"User:" + id.user};
  for (const auto& g : id.groups) keys.push_back("Group:" + g);
  constexpr std::string_view kSaPrefix = "system:serviceaccount:";
  if (id.user.starts_with(kSaPrefix)) keys.push_back("ServiceAccount:" + id.user.substr(kSaPrefix.size()));
  std::vector<const Binding*> out;
  for (const auto& k : keys) {
    auto it = bindings_by_subject_.find(k);
    if (it == bindings_by_subject_.end()) continue;
    for (const auto& [b, s] : it->second) out.push_back(b);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Permission> Index::permissions_of(const Identity& id) const {
  std::vector<Permission> out;
  for (const Binding* b : bindings_for(id)) {
    const Role* role = role_of(*b);
    if (role == nullptr) continue;
    for (const PolicyRule* r : rules_[role_by_key_.at(role_key(*role))])
      for (const auto& res : r->resources) {
        // A RoleBinding never grants cluster-scoped resources.
        if (!b->cluster_scoped && res != "*" && is_cluster_scoped_resource(res)) continue;
        for (const auto& g : r->api_groups)
          for (const auto& verb : r->verbs)
            out.push_back(Permission{b->cluster_scoped ? "" : b->meta.namespace_, g, res, verb, r->resource_names, b});
      }
  }
  std::sort(out.begin(), out.end(), [](const Permission& a, const Permission& b) {
    return std::tie(a.namespace_, a.api_group, a.resource, a.verb, a.resource_names, a.binding->meta.name) <
           std::tie(b.namespace_, b.api_group, b.resource, b.verb, b.resource_names, b.binding->meta.name);
  });
  return out;
}

std::vector<Grant> Index::grants_for(const Identity& id, std::string_view verb, std::string_view group,
                                     std::string_view resource, const Scope& scope) const {
  std::vector<std::string> keys = {"User:" + id.user};
  for (const auto& g : id.groups) keys.push_back("Group:" + g);
  constexpr std::string_view kSaPrefix = "system:serviceaccount:";
  if (id.user.starts_with(kSaPrefix)) keys.push_back("ServiceAccount:" + id.user.substr(kSaPrefix.size()));
  std::vector<std::pair<const Binding*, size_t>> candidates;
  for (const auto& k : keys) {
    auto it = bindings_by_subject_.find(k);
    if (it != bindings_by_subject_.end())
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  return collect_grants(candidates, verb, group, resource, scope);
}

std::vector<Grant> Index::collect_grants(const std::vector<std::pair<const Binding*, size_t>>& candidates,
                                         std::string_view verb, std::string_view group,
                                         std::string_view resource, const Scope& scope) const {
  bool cluster_res = is_cluster_scoped_resource(resource);
  std::vector<Grant> out;
  for (const auto& [b, s] : candidates) {
    if (!in_scope(*b, cluster_res, scope)) continue;
    const Role* role = role_of(*b);
    if (role == nullptr) continue;
    const PolicyRule* best = nullptr;
    for (const PolicyRule* r : rules_[role_by_key_.at(role_key(*role))]) {
      if (!rule_matches(*r, verb, group, resource)) continue;
      if (best == nullptr || (!best->resource_names.empty() && r->resource_names.empty())) best = r;
    }
    if (best == nullptr) continue;
    Grant g{b->subjects[s], b, role, best, b->cluster_scoped ? "" : b->meta.namespace_,
            !best->resource_names.empty(), is_bootstrap(b->meta) && is_bootstrap(role->meta)};
    if (g.subject.kind == "ServiceAccount" && g.subject.namespace_.empty())
      g.subject.namespace_ = b->meta.namespace_;
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), grant_less);
  return out;
}

}  // namespace rampart::rbac
