// rampart who-can VERB RESOURCE [-n NS]: who may do it, through which binding and role.
#include <cstdio>
#include <iostream>
#include <memory>

#include "inputs.h"
#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/rbac/index.h"
#include "rampart/rbac/resource_spec.h"

namespace rampart::cli {

void add_who_can_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("who-can", "Show which subjects may perform VERB on RESOURCE (from RBAC)");
  struct Options {
    std::string verb, resource, ns;
    bool cluster_wide = false;
    InventorySource source;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("VERB", o->verb, "get, list, create, ... or *")->required();
  cmd->add_option("RESOURCE", o->resource, "resource[.group][/subresource], e.g. secrets, deployments.apps, pods/exec")->required();
  cmd->add_option("-n,--namespace", o->ns, "Only grants that apply in this namespace");
  cmd->add_flag("--cluster-wide", o->cluster_wide, "Only grants that apply in every namespace (ClusterRoleBindings)");
  add_inventory_source_options(cmd, o->source, /*namespace_flag=*/false);
  cmd->callback([o] {
    const auto& [verb, resource, ns, cluster_wide, source] = *o;
    if (!ns.empty() && cluster_wide) throw CommandError("--namespace and --cluster-wide exclude each other", kExitError);
    auto spec = rbac::parse_resource_spec(resource);
    if (!spec) throw CommandError(spec.error());
    auto inv = load_inventory_or_throw(source).inventory;
    for (auto t : {collect::ResourceType::kRoles, collect::ResourceType::kClusterRoles, collect::ResourceType::kRoleBindings,
                   collect::ResourceType::kClusterRoleBindings})
      if (!inv.status_of(t).ok())
        throw CommandError(std::string(collect::to_string(t)) + " were not collected, so the answer would be incomplete", kExitError);
    rbac::Index index(inv);
    auto scope = !ns.empty() ? rbac::Scope::in(ns) : cluster_wide ? rbac::Scope::cluster_wide() : rbac::Scope::anywhere();
    auto grants = index.who_can(verb, spec->group, spec->resource, scope);
    std::printf("%-48s %-52s %-40s %s\n", "SUBJECT", "VIA", "ROLE", "WHERE");
    for (const auto& g : grants) {
      std::string subject = g.subject.kind + " " + (g.subject.kind == "ServiceAccount" ? g.subject.namespace_ + "/" : "") + g.subject.name;
      std::string via = (g.binding->cluster_scoped ? "ClusterRoleBinding " : "RoleBinding " + g.binding->meta.namespace_ + "/") + g.binding->meta.name;
      std::string role = g.binding->role_ref.kind + " " + g.binding->role_ref.name;
      std::string where = g.namespace_.empty() ? "cluster-wide" : "namespace " + g.namespace_;
      if (g.narrowed) where += " (named resources only)";
      if (g.bootstrap) where += " [bootstrap]";
      std::printf("%-48s %-52s %-40s %s\n", subject.c_str(), via.c_str(), role.c_str(), where.c_str());
    }
    if (grants.empty()) std::printf("(nobody)\n");
  });
}

}  // namespace rampart::cli
