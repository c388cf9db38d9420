#include <catch2/catch.hpp>

#include "rampart/probe/discover.h"

using namespace rampart::probe;
using rampart::collect::ControlPlaneComponent;
using rampart::collect::Inventory;
using rampart::collect::Node;

namespace {

Node node(const std::string& name, std::vector<std::pair<std::string, std::string>> addrs, int port = 10250) {
  Node n;
  n.meta.name = name;
  for (auto& [type, address] : addrs) n.addresses.push_back({type, address});
  n.kubelet_port = port;
  return n;
}

ControlPlaneComponent component(const std::string& name, const std::string& node_name,
                                const std::string& host_ip, std::vector<std::string> argv) {
  ControlPlaneComponent c;
  c.component = name;
  c.pod = {"Pod", "kube-system", name + "-" + node_name};
  c.node_name = node_name;
  c.host_ip = host_ip;
  c.argv = std::move(argv);
  return c;
}

std::vector<std::string> urls(const std::vector<Target>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) out.push_back(t.url());
  return out;
}

const Target* find(const std::vector<Target>& targets, const std::string& url) {
  for (const auto& t : targets)
    if (t.url() == url) return &t;
  return nullptr;
}

}  // namespace

TEST_CASE("discover: nodes give kubelet, read-only and kube-proxy targets per address", "[probe]") {
  Inventory inv;
  inv.nodes.push_back(node("w2", {{"Hostname", "w2"}, {"ExternalIP", "203.0.113.7"}, {"InternalIP", "10.0.0.12"}}, 11250));
  inv.nodes.push_back(node("w1", {{"InternalIP", "10.0.0.11"}}));
  auto targets = discover_targets(inv, "");
  CHECK(urls(targets) == std::vector<std::string>{
                             "kubelet://10.0.0.11:10250", "kubelet://10.0.0.12:11250",
                             "kubelet://203.0.113.7:11250", "kubelet-readonly://10.0.0.11:10255",
                             "kubelet-readonly://10.0.0.12:10255", "kubelet-readonly://203.0.113.7:10255",
                             "kube-proxy://10.0.0.11:10249", "kube-proxy://10.0.0.12:10249",
                             "kube-proxy://203.0.113.7:10249"});
  const Target* ext = find(targets, "kubelet://203.0.113.7:11250");
  REQUIRE(ext);
  CHECK(ext->node == "w2");
  CHECK(ext->source == "node/w2 ExternalIP");
}

TEST_CASE("discover: the read-only port comes from the kubelet configuration when it names one", "[probe]") {
  Inventory inv;
  Node a = node("a", {{"InternalIP", "10.0.0.1"}});
  a.kubelet.state = rampart::collect::KubeletConfig::State::kOk;
  a.kubelet.config = {{"readOnlyPort", 10266}};
  Node b = node("b", {{"InternalIP", "10.0.0.2"}});
  b.kubelet.state = rampart::collect::KubeletConfig::State::kOk;
  b.kubelet.config = {{"authentication", {}}};  // absent = 0: still probe 10255
  inv.nodes = {a, b};
  auto targets = discover_targets(inv, "");
  CHECK(find(targets, "kubelet-readonly://10.0.0.1:10266") != nullptr);
  CHECK(find(targets, "kubelet-readonly://10.0.0.2:10255") != nullptr);
}

TEST_CASE("discover: control-plane flags give API server, etcd, controller-manager, scheduler", "[probe]") {
  Inventory inv;
  inv.control_plane.push_back(component(
      "kube-apiserver", "cp1", "10.0.0.5",
      {"kube-apiserver", "--advertise-address=10.0.0.5", "--secure-port=6443",
       "--etcd-servers=https://127.0.0.1:2379,https://10.0.0.6:2379", "--profiling=false"}));
  inv.control_plane.push_back(component(
      "etcd", "cp1", "10.0.0.5",
      {"etcd", "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.5:2379",
       "--advertise-client-urls", "https://10.0.0.5:2379", "-listen-peer-urls=https://10.0.0.5:2380",
       "--client-cert-auth=true"}));
  inv.control_plane.push_back(component("kube-controller-manager", "cp1", "10.0.0.5",
                                        {"kube-controller-manager", "--secure-port=0", "--bind-address=127.0.0.1"}));
  inv.control_plane.push_back(component("kube-scheduler", "cp1", "10.0.0.5",
                                        {"kube-scheduler", "--authentication-kubeconfig=/etc/k.conf"}));
  auto targets = discover_targets(inv, "https://k8s.example:6443");
  CHECK(urls(targets) ==
        std::vector<std::string>{"apiserver://10.0.0.5:6443", "apiserver://k8s.example:6443",
                                 "etcd://10.0.0.5:2379", "etcd://10.0.0.6:2379", "etcd-peer://10.0.0.5:2380",
                                 "scheduler://10.0.0.5:10259", "legacy-apiserver://10.0.0.5:8080",
                                 "legacy-apiserver://k8s.example:8080",
                                 "legacy-controller-manager://10.0.0.5:10252",
                                 "legacy-scheduler://10.0.0.5:10251"});
  // 127.0.0.1 in a component's URL means its own node. Components are read in name order, so
  // etcd's own flag is the source kept for this endpoint.
  const Target* etcd = find(targets, "etcd://10.0.0.5:2379");
  REQUIRE(etcd);
  CHECK(etcd->source == "etcd --listen-client-urls (127.0.0.1 on the node)");
  CHECK(find(targets, "etcd://10.0.0.6:2379")->source == "kube-apiserver --etcd-servers");
  CHECK(etcd->node == "cp1");
  CHECK(find(targets, "apiserver://k8s.example:6443")->source == "kubeconfig server");
}

TEST_CASE("discover: etcd's ETCD_* environment form and 0.0.0.0 listen addresses", "[probe]") {
  Inventory inv;
  auto etcd = component("etcd", "cp2", "10.0.0.8", {"etcd"});
  etcd.env = {{"ETCD_LISTEN_CLIENT_URLS", "http://0.0.0.0:2379"}, {"ETCD_LISTEN_PEER_URLS", "http://[::]:2380"}};
  inv.control_plane.push_back(etcd);
  CHECK(urls(discover_targets(inv, "")) ==
        std::vector<std::string>{"etcd://10.0.0.8:2379", "etcd-peer://10.0.0.8:2380"});
}

TEST_CASE("discover: the flag wins over the env form, and loopback without a host IP is dropped", "[probe]") {
  Inventory inv;
  auto etcd = component("etcd", "cp3", "", {"etcd", "--listen-client-urls", "https://127.0.0.1:2379"});
  etcd.env = {{"ETCD_LISTEN_CLIENT_URLS", "https://10.9.9.9:2379"}};
  inv.control_plane.push_back(etcd);
  CHECK(discover_targets(inv, "").empty());
}

TEST_CASE("discover: flags parsed by collect/ are used as they are", "[probe]") {
  auto c = component("kube-scheduler", "cp1", "10.0.0.5", {"kube-scheduler", "--secure-port=1"});
  c.flags.entries = {{"secure-port", "20259"}};
  CHECK(component_flags(c).last("secure-port") == "20259");
  Inventory inv;
  inv.control_plane.push_back(c);
  CHECK(find(discover_targets(inv, ""), "scheduler://10.0.0.5:20259") != nullptr);
}

TEST_CASE("discover: without parsed flags, argv (and etcd's env) are parsed here", "[probe]") {
  auto c = component("etcd", "n", "1.2.3.4", {"etcd", "-listen-peer-urls", "https://1.2.3.4:2380"});
  c.env = {{"ETCD_LISTEN_CLIENT_URLS", "https://1.2.3.4:2379"}};
  auto flags = component_flags(c);
  CHECK(flags.last("listen-peer-urls") == "https://1.2.3.4:2380");
  CHECK(flags.last("listen-client-urls") == "https://1.2.3.4:2379");
  CHECK_FALSE(flags.has("missing"));
}

TEST_CASE("discover: malformed URLs and node addresses are skipped, not fatal", "[probe]") {
  Inventory inv;
  inv.control_plane.push_back(component("kube-apiserver", "cp1", "10.0.0.5",
                                        {"kube-apiserver", "--etcd-servers=unix:///x,https://bad host:2379"}));
  inv.nodes.push_back(node("w", {{"InternalIP", "not an ip"}}));
  CHECK(urls(discover_targets(inv, "not a url")) ==
        std::vector<std::string>{"apiserver://10.0.0.5:6443", "legacy-apiserver://10.0.0.5:8080"});
}

TEST_CASE("discover: kube-proxy's metrics port comes from its flags, else its ConfigMap, else 10249", "[probe]") {
  Inventory inv;
  CHECK(kube_proxy_metrics_port(inv) == 10249);
  inv.kube_proxy_config = "kind: KubeProxyConfiguration\nmetricsBindAddress: 0.0.0.0:19249\n";
  CHECK(kube_proxy_metrics_port(inv) == 19249);
  inv.kube_proxy_config = "metricsBindAddress: \"[::]:19250\"\n";
  CHECK(kube_proxy_metrics_port(inv) == 19250);
  inv.kube_proxy_config = "metricsBindAddress: 127.0.0.1\n";  // no port: kube-proxy's default
  CHECK(kube_proxy_metrics_port(inv) == 10249);
  inv.kube_proxy_config = "metricsBindAddress: 0.0.0.0:0\n";  // metrics off: nothing to probe
  CHECK_FALSE(kube_proxy_metrics_port(inv));
  inv.kube_proxy_config = "metricsBindAddress: [unclosed\n";  // 4.3.1 reports it; probing keeps the default
  CHECK(kube_proxy_metrics_port(inv) == 10249);

  rampart::collect::Pod proxy;
  proxy.meta.name = "kube-proxy-abcde";
  proxy.meta.namespace_ = "kube-system";
  proxy.meta.labels["k8s-app"] = "kube-proxy";
  rampart::collect::Container c;
  c.command = {"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--metrics-bind-address=0.0.0.0:20249"};
  proxy.containers.push_back(c);
  inv.pods.push_back(proxy);
  CHECK(kube_proxy_metrics_port(inv) == 20249);  // the command line wins over the file

  inv.nodes.push_back(node("w1", {{"InternalIP", "10.0.0.11"}}));
  auto targets = discover_targets(inv, "");
  CHECK(find(targets, "kube-proxy://10.0.0.11:20249"));
  CHECK_FALSE(find(targets, "kube-proxy://10.0.0.11:10249"));
  inv.pods.clear();
  inv.kube_proxy_config = "metricsBindAddress: 0.0.0.0:0\n";
  for (const auto& t : discover_targets(inv, "")) CHECK(t.kind != TargetKind::kKubeProxy);
}
