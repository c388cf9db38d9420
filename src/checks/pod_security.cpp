// CIS 5.2: pod security. Each of 5.2.2-5.2.12 has a running part (no pod in a workload
// namespace violates it: FAIL otherwise) and an admission part (every workload namespace with
// pods enforces a Pod Security level that forbids it, or an enforcing engine guards it: WARN
// otherwise). Mirror pods are exempt: static pods bypass admission.
#include <algorithm>
#include <set>

#include "pss.h"

namespace rampart::checks {
namespace {

using namespace detail;
using collect::Container;
using collect::Pod;

struct PodIssues {
  std::vector<std::string> fail;
  std::vector<std::string> warn;
};

using PodRule = PodIssues (*)(const Pod&);

bool has_cap(const std::vector<std::string>& caps, std::initializer_list<std::string_view> want) {
  return std::any_of(caps.begin(), caps.end(), [&](const std::string& c) {
    std::string n = normalize_capability(c);
    return std::find(want.begin(), want.end(), n) != want.end();
  });
}

const std::vector<std::string>& adds(const Container& c) {
  static const std::vector<std::string> none;
  return c.security_context.capabilities ? c.security_context.capabilities->add : none;
}

const std::vector<std::string>& drops(const Container& c) {
  static const std::vector<std::string> none;
  return c.security_context.capabilities ? c.security_context.capabilities->drop : none;
}

// Namespaces whose admission does not forbid what `required` forbids.
std::vector<Finding> admission_gaps(const ScanView& v, PssLevel required) {
  std::vector<Finding> out;
  for (const auto& name : v.facts.workload_namespaces_with_pods()) {
    const auto* ns = v.facts.find_namespace(name);
    if (ns == nullptr) continue;
    auto level = enforce_level(*ns);
    if (level && *level >= required) continue;
    if (enforcing_engine(v, *ns)) continue;
    out.push_back(Finding{Status::kWarn, ref("Namespace", "", name),
                          std::string("admission does not forbid it: ") +
                              (level ? std::string("enforce=") + to_string(*level) : "no pod-security.kubernetes.io/enforce label") +
                              " (needs " + to_string(required) + ")",
                          {api("label pod-security.kubernetes.io/enforce", level ? to_string(*level) : "(absent)")}, {}, {}, {}});
  }
  return out;
}

Outcome pod_security(const ScanView& v, PodRule rule, PssLevel required) {
  if (auto e = require(v, {ResourceType::kPods})) return *e;
  std::vector<Finding> findings;
  for (const Pod* p : v.facts.workload_pods()) {
    PodIssues issues = rule(*p);
    if (!issues.fail.empty())
      findings.push_back(Finding{Status::kFail, pod_ref(*p), join(issues.fail, "; "), {}, {}, {}, {}});
    else if (!issues.warn.empty())
      findings.push_back(Finding{Status::kWarn, pod_ref(*p), join(issues.warn, "; "), {}, {}, {}, {}});
  }
  bool running_fail = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.status == Status::kFail; });
  Outcome out;
  if (!v.inv.status_of(ResourceType::kNamespaces).ok() && !running_fail) {
    out.status = Status::kError;
    out.reason = "admission part unknown: " + describe_status(ResourceType::kNamespaces, v.inv.status_of(ResourceType::kNamespaces));
    out.findings = std::move(findings);
    return out;
  }
  auto gaps = v.inv.status_of(ResourceType::kNamespaces).ok() ? admission_gaps(v, required) : std::vector<Finding>{};
  size_t pods_bad = findings.size();
  findings.insert(findings.end(), gaps.begin(), gaps.end());
  if (auto unread = unread_engine_source(v))
    out.evidence.push_back(api("admission engines", *unread + ": only what was read counts as admission"));
  out.findings = std::move(findings);
  if (running_fail) {
    out.status = Status::kFail;
  } else if (!out.findings.empty()) {
    out.status = Status::kWarn;
  } else {
    out.status = Status::kPass;
    out.reason = "no workload pod violates it, and every namespace with pods forbids it at admission";
    return out;
  }
  size_t fails = std::count_if(out.findings.begin(), out.findings.end(), [](const Finding& f) { return f.status == Status::kFail; });
  out.reason = (fails ? std::to_string(fails) + " pods violate it" : pods_bad ? std::to_string(pods_bad) + " pods leave it unset" : "no pod violates it") +
               (gaps.empty() ? std::string() : "; " + std::to_string(gaps.size()) + " namespaces do not forbid it at admission");
  return out;
}

PodIssues privileged(const Pod& p) {
  PodIssues out;
  for (const auto& c : p.containers)
    if (c.security_context.privileged == true) out.fail.push_back(container_label(c) + " is privileged");
  return out;
}
Outcome no_privileged(const ScanView& v) { return pod_security(v, privileged, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.2", no_privileged);

PodIssues host_pid(const Pod& p) { return p.host_pid ? PodIssues{{"hostPID: true"}, {}} : PodIssues{}; }
Outcome no_host_pid(const ScanView& v) { return pod_security(v, host_pid, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.3", no_host_pid);

PodIssues host_ipc(const Pod& p) { return p.host_ipc ? PodIssues{{"hostIPC: true"}, {}} : PodIssues{}; }
Outcome no_host_ipc(const ScanView& v) { return pod_security(v, host_ipc, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.4", no_host_ipc);

PodIssues host_network(const Pod& p) { return p.host_network ? PodIssues{{"hostNetwork: true"}, {}} : PodIssues{}; }
Outcome no_host_network(const ScanView& v) { return pod_security(v, host_network, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.5", no_host_network);

PodIssues escalation(const Pod& p) {
  PodIssues out;
  for (const auto& c : p.containers) {
    const auto& sc = c.security_context;
    std::string where = container_label(c);
    if (sc.allow_privilege_escalation == true) out.fail.push_back(where + ": allowPrivilegeEscalation true");
    else if (sc.privileged == true) out.fail.push_back(where + ": privileged forces privilege escalation on");
    else if (has_cap(adds(c), {"SYS_ADMIN"})) out.fail.push_back(where + ": adding SYS_ADMIN forces privilege escalation on");
    else if (!sc.allow_privilege_escalation && p.os_name != "windows") out.warn.push_back(where + ": allowPrivilegeEscalation unset (allowed)");
  }
  return out;
}
Outcome no_escalation(const ScanView& v) { return pod_security(v, escalation, PssLevel::kRestricted); }
RAMPART_CHECK("5.2.6", no_escalation);

PodIssues root(const Pod& p) {
  PodIssues out;
  if (p.host_users == false) return out;  // user namespaces: root in the pod is not root on the node
  for (const auto& c : p.containers) {
    auto uid = effective_run_as_user(p, c);
    if (uid == 0) out.fail.push_back(container_label(c) + ": runAsUser 0");
    else if (effective_run_as_non_root(p, c) != true && !uid)
      out.warn.push_back(container_label(c) + ": runAsNonRoot not true and runAsUser unset (the image decides)");
  }
  return out;
}
Outcome no_root(const ScanView& v) { return pod_security(v, root, PssLevel::kRestricted); }
RAMPART_CHECK("5.2.7", no_root);

PodIssues net_raw(const Pod& p) {
  PodIssues out;
  if (p.os_name == "windows") return out;  // Linux capabilities do not apply
  for (const auto& c : p.containers) {
    if (has_cap(adds(c), {"NET_RAW", "ALL"})) out.fail.push_back(container_label(c) + ": adds NET_RAW");
    else if (!has_cap(drops(c), {"NET_RAW", "ALL"}))
      out.fail.push_back(container_label(c) + ": does not drop NET_RAW (runtimes grant it by default)");
  }
  return out;
}
Outcome no_net_raw(const ScanView& v) { return pod_security(v, net_raw, PssLevel::kRestricted); }
RAMPART_CHECK("5.2.8", no_net_raw);

PodIssues extra_caps(const Pod& p) {
  PodIssues out;
  for (const auto& c : p.containers) {
    std::vector<std::string> beyond, extra;
    for (const auto& cap : adds(c)) {
      std::string n = normalize_capability(cap);
      if (!is_baseline_capability(n)) beyond.push_back(n);
      else if (n != "NET_BIND_SERVICE") extra.push_back(n);
    }
    if (!beyond.empty()) out.fail.push_back(container_label(c) + ": adds " + join(beyond));
    else if (!extra.empty()) out.warn.push_back(container_label(c) + ": adds " + join(extra));
    else if (!has_cap(drops(c), {"ALL"}) && p.os_name != "windows") out.warn.push_back(container_label(c) + ": does not drop ALL");
  }
  return out;
}
Outcome no_extra_caps(const ScanView& v) { return pod_security(v, extra_caps, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.9", no_extra_caps);

PodIssues host_process(const Pod& p) {
  PodIssues out;
  if (p.security_context.windows_host_process == true) out.fail.push_back("pod: windowsOptions.hostProcess true");
  for (const auto& c : p.containers)
    if (c.security_context.windows_host_process == true) out.fail.push_back(container_label(c) + ": windowsOptions.hostProcess true");
  return out;
}
Outcome no_host_process(const ScanView& v) { return pod_security(v, host_process, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.10", no_host_process);

PodIssues host_path(const Pod& p) {
  PodIssues out;
  for (const auto& vol : p.volumes)
    if (vol.type == "hostPath") out.fail.push_back("hostPath volume " + vol.name + " (" + vol.host_path + ")");
  return out;
}
Outcome no_host_path(const ScanView& v) { return pod_security(v, host_path, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.11", no_host_path);

PodIssues host_ports(const Pod& p) {
  PodIssues out;
  for (const auto& c : p.containers)
    for (const auto& port : c.ports)
      if (port.host_port != 0) out.fail.push_back(container_label(c) + ": hostPort " + std::to_string(port.host_port));
  return out;
}
Outcome no_host_ports(const ScanView& v) { return pod_security(v, host_ports, PssLevel::kBaseline); }
RAMPART_CHECK("5.2.12", no_host_ports);

// 5.2.1: every workload namespace enforces baseline or restricted, or an engine guards it.
Outcome policy_per_namespace(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kNamespaces})) return *e;
  bool admission_config = false;
  for (const auto* c : v.facts.components(kApiServer)) {
    collect::Flags flags = effective_flags(*c);
    if (FlagReader{flags}.present("admission-control-config-file")) admission_config = true;
  }
  // Pods already running that the namespace's own level would reject now (admitted before the
  // label, or exempted): worth knowing before anyone restarts them.
  std::map<std::string, std::vector<const Pod*>> pods_by_ns;
  for (const Pod* p : v.facts.workload_pods()) pods_by_ns[p->meta.namespace_].push_back(p);
  std::vector<Finding> findings;
  std::vector<Evidence> pass_ev;
  auto unread = unread_engine_source(v);
  for (const auto& name : v.facts.workload_namespaces()) {
    const auto* ns = v.facts.find_namespace(name);
    if (ns == nullptr) continue;
    auto level = enforce_level(*ns);
    auto engine = enforcing_engine(v, *ns);
    Finding f;
    f.resource = ref("Namespace", "", name);
    auto label = ns->meta.labels.find("pod-security.kubernetes.io/enforce");
    f.evidence.push_back(api("label pod-security.kubernetes.io/enforce", label == ns->meta.labels.end() ? "(absent)" : label->second));
    if (level && *level >= PssLevel::kBaseline) {
      f.status = Status::kPass;
      f.message = std::string("enforces ") + to_string(*level);
      for (const Pod* p : pods_by_ns[name]) {
        auto bad = details(baseline_violations(*p));
        if (*level == PssLevel::kRestricted) {
          auto more = details(restricted_violations(*p));
          bad.insert(bad.end(), more.begin(), more.end());
        }
        if (!bad.empty())
          findings.push_back(Finding{Status::kWarn, pod_ref(*p),
                                     std::string("running, but enforce=") + to_string(*level) + " would reject it: " + join(bad, "; "),
                                     {}, {}, {"would-be-rejected"}, {}});
      }
    } else if (engine) {
      f.status = Status::kPass;
      f.message = "guarded by " + *engine;
      f.evidence.push_back(api("admission engine", *engine));
    } else if (unread) {
      // An engine rampart could not see may guard it: a FAIL here would be a guess.
      f.status = Status::kError;
      f.message = std::string(level ? "enforce=privileged" : "no enforce label") + " and no enforcing engine seen, but " + *unread;
    } else {
      f.status = admission_config ? Status::kWarn : Status::kFail;
      f.message = std::string(level ? "enforce=privileged" : "no enforce label") +
                  (admission_config ? "; a cluster default may be set in --admission-control-config-file (not readable)" : "") +
                  " and no enforcing engine";
    }
    if (f.status == Status::kPass) pass_ev.push_back(api("Namespace " + name, f.message));
    findings.push_back(std::move(f));
  }
  if (findings.empty()) return Outcome{Status::kSkip, "no workload namespaces", {}, {}, {}, {}};
  Outcome out = fold(std::move(findings), "namespaces", std::move(pass_ev));
  if (unread) out.evidence.push_back(api("admission engines", *unread));
  auto validating = std::count_if(v.inv.webhooks.begin(), v.inv.webhooks.end(), [](const auto& w) { return !w.mutating; });
  out.evidence.push_back(api("admission engines read", "ValidatingWebhookConfigurations: " + std::to_string(validating) +
                                                           ", ValidatingAdmissionPolicies: " + std::to_string(v.inv.admission_policies.size()) +
                                                           ", bindings: " + std::to_string(v.inv.admission_policy_bindings.size())));
  return out;
}
RAMPART_CHECK("5.2.1", policy_per_namespace);

}  // namespace
}  // namespace rampart::checks
