// CIS 5.1: RBAC and service accounts, decided through the RBAC index. Grants that come from the
// API server's own bootstrap roles and bindings (both annotated autoupdate=true) are exempt and
// listed as evidence: exempting by a "system:" name prefix would let anyone hide a binding by
// naming it system:foo.
#include <algorithm>
#include <map>
#include <set>

#include "rbac_common.h"

namespace rampart::checks {
namespace {

using namespace detail;

const std::vector<std::string> kWriteVerbs = {"create", "update", "patch", "delete", "deletecollection"};

Outcome cluster_admin_bindings(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome out;
  std::set<std::string> admin_roles = {"cluster-admin"};
  // A non-bootstrap ClusterRole granting */*/* is cluster-admin under another name.
  for (const auto& r : v.inv.roles) {
    if (!r.cluster_scoped || r.meta.name == "cluster-admin" || rbac::is_bootstrap(r.meta)) continue;
    for (const auto* rule : v.rbac.effective_rules(r))
      if (std::find(rule->verbs.begin(), rule->verbs.end(), "*") != rule->verbs.end() &&
          std::find(rule->api_groups.begin(), rule->api_groups.end(), "*") != rule->api_groups.end() &&
          std::find(rule->resources.begin(), rule->resources.end(), "*") != rule->resources.end() &&
          rule->resource_names.empty())
        admin_roles.insert(r.meta.name);
  }
  for (const auto& b : v.inv.bindings) {
    if (b.role_ref.kind != "ClusterRole" || !admin_roles.count(b.role_ref.name)) continue;
    const collect::Role* role = v.rbac.role_of(b);
    bool bootstrap = rbac::is_bootstrap(b.meta) && role && rbac::is_bootstrap(role->meta);
    bool masters_only = b.subjects.size() == 1 && b.subjects[0].kind == "Group" && b.subjects[0].name == "system:masters";
    if (b.cluster_scoped && b.meta.name == "cluster-admin" && bootstrap && masters_only) {
      out.evidence.push_back(api("bootstrap grant (exempt)", "ClusterRoleBinding cluster-admin -> Group system:masters"));
      continue;
    }
    std::vector<std::string> subjects;
    for (const auto& s : b.subjects) subjects.push_back(describe_subject(s));
    Finding f;
    f.resource = ref(b.cluster_scoped ? "ClusterRoleBinding" : "RoleBinding", b.meta.namespace_, b.meta.name);
    f.evidence.push_back(api(describe_binding(b), "roleRef ClusterRole " + b.role_ref.name + "; subjects: " + join(subjects)));
    bool kubeadm = b.cluster_scoped && b.meta.name == "kubeadm:cluster-admins" && b.subjects.size() == 1 &&
                   b.subjects[0].kind == "Group" && b.subjects[0].name == "kubeadm:cluster-admins";
    if (kubeadm) {
      f.status = Status::kWarn;
      f.message = "kubeadm's default binding of cluster-admin to Group kubeadm:cluster-admins";
      f.tags.push_back("kubeadm-default");
    } else {
      f.status = Status::kFail;
      f.message = (b.cluster_scoped ? std::string("cluster-admin") : "full control of namespace " + b.meta.namespace_) +
                  (b.role_ref.name == "cluster-admin" ? "" : " (ClusterRole " + b.role_ref.name + " grants */*/*)") +
                  " bound to " + join(subjects);
      for (const auto& s : b.subjects)
        if (is_broad_subject(s)) f.severity = Severity::kCritical;
    }
    out.findings.push_back(std::move(f));
  }
  bool fail = std::any_of(out.findings.begin(), out.findings.end(), [](const Finding& f) { return f.status == Status::kFail; });
  out.status = fail ? Status::kFail : out.findings.empty() ? Status::kPass : Status::kWarn;
  out.reason = out.findings.empty() ? "cluster-admin is bound only by the bootstrap system:masters binding"
                                    : std::to_string(out.findings.size()) + " bindings grant cluster-admin: " + out.findings.front().message;
  return out;
}
RAMPART_CHECK("5.1.1", cluster_admin_bindings);

Outcome secret_readers(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  return grants_outcome(v, query(v, {"get", "list", "watch"}, "", {"secrets"}, rbac::Scope::anywhere()),
                        "no subject outside the bootstrap defaults can read Secrets");
}
RAMPART_CHECK("5.1.2", secret_readers);

Outcome wildcard_roles(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome out;
  auto has_star = [](const std::vector<std::string>& l) { return std::find(l.begin(), l.end(), "*") != l.end(); };
  for (const auto& r : v.inv.roles) {
    if (rbac::is_bootstrap(r.meta)) continue;
    std::vector<std::string> where;
    for (const auto& rule : r.rules) {
      if (has_star(rule.verbs)) where.push_back("verbs");
      if (has_star(rule.api_groups)) where.push_back("apiGroups");
      if (has_star(rule.resources)) where.push_back("resources");
      if (has_star(rule.non_resource_urls)) where.push_back("nonResourceURLs");
    }
    if (where.empty()) continue;
    std::sort(where.begin(), where.end());
    where.erase(std::unique(where.begin(), where.end()), where.end());
    Finding f;
    f.resource = ref(r.cluster_scoped ? "ClusterRole" : "Role", r.meta.namespace_, r.meta.name);
    auto bindings = v.rbac.bindings_of(r);
    std::vector<std::string> to;
    for (const auto* b : bindings)
      for (const auto& s : b->subjects) to.push_back(describe_subject(s) + " (" + describe_binding(*b) + ")");
    std::sort(to.begin(), to.end());
    f.message = "\"*\" in " + join(where) + (to.empty() ? " (not bound)" : "; bound to " + std::to_string(to.size()) + " subjects");
    f.evidence.push_back(api("bound to", to.empty() ? "nothing" : join(to)));
    if (to.empty()) {
      f.severity = Severity::kLow;
      f.tags.push_back("unbound");
    }
    out.findings.push_back(std::move(f));
  }
  out.status = out.findings.empty() ? Status::kPass : Status::kFail;
  out.reason = out.findings.empty() ? "no role outside the bootstrap defaults uses \"*\""
                                    : std::to_string(out.findings.size()) + " roles use \"*\"";
  return out;
}
RAMPART_CHECK("5.1.3", wildcard_roles);

Outcome pod_creators(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome direct = grants_outcome(v, query(v, {"create"}, "", {"pods"}, rbac::Scope::anywhere()), "");
  std::vector<Hit> indirect = query(v, {"create", "update", "patch"}, "apps", {"deployments", "replicasets", "statefulsets", "daemonsets"},
                                    rbac::Scope::anywhere());
  merge_hits(indirect, query(v, {"create", "update", "patch"}, "batch", {"jobs", "cronjobs"}, rbac::Scope::anywhere()));
  merge_hits(indirect, query(v, {"create", "update", "patch"}, "", {"replicationcontrollers"}, rbac::Scope::anywhere()));
  Outcome ind = grants_outcome(v, indirect, "", "indirect");
  Outcome out;
  out.findings = std::move(direct.findings);
  out.findings.insert(out.findings.end(), ind.findings.begin(), ind.findings.end());
  out.evidence = std::move(direct.evidence);
  out.evidence.insert(out.evidence.end(), ind.evidence.begin(), ind.evidence.end());
  out.status = out.findings.empty() ? Status::kPass : Status::kFail;
  out.reason = out.findings.empty() ? "no subject outside the bootstrap defaults can create pods, directly or through controllers"
                                    : std::to_string(out.findings.size()) + " grants allow creating pods (directly or through controllers)";
  return out;
}
RAMPART_CHECK("5.1.4", pod_creators);

Outcome default_sa_unused(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  if (auto e = require(v, {ResourceType::kServiceAccounts})) return *e;
  std::vector<Finding> findings;
  for (const auto& sa : v.inv.service_accounts) {
    if (sa.meta.name != "default" || v.facts.is_excluded_namespace(sa.meta.namespace_)) continue;
    Finding f{Status::kPass, ref("ServiceAccount", sa.meta.namespace_, "default"), "", {}, {}, {}, {}};
    std::vector<std::string> problems;
    if (sa.automount_service_account_token != false) {
      problems.push_back(sa.automount_service_account_token ? "automountServiceAccountToken is true"
                                                            : "automountServiceAccountToken is not set (defaults to true)");
      f.evidence.push_back(api("automountServiceAccountToken", sa.automount_service_account_token ? "true" : "(unset)"));
    }
    collect::Subject as_subject{"ServiceAccount", "default", sa.meta.namespace_, ""};
    for (const auto* b : v.rbac.bindings_for(rbac::service_account_identity(sa.meta.namespace_, "default"))) {
      const collect::Role* role = v.rbac.role_of(*b);
      if (rbac::is_bootstrap(b->meta) && role && rbac::is_bootstrap(role->meta)) continue;
      // system:authenticated reaches every identity, not the default SA in particular.
      bool names_it = std::any_of(b->subjects.begin(), b->subjects.end(), [&](const collect::Subject& s) {
        return (s.kind == "ServiceAccount" && s.name == "default" && (s.namespace_.empty() ? b->meta.namespace_ : s.namespace_) == sa.meta.namespace_) ||
               (s.kind == "Group" && (s.name == "system:serviceaccounts" || s.name == "system:serviceaccounts:" + sa.meta.namespace_));
      });
      if (!names_it) continue;
      problems.push_back("bound by " + describe_binding(*b) + " to " + b->role_ref.kind + " " + b->role_ref.name);
      f.evidence.push_back(api(describe_binding(*b), "roleRef " + b->role_ref.kind + " " + b->role_ref.name));
    }
    if (!problems.empty()) {
      f.status = Status::kFail;
      f.message = join(problems, "; ");
    }
    findings.push_back(std::move(f));
  }
  if (findings.empty()) return Outcome{Status::kSkip, "no default ServiceAccounts found", {}, {}, {}, {}};
  return fold(std::move(findings), "default service accounts");
}
RAMPART_CHECK("5.1.5", default_sa_unused);

Outcome token_automount(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kPods, ResourceType::kServiceAccounts})) return *e;
  std::vector<Finding> findings;
  std::map<std::string, bool> unbound;  // ServiceAccount -> has no bindings of its own
  std::vector<Evidence> own;
  size_t checked = 0;
  for (const auto& p : v.inv.pods) {
    if (p.mirror || v.facts.is_excluded_namespace(p.meta.namespace_)) continue;
    ++checked;
    const auto* sa = v.facts.find_service_account(p.meta.namespace_, p.service_account);
    bool automount = true;
    std::string why = "default";
    if (p.automount_service_account_token) {
      automount = *p.automount_service_account_token;
      why = "pod spec";
    } else if (sa && sa->automount_service_account_token) {
      automount = *sa->automount_service_account_token;
      why = "ServiceAccount " + p.service_account;
    }
    if (!automount) continue;
    if (is_scanner_service_account(v, p.meta.namespace_, p.service_account)) {
      // rampart's own pod reads the API with this token: the one pod that must mount it.
      own.push_back(api("the scanner's own pod (exempt)", "pod " + p.meta.namespace_ + "/" + p.meta.name +
                                                              " mounts the token of ServiceAccount " + p.service_account +
                                                              ", which this scan authenticated as"));
      continue;
    }
    Finding f;
    f.status = v.facts.is_system_namespace(p.meta.namespace_) ? Status::kWarn : Status::kFail;
    f.resource = pod_ref(p);
    f.message = "mounts the token of ServiceAccount " + p.service_account + " (automount from " + why + ")";
    for (const auto& vol : p.volumes)
      if (vol.name.starts_with("kube-api-access-")) f.evidence.push_back(api("volume " + vol.name, vol.type));
    std::string sa_key = p.meta.namespace_ + "/" + p.service_account;
    auto known = unbound.find(sa_key);
    if (known == unbound.end()) {  // once per service account, not once per pod
      auto bindings = v.rbac.bindings_for(rbac::service_account_identity(p.meta.namespace_, p.service_account));
      known = unbound.emplace(sa_key, std::all_of(bindings.begin(), bindings.end(),
                                                  [](const collect::Binding* b) { return rbac::is_bootstrap(b->meta); }))
                  .first;
    }
    if (known->second)
      f.evidence.push_back(api("hint", "ServiceAccount " + p.service_account + " has no bindings of its own: the token is likely unused"));
    findings.push_back(std::move(f));
  }
  Outcome out = findings.empty()
                    ? Outcome{checked ? Status::kPass : Status::kSkip,
                              checked ? "no pod mounts a service-account token it did not opt into" : "no pods", {}, {}, {}, {}}
                    : fold(std::move(findings), "pods");
  if (!own.empty() && out.status == Status::kPass)
    out.reason += " (" + std::to_string(own.size()) + (own.size() == 1 ? " pod" : " pods") + " of the scanner itself exempt)";
  out.evidence.insert(out.evidence.end(), own.begin(), own.end());
  return out;
}
RAMPART_CHECK("5.1.6", token_automount);

// CSRs asking for O=system:masters. Approved or pending, the request is the finding: an approved
// one may already be a certificate (the signer issues asynchronously), a pending one is an
// approval away. Denied and failed ones are only evidence. Returns false when the CSRs could not
// be read, which keeps the check from ending MANUAL as if none existed.
bool masters_csrs(const ScanView& v, Outcome& out) {
  const auto& status = v.inv.status_of(ResourceType::kCertificateSigningRequests);
  if (status.state == collect::CollectStatus::State::kNotServed) {
    out.evidence.push_back(api("CertificateSigningRequests", "certificates.k8s.io/v1 is not served: there are none"));
    return true;
  }
  if (!status.ok()) {
    out.evidence.push_back(api("CertificateSigningRequests", describe_status(ResourceType::kCertificateSigningRequests, status)));
    return false;
  }
  size_t decoded = 0;
  for (const auto& csr : v.inv.csrs) {
    auto r = ref("CertificateSigningRequest", "", csr.meta.name);
    if (!csr.request_error.empty()) {
      // The API server parses a request before storing it: one that does not decode here could
      // hide any subject.
      out.findings.push_back(Finding{Status::kError, r, "its request could not be decoded: " + csr.request_error, {}, {}, {}, {}});
      continue;
    }
    ++decoded;
    const auto& orgs = csr.subject_organizations;
    if (std::find(orgs.begin(), orgs.end(), "system:masters") == orgs.end()) continue;
    std::string state = csr.has_condition("Denied")   ? "denied"
                        : csr.has_condition("Failed") ? "failed"
                        : csr.has_condition("Approved") ? (csr.issued ? "approved, certificate issued" : "approved")
                                                        : "pending";
    std::string subject = "CN=" + csr.subject_common_name + ", O=" + join(orgs, ", O=");
    std::vector<Evidence> ev = {api("spec.request subject", subject), api("spec.signerName", csr.signer_name),
                                api("spec.username", csr.username), api("status", state)};
    if (state == "denied" || state == "failed") {
      out.evidence.push_back(api("CertificateSigningRequest " + csr.meta.name, subject + " (" + state + ")"));
      continue;
    }
    out.findings.push_back(Finding{Status::kFail, r, "requests a certificate in O=system:masters (" + state + ", signer " + csr.signer_name + ")",
                                   std::move(ev), {}, {}, {}});
  }
  out.evidence.push_back(api("CertificateSigningRequests", std::to_string(v.inv.csrs.size()) + " read, " + std::to_string(decoded) +
                                                               " subjects decoded; certificates signed off-cluster with the CA are invisible"));
  return true;
}

Outcome system_masters(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome out;
  for (const auto& b : v.inv.bindings) {
    bool bootstrap_admin = b.cluster_scoped && b.meta.name == "cluster-admin" && rbac::is_bootstrap(b.meta);
    for (const auto& s : b.subjects) {
      if (s.kind != "Group" || s.name != "system:masters") continue;
      if (bootstrap_admin) continue;
      out.findings.push_back(Finding{Status::kFail, ref(b.cluster_scoped ? "ClusterRoleBinding" : "RoleBinding", b.meta.namespace_, b.meta.name),
                                     "binds Group system:masters", {api(describe_binding(b), "roleRef " + b.role_ref.name)}, {}, {}, {}});
    }
  }
  for (const auto* c : v.facts.components(kApiServer)) {
    collect::Flags flags = effective_flags(*c);
    auto disabled = FlagReader{flags}.list("disable-admission-plugins");
    if (std::find(disabled.begin(), disabled.end(), "CertificateSubjectRestriction") != disabled.end())
      out.findings.push_back(Finding{Status::kFail, c->pod, "CertificateSubjectRestriction is disabled: CSRs for system:masters can be signed",
                                     {flag_evidence(kApiServer, "disable-admission-plugins", FlagReader{flags})}, {}, {}, {}});
  }
  if (std::find(v.opts.self_cert_organizations.begin(), v.opts.self_cert_organizations.end(), "system:masters") !=
      v.opts.self_cert_organizations.end())
    out.findings.push_back(Finding{Status::kWarn, ref("User", "", v.opts.self ? v.opts.self->user : "rampart"),
                                   "rampart itself authenticated with a client certificate in O=system:masters", {}, {}, {"self"}, {}});
  bool csrs_read = masters_csrs(v, out);
  auto first = [&](Status s) {
    return std::find_if(out.findings.begin(), out.findings.end(), [&](const Finding& f) { return f.status == s; });
  };
  if (auto f = first(Status::kFail); f != out.findings.end()) {
    out.status = Status::kFail;
    out.reason = f->message;
  } else if (auto e = first(Status::kError); e != out.findings.end()) {
    out.status = Status::kError;
    out.reason = "CertificateSigningRequest " + e->resource.name + ": " + e->message;
  } else if (!csrs_read) {
    out.status = Status::kError;
    out.reason = "no binding or flag uses system:masters, but " +
                 describe_status(ResourceType::kCertificateSigningRequests, v.inv.status_of(ResourceType::kCertificateSigningRequests));
  } else if (!out.findings.empty()) {
    out.status = Status::kWarn;
    out.reason = out.findings.front().message;
  } else {
    out.status = Status::kManual;
    out.reason = "no binding, flag or CertificateSigningRequest uses system:masters; certificates issued with O=system:masters outside "
                 "the cluster cannot be seen";
  }
  return out;
}
RAMPART_CHECK("5.1.7", system_masters);

Outcome escalation_verbs(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  auto hits = query(v, {"bind", "escalate"}, "rbac.authorization.k8s.io", {"roles", "clusterroles"}, rbac::Scope::anywhere());
  // Impersonation is its own finding: merging it with bind/escalate would read as "impersonate roles".
  auto impersonate = query(v, {"impersonate"}, "", {"users", "groups", "serviceaccounts"}, rbac::Scope::anywhere());
  merge_hits(impersonate, query(v, {"impersonate"}, "authentication.k8s.io", {"uids", "userextras"}, rbac::Scope::anywhere()));
  hits.insert(hits.end(), impersonate.begin(), impersonate.end());
  return grants_outcome(v, hits, "no subject outside the bootstrap defaults can bind, escalate or impersonate");
}
RAMPART_CHECK("5.1.8", escalation_verbs);

Outcome pv_creators(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  return grants_outcome(v, query(v, {"create"}, "", {"persistentvolumes"}, rbac::Scope::cluster_wide()),
                        "no subject outside the bootstrap defaults can create PersistentVolumes");
}
RAMPART_CHECK("5.1.9", pv_creators);

Outcome node_proxy(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  return grants_outcome(v, query(v, {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy"}, "",
                                 {"nodes/proxy"}, rbac::Scope::cluster_wide()),
                        "no subject outside the bootstrap defaults can use nodes/proxy");
}
RAMPART_CHECK("5.1.10", node_proxy);

Outcome csr_approvers(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome out = grants_outcome(v, query(v, {"update", "patch"}, "certificates.k8s.io", {"certificatesigningrequests/approval"},
                                        rbac::Scope::cluster_wide()),
                               "no subject outside the bootstrap defaults can approve CSRs");
  // Critical when the same subject may also approve for the kube-apiserver-client signer.
  std::set<std::string> signers;
  for (const auto& g : v.rbac.who_can("approve", "certificates.k8s.io", "signers", rbac::Scope::cluster_wide())) {
    bool covers = g.rule && (g.rule->resource_names.empty() ||
                             std::any_of(g.rule->resource_names.begin(), g.rule->resource_names.end(), [](const std::string& n) {
                               return n == "kubernetes.io/kube-apiserver-client" || n == "kubernetes.io/*";
                             }));
    if (covers) signers.insert(describe_subject(g.subject));
  }
  for (auto& f : out.findings) {
    std::string who = f.resource.kind == "ServiceAccount" ? "ServiceAccount " + f.resource.namespace_ + "/" + f.resource.name
                                                          : f.resource.kind + " " + f.resource.name;
    if (signers.count(who)) {
      f.severity = Severity::kCritical;
      f.tags.push_back("can-sign-client-certs");
      f.evidence.push_back(api("signers", "also has approve on kubernetes.io/kube-apiserver-client"));
    }
  }
  return out;
}
RAMPART_CHECK("5.1.11", csr_approvers);

Outcome admission_writers(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  return grants_outcome(v,
                        query(v, kWriteVerbs, "admissionregistration.k8s.io",
                              {"validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies",
                               "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"},
                              rbac::Scope::cluster_wide()),
                        "no subject outside the bootstrap defaults can change admission webhooks or policies");
}
RAMPART_CHECK("5.1.12", admission_writers);

Outcome token_creators(const ScanView& v) {
  if (auto e = require_rbac(v)) return *e;
  Outcome out = grants_outcome(v, query(v, {"create"}, "", {"serviceaccounts/token"}, rbac::Scope::anywhere()),
                               "no subject outside the bootstrap defaults can create service-account tokens");
  size_t secret_creators = 0;
  for (const auto& h : query(v, {"create"}, "", {"secrets"}, rbac::Scope::anywhere()))
    if (!h.grant.bootstrap) ++secret_creators;
  if (secret_creators)
    out.evidence.push_back(api("related: create secrets", std::to_string(secret_creators) +
                                                              " non-bootstrap grants (a legacy token Secret can still be requested)"));
  return out;
}
RAMPART_CHECK("5.1.13", token_creators);

}  // namespace
}  // namespace rampart::checks
