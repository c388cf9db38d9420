#include "rampart/collect/api_calls.h"

#include <algorithm>
#include <stdexcept>

namespace rampart::collect {

std::string ApiCall::group_version() const { return group.empty() ? version : group + "/" + version; }

std::string ApiCall::list_path(std::string_view ns) const {
  std::string out = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) out += "/namespaces/" + std::string(ns);
  return out + "/" + resource;
}

std::string ApiCall::resource_path() const {
  return subresource.empty() ? resource : resource + "/" + subresource;
}

std::string ApiCall::object_path() const {
  if (object_name.empty()) return {};
  std::string out = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!object_namespace.empty()) out += "/namespaces/" + object_namespace;
  return out + "/" + resource + "/" + object_name;
}

const std::vector<ApiCall>& api_calls() {
  using T = ResourceType;
  static const std::vector<ApiCall> calls = {
      {T::kNamespaces, "list", "", "v1", "namespaces", "", false, false,
       "namespace labels: Pod Security admission (5.2.1), 5.3.2, 5.6.1, 5.6.4; the cluster identity "
       "(kube-system UID)", {}, {}},
      {T::kPods, "list", "", "v1", "pods", "", true, false,
       "pod security (5.2.x, 5.6.2, 5.6.3), token mounts (5.1.6), secrets in env (5.4.1), "
       "control-plane flags from mirror pods (1.2-1.4, 2.x)", {}, {}},
      {T::kServiceAccounts, "list", "", "v1", "serviceaccounts", "", true, false,
       "default service accounts and token automounting (5.1.5, 5.1.6)", {}, {}},
      {T::kRoles, "list", "rbac.authorization.k8s.io", "v1", "roles", "", true, false,
       "RBAC (5.1.x)", {}, {}},
      {T::kClusterRoles, "list", "rbac.authorization.k8s.io", "v1", "clusterroles", "", false, false,
       "RBAC (5.1.x)", {}, {}},
      {T::kRoleBindings, "list", "rbac.authorization.k8s.io", "v1", "rolebindings", "", true, false,
       "RBAC (5.1.x)", {}, {}},
      {T::kClusterRoleBindings, "list", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "",
       false, false, "RBAC (5.1.x)", {}, {}},
      {T::kNetworkPolicies, "list", "networking.k8s.io", "v1", "networkpolicies", "", true, false,
       "network policies per namespace (5.3.2)", {}, {}},
      {T::kSecrets, "list", "", "v1", "secrets", "", true, true,
       "secret metadata (type, key count; never values): 5.6.4, secret inventory", {}, {}},
      {T::kNodes, "list", "", "v1", "nodes", "", false, false,
       "nodes: kubelet probe targets and versions (4.x), the node list configz is read for", {}, {}},
      {T::kValidatingWebhooks, "list", "admissionregistration.k8s.io", "v1",
       "validatingwebhookconfigurations", "", false, false,
       "admission engines (5.2.1, 5.5.1)", {}, {}},
      {T::kMutatingWebhooks, "list", "admissionregistration.k8s.io", "v1",
       "mutatingwebhookconfigurations", "", false, false, "admission engines (5.2.1, 5.5.1)", {}, {}},
      {T::kValidatingAdmissionPolicies, "list", "admissionregistration.k8s.io", "v1",
       "validatingadmissionpolicies", "", false, false,
       "in-process admission policies (CEL) that can guard pods (5.2.1)", {}, {}},
      {T::kValidatingAdmissionPolicyBindings, "list", "admissionregistration.k8s.io", "v1",
       "validatingadmissionpolicybindings", "", false, false,
       "which admission policies are bound and deny (5.2.1)", {}, {}},
      {T::kCertificateSigningRequests, "list", "certificates.k8s.io", "v1", "certificatesigningrequests", "",
       false, false,
       "certificate requests for O=system:masters (5.1.7); only their subjects are kept", {}, {}},
      {T::kServices, "list", "", "v1", "services", "", true, false,
       "Services in namespace default (5.6.4)", "default", {}},
      {T::kDaemonSets, "list", "apps", "v1", "daemonsets", "", true, false,
       "CNI and agent detection (5.3.1)", {}, {}},
      {T::kDeployments, "list", "apps", "v1", "deployments", "", true, false,
       "policy engines and secret stores (5.2.1, 5.4.2)", {}, {}},
      {T::kCustomResourceDefinitions, "list", "apiextensions.k8s.io", "v1",
       "customresourcedefinitions", "", false, false,
       "policy engines and external secret stores by their CRDs (5.2.1, 5.4.2)", {}, {}},
      {T::kKubeletConfig, "get", "", "v1", "nodes", "proxy", false, true,
       "each kubelet's configuration through /api/v1/nodes/NAME/proxy/configz (4.2.x)", {}, {}},
      {T::kKubeProxyConfig, "get", "", "v1", "configmaps", "", true, false,
       "kube-proxy's configuration (metricsBindAddress) from ConfigMap kube-system/kube-proxy (4.3.1)",
       "kube-system", "kube-proxy"},
  };
  return calls;
}

const ApiCall& api_call(ResourceType type) {
  for (const auto& c : api_calls())
    if (c.type == type) return c;
  throw std::logic_error("no API call for a resource type");  // a bug: the table is complete
}

std::vector<PolicyRule> cluster_role_rules(bool optional) {
  std::vector<PolicyRule> rules;
  for (const ApiCall& call : api_calls()) {
    if (call.optional != optional) continue;
    std::vector<std::string> names;
    if (!call.object_name.empty()) names.push_back(call.object_name);
    auto it = std::find_if(rules.begin(), rules.end(), [&](const PolicyRule& r) {
      return r.api_groups.front() == call.group && r.verbs.front() == call.verb && r.resource_names == names;
    });
    if (it == rules.end()) {
      rules.push_back(PolicyRule{{call.verb}, {call.group}, {}, names, {}});
      it = rules.end() - 1;
    }
    it->resources.push_back(call.resource_path());
  }
  return rules;
}

}  // namespace rampart::collect
