#include <catch2/catch.hpp>

#include "rampart/collect/inventory_file.h"

using namespace rampart;
using namespace rampart::collect;

TEST_CASE("inventory file: types with objects count as collected, others do not", "[collect]") {
  auto inv = parse_inventory(R"({"kind": "List", "items": [
      {"kind": "Namespace", "metadata": {"name": "kube-system", "uid": "u-1"}},
      {"kind": "Pod", "metadata": {"name": "p", "namespace": "a"}, "spec": {"containers": []}}]})",
                             "t.json", {"networkpolicies"});
  REQUIRE(inv.has_value());
  CHECK(inv->status_of(ResourceType::kNamespaces).ok());
  CHECK(inv->status_of(ResourceType::kPods).ok());
  CHECK(inv->status_of(ResourceType::kNetworkPolicies).ok());
  CHECK(inv->status_of(ResourceType::kSecrets).state == CollectStatus::State::kNotRequested);
  CHECK(inv->status_of(ResourceType::kSecrets).error == "absent from the inventory file");
  CHECK(inv->identity.kube_system_uid == "u-1");
}

TEST_CASE("inventory file: configz, server version and kube-proxy config items", "[collect]") {
  auto inv = parse_inventory(R"(
      {"kind": "NodeList", "items": [{"metadata": {"name": "n1"}}, {"metadata": {"name": "n2"}}, {"metadata": {"name": "n3"}}]}
      {"apiVersion": "rampart.dev/v1", "kind": "KubeletConfigz", "metadata": {"name": "n1"}, "kubeletconfig": {"readOnlyPort": 0}}
      {"apiVersion": "rampart.dev/v1", "kind": "KubeletConfigz", "metadata": {"name": "n2"}, "forbidden": true}
      {"apiVersion": "rampart.dev/v1", "kind": "ServerVersion", "gitVersion": "v1.35.1", "server": "https://x:6443"}
      {"kind": "ConfigMap", "metadata": {"name": "kube-proxy", "namespace": "kube-system"}, "data": {"config.conf": "metricsBindAddress: 0.0.0.0:10249"}}
  )", "t.json");
  REQUIRE(inv.has_value());
  REQUIRE(inv->nodes.size() == 3);
  CHECK(inv->nodes[0].kubelet.state == KubeletConfig::State::kOk);
  CHECK(inv->nodes[0].kubelet.config["readOnlyPort"] == 0);
  CHECK(inv->nodes[1].kubelet.state == KubeletConfig::State::kForbidden);
  CHECK(inv->nodes[2].kubelet.state == KubeletConfig::State::kNotRequested);
  CHECK(inv->status_of(ResourceType::kKubeletConfig).ok());
  CHECK(inv->identity.git_version == "v1.35.1");
  CHECK(inv->identity.server == "https://x:6443");
  CHECK(inv->kube_proxy_config == "metricsBindAddress: 0.0.0.0:10249");
  CHECK(inv->status_of(ResourceType::kKubeProxyConfig).ok());
  auto without = parse_inventory(R"({"kind": "NodeList", "items": [{"metadata": {"name": "n1"}}]})", "t.json");
  REQUIRE(without.has_value());
  CHECK_FALSE(without->kube_proxy_config);
  CHECK(without->status_of(ResourceType::kKubeProxyConfig).state == CollectStatus::State::kNotRequested);
}

TEST_CASE("inventory file: bad input is one error, never a crash", "[collect]") {
  auto bad = parse_inventory("{\"kind\": ", "t.json");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().context == "t.json");
  CHECK(bad.error().message.rfind("not valid inventory JSON", 0) == 0);
  CHECK_FALSE(parse_inventory("   ", "t.json").has_value());
  auto unknown = parse_inventory("{\"kind\": \"List\", \"items\": []}", "t.json", {"gizmos"});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message.rfind("unknown resource type 'gizmos'", 0) == 0);
  CHECK(parse_inventory("[1, 2, \"x\"]", "t.json").has_value());  // not objects: ignored
}
