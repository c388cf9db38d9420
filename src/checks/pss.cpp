#include "pss.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace rampart::checks::detail {

using collect::Container;
using collect::Pod;

std::optional<PssLevel> parse_pss_level(std::string_view s) {
  if (s == "privileged") return PssLevel::kPrivileged;
  if (s == "baseline") return PssLevel::kBaseline;
  if (s == "restricted") return PssLevel::kRestricted;
  return std::nullopt;
}

const char* to_string(PssLevel l) {
  switch (l) {
    case PssLevel::kPrivileged: return "privileged";
    case PssLevel::kBaseline: return "baseline";
    case PssLevel::kRestricted: return "restricted";
  }
  return "privileged";
}

std::string normalize_capability(std::string_view cap) {
  std::string out;
  for (char c : cap) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (out.starts_with("CAP_")) out = out.substr(4);
  return out;
}

std::optional<bool> effective_run_as_non_root(const Pod& p, const Container& c) {
  return c.security_context.run_as_non_root ? c.security_context.run_as_non_root : p.security_context.run_as_non_root;
}

std::optional<int64_t> effective_run_as_user(const Pod& p, const Container& c) {
  return c.security_context.run_as_user ? c.security_context.run_as_user : p.security_context.run_as_user;
}

std::optional<std::string> effective_seccomp(const Pod& p, const Container& c) {
  return c.security_context.seccomp_type ? c.security_context.seccomp_type : p.security_context.seccomp_type;
}

std::string container_label(const Container& c) {
  switch (c.kind) {
    case collect::ContainerKind::kInit: return "initContainer " + c.name;
    case collect::ContainerKind::kEphemeral: return "ephemeralContainer " + c.name;
    case collect::ContainerKind::kRegular: break;
  }
  return "container " + c.name;
}

namespace {

const std::set<std::string, std::less<>> kBaselineCaps = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

// pod-security-admission's safe sysctls (policy/check_sysctls.go, up to 1.32).
const std::set<std::string, std::less<>> kSafeSysctls = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"};

}  // namespace

bool is_baseline_capability(std::string_view normalized) { return kBaselineCaps.count(normalized) > 0; }

namespace {

const std::set<std::string, std::less<>> kSeLinuxTypes = {"", "container_t", "container_init_t", "container_kvm_t",
                                                          "container_engine_t"};

const std::set<std::string, std::less<>> kRestrictedVolumes = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"};

void selinux(const std::optional<collect::SeLinuxOptions>& se, const std::string& where, std::vector<PssViolation>& out) {
  if (!se) return;
  if (!kSeLinuxTypes.count(se->type)) out.push_back({"selinux", where + ": seLinuxOptions.type " + se->type});
  if (!se->user.empty()) out.push_back({"selinux", where + ": seLinuxOptions.user is set"});
  if (!se->role.empty()) out.push_back({"selinux", where + ": seLinuxOptions.role is set"});
}

}  // namespace

std::vector<PssViolation> baseline_violations(const Pod& p) {
  std::vector<PssViolation> out;
  const auto& psc = p.security_context;
  if (psc.windows_host_process == true) out.push_back({"hostprocess", "pod: windowsOptions.hostProcess true"});
  if (p.host_pid) out.push_back({"host-namespaces", "hostPID true"});
  if (p.host_ipc) out.push_back({"host-namespaces", "hostIPC true"});
  if (p.host_network) out.push_back({"host-namespaces", "hostNetwork true"});
  for (const auto& vol : p.volumes)
    if (vol.type == "hostPath") out.push_back({"hostpath", "hostPath volume " + vol.name + " (" + vol.host_path + ")"});
  if (psc.apparmor_type == "Unconfined") out.push_back({"apparmor", "pod: appArmorProfile Unconfined"});
  selinux(psc.se_linux, "pod", out);
  if (psc.seccomp_type == "Unconfined") out.push_back({"seccomp", "pod: seccompProfile Unconfined"});
  for (const auto& [name, value] : psc.sysctls)
    if (!kSafeSysctls.count(name)) out.push_back({"sysctls", "unsafe sysctl " + name});
  for (const auto& c : p.containers) {
    const auto& sc = c.security_context;
    std::string where = container_label(c);
    if (sc.windows_host_process == true) out.push_back({"hostprocess", where + ": windowsOptions.hostProcess true"});
    if (sc.privileged == true) out.push_back({"privileged", where + ": privileged"});
    if (sc.capabilities)
      for (const auto& cap : sc.capabilities->add)
        if (!kBaselineCaps.count(normalize_capability(cap))) out.push_back({"capabilities", where + ": adds capability " + normalize_capability(cap)});
    for (const auto& port : c.ports)
      if (port.host_port != 0) out.push_back({"hostports", where + ": hostPort " + std::to_string(port.host_port)});
    if (sc.apparmor_type == "Unconfined") out.push_back({"apparmor", where + ": appArmorProfile Unconfined"});
    selinux(sc.se_linux, where, out);
    if (sc.proc_mount && *sc.proc_mount != "Default" && p.host_users != false) out.push_back({"procmount", where + ": procMount " + *sc.proc_mount});
    if (sc.seccomp_type == "Unconfined") out.push_back({"seccomp", where + ": seccompProfile Unconfined"});
    for (const auto& host : c.probe_hosts) out.push_back({"probe-host", where + ": probe or lifecycle handler targets host " + host});
  }
  return out;
}

std::vector<PssViolation> restricted_violations(const Pod& p) {
  std::vector<PssViolation> out;
  bool windows = p.os_name == "windows";
  for (const auto& vol : p.volumes)
    if (!kRestrictedVolumes.count(vol.type) && vol.type != "hostPath") out.push_back({"volumes", "volume " + vol.name + " of type " + vol.type});
  for (const auto& c : p.containers) {
    const auto& sc = c.security_context;
    std::string where = container_label(c);
    if (!windows && sc.allow_privilege_escalation != false) out.push_back({"privilege-escalation", where + ": allowPrivilegeEscalation not false"});
    if (p.host_users != false && effective_run_as_non_root(p, c) != true) out.push_back({"non-root", where + ": runAsNonRoot not true"});
    if (effective_run_as_user(p, c) == 0) out.push_back({"run-as-user", where + ": runAsUser 0"});
    if (!windows) {
      auto sec = effective_seccomp(p, c);
      if (!sec || (*sec != "RuntimeDefault" && *sec != "Localhost")) out.push_back({"seccomp", where + ": seccompProfile not RuntimeDefault or Localhost"});
      bool drops_all = sc.capabilities && std::any_of(sc.capabilities->drop.begin(), sc.capabilities->drop.end(),
                                                      [](const std::string& d) { return normalize_capability(d) == "ALL"; });
      if (!drops_all) out.push_back({"capabilities", where + ": capabilities.drop lacks ALL"});
      if (sc.capabilities)
        for (const auto& cap : sc.capabilities->add)
          if (normalize_capability(cap) != "NET_BIND_SERVICE") out.push_back({"capabilities", where + ": adds capability " + normalize_capability(cap)});
    }
  }
  return out;
}

std::vector<std::string> details(const std::vector<PssViolation>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.detail);
  return out;
}

std::optional<PssLevel> enforce_level(const collect::Namespace& ns) {
  auto it = ns.meta.labels.find("pod-security.kubernetes.io/enforce");
  if (it == ns.meta.labels.end()) return std::nullopt;
  return parse_pss_level(it->second);
}

namespace {

bool contains_any(const std::vector<std::string>& list, std::initializer_list<std::string_view> want) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) {
    return std::find(want.begin(), want.end(), s) != want.end();
  });
}

}  // namespace

namespace {

// A rule that sends pod creation to the webhook or policy: CREATE on pods in the core group,
// for every pod (a rule with resourceNames covers only the pods it names).
bool covers_pod_create(const collect::WebhookRule& r) {
  return contains_any(r.operations, {"CREATE", "*"}) && contains_any(r.api_groups, {"", "*"}) &&
         contains_any(r.resources, {"pods", "*", "*/*"}) && r.resource_names.empty();
}

bool any_covers_pod_create(const std::vector<collect::WebhookRule>& rules) {
  return std::any_of(rules.begin(), rules.end(), covers_pod_create);
}

// matchConstraints (policy) or matchResources (binding) reach every pod created in a namespace
// with these labels. An objectSelector limits it to some pods, so it does not count.
bool matches_all_pods(const collect::MatchResources& m, const collect::StringMap& ns_labels, bool rules_required) {
  if (m.namespace_selector && !m.namespace_selector->matches(ns_labels)) return false;
  if (m.object_selector && !m.object_selector->empty()) return false;
  if (any_covers_pod_create(m.exclude_resource_rules)) return false;
  return rules_required || !m.resource_rules.empty() ? any_covers_pod_create(m.resource_rules) : true;
}

std::optional<std::string> enforcing_webhook(const ScanView& v, const collect::StringMap& labels) {
  for (const auto& wc : v.inv.webhooks) {
    if (wc.mutating) continue;
    for (const auto& hook : wc.webhooks) {
      if (hook.failure_policy != "Fail") continue;
      if (hook.namespace_selector && !hook.namespace_selector->matches(labels)) continue;
      if (any_covers_pod_create(hook.rules)) return "ValidatingWebhookConfiguration " + wc.meta.name + " webhook " + hook.name;
    }
  }
  return std::nullopt;
}

// A ValidatingAdmissionPolicy acts only through a binding, and rejects only when the binding's
// validationActions include Deny (Warn and Audit let the pod in).
std::optional<std::string> enforcing_policy(const ScanView& v, const collect::StringMap& labels) {
  for (const auto& b : v.inv.admission_policy_bindings) {
    if (!contains_any(b.validation_actions, {"Deny"})) continue;
    auto policy = std::find_if(v.inv.admission_policies.begin(), v.inv.admission_policies.end(),
                               [&](const collect::ValidatingAdmissionPolicy& p) { return p.meta.name == b.policy_name; });
    if (policy == v.inv.admission_policies.end() || policy->validations == 0) continue;
    if (!matches_all_pods(policy->match_constraints, labels, true)) continue;
    if (b.match_resources && !matches_all_pods(*b.match_resources, labels, false)) continue;
    return "ValidatingAdmissionPolicy " + policy->meta.name + " (binding " + b.meta.name + ", Deny)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> enforcing_engine(const ScanView& v, const collect::Namespace& ns) {
  // The API server sets kubernetes.io/metadata.name on every namespace; older dumps may lack it.
  collect::StringMap labels = ns.meta.labels;
  labels.emplace("kubernetes.io/metadata.name", ns.meta.name);
  if (v.inv.status_of(ResourceType::kValidatingWebhooks).ok())
    if (auto hook = enforcing_webhook(v, labels)) return hook;
  if (v.inv.status_of(ResourceType::kValidatingAdmissionPolicies).ok() &&
      v.inv.status_of(ResourceType::kValidatingAdmissionPolicyBindings).ok())
    return enforcing_policy(v, labels);
  return std::nullopt;
}

std::optional<std::string> unread_engine_source(const ScanView& v) {
  for (ResourceType t : {ResourceType::kValidatingWebhooks, ResourceType::kValidatingAdmissionPolicies,
                         ResourceType::kValidatingAdmissionPolicyBindings}) {
    const auto& s = v.inv.status_of(t);
    // Not served: the API does not exist on this server, so there is nothing to miss.
    if (!s.ok() && s.state != collect::CollectStatus::State::kNotServed) return describe_status(t, s);
  }
  return std::nullopt;
}

}  // namespace rampart::checks::detail
