#include <catch2/catch.hpp>

#include "../support/fixtures.h"
#include "rampart/collect/control_plane.h"
#include "rampart/collect/inventory_json.h"
#include "rampart/collect/parse.h"

using namespace rampart;
using namespace rampart::collect;
using nlohmann::json;

namespace {

using testing::load_object;
auto load = [](const std::string& name) { return load_object(name); };

// An inventory touching every value type, optional fields set and unset.
Inventory sample() {
  Inventory inv;
  add_object(inv, load("pod-mixed.json"));
  add_object(inv, load("control-plane-pods.json"));
  add_object(inv, load("secret-with-last-applied.json"));
  add_object(inv, json{{"kind", "NetworkPolicy"},
                       {"metadata", {{"name", "np"}, {"namespace", "shop"}}},
                       {"spec",
                        {{"podSelector", {{"matchExpressions", {{{"key", "a"}, {"operator", "In"}, {"values", {"x"}}}}}}},
                         {"ingress", {{{"from", {{{"ipBlock", {{"cidr", "10.0.0.0/8"}, {"except", {"10.1.0.0/16"}}}}}}},
                                       {"ports", {{{"port", 443}, {"endPort", 445}}}}}}},
                         {"egress", {{{"to", {{{"namespaceSelector", json::object()}}}}}}}}}});
  add_object(inv, json{{"kind", "ClusterRole"},
                       {"metadata", {{"name", "agg"}}},
                       {"rules", {{{"verbs", {"get"}}, {"nonResourceURLs", {"/healthz"}}}}},
                       {"aggregationRule", {{"clusterRoleSelectors", {{{"matchLabels", {{"x", "y"}}}}}}}}});
  add_object(inv, json{{"kind", "ClusterRoleBinding"},
                       {"metadata", {{"name", "b"}}},
                       {"roleRef", {{"kind", "ClusterRole"}, {"name", "agg"}}},
                       {"subjects", {{{"kind", "ServiceAccount"}, {"name", "d"}, {"namespace", "shop"}}}}});
  add_object(inv, json{{"kind", "ServiceAccount"}, {"metadata", {{"name", "d"}}}, {"automountServiceAccountToken", false}});
  add_object(inv, json{{"kind", "Node"},
                       {"metadata", {{"name", "n1"}, {"labels", {{"node-role.kubernetes.io/control-plane", ""}}}}},
                       {"spec", {{"taints", {{{"key", "k"}, {"effect", "NoSchedule"}}}}}},
                       {"status", {{"addresses", {{{"type", "InternalIP"}, {"address", "10.0.0.1"}}}}}}});
  inv.nodes[0].kubelet.state = KubeletConfig::State::kOk;
  inv.nodes[0].kubelet.config = {{"readOnlyPort", 0}, {"authentication", {{"anonymous", {{"enabled", false}}}}}};
  add_object(inv, json{{"kind", "ValidatingWebhookConfiguration"},
                       {"metadata", {{"name", "w"}}},
                       {"webhooks", {{{"name", "h"}, {"clientConfig", {{"service", {{"namespace", "a"}, {"name", "b"}}}}},
                                      {"rules", {{{"operations", {"CREATE"}}, {"resources", {"pods"}}}}},
                                      {"objectSelector", json::object()}}}}});
  add_object(inv, json{{"kind", "Deployment"}, {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                       {"spec", {{"template", {{"spec", {{"containers", {{{"image", "nginx"}}}}}}}}}}});
  add_object(inv, json{{"kind", "CustomResourceDefinition"}, {"metadata", {{"name", "x.example.com"}}}});
  add_object(inv, json{{"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}, {"status", {{"phase", "Active"}}}});
  add_object(inv, load("admission-policy.json"));
  add_object(inv, load("csr-system-masters.json"));
  add_object(inv, json{{"kind", "Service"}, {"metadata", {{"name", "web"}, {"namespace", "default"}}}, {"spec", {{"type", "NodePort"}}}});
  inv.secrets.push_back(SecretMeta{Meta{"t", "shop", "u", "", {}, {}, {}}, "kubernetes.io/tls", 2});
  inv.control_plane = find_control_plane(inv.pods);
  inv.identity = ClusterIdentity{"https://h:6443", "admin", "v1.32.4", "1", "32", "linux/amd64", "ks-uid", {"apps/v1", "v1"}};
  inv.status[ResourceType::kPods] = CollectStatus{CollectStatus::State::kOk, "", 0, 3, 1, 1234, 0.25};
  inv.status[ResourceType::kSecrets] =
      CollectStatus{CollectStatus::State::kForbidden, "HTTP 403 Forbidden: not allowed", 403, 0, 0, 0, 0.01};
  inv.namespace_filter = {"shop"};
  inv.excluded_namespaces = {"dev"};
  inv.kube_proxy_config = "kind: KubeProxyConfiguration\nmetricsBindAddress: 127.0.0.1:10249\n";
  inv.scanner = {"system:serviceaccount:rampart:rampart", {"system:serviceaccounts", "system:authenticated"},
                 "SelfSubjectReview", "in-cluster", {}, ""};
  return inv;
}

}  // namespace

TEST_CASE("inventory json: a round trip gives the same inventory", "[collect]") {
  Inventory inv = sample();
  REQUIRE(inv.pods.size() == 7);
  REQUIRE(inv.csrs.size() == 1);
  REQUIRE(inv.admission_policy_bindings.size() == 1);
  REQUIRE_FALSE(inv.control_plane.empty());
  json j = inv;
  CHECK(j["format"] == "rampart.inventory/v1");
  CHECK(j["status"]["secrets"]["state"] == "forbidden");
  CHECK(j["pods"][0]["meta"]["namespace"].is_string());
  auto back = inventory_from_json(json::parse(j.dump()));
  REQUIRE(back);
  CHECK(back->identity == inv.identity);
  CHECK(back->scanner == inv.scanner);
  CHECK(back->status == inv.status);
  CHECK(back->pods == inv.pods);
  CHECK(back->secrets == inv.secrets);
  CHECK(back->roles == inv.roles);
  CHECK(back->bindings == inv.bindings);
  CHECK(back->network_policies == inv.network_policies);
  CHECK(back->nodes == inv.nodes);
  CHECK(back->webhooks == inv.webhooks);
  CHECK(back->workloads == inv.workloads);
  CHECK(back->service_accounts == inv.service_accounts);
  CHECK(back->namespaces == inv.namespaces);
  CHECK(back->crds == inv.crds);
  CHECK(back->admission_policies == inv.admission_policies);
  CHECK(back->admission_policy_bindings == inv.admission_policy_bindings);
  CHECK(back->csrs == inv.csrs);
  CHECK(back->services == inv.services);
  CHECK(back->control_plane == inv.control_plane);
  CHECK(back->namespace_filter == inv.namespace_filter);
  CHECK(back->excluded_namespaces == inv.excluded_namespaces);
  CHECK(back->kube_proxy_config == inv.kube_proxy_config);
  CHECK(json(*back) == j);
}

TEST_CASE("inventory json: the streaming writer writes exactly what to_json does", "[collect]") {
  Inventory inv = sample();
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(write_inventory_json(f, inv));
  std::string written(static_cast<size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  REQUIRE(std::fread(written.data(), 1, written.size(), f) == written.size());
  std::fclose(f);
  CHECK(written == json(inv).dump(-1, ' ', false, json::error_handler_t::replace));
  Inventory empty;
  std::FILE* g = std::tmpfile();
  REQUIRE(write_inventory_json(g, empty));
  CHECK(std::ftell(g) == static_cast<long>(json(empty).dump().size()));
  std::fclose(g);
}

TEST_CASE("inventory json: unset optionals and empty fields are left out, false kept", "[collect]") {
  json j = sample();
  const json& sa = j["service_accounts"][0];
  CHECK(sa["automount_service_account_token"] == false);
  CHECK_FALSE(sa["meta"].contains("namespace"));
  CHECK_FALSE(sa["meta"].contains("labels"));
  CHECK(j["nodes"][0]["kubelet_port"] == 10250);
  CHECK(j["nodes"][0]["ready"] == false);
}

TEST_CASE("inventory json: no secret value or last-applied annotation is written", "[collect]") {
  std::string text = json(sample()).dump();
  CHECK(text.find("last-applied-configuration") == std::string::npos);
  // The fixture's value-bearing annotations hold these.
  CHECK(text.find("Q0FOQVJZ") == std::string::npos);
  CHECK(text.find("CANARY") == std::string::npos);
  CHECK(text.find("db-password") != std::string::npos);  // the name is kept
}

TEST_CASE("inventory json: bad input is one parse error, never an exception", "[collect]") {
  auto not_object = inventory_from_json(json::array());
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().kind == ErrorKind::kParse);
  auto no_format = inventory_from_json(json{{"pods", json::array()}});
  REQUIRE_FALSE(no_format);
  CHECK(no_format.error().message.find("not a rampart inventory") == 0);
  auto mistyped = inventory_from_json(json{{"format", kInventoryFormat}, {"pods", {{{"meta", 7}}}}});
  REQUIRE_FALSE(mistyped);
  CHECK(mistyped.error().message.find("malformed inventory") == 0);
  auto empty = inventory_from_json(json{{"format", kInventoryFormat}});
  REQUIRE(empty);
  CHECK(empty->pods.empty());
}
