// The RBAC index against answers worked out by hand from the fixture below.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rampart/collect/parse.h"
#include "rampart/rbac/index.h"
#include "rampart/rbac/resource_spec.h"

using namespace rampart;
using nlohmann::json;

namespace {

// ClusterRoles:
//   pod-reader       get,list pods
//   agg-a  (label agg=yes)  get secrets
//   agg-b  (label agg=yes)  create deployments.apps
//   aggregated  selectors agg=yes, rules empty   => get secrets + create deployments
//   exec             create */exec
//   named            get secrets resourceNames [tls]
//   nodes            get nodes/proxy
//   wild-sub         get pods/*        (not special: matches nothing real)
// Role team/editor   update configmaps
// Bindings:
//   CRB read-pods     pod-reader  -> User alice
//   RB  team/agg      aggregated  -> Group devs, ServiceAccount team/ci
//   RB  team/edit     Role editor -> ServiceAccount (namespace omitted => team)/bot
//   RB  other/nodes   nodes       -> User carol     (cluster-scoped resource via RB: no grant)
//   CRB nodes         nodes       -> User dan
//   CRB execs         exec        -> Group system:serviceaccounts:team
//   CRB named         named       -> User erin
//   CRB dangling      missing     -> User frank
//   CRB boot          pod-reader  -> Group system:authenticated   (binding bootstrap only)
json fixture() {
  auto crole = [](std::string name, json rules, json labels = json::object(), json agg = nullptr) {
    json o = {{"kind", "ClusterRole"}, {"metadata", {{"name", name}, {"labels", labels}}}, {"rules", rules}};
    if (!agg.is_null()) o["aggregationRule"] = {{"clusterRoleSelectors", agg}};
    return o;
  };
  auto rule = [](json verbs, json res, json groups = json::array({""}), json names = nullptr) {
    json r = {{"verbs", verbs}, {"resources", res}, {"apiGroups", groups}};
    if (!names.is_null()) r["resourceNames"] = names;
    return r;
  };
  auto bind = [](std::string kind, std::string ns, std::string name, std::string role_kind, std::string role, json subjects,
                 bool boot = false) {
    json meta = {{"name", name}};
    if (!ns.empty()) meta["namespace"] = ns;
    if (boot) meta["annotations"] = {{"rbac.authorization.kubernetes.io/autoupdate", "true"}};
    return json{{"kind", kind}, {"metadata", meta}, {"roleRef", {{"kind", role_kind}, {"name", role}}}, {"subjects", subjects}};
  };
  json items = json::array({
      crole("pod-reader", {rule({"get", "list"}, {"pods"})}),
      crole("agg-a", {rule({"get"}, {"secrets"})}, {{"agg", "yes"}}),
      crole("agg-b", {rule({"create"}, {"deployments"}, {"apps"})}, {{"agg", "yes"}}),
      crole("aggregated", json::array(), json::object(), json::array({{{"matchLabels", {{"agg", "yes"}}}}})),
      crole("exec", {rule({"create"}, {"*/exec"})}),
      crole("named", {rule({"get"}, {"secrets"}, {""}, {"tls"})}),
      crole("nodes", {rule({"get"}, {"nodes/proxy"})}),
      crole("wild-sub", {rule({"get"}, {"pods/*"})}),
      {{"kind", "Role"}, {"metadata", {{"name", "editor"}, {"namespace", "team"}}}, {"rules", {rule({"update"}, {"configmaps"})}}},
      bind("ClusterRoleBinding", "", "read-pods", "ClusterRole", "pod-reader", {{{"kind", "User"}, {"name", "alice"}}}),
      bind("RoleBinding", "team", "agg", "ClusterRole", "aggregated",
           {{{"kind", "Group"}, {"name", "devs"}}, {{"kind", "ServiceAccount"}, {"name", "ci"}, {"namespace", "team"}}}),
      bind("RoleBinding", "team", "edit", "Role", "editor", {{{"kind", "ServiceAccount"}, {"name", "bot"}}}),
      bind("RoleBinding", "other", "nodes", "ClusterRole", "nodes", {{{"kind", "User"}, {"name", "carol"}}}),
      bind("ClusterRoleBinding", "", "nodes", "ClusterRole", "nodes", {{{"kind", "User"}, {"name", "dan"}}}),
      bind("ClusterRoleBinding", "", "execs", "ClusterRole", "exec", {{{"kind", "Group"}, {"name", "system:serviceaccounts:team"}}}),
      bind("ClusterRoleBinding", "", "named", "ClusterRole", "named", {{{"kind", "User"}, {"name", "erin"}}}),
      bind("ClusterRoleBinding", "", "dangling", "ClusterRole", "missing", {{{"kind", "User"}, {"name", "frank"}}}),
      bind("ClusterRoleBinding", "", "boot", "ClusterRole", "pod-reader", {{{"kind", "Group"}, {"name", "system:authenticated"}}}, true),
  });
  return {{"kind", "List"}, {"items", items}};
}

collect::Inventory inventory() {
  collect::Inventory inv;
  collect::add_object(inv, fixture());
  return inv;
}

std::set<std::string> names(const std::vector<rbac::Grant>& grants) {
  std::set<std::string> out;
  for (const auto& g : grants)
    out.insert(g.subject.kind + ":" + (g.subject.namespace_.empty() ? "" : g.subject.namespace_ + "/") + g.subject.name + "@" +
               (g.namespace_.empty() ? "*" : g.namespace_));
  return out;
}

}  // namespace

TEST_CASE("rbac: cluster-wide grants reach every namespace, RoleBindings only their own", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  CHECK(names(idx.who_can("list", "", "pods", rbac::Scope::anywhere())) ==
        std::set<std::string>{"User:alice@*", "Group:system:authenticated@*"});
  // Secrets through the aggregated role: only in namespace team.
  CHECK(names(idx.who_can("get", "", "secrets", rbac::Scope::in("team"))) ==
        std::set<std::string>{"Group:devs@team", "ServiceAccount:team/ci@team", "User:erin@*"});
  CHECK(names(idx.who_can("get", "", "secrets", rbac::Scope::in("prod"))) == std::set<std::string>{"User:erin@*"});
  CHECK(names(idx.who_can("get", "", "secrets", rbac::Scope::cluster_wide())) == std::set<std::string>{"User:erin@*"});
}

TEST_CASE("rbac: aggregation selectors are resolved when no rules were published", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  const collect::Role* agg = nullptr;
  for (const auto& r : inv.roles)
    if (r.meta.name == "aggregated") agg = &r;
  REQUIRE(agg != nullptr);
  CHECK(idx.effective_rules(*agg).size() == 2);
  CHECK(names(idx.who_can("create", "apps", "deployments", rbac::Scope::anywhere())) ==
        std::set<std::string>{"Group:devs@team", "ServiceAccount:team/ci@team"});
  // Wrong group: nothing.
  CHECK(idx.who_can("create", "", "deployments", rbac::Scope::anywhere()).empty());
}

TEST_CASE("rbac: subresources match as Kubernetes does", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  CHECK(names(idx.who_can("create", "", "pods/exec", rbac::Scope::anywhere())) ==
        std::set<std::string>{"Group:system:serviceaccounts:team@*"});
  // "pods/*" is not special, and "pods" does not cover "pods/log".
  CHECK(idx.who_can("get", "", "pods/log", rbac::Scope::anywhere()).empty());
  CHECK(idx.who_can("create", "", "pods", rbac::Scope::anywhere()).empty());
}

TEST_CASE("rbac: cluster-scoped resources are never granted by a RoleBinding", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  CHECK(names(idx.who_can("get", "", "nodes/proxy", rbac::Scope::anywhere())) == std::set<std::string>{"User:dan@*"});
  CHECK(names(idx.who_can("get", "", "nodes/proxy", rbac::Scope::in("other"))) == std::set<std::string>{"User:dan@*"});
}

TEST_CASE("rbac: a Role is reachable from RoleBindings of its namespace; SA namespace defaults to the binding's", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  CHECK(names(idx.who_can("update", "", "configmaps", rbac::Scope::anywhere())) == std::set<std::string>{"ServiceAccount:team/bot@team"});
  CHECK(idx.who_can("update", "", "configmaps", rbac::Scope::in("other")).empty());
}

TEST_CASE("rbac: resourceNames narrow a grant; bootstrap needs both annotations", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  auto erin = idx.who_can("get", "", "secrets", rbac::Scope::cluster_wide());
  REQUIRE(erin.size() == 1);
  CHECK(erin[0].narrowed);
  for (const auto& g : idx.who_can("list", "", "pods", rbac::Scope::anywhere()))
    CHECK_FALSE(g.bootstrap);  // the binding is annotated, the role is not
}

TEST_CASE("rbac: an identity's grants include its implicit service-account groups", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  auto ci = rbac::service_account_identity("team", "ci");
  CHECK(ci.user == "system:serviceaccount:team:ci");
  auto exec = idx.grants_for(ci, "create", "", "pods/exec", rbac::Scope::cluster_wide());
  REQUIRE(exec.size() == 1);
  CHECK(exec[0].subject.name == "system:serviceaccounts:team");
  CHECK(idx.grants_for(ci, "get", "", "secrets", rbac::Scope::in("team")).size() == 1);
  CHECK(idx.grants_for(ci, "get", "", "secrets", rbac::Scope::in("prod")).empty());
  auto other = rbac::service_account_identity("prod", "ci");
  CHECK(idx.grants_for(other, "create", "", "pods/exec", rbac::Scope::anywhere()).empty());
  // system:authenticated reaches every identity.
  CHECK(idx.grants_for(other, "list", "", "pods", rbac::Scope::anywhere()).size() == 1);
  // A dangling roleRef grants nothing.
  CHECK(idx.grants_for(rbac::Identity{"frank", {}}, "get", "", "pods", rbac::Scope::anywhere()).empty());
  CHECK(idx.bindings_for(rbac::Identity{"frank", {}}).size() == 1);
}

TEST_CASE("rbac: a service account's permissions, implicit groups included", "[rbac]") {
  auto inv = inventory();
  rbac::Index idx(inv);
  std::set<std::string> got;
  for (const auto& p : idx.permissions_of(rbac::service_account_identity("team", "ci")))
    got.insert((p.namespace_.empty() ? "*" : p.namespace_) + " " + p.api_group + "/" + p.resource + " " + p.verb);
  // Through RoleBinding team/agg (aggregated: 2 rules), ClusterRoleBinding execs (its group),
  // ClusterRoleBinding boot (system:authenticated).
  CHECK(got == std::set<std::string>{"team /secrets get", "team apps/deployments create", "* /*/exec create", "* /pods get", "* /pods list"});
  // carol's RoleBinding to nodes/proxy grants nothing: the resource is cluster-scoped.
  CHECK(idx.permissions_of(rbac::Identity{"carol", {}}).empty());
}

TEST_CASE("rbac: a large RBAC set (20k roles, 40k bindings) is indexed and queried exactly", "[rbac]") {
  collect::Inventory inv;
  for (int i = 0; i < 20000; ++i) {
    collect::Role r;
    r.meta.name = "role-" + std::to_string(i);
    r.meta.namespace_ = "ns-" + std::to_string(i % 2000);
    r.rules.push_back({{"get", "list"}, {""}, {"configmaps", i % 1000 == 0 ? "secrets" : "pods"}, {}, {}});
    inv.roles.push_back(std::move(r));
  }
  for (int i = 0; i < 40000; ++i) {
    collect::Binding b;
    b.meta.name = "b-" + std::to_string(i);
    b.meta.namespace_ = "ns-" + std::to_string((i / 2) % 2000);
    b.role_ref = {"Role", "role-" + std::to_string(i / 2), "rbac.authorization.k8s.io"};
    b.subjects.push_back({"User", "u" + std::to_string(i), "", ""});
    inv.bindings.push_back(std::move(b));
  }
  rbac::Index idx(inv);
  CHECK(idx.who_can("get", "", "secrets", rbac::Scope::anywhere()).size() == 40);
  CHECK(idx.who_can("list", "", "configmaps", rbac::Scope::in("ns-7")).size() == 20);
}

TEST_CASE("rbac: resource specs parse like kubectl's resource.group/subresource", "[rbac]") {
  CHECK(*rbac::parse_resource_spec("secrets") == rbac::ResourceSpec{"secrets", ""});
  CHECK(*rbac::parse_resource_spec("deployments.apps") == rbac::ResourceSpec{"deployments", "apps"});
  CHECK(*rbac::parse_resource_spec("certificatesigningrequests.certificates.k8s.io/approval") ==
        rbac::ResourceSpec{"certificatesigningrequests/approval", "certificates.k8s.io"});
  CHECK_FALSE(rbac::parse_resource_spec("pods/").has_value());
  CHECK_FALSE(rbac::parse_resource_spec("/exec").has_value());
}
