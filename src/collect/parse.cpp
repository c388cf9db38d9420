#include "rampart/collect/parse.h"

#include <algorithm>
#include <array>

#include "rampart/config/certificate_subject.h"
#include "rampart/config/pem.h"

namespace rampart::collect {
namespace {

using nlohmann::json;

const json& field(const json& j, std::string_view key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string str(const json& j, std::string_view key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::optional<bool> opt_bool(const json& j, std::string_view key) {
  const json& v = field(j, key);
  if (v.is_boolean()) return v.get<bool>();
  return std::nullopt;
}

bool flag(const json& j, std::string_view key) { return opt_bool(j, key).value_or(false); }

std::optional<int64_t> opt_int(const json& j, std::string_view key) {
  const json& v = field(j, key);
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

std::vector<std::string> strings(const json& j, std::string_view key) {
  std::vector<std::string> out;
  const json& v = field(j, key);
  if (!v.is_array()) return out;
  for (const auto& e : v)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

StringMap string_map(const json& j) {
  StringMap out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it->is_string()) out.emplace(it.key(), it->get<std::string>());
  return out;
}

const json& array(const json& j, std::string_view key) {
  static const json empty = json::array();
  const json& v = field(j, key);
  return v.is_array() ? v : empty;
}

// The volume source is the one key besides "name".
std::string volume_type(const json& v) {
  if (!v.is_object()) return {};
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "name") return it.key();
  return {};
}

void add_probe_hosts(const json& handler, std::vector<std::string>& out) {
  for (const char* kind : {"httpGet", "tcpSocket"}) {
    std::string host = str(field(handler, kind), "host");
    if (!host.empty()) out.push_back(host);
  }
}

Container parse_container(const json& c, ContainerKind kind) {
  Container out;
  out.kind = kind;
  out.name = str(c, "name");
  out.image = str(c, "image");
  out.image_pull_policy = str(c, "imagePullPolicy");
  out.security_context = parse_security_context(field(c, "securityContext"));
  out.command = strings(c, "command");
  out.args = strings(c, "args");
  for (const auto& p : array(c, "ports")) {
    ContainerPort port;
    port.container_port = static_cast<int32_t>(opt_int(p, "containerPort").value_or(0));
    port.host_port = static_cast<int32_t>(opt_int(p, "hostPort").value_or(0));
    port.protocol = str(p, "protocol");
    out.ports.push_back(port);
  }
  for (const auto& e : array(c, "env")) {
    const json& ref = field(field(e, "valueFrom"), "secretKeyRef");
    if (ref.is_object())
      out.secret_env.push_back(SecretEnvRef{str(ref, "name"), str(ref, "key"), str(e, "name")});
  }
  for (const auto& e : array(c, "envFrom")) {
    const json& ref = field(e, "secretRef");
    if (ref.is_object())
      out.secret_env.push_back(SecretEnvRef{str(ref, "name"), "", str(e, "prefix")});
  }
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
    add_probe_hosts(field(c, probe), out.probe_hosts);
  const json& lifecycle = field(c, "lifecycle");
  for (const char* hook : {"postStart", "preStop"}) add_probe_hosts(field(lifecycle, hook), out.probe_hosts);
  return out;
}

}  // namespace

bool annotation_is_safe(std::string_view key, bool on_secret) {
  if (key == "kubectl.kubernetes.io/last-applied-configuration") return false;
  if (!on_secret) return true;
  // On a Secret, keep only annotations Kubernetes itself writes and that hold names, not data.
  static constexpr std::array<std::string_view, 3> kSafe = {
      "kubernetes.io/service-account.name", "kubernetes.io/service-account.uid",
      "kubernetes.io/description"};
  return std::find(kSafe.begin(), kSafe.end(), key) != kSafe.end();
}

Meta parse_meta(const json& m, bool is_secret) {
  Meta out;
  out.name = str(m, "name");
  out.namespace_ = str(m, "namespace");
  out.uid = str(m, "uid");
  out.creation_timestamp = str(m, "creationTimestamp");
  out.labels = string_map(field(m, "labels"));
  for (auto& [k, v] : string_map(field(m, "annotations")))
    if (annotation_is_safe(k, is_secret)) out.annotations.emplace(k, std::move(v));
  for (const auto& o : array(m, "ownerReferences"))
    out.owners.push_back(OwnerRef{str(o, "kind"), str(o, "name"), flag(o, "controller")});
  return out;
}

LabelSelector parse_label_selector(const json& s) {
  LabelSelector out;
  out.match_labels = string_map(field(s, "matchLabels"));
  for (const auto& e : array(s, "matchExpressions"))
    out.match_expressions.push_back({str(e, "key"), str(e, "operator"), strings(e, "values")});
  return out;
}

bool LabelSelector::matches(const StringMap& labels) const {
  for (const auto& [k, v] : match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& e : match_expressions) {
    auto it = labels.find(e.key);
    bool has = it != labels.end();
    bool in = has && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
    if (e.op == "In" && !in) return false;
    if (e.op == "NotIn" && in) return false;
    if (e.op == "Exists" && !has) return false;
    if (e.op == "DoesNotExist" && has) return false;
    if (e.op != "In" && e.op != "NotIn" && e.op != "Exists" && e.op != "DoesNotExist")
      return false;  // an operator we do not know selects nothing, as the API would reject it
  }
  return true;
}

SecurityContext parse_security_context(const json& sc) {
  SecurityContext out;
  if (!sc.is_object()) return out;
  out.privileged = opt_bool(sc, "privileged");
  out.allow_privilege_escalation = opt_bool(sc, "allowPrivilegeEscalation");
  out.read_only_root_filesystem = opt_bool(sc, "readOnlyRootFilesystem");
  out.run_as_non_root = opt_bool(sc, "runAsNonRoot");
  out.run_as_user = opt_int(sc, "runAsUser");
  out.run_as_group = opt_int(sc, "runAsGroup");
  const json& caps = field(sc, "capabilities");
  if (caps.is_object()) out.capabilities = Capabilities{strings(caps, "add"), strings(caps, "drop")};
  const json& seccomp = field(sc, "seccompProfile");
  if (seccomp.is_object()) {
    out.seccomp_type = str(seccomp, "type");
    if (auto p = str(seccomp, "localhostProfile"); !p.empty()) out.seccomp_localhost_profile = p;
  }
  const json& apparmor = field(sc, "appArmorProfile");
  if (apparmor.is_object()) out.apparmor_type = str(apparmor, "type");
  const json& se = field(sc, "seLinuxOptions");
  if (se.is_object())
    out.se_linux = SeLinuxOptions{str(se, "user"), str(se, "role"), str(se, "type"), str(se, "level")};
  if (field(sc, "procMount").is_string()) out.proc_mount = str(sc, "procMount");
  out.windows_host_process = opt_bool(field(sc, "windowsOptions"), "hostProcess");
  for (const auto& s : array(sc, "sysctls")) out.sysctls.emplace_back(str(s, "name"), str(s, "value"));
  return out;
}

Namespace parse_namespace(const json& obj) {
  return Namespace{parse_meta(field(obj, "metadata")), str(field(obj, "status"), "phase")};
}

Pod parse_pod(const json& obj) {
  Pod out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.node_name = str(spec, "nodeName");
  out.service_account = str(spec, "serviceAccountName");
  if (out.service_account.empty()) out.service_account = str(spec, "serviceAccount");
  if (out.service_account.empty()) out.service_account = "default";
  out.automount_service_account_token = opt_bool(spec, "automountServiceAccountToken");
  out.host_pid = flag(spec, "hostPID");
  out.host_ipc = flag(spec, "hostIPC");
  out.host_network = flag(spec, "hostNetwork");
  out.host_users = opt_bool(spec, "hostUsers");
  out.os_name = str(field(spec, "os"), "name");
  out.runtime_class = str(spec, "runtimeClassName");
  out.security_context = parse_security_context(field(spec, "securityContext"));
  for (const auto& c : array(spec, "initContainers")) out.containers.push_back(parse_container(c, ContainerKind::kInit));
  for (const auto& c : array(spec, "containers")) out.containers.push_back(parse_container(c, ContainerKind::kRegular));
  for (const auto& c : array(spec, "ephemeralContainers"))
    out.containers.push_back(parse_container(c, ContainerKind::kEphemeral));
  for (const auto& v : array(spec, "volumes")) {
    Volume vol;
    vol.name = str(v, "name");
    vol.type = volume_type(v);
    vol.host_path = str(field(v, "hostPath"), "path");
    vol.secret_name = str(field(v, "secret"), "secretName");
    out.volumes.push_back(std::move(vol));
  }
  const json& status = field(obj, "status");
  out.phase = str(status, "phase");
  out.host_ip = str(status, "hostIP");
  for (const auto& ip : array(status, "podIPs")) out.pod_ips.push_back(str(ip, "ip"));
  // AppArmor, before securityContext.appArmorProfile, was an annotation per container.
  for (auto& c : out.containers) {
    auto it = out.meta.annotations.find("container.apparmor.security.beta.kubernetes.io/" + c.name);
    if (it != out.meta.annotations.end() && !c.security_context.apparmor_type) {
      const std::string& v = it->second;
      c.security_context.apparmor_type = v == "unconfined"         ? "Unconfined"
                                         : v == "runtime/default" ? "RuntimeDefault"
                                                                   : "Localhost";
    }
  }
  out.mirror = out.meta.annotations.count("kubernetes.io/config.mirror") > 0 ||
               std::any_of(out.meta.owners.begin(), out.meta.owners.end(),
                           [](const OwnerRef& o) { return o.kind == "Node"; });
  // Literal env only for static (mirror) pods: etcd takes settings as ETCD_* variables there.
  // Other pods' literal env values are not kept (they may hold credentials).
  if (out.mirror) {
    size_t index = 0;
    for (const char* key : {"initContainers", "containers", "ephemeralContainers"})
      for (const auto& c : array(spec, key)) {
        if (index >= out.containers.size()) break;
        Container& target = out.containers[index++];
        for (const auto& e : array(c, "env")) {
          if (field(e, "valueFrom").is_object()) target.unresolved_env.push_back(str(e, "name"));
          else target.plain_env.emplace_back(str(e, "name"), str(e, "value"));  // absent = ""
        }
      }
  }
  return out;
}

ServiceAccount parse_service_account(const json& obj) {
  ServiceAccount out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.automount_service_account_token = opt_bool(obj, "automountServiceAccountToken");
  for (const auto& s : array(obj, "secrets")) out.secrets.push_back(str(s, "name"));
  for (const auto& s : array(obj, "imagePullSecrets")) out.image_pull_secrets.push_back(str(s, "name"));
  return out;
}

PolicyRule parse_policy_rule(const json& r) {
  return PolicyRule{strings(r, "verbs"), strings(r, "apiGroups"), strings(r, "resources"),
                    strings(r, "resourceNames"), strings(r, "nonResourceURLs")};
}

Role parse_role(const json& obj, bool cluster_scoped) {
  Role out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.cluster_scoped = cluster_scoped;
  for (const auto& r : array(obj, "rules")) out.rules.push_back(parse_policy_rule(r));
  for (const auto& s : array(field(obj, "aggregationRule"), "clusterRoleSelectors"))
    out.aggregation_selectors.push_back(parse_label_selector(s));
  return out;
}

Binding parse_binding(const json& obj, bool cluster_scoped) {
  Binding out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.cluster_scoped = cluster_scoped;
  const json& ref = field(obj, "roleRef");
  out.role_ref = RoleRef{str(ref, "kind"), str(ref, "name"), str(ref, "apiGroup")};
  for (const auto& s : array(obj, "subjects"))
    out.subjects.push_back(Subject{str(s, "kind"), str(s, "name"), str(s, "namespace"), str(s, "apiGroup")});
  return out;
}

namespace {

NetworkPolicyRule parse_np_rule(const json& r, const char* peers_key) {
  NetworkPolicyRule out;
  for (const auto& p : array(r, peers_key)) {
    NetworkPolicyPeer peer;
    if (field(p, "podSelector").is_object()) peer.pod_selector = parse_label_selector(field(p, "podSelector"));
    if (field(p, "namespaceSelector").is_object())
      peer.namespace_selector = parse_label_selector(field(p, "namespaceSelector"));
    const json& ip = field(p, "ipBlock");
    if (ip.is_object()) peer.ip_block = IpBlock{str(ip, "cidr"), strings(ip, "except")};
    out.peers.push_back(std::move(peer));
  }
  for (const auto& p : array(r, "ports")) {
    NetworkPolicyPort port;
    port.protocol = str(p, "protocol");
    const json& num = field(p, "port");
    if (num.is_number_integer()) port.port = std::to_string(num.get<int64_t>());
    else if (num.is_string()) port.port = num.get<std::string>();
    if (auto e = opt_int(p, "endPort")) port.end_port = static_cast<int32_t>(*e);
    out.ports.push_back(std::move(port));
  }
  return out;
}

}  // namespace

NetworkPolicy parse_network_policy(const json& obj) {
  NetworkPolicy out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.pod_selector = parse_label_selector(field(spec, "podSelector"));
  for (const auto& r : array(spec, "ingress")) out.ingress.push_back(parse_np_rule(r, "from"));
  for (const auto& r : array(spec, "egress")) out.egress.push_back(parse_np_rule(r, "to"));
  out.policy_types = strings(spec, "policyTypes");
  if (out.policy_types.empty()) {
    // API defaulting: Ingress always, Egress when egress rules exist.
    out.policy_types.push_back("Ingress");
    if (!out.egress.empty()) out.policy_types.push_back("Egress");
  }
  return out;
}

SecretMeta parse_secret_meta(const json& obj) {
  SecretMeta out;
  out.meta = parse_meta(field(obj, "metadata"), /*is_secret=*/true);
  out.type = str(obj, "type");
  const json& data = field(obj, "data");
  if (data.is_object()) out.key_count = static_cast<int64_t>(data.size());
  return out;
}

SecretMeta parse_secret_row(const json& row, int type_column, int data_column) {
  SecretMeta out;
  out.meta = parse_meta(field(field(row, "object"), "metadata"), /*is_secret=*/true);
  const json& cells = field(row, "cells");
  auto cell = [&](int index) -> const json& {
    static const json null_value;
    if (index < 0 || !cells.is_array() || static_cast<size_t>(index) >= cells.size()) return null_value;
    return cells[static_cast<size_t>(index)];
  };
  if (const json& type = cell(type_column); type.is_string()) out.type = type.get<std::string>();
  if (const json& data = cell(data_column); data.is_number_integer()) out.key_count = data.get<int64_t>();
  return out;
}

Node parse_node(const json& obj) {
  Node out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.unschedulable = flag(spec, "unschedulable");
  for (const auto& t : array(spec, "taints")) out.taints.push_back({str(t, "key"), str(t, "value"), str(t, "effect")});
  const json& status = field(obj, "status");
  for (const auto& a : array(status, "addresses")) out.addresses.push_back({str(a, "type"), str(a, "address")});
  if (auto port = opt_int(field(field(status, "daemonEndpoints"), "kubeletEndpoint"), "Port"); port && *port > 0)
    out.kubelet_port = static_cast<int32_t>(*port);
  const json& info = field(status, "nodeInfo");
  out.kubelet_version = str(info, "kubeletVersion");
  out.kube_proxy_version = str(info, "kubeProxyVersion");
  out.container_runtime = str(info, "containerRuntimeVersion");
  out.os_image = str(info, "osImage");
  out.kernel_version = str(info, "kernelVersion");
  out.operating_system = str(info, "operatingSystem");
  out.architecture = str(info, "architecture");
  for (const auto& c : array(status, "conditions"))
    if (str(c, "type") == "Ready") out.ready = str(c, "status") == "True";
  out.control_plane = out.meta.labels.count("node-role.kubernetes.io/control-plane") > 0 ||
                      out.meta.labels.count("node-role.kubernetes.io/master") > 0;
  return out;
}

namespace {

WebhookRule parse_rule(const json& r) {
  return {strings(r, "operations"), strings(r, "apiGroups"), strings(r, "apiVersions"),
          strings(r, "resources"),  str(r, "scope"),         strings(r, "resourceNames")};
}

std::optional<LabelSelector> opt_selector(const json& j, std::string_view key) {
  const json& s = field(j, key);
  if (!s.is_object()) return std::nullopt;
  return parse_label_selector(s);
}

MatchResources parse_match_resources(const json& m) {
  MatchResources out;
  out.namespace_selector = opt_selector(m, "namespaceSelector");
  out.object_selector = opt_selector(m, "objectSelector");
  for (const auto& r : array(m, "resourceRules")) out.resource_rules.push_back(parse_rule(r));
  for (const auto& r : array(m, "excludeResourceRules")) out.exclude_resource_rules.push_back(parse_rule(r));
  return out;
}

}  // namespace

WebhookConfiguration parse_webhook_configuration(const json& obj, bool mutating) {
  WebhookConfiguration out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.mutating = mutating;
  for (const auto& w : array(obj, "webhooks")) {
    Webhook hook;
    hook.name = str(w, "name");
    hook.failure_policy = str(w, "failurePolicy");
    if (hook.failure_policy.empty()) hook.failure_policy = "Fail";  // admissionregistration/v1 default
    for (const auto& r : array(w, "rules")) hook.rules.push_back(parse_rule(r));
    hook.namespace_selector = opt_selector(w, "namespaceSelector");
    hook.object_selector = opt_selector(w, "objectSelector");
    const json& cc = field(w, "clientConfig");
    if (const json& svc = field(cc, "service"); svc.is_object()) hook.service = str(svc, "namespace") + "/" + str(svc, "name");
    hook.url = str(cc, "url");
    out.webhooks.push_back(std::move(hook));
  }
  return out;
}

ValidatingAdmissionPolicy parse_validating_admission_policy(const json& obj) {
  ValidatingAdmissionPolicy out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.failure_policy = str(spec, "failurePolicy");
  if (out.failure_policy.empty()) out.failure_policy = "Fail";  // admissionregistration/v1 default
  out.match_constraints = parse_match_resources(field(spec, "matchConstraints"));
  out.validations = array(spec, "validations").size();
  const json& param = field(spec, "paramKind");
  if (param.is_object()) out.param_kind = str(param, "apiVersion") + "/" + str(param, "kind");
  return out;
}

ValidatingAdmissionPolicyBinding parse_validating_admission_policy_binding(const json& obj) {
  ValidatingAdmissionPolicyBinding out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.policy_name = str(spec, "policyName");
  out.validation_actions = strings(spec, "validationActions");
  if (field(spec, "matchResources").is_object()) out.match_resources = parse_match_resources(field(spec, "matchResources"));
  out.param_ref = field(spec, "paramRef").is_object();
  return out;
}

CertificateSigningRequest parse_certificate_signing_request(const json& obj) {
  CertificateSigningRequest out;
  out.meta = parse_meta(field(obj, "metadata"));
  const json& spec = field(obj, "spec");
  out.signer_name = str(spec, "signerName");
  out.username = str(spec, "username");
  out.groups = strings(spec, "groups");
  out.usages = strings(spec, "usages");
  // spec.request is []byte: base64 of the PEM request. Only the subject survives this function.
  const json& request = field(spec, "request");
  if (!request.is_string() || request.get_ref<const std::string&>().empty()) {
    out.request_error = "spec.request is empty";
  } else if (auto pem = config::decode_base64(request.get_ref<const std::string&>()); !pem) {
    out.request_error = "spec.request is not base64";
  } else if (auto subject = config::certificate_request_subject(*pem); !subject) {
    out.request_error = "spec.request: " + subject.error().message;
  } else {
    out.subject_common_name = std::move(subject->common_name);
    out.subject_organizations = std::move(subject->organizations);
  }
  const json& status = field(obj, "status");
  for (const auto& c : array(status, "conditions"))
    out.conditions.push_back({str(c, "type"), str(c, "status"), str(c, "reason")});
  const json& certificate = field(status, "certificate");
  out.issued = certificate.is_string() && !certificate.get_ref<const std::string&>().empty();
  return out;
}

Service parse_service(const json& obj) {
  Service out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.type = str(field(obj, "spec"), "type");
  if (out.type.empty()) out.type = "ClusterIP";  // API default
  return out;
}

Workload parse_workload(const json& obj, std::string_view kind) {
  Workload out;
  out.meta = parse_meta(field(obj, "metadata"));
  out.kind = std::string(kind);
  const json& pod_spec = field(field(field(obj, "spec"), "template"), "spec");
  for (const char* key : {"initContainers", "containers"})
    for (const auto& c : array(pod_spec, key)) out.images.push_back(str(c, "image"));
  out.service_account = str(pod_spec, "serviceAccountName");
  return out;
}

void add_object(Inventory& inv, const json& obj) {
  std::string kind = str(obj, "kind");
  if (kind.size() > 4 && kind.ends_with("List")) {
    std::string item_kind = kind.substr(0, kind.size() - 4);
    for (const auto& item : array(obj, "items")) {
      if (item.is_object() && !item.contains("kind")) {
        json copy = item;
        copy["kind"] = item_kind;
        add_object(inv, copy);
      } else {
        add_object(inv, item);
      }
    }
    return;
  }
  if (kind == "List") {
    for (const auto& item : array(obj, "items")) add_object(inv, item);
  } else if (kind == "Namespace") {
    inv.namespaces.push_back(parse_namespace(obj));
  } else if (kind == "Pod") {
    inv.pods.push_back(parse_pod(obj));
  } else if (kind == "ServiceAccount") {
    inv.service_accounts.push_back(parse_service_account(obj));
  } else if (kind == "Role" || kind == "ClusterRole") {
    inv.roles.push_back(parse_role(obj, kind == "ClusterRole"));
  } else if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
    inv.bindings.push_back(parse_binding(obj, kind == "ClusterRoleBinding"));
  } else if (kind == "NetworkPolicy") {
    inv.network_policies.push_back(parse_network_policy(obj));
  } else if (kind == "Secret" || kind == "PartialObjectMetadata") {
    inv.secrets.push_back(parse_secret_meta(obj));
  } else if (kind == "Node") {
    inv.nodes.push_back(parse_node(obj));
  } else if (kind == "ValidatingWebhookConfiguration" || kind == "MutatingWebhookConfiguration") {
    inv.webhooks.push_back(parse_webhook_configuration(obj, kind == "MutatingWebhookConfiguration"));
  } else if (kind == "ValidatingAdmissionPolicy") {
    inv.admission_policies.push_back(parse_validating_admission_policy(obj));
  } else if (kind == "ValidatingAdmissionPolicyBinding") {
    inv.admission_policy_bindings.push_back(parse_validating_admission_policy_binding(obj));
  } else if (kind == "CertificateSigningRequest") {
    inv.csrs.push_back(parse_certificate_signing_request(obj));
  } else if (kind == "Service") {
    inv.services.push_back(parse_service(obj));
  } else if (kind == "Deployment" || kind == "DaemonSet" || kind == "StatefulSet") {
    inv.workloads.push_back(parse_workload(obj, kind));
  } else if (kind == "CustomResourceDefinition") {
    inv.crds.push_back(str(field(obj, "metadata"), "name"));
  }
}

}  // namespace rampart::collect
