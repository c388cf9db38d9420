#include "rampart/collect/inventory.h"

#include <algorithm>

namespace rampart::collect {

const char* to_string(ResourceType type) {
  switch (type) {
    case ResourceType::kNamespaces: return "namespaces";
    case ResourceType::kPods: return "pods";
    case ResourceType::kServiceAccounts: return "serviceaccounts";
    case ResourceType::kRoles: return "roles";
    case ResourceType::kClusterRoles: return "clusterroles";
    case ResourceType::kRoleBindings: return "rolebindings";
    case ResourceType::kClusterRoleBindings: return "clusterrolebindings";
    case ResourceType::kNetworkPolicies: return "networkpolicies";
    case ResourceType::kSecrets: return "secrets";
    case ResourceType::kNodes: return "nodes";
    case ResourceType::kValidatingWebhooks: return "validatingwebhookconfigurations";
    case ResourceType::kMutatingWebhooks: return "mutatingwebhookconfigurations";
    case ResourceType::kValidatingAdmissionPolicies: return "validatingadmissionpolicies";
    case ResourceType::kValidatingAdmissionPolicyBindings: return "validatingadmissionpolicybindings";
    case ResourceType::kCertificateSigningRequests: return "certificatesigningrequests";
    case ResourceType::kServices: return "services";
    case ResourceType::kDaemonSets: return "daemonsets";
    case ResourceType::kDeployments: return "deployments";
    case ResourceType::kCustomResourceDefinitions: return "customresourcedefinitions";
    case ResourceType::kKubeletConfig: return "nodes/proxy/configz";
    case ResourceType::kKubeProxyConfig: return "configmaps/kube-proxy";
  }
  return "unknown";
}

const std::vector<ResourceType>& all_resource_types() {
  static const std::vector<ResourceType> types = {
      ResourceType::kNamespaces,          ResourceType::kPods,
      ResourceType::kServiceAccounts,     ResourceType::kRoles,
      ResourceType::kClusterRoles,        ResourceType::kRoleBindings,
      ResourceType::kClusterRoleBindings, ResourceType::kNetworkPolicies,
      ResourceType::kSecrets,             ResourceType::kNodes,
      ResourceType::kValidatingWebhooks,  ResourceType::kMutatingWebhooks,
      ResourceType::kValidatingAdmissionPolicies, ResourceType::kValidatingAdmissionPolicyBindings,
      ResourceType::kCertificateSigningRequests, ResourceType::kServices,
      ResourceType::kDaemonSets,          ResourceType::kDeployments,
      ResourceType::kCustomResourceDefinitions, ResourceType::kKubeletConfig,
      ResourceType::kKubeProxyConfig,
  };
  return types;
}

const char* to_string(CollectStatus::State state) {
  switch (state) {
    case CollectStatus::State::kNotRequested: return "not-requested";
    case CollectStatus::State::kOk: return "ok";
    case CollectStatus::State::kForbidden: return "forbidden";
    case CollectStatus::State::kNotServed: return "not-served";
    case CollectStatus::State::kError: return "error";
  }
  return "error";
}

bool CertificateSigningRequest::has_condition(std::string_view type) const {
  return std::any_of(conditions.begin(), conditions.end(), [&](const CsrCondition& c) {
    return c.type == type && (c.status.empty() || c.status == "True");
  });
}

const CollectStatus& Inventory::status_of(ResourceType type) const {
  static const CollectStatus not_requested;
  auto it = status.find(type);
  return it == status.end() ? not_requested : it->second;
}

}  // namespace rampart::collect
