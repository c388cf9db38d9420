#include "rampart/collect/inventory_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "rampart/collect/parse.h"
#include "rampart/collect/whoami.h"

namespace rampart::collect {
namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The kinds parse.h does not know: handled here, the rest goes to add_object.
void add_item(Inventory& inv, const json& obj, std::map<std::string, KubeletConfig>& configz) {
  if (!obj.is_object()) return;
  std::string kind = text_of(obj, "kind");
  if ((kind == "List" || (kind.size() > 4 && kind.ends_with("List"))) && obj.contains("items")) {
    std::string item_kind = kind == "List" ? "" : kind.substr(0, kind.size() - 4);
    for (const auto& item : obj["items"]) {
      if (item.is_object() && !item.contains("kind") && !item_kind.empty()) {
        json copy = item;
        copy["kind"] = item_kind;
        add_item(inv, copy, configz);
      } else {
        add_item(inv, item, configz);
      }
    }
    return;
  }
  const json meta = obj.contains("metadata") ? obj["metadata"] : json::object();
  if (kind == "KubeletConfigz") {
    KubeletConfig k;
    if (obj.value("forbidden", false)) {
      k.state = KubeletConfig::State::kForbidden;
      k.error = text_of(obj, "error").empty() ? "HTTP 403" : text_of(obj, "error");
    } else if (!text_of(obj, "error").empty()) {
      k.state = KubeletConfig::State::kError;
      k.error = text_of(obj, "error");
    } else if (obj.contains("kubeletconfig") && obj["kubeletconfig"].is_object()) {
      k.state = KubeletConfig::State::kOk;
      k.config = obj["kubeletconfig"];
    } else {
      k.state = KubeletConfig::State::kError;
      k.error = "KubeletConfigz item without kubeletconfig";
    }
    configz[text_of(meta, "name")] = std::move(k);
  } else if (kind == "ServerVersion") {
    inv.identity.git_version = text_of(obj, "gitVersion");
    inv.identity.major = text_of(obj, "major");
    inv.identity.minor = text_of(obj, "minor");
    inv.identity.platform = text_of(obj, "platform");
    if (!text_of(obj, "server").empty()) inv.identity.server = text_of(obj, "server");
    if (!text_of(obj, "context").empty()) inv.identity.context = text_of(obj, "context");
  } else if (kind == "SelfSubjectReview") {  // kubectl auth whoami -o json: who collected the dump
    auto scanner = parse_self_subject_review(obj);
    if (!scanner) throw std::runtime_error(scanner.error().message);
    inv.scanner = std::move(*scanner);
  } else if (kind == "ConfigMap") {
    if (text_of(meta, "namespace") == "kube-system" && text_of(meta, "name") == "kube-proxy" && obj.contains("data") &&
        obj["data"].is_object())
      inv.kube_proxy_config = text_of(obj["data"], "config.conf");
  } else {
    if (kind == "Namespace" && text_of(meta, "name") == "kube-system") inv.identity.kube_system_uid = text_of(meta, "uid");
    add_object(inv, obj);
  }
}

}  // namespace

Result<ResourceType> resource_type_from_name(const std::string& name) {
  for (auto t : all_resource_types())
    if (name == to_string(t)) return t;
  std::string known;
  for (auto t : all_resource_types()) known += std::string(known.empty() ? "" : ", ") + to_string(t);
  return fail(ErrorKind::kUsage, "unknown resource type '" + name + "' (known: " + known + ")");
}

Result<Inventory> parse_inventory(const std::string& text, const std::string& name, const std::vector<std::string>& collected) {
  Inventory inv;
  std::map<std::string, KubeletConfig> configz;
  try {
    // Several JSON documents may follow each other (e.g. several kubectl outputs concatenated).
    std::istringstream in(text);
    size_t docs = 0;
    while (true) {
      in >> std::ws;
      if (in.peek() == std::char_traits<char>::eof()) break;
      json doc;
      in >> doc;  // not strict: another document may follow
      add_item(inv, doc, configz);
      ++docs;
    }
    if (docs == 0) return fail(ErrorKind::kParse, "no JSON document in the inventory", name);
  } catch (const json::exception& e) {
    return fail(ErrorKind::kParse, std::string("not valid inventory JSON: ") + e.what(), name);
  } catch (const std::runtime_error& e) {
    return fail(ErrorKind::kParse, e.what(), name);
  }
  for (auto& node : inv.nodes) {
    auto it = configz.find(node.meta.name);
    if (it != configz.end()) node.kubelet = it->second;
  }
  auto mark = [&](ResourceType t, size_t count) {
    if (count == 0) return;
    auto& s = inv.status[t];
    s.state = CollectStatus::State::kOk;
    s.count = count;
  };
  size_t roles = 0, cluster_roles = 0, rbs = 0, crbs = 0, vwh = 0, mwh = 0, ds = 0, deploys = 0;
  for (const auto& r : inv.roles) (r.cluster_scoped ? cluster_roles : roles)++;
  for (const auto& b : inv.bindings) (b.cluster_scoped ? crbs : rbs)++;
  for (const auto& w : inv.webhooks) (w.mutating ? mwh : vwh)++;
  for (const auto& w : inv.workloads) {
    if (w.kind == "DaemonSet") ++ds;
    if (w.kind == "Deployment") ++deploys;
  }
  mark(ResourceType::kNamespaces, inv.namespaces.size());
  mark(ResourceType::kPods, inv.pods.size());
  mark(ResourceType::kServiceAccounts, inv.service_accounts.size());
  mark(ResourceType::kRoles, roles);
  mark(ResourceType::kClusterRoles, cluster_roles);
  mark(ResourceType::kRoleBindings, rbs);
  mark(ResourceType::kClusterRoleBindings, crbs);
  mark(ResourceType::kNetworkPolicies, inv.network_policies.size());
  mark(ResourceType::kSecrets, inv.secrets.size());
  mark(ResourceType::kNodes, inv.nodes.size());
  mark(ResourceType::kValidatingWebhooks, vwh);
  mark(ResourceType::kMutatingWebhooks, mwh);
  mark(ResourceType::kValidatingAdmissionPolicies, inv.admission_policies.size());
  mark(ResourceType::kValidatingAdmissionPolicyBindings, inv.admission_policy_bindings.size());
  mark(ResourceType::kCertificateSigningRequests, inv.csrs.size());
  mark(ResourceType::kServices, inv.services.size());
  mark(ResourceType::kDaemonSets, ds);
  mark(ResourceType::kDeployments, deploys);
  mark(ResourceType::kCustomResourceDefinitions, inv.crds.size());
  size_t configz_ok = 0;
  for (const auto& [n, k] : configz) configz_ok += k.state == KubeletConfig::State::kOk;
  mark(ResourceType::kKubeletConfig, configz_ok);
  mark(ResourceType::kKubeProxyConfig, inv.kube_proxy_config ? 1 : 0);
  for (const auto& c : collected) {
    auto t = resource_type_from_name(c);
    if (!t) return tl::unexpected(t.error());
    auto& s = inv.status[*t];
    s.state = CollectStatus::State::kOk;
  }
  for (auto t : all_resource_types())
    if (!inv.status_of(t).ok()) inv.status[t] = CollectStatus{CollectStatus::State::kNotRequested, "absent from the inventory file", 0, 0, 0, 0, 0};
  return inv;
}

Result<Inventory> load_inventory_file(const std::string& path, const std::vector<std::string>& collected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::kIo, "cannot open the inventory file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_inventory(ss.str(), path, collected);
}

}  // namespace rampart::collect
