// Controls that can only be settled by a person (files on nodes, intent): they always end as
// MANUAL, with what to inspect from the catalog and whatever remote evidence helps.
#include <set>

#include "common.h"

namespace rampart::checks {
namespace {

using namespace detail;

Outcome manual(const ScanView& v, std::vector<Evidence> evidence = {}) {
  Outcome out;
  out.status = Status::kManual;
  out.reason = v.entry != nullptr ? v.entry->inspect : "inspect by hand";
  out.evidence = std::move(evidence);
  return out;
}

// 1.1.x and 4.1.x without remote evidence: the catalog says which file and which mode/owner.
Outcome node_file(const ScanView& v) { return manual(v); }
RAMPART_CHECK("1.1.1", node_file);
RAMPART_CHECK("1.1.2", node_file);
RAMPART_CHECK("1.1.3", node_file);
RAMPART_CHECK("1.1.4", node_file);
RAMPART_CHECK("1.1.5", node_file);
RAMPART_CHECK("1.1.6", node_file);
RAMPART_CHECK("1.1.7", node_file);
RAMPART_CHECK("1.1.8", node_file);
RAMPART_CHECK("1.1.9", node_file);
RAMPART_CHECK("1.1.10", node_file);
RAMPART_CHECK("1.1.13", node_file);
RAMPART_CHECK("1.1.14", node_file);
RAMPART_CHECK("1.1.15", node_file);
RAMPART_CHECK("1.1.16", node_file);
RAMPART_CHECK("1.1.17", node_file);
RAMPART_CHECK("1.1.18", node_file);
RAMPART_CHECK("1.1.19", node_file);
RAMPART_CHECK("1.1.20", node_file);
RAMPART_CHECK("1.1.21", node_file);
RAMPART_CHECK("3.2.2", node_file);
RAMPART_CHECK("4.1.1", node_file);
RAMPART_CHECK("4.1.2", node_file);
RAMPART_CHECK("4.1.3", node_file);
RAMPART_CHECK("4.1.4", node_file);
RAMPART_CHECK("4.1.5", node_file);
RAMPART_CHECK("4.1.6", node_file);
RAMPART_CHECK("4.1.9", node_file);
RAMPART_CHECK("4.1.10", node_file);

// 1.1.11 / 1.1.12: the etcd data directory comes from its --data-dir.
Outcome etcd_data_dir(const ScanView& v) {
  std::vector<Evidence> ev;
  for (const auto* c : v.facts.components(kEtcd)) {
    collect::Flags flags = effective_flags(*c);
    auto dir = FlagReader{flags}.value("data-dir");
    ev.push_back(Evidence{"flags", c->pod.name + ": etcd --data-dir",
                          dir ? *dir : "(absent: etcd defaults to ${name}.etcd in its working directory)"});
  }
  if (ev.empty()) ev.push_back(Evidence{"flags", "etcd --data-dir", "no etcd mirror pod visible (kubeadm: /var/lib/etcd)"});
  return manual(v, std::move(ev));
}
RAMPART_CHECK("1.1.11", etcd_data_dir);
RAMPART_CHECK("1.1.12", etcd_data_dir);

// 4.1.7 / 4.1.8: the client CA file path comes from each kubelet's configz.
Outcome kubelet_client_ca_file(const ScanView& v) {
  std::vector<Evidence> ev;
  for (const auto& n : v.inv.nodes) {
    if (n.kubelet.state != collect::KubeletConfig::State::kOk) {
      ev.push_back(Evidence{"kubelet", n.meta.name + ": authentication.x509.clientCAFile", "(configz not read)"});
      continue;
    }
    ev.push_back(Evidence{"kubelet", n.meta.name + ": authentication.x509.clientCAFile",
                          json_text(at_path(n.kubelet.config, "authentication.x509.clientCAFile"))});
  }
  return manual(v, std::move(ev));
}
RAMPART_CHECK("4.1.7", kubelet_client_ca_file);
RAMPART_CHECK("4.1.8", kubelet_client_ca_file);

// 3.1.1: people with client certificates. Evidence: User subjects outside bootstrap bindings.
Outcome client_cert_people(const ScanView& v) {
  std::vector<Evidence> ev;
  std::set<std::string> users;
  for (const auto& b : v.inv.bindings) {
    if (rbac::is_bootstrap(b.meta)) continue;
    for (const auto& s : b.subjects)
      if (s.kind == "User") users.insert(s.name + " (" + (b.cluster_scoped ? "ClusterRoleBinding " : "RoleBinding " + b.meta.namespace_ + "/") + b.meta.name + ")");
  }
  for (const auto& u : users) ev.push_back(api("User subject", u));
  if (!v.opts.self_cert_organizations.empty())
    ev.push_back(Evidence{"api", "rampart's own credential", "a client certificate (O=" + join(v.opts.self_cert_organizations, ",") + ")"});
  ev.push_back(api("CertificateSigningRequests", "not collected: review approved kubernetes.io/kube-apiserver-client CSRs"));
  return manual(v, std::move(ev));
}
RAMPART_CHECK("3.1.1", client_cert_people);

// 3.1.2: long-lived service-account token Secrets (metadata only).
Outcome sa_token_people(const ScanView& v) {
  if (auto e = require(v, {ResourceType::kSecrets})) {
    Outcome out = manual(v);
    out.evidence.push_back(api("service-account token Secrets", e->reason));
    return out;
  }
  std::vector<Evidence> ev;
  size_t total = 0;
  for (const auto& s : v.inv.secrets) {
    if (s.type != "kubernetes.io/service-account-token") continue;
    ++total;
    auto used = s.meta.labels.find("kubernetes.io/legacy-token-last-used");
    ev.push_back(api("Secret " + s.meta.namespace_ + "/" + s.meta.name,
                     "service-account token" + (used != s.meta.labels.end() ? ", last used " + used->second : std::string())));
  }
  if (total == 0) ev.push_back(api("service-account token Secrets", "none"));
  return manual(v, std::move(ev));
}
RAMPART_CHECK("3.1.2", sa_token_people);

// 3.1.3: bootstrap tokens.
Outcome bootstrap_token_people(const ScanView& v) {
  std::vector<Evidence> ev;
  if (auto e = require(v, {ResourceType::kSecrets})) {
    ev.push_back(api("bootstrap token Secrets", e->reason));
  } else {
    size_t n = 0;
    for (const auto& s : v.inv.secrets)
      if (s.meta.namespace_ == "kube-system" && s.type == "bootstrap.kubernetes.io/token") {
        ++n;
        ev.push_back(api("Secret kube-system/" + s.meta.name, "bootstrap token"));
      }
    if (n == 0) ev.push_back(api("bootstrap token Secrets in kube-system", "none"));
  }
  for (const auto* c : v.facts.components(kApiServer)) {
    collect::Flags flags = effective_flags(*c);
    ev.push_back(flag_evidence(kApiServer, "enable-bootstrap-token-auth", FlagReader{flags}, "(default false)"));
  }
  return manual(v, std::move(ev));
}
RAMPART_CHECK("3.1.3", bootstrap_token_people);

// 4.2.7: --hostname-override is flag-only; a node name that differs from its Hostname address
// is the visible trace.
Outcome hostname_override(const ScanView& v) {
  std::vector<Evidence> ev;
  for (const auto& n : v.inv.nodes)
    for (const auto& a : n.addresses)
      if (a.type == "Hostname" && a.address != n.meta.name)
        ev.push_back(api("Node " + n.meta.name, "name differs from its Hostname address " + a.address));
  if (ev.empty() && !v.inv.nodes.empty()) ev.push_back(api("Nodes", "every node name matches its Hostname address"));
  return manual(v, std::move(ev));
}
RAMPART_CHECK("4.2.7", hostname_override);

}  // namespace
}  // namespace rampart::checks
