#include "rampart/collect/inventory_json.h"

#include <concepts>
#include <functional>
#include <map>
#include <type_traits>

namespace rampart::collect {

using nlohmann::json;

const char* const kInventoryFormat = "rampart.inventory/v1";

NLOHMANN_JSON_SERIALIZE_ENUM(ContainerKind, {{ContainerKind::kRegular, "regular"},
                                             {ContainerKind::kInit, "init"},
                                             {ContainerKind::kEphemeral, "ephemeral"}})
NLOHMANN_JSON_SERIALIZE_ENUM(KubeletConfig::State, {{KubeletConfig::State::kNotRequested, "not-requested"},
                                                    {KubeletConfig::State::kOk, "ok"},
                                                    {KubeletConfig::State::kForbidden, "forbidden"},
                                                    {KubeletConfig::State::kError, "error"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CollectStatus::State, {{CollectStatus::State::kNotRequested, "not-requested"},
                                                    {CollectStatus::State::kOk, "ok"},
                                                    {CollectStatus::State::kForbidden, "forbidden"},
                                                    {CollectStatus::State::kNotServed, "not-served"},
                                                    {CollectStatus::State::kError, "error"}})

namespace {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Writes a field unless it is empty (and so equal to its default).
template <class M>
void put(json& j, const char* key, const M& m) {
  if constexpr (is_optional<M>::value) {
    if (m) j[key] = *m;
  } else if constexpr (std::is_same_v<M, json>) {
    if (!m.is_null()) j[key] = m;
  } else if constexpr (requires { m.empty(); }) {
    if (!m.empty()) j[key] = m;
  } else {
    j[key] = m;
  }
}

template <class M>
void get(const json& j, const char* key, M& m) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if constexpr (is_optional<M>::value) m = it->template get<typename M::value_type>();
  else it->get_to(m);
}

}  // namespace

// One field list per type serves both directions. FIELDS(Type) declares
// `fields(v, f)` for Type and const Type; f(key, member) is called for each member.
#define FIELDS(Type)                                                         \
  template <class T, class F>                                                \
    requires std::same_as<std::remove_const_t<T>, Type>                      \
  void fields(T& v, F&& f)

FIELDS(ObjectRef) { f("kind", v.kind); f("namespace", v.namespace_); f("name", v.name); }
FIELDS(OwnerRef) { f("kind", v.kind); f("name", v.name); f("controller", v.controller); }
FIELDS(Meta) {
  f("name", v.name); f("namespace", v.namespace_); f("uid", v.uid);
  f("creation_timestamp", v.creation_timestamp); f("labels", v.labels);
  f("annotations", v.annotations); f("owners", v.owners);
}
FIELDS(LabelSelectorRequirement) { f("key", v.key); f("operator", v.op); f("values", v.values); }
FIELDS(LabelSelector) { f("match_labels", v.match_labels); f("match_expressions", v.match_expressions); }
FIELDS(Namespace) { f("meta", v.meta); f("phase", v.phase); }
FIELDS(Capabilities) { f("add", v.add); f("drop", v.drop); }
FIELDS(SeLinuxOptions) { f("user", v.user); f("role", v.role); f("type", v.type); f("level", v.level); }
FIELDS(SecurityContext) {
  f("privileged", v.privileged); f("allow_privilege_escalation", v.allow_privilege_escalation);
  f("read_only_root_filesystem", v.read_only_root_filesystem); f("run_as_non_root", v.run_as_non_root);
  f("run_as_user", v.run_as_user); f("run_as_group", v.run_as_group); f("capabilities", v.capabilities);
  f("seccomp_type", v.seccomp_type); f("seccomp_localhost_profile", v.seccomp_localhost_profile);
  f("apparmor_type", v.apparmor_type); f("se_linux", v.se_linux); f("proc_mount", v.proc_mount);
  f("windows_host_process", v.windows_host_process); f("sysctls", v.sysctls);
}
FIELDS(SecretEnvRef) { f("secret", v.secret); f("key", v.key); f("env", v.env); }
FIELDS(ContainerPort) { f("container_port", v.container_port); f("host_port", v.host_port); f("protocol", v.protocol); }
FIELDS(Container) {
  f("kind", v.kind); f("name", v.name); f("image", v.image); f("image_pull_policy", v.image_pull_policy);
  f("security_context", v.security_context); f("ports", v.ports); f("secret_env", v.secret_env);
  f("probe_hosts", v.probe_hosts); f("command", v.command); f("args", v.args);
  f("plain_env", v.plain_env); f("unresolved_env", v.unresolved_env);
}
FIELDS(Volume) { f("name", v.name); f("type", v.type); f("host_path", v.host_path); f("secret_name", v.secret_name); }
FIELDS(Pod) {
  f("meta", v.meta); f("node_name", v.node_name); f("service_account", v.service_account);
  f("automount_service_account_token", v.automount_service_account_token); f("host_pid", v.host_pid);
  f("host_ipc", v.host_ipc); f("host_network", v.host_network); f("host_users", v.host_users);
  f("os_name", v.os_name); f("runtime_class", v.runtime_class); f("security_context", v.security_context);
  f("containers", v.containers); f("volumes", v.volumes); f("phase", v.phase); f("host_ip", v.host_ip);
  f("pod_ips", v.pod_ips); f("mirror", v.mirror);
}
FIELDS(ServiceAccount) {
  f("meta", v.meta); f("automount_service_account_token", v.automount_service_account_token);
  f("secrets", v.secrets); f("image_pull_secrets", v.image_pull_secrets);
}
FIELDS(PolicyRule) {
  f("verbs", v.verbs); f("api_groups", v.api_groups); f("resources", v.resources);
  f("resource_names", v.resource_names); f("non_resource_urls", v.non_resource_urls);
}
FIELDS(Role) {
  f("meta", v.meta); f("cluster_scoped", v.cluster_scoped); f("rules", v.rules);
  f("aggregation_selectors", v.aggregation_selectors);
}
FIELDS(Subject) { f("kind", v.kind); f("name", v.name); f("namespace", v.namespace_); f("api_group", v.api_group); }
FIELDS(RoleRef) { f("kind", v.kind); f("name", v.name); f("api_group", v.api_group); }
FIELDS(Binding) { f("meta", v.meta); f("cluster_scoped", v.cluster_scoped); f("role_ref", v.role_ref); f("subjects", v.subjects); }
FIELDS(IpBlock) { f("cidr", v.cidr); f("except", v.except); }
FIELDS(NetworkPolicyPeer) { f("pod_selector", v.pod_selector); f("namespace_selector", v.namespace_selector); f("ip_block", v.ip_block); }
FIELDS(NetworkPolicyPort) { f("protocol", v.protocol); f("port", v.port); f("end_port", v.end_port); }
FIELDS(NetworkPolicyRule) { f("peers", v.peers); f("ports", v.ports); }
FIELDS(NetworkPolicy) {
  f("meta", v.meta); f("pod_selector", v.pod_selector); f("policy_types", v.policy_types);
  f("ingress", v.ingress); f("egress", v.egress);
}
FIELDS(SecretMeta) { f("meta", v.meta); f("type", v.type); f("key_count", v.key_count); }
FIELDS(NodeAddress) { f("type", v.type); f("address", v.address); }
FIELDS(KubeletConfig) { f("state", v.state); f("error", v.error); f("config", v.config); }
FIELDS(Taint) { f("key", v.key); f("value", v.value); f("effect", v.effect); }
FIELDS(Node) {
  f("meta", v.meta); f("addresses", v.addresses); f("kubelet_port", v.kubelet_port);
  f("kubelet_version", v.kubelet_version); f("kube_proxy_version", v.kube_proxy_version);
  f("container_runtime", v.container_runtime); f("os_image", v.os_image); f("kernel_version", v.kernel_version);
  f("operating_system", v.operating_system); f("architecture", v.architecture); f("ready", v.ready);
  f("unschedulable", v.unschedulable); f("taints", v.taints); f("control_plane", v.control_plane);
  f("kubelet", v.kubelet);
}
FIELDS(Flags) { f("entries", v.entries); f("positional", v.positional); }
FIELDS(ControlPlaneComponent) {
  f("component", v.component); f("pod", v.pod); f("node_name", v.node_name); f("host_ip", v.host_ip);
  f("container", v.container); f("argv", v.argv); f("flags", v.flags); f("env", v.env);
  f("env_unresolved", v.env_unresolved); f("mirror", v.mirror);
}
FIELDS(WebhookRule) {
  f("operations", v.operations); f("api_groups", v.api_groups); f("api_versions", v.api_versions);
  f("resources", v.resources); f("scope", v.scope); f("resource_names", v.resource_names);
}
FIELDS(Webhook) {
  f("name", v.name); f("failure_policy", v.failure_policy); f("rules", v.rules);
  f("namespace_selector", v.namespace_selector); f("object_selector", v.object_selector);
  f("service", v.service); f("url", v.url);
}
FIELDS(WebhookConfiguration) { f("meta", v.meta); f("mutating", v.mutating); f("webhooks", v.webhooks); }
FIELDS(MatchResources) {
  f("namespace_selector", v.namespace_selector); f("object_selector", v.object_selector);
  f("resource_rules", v.resource_rules); f("exclude_resource_rules", v.exclude_resource_rules);
}
FIELDS(ValidatingAdmissionPolicy) {
  f("meta", v.meta); f("failure_policy", v.failure_policy); f("match_constraints", v.match_constraints);
  f("validations", v.validations); f("param_kind", v.param_kind);
}
FIELDS(ValidatingAdmissionPolicyBinding) {
  f("meta", v.meta); f("policy_name", v.policy_name); f("validation_actions", v.validation_actions);
  f("match_resources", v.match_resources); f("param_ref", v.param_ref);
}
FIELDS(CsrCondition) { f("type", v.type); f("status", v.status); f("reason", v.reason); }
FIELDS(CertificateSigningRequest) {
  f("meta", v.meta); f("signer_name", v.signer_name); f("username", v.username); f("groups", v.groups);
  f("usages", v.usages); f("subject_common_name", v.subject_common_name);
  f("subject_organizations", v.subject_organizations); f("request_error", v.request_error);
  f("conditions", v.conditions); f("issued", v.issued);
}
FIELDS(Service) { f("meta", v.meta); f("type", v.type); }
FIELDS(Workload) { f("meta", v.meta); f("kind", v.kind); f("images", v.images); f("service_account", v.service_account); }
FIELDS(CollectStatus) {
  f("state", v.state); f("error", v.error); f("http_status", v.http_status); f("count", v.count);
  f("pages", v.pages); f("bytes", v.bytes); f("seconds", v.seconds);
}
FIELDS(ClusterIdentity) {
  f("server", v.server); f("context", v.context); f("git_version", v.git_version); f("major", v.major);
  f("minor", v.minor); f("platform", v.platform); f("kube_system_uid", v.kube_system_uid);
  f("api_group_versions", v.api_group_versions);
}
FIELDS(ScannerIdentity) {
  f("user", v.user); f("groups", v.groups); f("source", v.source); f("credential", v.credential);
  f("certificate_organizations", v.certificate_organizations); f("error", v.error);
}

#undef FIELDS

template <class T>
concept Visitable = requires(T& t) { fields(t, [](const char*, auto&) {}); };

// Found by nlohmann's serializer through argument-dependent lookup.
template <Visitable T>
void to_json(json& j, const T& v) {
  j = json::object();
  fields(v, [&](const char* key, const auto& member) { put(j, key, member); });
}

template <Visitable T>
void from_json(const json& j, T& v) {
  if (!j.is_object()) throw json::type_error::create(302, "expected an object", &j);
  fields(v, [&](const char* key, auto& member) { get(j, key, member); });
}

namespace {

// The small top-level fields of an inventory.
json inventory_head(const Inventory& inv) {
  json j = json::object();
  j["format"] = kInventoryFormat;
  put(j, "identity", inv.identity);
  put(j, "scanner", inv.scanner);
  json status = json::object();
  for (const auto& [type, s] : inv.status) status[to_string(type)] = s;
  j["status"] = std::move(status);
  put(j, "namespace_filter", inv.namespace_filter);
  put(j, "excluded_namespaces", inv.excluded_namespaces);
  if (inv.kube_proxy_config) j["kube_proxy_config"] = *inv.kube_proxy_config;
  return j;
}

// Calls f(key, vector) for each list of an inventory. Lists are written even when empty: "no
// network policies" is information.
template <class F>
void for_each_list(const Inventory& inv, F&& f) {
  f("namespaces", inv.namespaces);
  f("pods", inv.pods);
  f("service_accounts", inv.service_accounts);
  f("roles", inv.roles);
  f("bindings", inv.bindings);
  f("network_policies", inv.network_policies);
  f("secrets", inv.secrets);
  f("nodes", inv.nodes);
  f("webhooks", inv.webhooks);
  f("admission_policies", inv.admission_policies);
  f("admission_policy_bindings", inv.admission_policy_bindings);
  f("csrs", inv.csrs);
  f("services", inv.services);
  f("workloads", inv.workloads);
  f("crds", inv.crds);
  f("control_plane", inv.control_plane);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

void to_json(json& j, const Inventory& inv) {
  j = inventory_head(inv);
  for_each_list(inv, [&](const char* key, const auto& list) { j[key] = list; });
}

bool write_inventory_json(std::FILE* out, const Inventory& inv) {
  // Keys in the order nlohmann's (sorted) object writes them.
  std::map<std::string, std::function<bool()>> writers;
  json head = inventory_head(inv);
  for (auto it = head.begin(); it != head.end(); ++it) {
    std::string text = dump(*it);
    writers[it.key()] = [out, text] { return std::fwrite(text.data(), 1, text.size(), out) == text.size(); };
  }
  for_each_list(inv, [&](const char* key, const auto& list) {
    writers[key] = [out, &list] {
      bool ok = std::fputc('[', out) != EOF;
      for (size_t i = 0; ok && i < list.size(); ++i) {
        std::string text = (i ? "," : "") + dump(json(list[i]));
        ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
      }
      return ok && std::fputc(']', out) != EOF;
    };
  });
  bool ok = std::fputc('{', out) != EOF;
  bool first = true;
  for (const auto& [key, write] : writers) {
    if (!ok) break;
    std::string name = (first ? "" : ",") + dump(json(key)) + ":";
    first = false;
    ok = std::fwrite(name.data(), 1, name.size(), out) == name.size() && write();
  }
  return ok && std::fputc('}', out) != EOF;
}

void from_json(const json& j, Inventory& inv) {
  if (!j.is_object()) throw json::type_error::create(302, "an inventory is a JSON object", &j);
  get(j, "identity", inv.identity);
  get(j, "scanner", inv.scanner);
  if (auto it = j.find("status"); it != j.end() && it->is_object()) {
    for (ResourceType type : all_resource_types())
      if (auto s = it->find(to_string(type)); s != it->end()) inv.status[type] = s->get<CollectStatus>();
  }
  get(j, "namespace_filter", inv.namespace_filter);
  get(j, "excluded_namespaces", inv.excluded_namespaces);
  if (auto it = j.find("kube_proxy_config"); it != j.end() && it->is_string()) inv.kube_proxy_config = it->get<std::string>();
  get(j, "namespaces", inv.namespaces);
  get(j, "pods", inv.pods);
  get(j, "service_accounts", inv.service_accounts);
  get(j, "roles", inv.roles);
  get(j, "bindings", inv.bindings);
  get(j, "network_policies", inv.network_policies);
  get(j, "secrets", inv.secrets);
  get(j, "nodes", inv.nodes);
  get(j, "webhooks", inv.webhooks);
  get(j, "admission_policies", inv.admission_policies);
  get(j, "admission_policy_bindings", inv.admission_policy_bindings);
  get(j, "csrs", inv.csrs);
  get(j, "services", inv.services);
  get(j, "workloads", inv.workloads);
  get(j, "crds", inv.crds);
  get(j, "control_plane", inv.control_plane);
}

Result<Inventory> inventory_from_json(const json& j) {
  if (!j.is_object()) return fail(ErrorKind::kParse, "an inventory must be a JSON object");
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() || *format != kInventoryFormat)
    return fail(ErrorKind::kParse, std::string("not a rampart inventory (expected \"format\": \"") +
                                       kInventoryFormat + "\")");
  try {
    return j.get<Inventory>();
  } catch (const json::exception& e) {
    return fail(ErrorKind::kParse, std::string("malformed inventory: ") + e.what());
  }
}

}  // namespace rampart::collect
