#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>

#include "../support/fake_cluster.h"
#include "../support/fixtures.h"
#include "rampart/collect/api_calls.h"
#include "rampart/collect/collector.h"
#include "rampart/collect/inventory_json.h"

using namespace rampart;
using namespace rampart::collect;
using client::Request;
using client::Response;
using nlohmann::json;
using testing::FakeCluster;
using testing::object;
using testing::status_response;
using State = CollectStatus::State;

namespace {

// A small cluster: 3 namespaces, pods spread over them (plus control-plane mirror pods), RBAC,
// a secret with a last-applied annotation, 2 nodes, one of each admission and workload kind.
struct Fixture {
  FakeCluster cluster;
  testing::FakeTransport transport{[this](const Request& r) { return cluster.serve(r); }};
  std::shared_ptr<testing::FakeCredentials> credentials = std::make_shared<testing::FakeCredentials>();
  client::ApiClient api{transport, credentials, client_options()};
  CollectOptions options;

  static client::ClientOptions client_options() {
    client::ClientOptions o;
    o.sleep = [](std::chrono::milliseconds) {};
    o.seed = 1;
    return o;
  }

  Fixture() {
    options.chunk_size = 7;
    auto& l = cluster.lists;
    for (const char* ns : {"kube-system", "shop", "dev"}) {
      json n = object("Namespace", "", ns);
      n["status"] = {{"phase", "Active"}};
      l["/api/v1/namespaces"].push_back(n);
    }
    for (int i = 0; i < 30; ++i) {
      const char* ns = i % 3 == 0 ? "shop" : (i % 3 == 1 ? "dev" : "kube-system");
      l["/api/v1/pods"].push_back(object("Pod", ns, "pod-" + std::to_string(100 - i)));
    }
    json apiserver = object("Pod", "kube-system", "kube-apiserver-cp-1");
    apiserver["metadata"]["labels"] = {{"component", "kube-apiserver"}};
    apiserver["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "x"}};
    apiserver["spec"] = {{"nodeName", "cp-1"},
                         {"containers", {{{"name", "kube-apiserver"}, {"command", {"kube-apiserver", "--profiling=false"}}}}}};
    l["/api/v1/pods"].push_back(apiserver);
    l["/api/v1/serviceaccounts"] = {object("ServiceAccount", "shop", "default"), object("ServiceAccount", "dev", "default")};
    l["/apis/rbac.authorization.k8s.io/v1/roles"] = {object("Role", "shop", "r")};
    l["/apis/rbac.authorization.k8s.io/v1/clusterroles"] = {object("ClusterRole", "", "view"), object("ClusterRole", "", "admin")};
    l["/apis/rbac.authorization.k8s.io/v1/rolebindings"] = {object("RoleBinding", "dev", "rb")};
    l["/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"] = {object("ClusterRoleBinding", "", "crb")};
    l["/apis/networking.k8s.io/v1/networkpolicies"] = {object("NetworkPolicy", "shop", "deny")};
    json secret = object("Secret", "shop", "db");
    secret["type"] = "kubernetes.io/basic-auth";
    secret["data"] = {{"username", "YWRtaW4="}, {"password", "Q0FOQVJZ"}};
    secret["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "CANARY"}};
    l["/api/v1/secrets"] = {secret, object("Secret", "dev", "tls")};
    l["/api/v1/nodes"] = {object("Node", "", "w-1"), object("Node", "", "cp-1")};
    l["/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"] = {object("ValidatingWebhookConfiguration", "", "kyverno")};
    l["/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"] = {object("MutatingWebhookConfiguration", "", "istio")};
    l["/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"] = {object("ValidatingAdmissionPolicy", "", "pods")};
    l["/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings"] = {
        object("ValidatingAdmissionPolicyBinding", "", "pods")};
    json csr = testing::load_object("csr-system-masters.json");
    l["/apis/certificates.k8s.io/v1/certificatesigningrequests"] = {csr};
    l["/api/v1/services"] = {object("Service", "default", "kubernetes"), object("Service", "shop", "web"),
                             object("Service", "default", "web")};
    l["/apis/apps/v1/daemonsets"] = {object("DaemonSet", "kube-system", "calico-node")};
    l["/apis/apps/v1/deployments"] = {object("Deployment", "shop", "web")};
    l["/apis/apiextensions.k8s.io/v1/customresourcedefinitions"] = {object("CustomResourceDefinition", "", "policies.kyverno.io")};
    cluster.configz["w-1"] = testing::json_response(200, {{"kubeletconfig", {{"readOnlyPort", 0}}}});
    cluster.configz["cp-1"] = testing::json_response(200, {{"kubeletconfig", {{"readOnlyPort", 10255}}}});
    json proxy = object("ConfigMap", "kube-system", "kube-proxy");
    proxy["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "CANARY"}};
    proxy["data"] = {{"config.conf", "metricsBindAddress: 0.0.0.0:10249\n"}, {"kubeconfig.conf", "users: CANARY"}};
    cluster.objects[kKubeProxyPath] = proxy;
  }

  static constexpr const char* kKubeProxyPath = "/api/v1/namespaces/kube-system/configmaps/kube-proxy";

  Inventory run() {
    auto inv = collect::collect(api, options);
    REQUIRE(inv);
    return std::move(*inv);
  }
};

}  // namespace

TEST_CASE("collector: every type collected, paged, counted and sorted", "[collect]") {
  Fixture f;
  Inventory inv = f.run();
  CHECK(inv.identity.git_version == "v1.32.4");
  CHECK(inv.identity.server == "https://fake:6443");
  CHECK(inv.identity.kube_system_uid == "uid--kube-system");
  CHECK(std::find(inv.identity.api_group_versions.begin(), inv.identity.api_group_versions.end(), "apps/v1") !=
        inv.identity.api_group_versions.end());
  CHECK(inv.namespaces.size() == 3);
  CHECK(inv.pods.size() == 31);
  CHECK(inv.status_of(ResourceType::kPods).pages == 5);  // 31 pods, 7 per page
  CHECK(inv.status_of(ResourceType::kPods).count == 31);
  CHECK(inv.status_of(ResourceType::kPods).bytes > 0);
  CHECK(inv.service_accounts.size() == 2);
  CHECK(inv.roles.size() == 3);
  CHECK(inv.bindings.size() == 2);
  CHECK(inv.network_policies.size() == 1);
  CHECK(inv.secrets.size() == 2);
  CHECK(inv.nodes.size() == 2);
  CHECK(inv.webhooks.size() == 2);
  CHECK(inv.workloads.size() == 2);
  CHECK(inv.crds == std::vector<std::string>{"policies.kyverno.io"});
  for (ResourceType t : all_resource_types()) {
    CAPTURE(to_string(t));
    CHECK(inv.status_of(t).state == State::kOk);
  }
  // Sorted: namespace, then name; cluster-scoped roles first.
  CHECK(std::is_sorted(inv.pods.begin(), inv.pods.end(), [](const Pod& a, const Pod& b) {
    return std::tie(a.meta.namespace_, a.meta.name) < std::tie(b.meta.namespace_, b.meta.name);
  }));
  CHECK(inv.namespaces.front().meta.name == "dev");
  CHECK(inv.roles[0].meta.name == "admin");
  CHECK(inv.roles[0].cluster_scoped);
  CHECK(inv.roles[2].meta.name == "r");
  CHECK(inv.nodes[0].meta.name == "cp-1");
  CHECK(inv.nodes[0].kubelet.state == KubeletConfig::State::kOk);
  CHECK(inv.nodes[0].kubelet.config["readOnlyPort"] == 10255);
  REQUIRE(inv.control_plane.size() == 1);
  CHECK(inv.control_plane[0].flags.bool_value("profiling") == false);
}

TEST_CASE("collector: secrets only as a metadata Table, values and last-applied never kept", "[collect]") {
  Fixture f;
  Inventory inv = f.run();
  for (const Request& r : f.transport.requests()) {
    if (r.path.find("secrets") == std::string::npos) continue;
    CAPTURE(r.path, r.accept);
    CHECK(r.path.starts_with("/api/v1/secrets?includeObject=Metadata&limit="));
    CHECK(r.accept.find("as=Table") != std::string::npos);
    // No bare application/json alternative that a server could answer with full Secrets.
    for (size_t pos = r.accept.find("application/json"); pos != std::string::npos;
         pos = r.accept.find("application/json", pos + 1))
      CHECK(r.accept.substr(pos).starts_with("application/json;as=Table"));
  }
  const SecretMeta& db = inv.secrets[1];
  CHECK(db.meta.name == "db");
  CHECK(db.type == "kubernetes.io/basic-auth");
  CHECK(db.key_count == 2);
  CHECK(db.meta.annotations.empty());
  CHECK(inv.status_of(ResourceType::kSecrets).count == 2);
}

TEST_CASE("collector: a 403 on one type is recorded and the rest is collected", "[collect]") {
  Fixture f;
  f.cluster.intercept = [](const Request& r) -> std::optional<Response> {
    if (r.path.starts_with("/api/v1/secrets"))
      return status_response(403, "Forbidden",
                             "secrets is forbidden: User \"scanner\" cannot list resource \"secrets\" in "
                             "API group \"\" at the cluster scope");
    return std::nullopt;
  };
  Inventory inv = f.run();
  const CollectStatus& s = inv.status_of(ResourceType::kSecrets);
  CHECK(s.state == State::kForbidden);
  CHECK(s.http_status == 403);
  CHECK(s.error.find("cannot list resource \"secrets\"") != std::string::npos);
  CHECK(inv.secrets.empty());
  CHECK(inv.status_of(ResourceType::kPods).ok());
  CHECK(inv.pods.size() == 31);
  CHECK(inv.status_of(ResourceType::kKubeletConfig).ok());
}

TEST_CASE("collector: an API not served is recorded as such, not requested again", "[collect]") {
  Fixture f;
  f.cluster.group_versions.erase(std::find(f.cluster.group_versions.begin(), f.cluster.group_versions.end(),
                                           "networking.k8s.io/v1"));
  f.cluster.lists.erase("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");  // served, but 404
  Inventory inv = f.run();
  CHECK(inv.status_of(ResourceType::kNetworkPolicies).state == State::kNotServed);
  CHECK(inv.status_of(ResourceType::kNetworkPolicies).error == "networking.k8s.io/v1 is not served by this API server");
  CHECK(inv.status_of(ResourceType::kCustomResourceDefinitions).state == State::kNotServed);
  CHECK(inv.status_of(ResourceType::kCustomResourceDefinitions).http_status == 404);
  for (const auto& p : f.transport.paths()) CHECK(p.find("networkpolicies") == std::string::npos);
}

TEST_CASE("collector: an expired continue token in the middle of pods restarts that list once", "[collect]") {
  Fixture f;
  std::atomic<int> gone{1};
  f.cluster.intercept = [&](const Request& r) -> std::optional<Response> {
    if (r.path.starts_with("/api/v1/pods?") && r.path.find("continue=c14") != std::string::npos && gone-- > 0)
      return status_response(410, "Expired", "too old");
    return std::nullopt;
  };
  Inventory inv = f.run();
  CHECK(inv.pods.size() == 31);  // nothing doubled by the restart
  CHECK(inv.status_of(ResourceType::kPods).ok());
  CHECK(inv.status_of(ResourceType::kPods).pages == 7);  // 2 before the 410, then 5
}

TEST_CASE("collector: an unreachable server or a rejected credential stops the run", "[collect]") {
  Fixture f;
  testing::FakeTransport down([](const Request&) -> tl::expected<Response, client::TransportError> {
    return tl::unexpected(client::TransportError{
        Error{ErrorKind::kNetwork, "cannot connect to fake:6443: Connection refused", "https://fake:6443", 0}, true});
  });
  client::ApiClient api(down, f.credentials, Fixture::client_options());
  auto inv = collect::collect(api, f.options);
  REQUIRE_FALSE(inv);
  CHECK(inv.error().kind == ErrorKind::kNetwork);
  CHECK(down.requests().size() == 5);  // /version, retried, and nothing else

  f.cluster.intercept = [](const Request&) -> std::optional<Response> {
    return status_response(401, "Unauthorized", "Unauthorized");
  };
  auto rejected = collect::collect(f.api, f.options);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().kind == ErrorKind::kUnauthorized);
  CHECK(f.transport.requests().size() == 2);  // /version and its one refresh retry
}

TEST_CASE("collector: --namespace lists per namespace, --exclude-namespace drops", "[collect]") {
  Fixture f;
  f.options.namespaces = {"shop", "kube-system"};
  f.options.excluded_namespaces = {"kube-system"};
  f.options.kubelet_config = false;
  Inventory inv = f.run();
  CHECK(inv.namespace_filter == std::vector<std::string>{"shop", "kube-system"});
  for (const Pod& p : inv.pods) CHECK(p.meta.namespace_ == "shop");
  CHECK(inv.pods.size() == 10);
  CHECK(inv.namespaces.size() == 1);
  CHECK(inv.identity.kube_system_uid == "uid--kube-system");
  CHECK(inv.control_plane.empty());  // kube-system excluded
  CHECK(inv.roles.size() == 3);      // cluster-scoped roles are always collected
  CHECK(inv.status_of(ResourceType::kKubeletConfig).state == State::kNotRequested);
  auto paths = f.transport.paths();
  CHECK(std::count_if(paths.begin(), paths.end(), [](const std::string& p) {
          return p.starts_with("/api/v1/namespaces/shop/pods?");
        }) == 2);
  CHECK(std::none_of(paths.begin(), paths.end(), [](const std::string& p) {
    return p.starts_with("/api/v1/pods") || p.find("configz") != std::string::npos;
  }));
}

TEST_CASE("collector: kubelet configz 403 and per-node failures are recorded", "[collect]") {
  Fixture f;
  f.cluster.configz["w-1"] = status_response(403, "Forbidden", "nodes \"w-1\" is forbidden: cannot get nodes/proxy");
  f.cluster.configz["cp-1"] = status_response(403, "Forbidden", "nodes \"cp-1\" is forbidden: cannot get nodes/proxy");
  Inventory inv = f.run();
  CHECK(inv.status_of(ResourceType::kKubeletConfig).state == State::kForbidden);
  for (const Node& n : inv.nodes) CHECK(n.kubelet.state == KubeletConfig::State::kForbidden);

  Fixture g;
  g.cluster.configz.erase("w-1");  // the fake answers 503: kubelet unreachable
  Inventory inv2 = g.run();
  const CollectStatus& s = inv2.status_of(ResourceType::kKubeletConfig);
  CHECK(s.state == State::kError);
  CHECK(s.count == 1);
  CHECK(s.error.starts_with("1 of 2 node(s) unreadable, first: HTTP 503"));
  CHECK(inv2.nodes[0].kubelet.state == KubeletConfig::State::kOk);
  CHECK(inv2.nodes[1].kubelet.state == KubeletConfig::State::kError);
}

TEST_CASE("collector: only config.conf of ConfigMap kube-system/kube-proxy is kept", "[collect]") {
  Fixture f;
  Inventory inv = f.run();
  CHECK(inv.kube_proxy_config == "metricsBindAddress: 0.0.0.0:10249\n");
  CHECK(inv.status_of(ResourceType::kKubeProxyConfig).count == 1);
  size_t gets = 0;
  for (const Request& r : f.transport.requests()) gets += r.path == Fixture::kKubeProxyPath;
  CHECK(gets == 1);

  Fixture forbidden;
  forbidden.cluster.objects.clear();
  forbidden.cluster.intercept = [](const Request& r) -> std::optional<Response> {
    if (r.path != Fixture::kKubeProxyPath) return std::nullopt;
    return status_response(403, "Forbidden", "configmaps \"kube-proxy\" is forbidden");
  };
  Inventory inv2 = forbidden.run();
  CHECK_FALSE(inv2.kube_proxy_config);
  CHECK(inv2.status_of(ResourceType::kKubeProxyConfig).state == State::kForbidden);
  CHECK(inv2.status_of(ResourceType::kKubeProxyConfig).http_status == 403);

  Fixture missing;  // no kube-proxy (replaced by the CNI): 404
  missing.cluster.objects.clear();
  Inventory inv3 = missing.run();
  CHECK_FALSE(inv3.kube_proxy_config);
  CHECK(inv3.status_of(ResourceType::kKubeProxyConfig).state == State::kNotServed);

  Fixture no_key;
  no_key.cluster.objects[Fixture::kKubeProxyPath]["data"].erase("config.conf");
  Inventory inv4 = no_key.run();
  CHECK_FALSE(inv4.kube_proxy_config);
  CHECK(inv4.status_of(ResourceType::kKubeProxyConfig).state == State::kError);
  CHECK(inv4.status_of(ResourceType::kKubeProxyConfig).error == "ConfigMap kube-system/kube-proxy has no config.conf key");

  Fixture scoped;
  scoped.options.namespaces = {"shop"};
  Inventory inv5 = scoped.run();
  CHECK_FALSE(inv5.kube_proxy_config);
  CHECK(inv5.status_of(ResourceType::kKubeProxyConfig).state == State::kNotRequested);
  for (const Request& r : scoped.transport.requests()) CHECK(r.path != Fixture::kKubeProxyPath);
}

TEST_CASE("collector: CSRs keep their decoded subject only; Services are read in default only", "[collect]") {
  Fixture f;
  f.options.kubelet_config = false;
  Inventory inv = f.run();
  REQUIRE(inv.csrs.size() == 1);
  CHECK(inv.csrs[0].subject_organizations == std::vector<std::string>{"system:masters"});
  CHECK(inv.csrs[0].issued);
  std::string dumped = json(inv).dump();
  json csr = testing::load_object("csr-system-masters.json");
  CHECK(dumped.find(csr["spec"]["request"].get<std::string>().substr(40, 40)) == std::string::npos);
  CHECK(dumped.find(csr["status"]["certificate"].get<std::string>().substr(40, 40)) == std::string::npos);
  REQUIRE(inv.services.size() == 2);
  CHECK(inv.services[0].meta.name == "kubernetes");
  CHECK(inv.services[1].meta.namespace_ == "default");
  CHECK(inv.admission_policies.size() == 1);
  CHECK(inv.admission_policy_bindings.size() == 1);
  auto paths = f.transport.paths();
  CHECK(std::any_of(paths.begin(), paths.end(), [](const std::string& p) { return p.starts_with("/api/v1/namespaces/default/services?"); }));
  CHECK(std::none_of(paths.begin(), paths.end(), [](const std::string& p) { return p.starts_with("/api/v1/services"); }));

  SECTION("default outside the namespace scope: Services are not requested") {
    Fixture g;
    g.options.namespaces = {"shop"};
    g.options.kubelet_config = false;
    Inventory scoped = g.run();
    CHECK(scoped.services.empty());
    CHECK(scoped.status_of(ResourceType::kServices).state == State::kNotRequested);
    CHECK(scoped.status_of(ResourceType::kServices).error == "default is outside the namespace scope");
    auto p = g.transport.paths();
    CHECK(std::none_of(p.begin(), p.end(), [](const std::string& x) { return x.find("/services") != std::string::npos; }));
  }
  SECTION("a server without certificates.k8s.io/v1 has no CSRs to miss") {
    Fixture h;
    h.cluster.group_versions.erase(std::find(h.cluster.group_versions.begin(), h.cluster.group_versions.end(), "certificates.k8s.io/v1"));
    h.options.kubelet_config = false;
    CHECK(h.run().status_of(ResourceType::kCertificateSigningRequests).state == State::kNotServed);
  }
}

TEST_CASE("api calls: one call per resource type, paths as the API serves them", "[collect]") {
  CHECK(api_calls().size() == all_resource_types().size());
  for (ResourceType t : all_resource_types()) CHECK(api_call(t).type == t);
  CHECK(api_call(ResourceType::kPods).list_path() == "/api/v1/pods");
  CHECK(api_call(ResourceType::kPods).list_path("shop") == "/api/v1/namespaces/shop/pods");
  CHECK(api_call(ResourceType::kNodes).list_path("shop") == "/api/v1/nodes");
  CHECK(api_call(ResourceType::kDeployments).list_path("a") == "/apis/apps/v1/namespaces/a/deployments");
  CHECK(api_call(ResourceType::kKubeletConfig).resource_path() == "nodes/proxy");
  CHECK(api_call(ResourceType::kKubeletConfig).verb == "get");
  CHECK(api_call(ResourceType::kSecrets).optional);
  CHECK(api_call(ResourceType::kKubeProxyConfig).object_path() == "/api/v1/namespaces/kube-system/configmaps/kube-proxy");
  CHECK(api_call(ResourceType::kKubeProxyConfig).verb == "get");
  CHECK(api_call(ResourceType::kPods).object_path().empty());
  CHECK(api_call(ResourceType::kServices).list_path("default") == "/api/v1/namespaces/default/services");
  CHECK(api_call(ResourceType::kServices).object_namespace == "default");
  CHECK(api_call(ResourceType::kServices).object_path().empty());  // a list, not a named get
  CHECK(api_call(ResourceType::kCertificateSigningRequests).list_path() == "/apis/certificates.k8s.io/v1/certificatesigningrequests");
  CHECK_FALSE(api_call(ResourceType::kPods).optional);
}

TEST_CASE("collector: the scanner's identity comes from a SelfSubjectReview", "[collect]") {
  Fixture f;
  f.cluster.user_info = json{{"username", "system:serviceaccount:rampart:rampart"},
                             {"groups", {"system:serviceaccounts", "system:serviceaccounts:rampart", "system:authenticated"}}};
  f.options.claimed_identity = config::ClaimedIdentity{"someone-else", {}, "token claims", {}};
  auto inv = collect::collect(f.api, f.options);
  REQUIRE(inv);
  CHECK(inv->scanner.user == "system:serviceaccount:rampart:rampart");
  CHECK(inv->scanner.groups.size() == 3);
  CHECK(inv->scanner.source == "SelfSubjectReview");  // the server's word beats the credential's claim
  CHECK(inv->scanner.credential == "token-file");
  CHECK(inv->scanner.error.empty());
  size_t reviews = 0;
  for (const Request& r : f.transport.requests())
    if (r.method == "POST") {
      ++reviews;
      CHECK(r.path == "/apis/authentication.k8s.io/v1/selfsubjectreviews");
      CHECK(json::parse(r.body)["kind"] == "SelfSubjectReview");
    }
  CHECK(reviews == 1);
}

TEST_CASE("collector: when the review is refused the credential's claim names the scanner", "[collect]") {
  Fixture f;
  f.cluster.intercept = [](const Request& r) -> std::optional<Response> {
    if (r.method == "POST")
      return status_response(403, "Forbidden", "selfsubjectreviews.authentication.k8s.io is forbidden: User \"x\" cannot create it");
    return std::nullopt;
  };
  f.options.claimed_identity = config::ClaimedIdentity{"system:serviceaccount:a:b", {"system:authenticated"}, "token claims", {}};
  auto inv = collect::collect(f.api, f.options);
  REQUIRE(inv);
  CHECK(inv->scanner.user == "system:serviceaccount:a:b");
  CHECK(inv->scanner.source == "token claims");
  CHECK(inv->scanner.error.find("forbidden") != std::string::npos);
  CHECK(inv->status_of(ResourceType::kPods).ok());  // nothing else is affected

  Fixture unknown;  // not served, nothing claimed: unknown, and the scan goes on
  auto none = collect::collect(unknown.api, unknown.options);
  REQUIRE(none);
  CHECK(none->scanner.user.empty());
  CHECK_FALSE(none->scanner.error.empty());
}
