// `rampart auth check`: asks the API server, with SelfSubjectAccessReviews, whether this
// credential may make each call the collector makes, and says what a scan would miss.
// Exit codes: 0 every required call allowed (optional ones may be refused, they are listed);
// 2 a required call refused; 1 the check could not run.
#include <cstdio>
#include <memory>

#include "rampart/cli/app.h"
#include "rampart/cli/commands.h"
#include "rampart/cli/connection.h"
#include "rampart/client/discovery.h"
#include "rampart/collect/access_check.h"
#include "rampart/collect/whoami.h"
#include "rampart/collect/api_calls.h"

namespace rampart::cli {
namespace {

struct AuthOptions {
  ConnectionOptions connection;
  std::string output = "text";
  std::vector<std::string> namespaces;
};

std::string call_label(const collect::AccessCheck& c) {
  std::string label = c.call.verb + " " + c.call.resource_path();
  if (!c.call.group.empty()) label += "." + c.call.group;
  if (!c.call.object_name.empty()) label += " " + c.call.object_name;
  if (c.call.namespaced) label += c.namespace_.empty() ? " (all namespaces)" : " (namespace " + c.namespace_ + ")";
  return label;
}

nlohmann::json to_json(const std::vector<collect::AccessCheck>& checks, const config::RestConfig& rest,
                       const collect::ScannerIdentity& who) {
  nlohmann::json calls = nlohmann::json::array();
  for (const auto& c : checks) {
    nlohmann::json j = {{"verb", c.call.verb},           {"group", c.call.group},
                        {"resource", c.call.resource},   {"subresource", c.call.subresource},
                        {"namespaced", c.call.namespaced}, {"namespace", c.namespace_},
                        {"optional", c.call.optional},   {"allowed", c.allowed},
                        {"inventory", collect::to_string(c.call.type)}, {"needed_for", c.call.needed_for}};
    if (!c.call.object_name.empty()) j["name"] = c.call.object_name;
    if (!c.reason.empty()) j["reason"] = c.reason;
    if (!c.error.empty()) j["error"] = c.error;
    calls.push_back(std::move(j));
  }
  return {{"server", rest.server},
          {"context", rest.context},
          {"authenticated_as", collect::identity_summary(who)},
          {"calls", calls}};
}

void run_auth_check(const AuthOptions& o) {
  auto connection = connect(o.connection);
  if (!connection) throw CommandError(connection.error());
  // The first request tells an unreachable server or a rejected credential in one line.
  auto server = client::discover(*connection->api);
  if (!server && server.error().kind != ErrorKind::kForbidden)
    throw CommandError(connection_failure(server.error(), connection->rest), kExitError);
  collect::ScannerIdentity who = collect::whoami(*connection->api, credential_claims(connection->rest));
  auto checks = collect::check_access(*connection->api, o.namespaces);
  if (!checks) throw CommandError(connection_failure(checks.error(), connection->rest), kExitError);

  // Optional calls (secrets, nodes/proxy) may be left out on purpose: they are listed, but only
  // a refused required call makes the exit code say so.
  bool required_denied = false;
  for (const auto& c : *checks) required_denied = required_denied || (!c.allowed && !c.call.optional);
  command_exit_code() = required_denied ? kExitFindings : kExitOk;

  if (o.output == "json") {
    std::printf("%s\n", to_json(*checks, connection->rest, who).dump(2).c_str());
    return;
  }
  std::printf("server:  %s (context %s)\n", connection->rest.server.c_str(), connection->rest.context.c_str());
  std::string groups;
  for (const auto& g : who.groups) groups += (groups.empty() ? "" : ", ") + g;
  if (who.user.empty()) std::printf("user:    unknown (%s)\n\n", who.error.c_str());
  else std::printf("user:    %s [%s] (%s)\n\n", who.user.c_str(), groups.c_str(), who.source.c_str());
  std::printf("%-70s %s\n", "CALL", "ALLOWED");
  for (const auto& c : *checks) {
    std::string label = call_label(c) + (c.call.optional ? " [optional]" : "");
    const char* verdict = !c.error.empty() ? "unknown" : (c.allowed ? "yes" : "no");
    std::printf("%-70s %s\n", label.c_str(), verdict);
  }
  std::string missing;
  for (const auto& c : *checks) {
    if (c.allowed) continue;
    missing += "  " + call_label(c) + ": " + (c.error.empty() ? "denied" : "review failed: " + c.error);
    if (!c.reason.empty()) missing += " (" + c.reason + ")";
    missing += "\n    missing: " + c.call.needed_for + "\n";
  }
  if (missing.empty())
    std::printf("\nevery call the collector makes is allowed\n");
  else
    std::printf("\nnot allowed, so a scan would report these parts as ERROR:\n%s", missing.c_str());
}

nlohmann::json rules_json(const std::vector<collect::PolicyRule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules) {
    nlohmann::json rule = {{"apiGroups", r.api_groups}, {"resources", r.resources}, {"verbs", r.verbs}};
    if (!r.resource_names.empty()) rule["resourceNames"] = r.resource_names;
    out.push_back(std::move(rule));
  }
  return out;
}

// `rampart auth role`: the least-privilege ClusterRole, derived from the collector's own list of
// API calls, so what an admin grants and what rampart requests cannot drift apart.
void print_role(const std::string& output) {
  auto required = rules_json(collect::cluster_role_rules(false));
  auto optional = rules_json(collect::cluster_role_rules(true));
  if (output == "json") {
    std::printf("%s\n", nlohmann::json{{"required", required}, {"optional", optional}}.dump(2).c_str());
    return;
  }
  auto print_rules = [](const nlohmann::json& rules) {
    for (const auto& r : rules) {
      std::printf("- apiGroups: %s\n  resources: %s\n", r["apiGroups"].dump().c_str(), r["resources"].dump().c_str());
      if (r.contains("resourceNames")) std::printf("  resourceNames: %s\n", r["resourceNames"].dump().c_str());
      std::printf("  verbs: %s\n", r["verbs"].dump().c_str());
    }
  };
  std::printf("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: rampart-reader\nrules:\n");
  print_rules(required);
  std::printf("# OPTIONAL (see docs/permissions.md): secret metadata and kubelet configuration (configz)\n");
  print_rules(optional);
}

}  // namespace

void add_auth_command(CLI::App& app, GlobalOptions& /*global*/) {
  auto* auth = app.add_subcommand("auth", "What rampart may read (check) and needs to read (role)");
  auth->require_subcommand(1);
  auto o = std::make_shared<AuthOptions>();
  auto* check = auth->add_subcommand(
      "check", "Ask the API server (SelfSubjectAccessReview) about every call the collector makes");
  add_connection_options(check, o->connection);
  check->add_option("-o,--output", o->output, "text or json")->check(CLI::IsMember({"text", "json"}));
  check->add_option("-n,--namespace", o->namespaces, "Check namespaced calls in these namespaces (repeatable)")
      ->type_size(1)->allow_extra_args(false);
  check->callback([o] { run_auth_check(*o); });

  auto role_output = std::make_shared<std::string>("yaml");
  auto* role = auth->add_subcommand(
      "role", "Print the least-privilege ClusterRole rampart needs, from the collector's list of API calls");
  role->add_option("-o,--output", *role_output, "yaml (a ClusterRole to apply) or json ({required, optional})")
      ->check(CLI::IsMember({"yaml", "json"}));
  role->callback([role_output] { print_role(*role_output); });
}

}  // namespace rampart::cli
