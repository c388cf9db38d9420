#include <catch2/catch.hpp>

#include "rampart/collect/inventory_file.h"
#include "rampart/collect/whoami.h"

using namespace rampart;
using namespace rampart::collect;
using nlohmann::json;

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

TEST_CASE("inventory file: kubectl auth whoami's SelfSubjectReview names the scanner", "[collect]") {
  auto inv = parse_inventory(R"({"kind": "List", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}]}
    {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {},
     "status": {"userInfo": {"username": "system:serviceaccount:rampart:rampart", "uid": "u",
                             "groups": ["system:serviceaccounts", "system:authenticated"]}}})",
                             "t.json");
  REQUIRE(inv.has_value());
  CHECK(inv->scanner.user == "system:serviceaccount:rampart:rampart");
  CHECK(inv->scanner.groups == std::vector<std::string>{"system:serviceaccounts", "system:authenticated"});
  CHECK(inv->scanner.source == "SelfSubjectReview");
  CHECK(inv->namespaces.size() == 1);

  CHECK(parse_inventory(R"({"kind": "Namespace", "metadata": {"name": "a"}})", "t.json")->scanner.user.empty());
  auto bad = parse_inventory(R"({"kind": "SelfSubjectReview", "status": {"userInfo": {}}})", "t.json");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "SelfSubjectReview without status.userInfo.username");
  CHECK(bad.error().context == "t.json");
}

TEST_CASE("whoami: a SelfSubjectReview answer is read, a broken one is an error", "[collect]") {
  auto ok = parse_self_subject_review(json::parse(R"({"status": {"userInfo": {"username": "admin", "groups": ["system:masters", 7]}}})"));
  REQUIRE(ok);
  CHECK(ok->user == "admin");
  CHECK(ok->groups == std::vector<std::string>{"system:masters"});
  CHECK(parse_self_subject_review(json::parse(R"({"status": {}})")).error().message == "SelfSubjectReview without status.userInfo");
  CHECK_FALSE(parse_self_subject_review(json::parse(R"({"status": {"userInfo": {"username": ""}}})")));
  CHECK_FALSE(parse_self_subject_review(json::parse("[]")));
  CHECK(self_subject_review_body()["apiVersion"] == "authentication.k8s.io/v1");
}
