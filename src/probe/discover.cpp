#include "rampart/probe/discover.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "rampart/collect/flags.h"
#include "rampart/collect/kube_proxy.h"

namespace rampart::probe {
namespace {

using collect::ControlPlaneComponent;
using collect::Flags;
using collect::Inventory;

std::optional<int> to_port(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 65535)
    return std::nullopt;
  return v;
}

// Rewrites a loopback or unspecified host to the component's node address (see discover.h).
std::optional<Target> localise(Target t, const ControlPlaneComponent& c) {
  if (is_loopback(t.host) || is_unspecified(t.host)) {
    if (c.host_ip.empty()) return std::nullopt;
    t.source += " (" + t.host + " on the node)";
    t.host = c.host_ip;
  }
  t.node = c.node_name;
  return t;
}

void add_urls(std::vector<Target>& out, const ControlPlaneComponent& c, const Flags& flags,
              std::string_view flag, TargetKind kind) {
  // URL flags are scalar (the last one wins, and etcd's flag beats its env form), holding a
  // comma list: split only the last value.
  auto value = flags.last(flag);
  if (!value) return;
  Flags last;
  last.entries = {{std::string(flag), *value}};
  for (const auto& url : last.all(flag)) {
    auto t = parse_url_target(url, kind);
    if (!t) continue;  // a malformed flag value is not a target; the checks report the flag
    t->source = c.component + " --" + std::string(flag);
    if (auto local = localise(*t, c)) out.push_back(*local);
  }
}

void add_host_port(std::vector<Target>& out, const ControlPlaneComponent& c, TargetKind kind,
                   int port, std::string source) {
  if (c.host_ip.empty() || port == 0) return;
  out.push_back(Target{kind, c.host_ip, port, c.node_name, std::move(source)});
}

// --secure-port (or --insecure-port): the default when absent, 0 when disabled.
int port_flag(const Flags& flags, std::string_view name, int fallback) {
  auto value = flags.last(name);
  if (!value) return fallback;
  return to_port(*value).value_or(fallback);
}

void add_component(std::vector<Target>& out, const ControlPlaneComponent& c) {
  const std::string pod = "pod " + c.pod.namespace_ + "/" + c.pod.name;
  const Flags flags = component_flags(c);
  if (c.component == "kube-apiserver") {
    int secure = port_flag(flags, "secure-port", 6443);
    add_host_port(out, c, TargetKind::kApiServer, secure, pod + " --secure-port");
    // Old releases served plain HTTP on --insecure-port (default 8080); 0 turned it off, but
    // the probe still looks at 8080 because a flag we cannot see may have moved it back.
    int insecure = port_flag(flags, "insecure-port", 8080);
    add_host_port(out, c, TargetKind::kLegacyApiServer, insecure == 0 ? 8080 : insecure,
                  pod + " legacy insecure port");
    add_urls(out, c, flags, "etcd-servers", TargetKind::kEtcdClient);
  } else if (c.component == "etcd") {
    add_urls(out, c, flags, "listen-client-urls", TargetKind::kEtcdClient);
    add_urls(out, c, flags, "advertise-client-urls", TargetKind::kEtcdClient);
    add_urls(out, c, flags, "listen-peer-urls", TargetKind::kEtcdPeer);
    add_urls(out, c, flags, "initial-advertise-peer-urls", TargetKind::kEtcdPeer);
  } else if (c.component == "kube-controller-manager") {
    add_host_port(out, c, TargetKind::kControllerManager, port_flag(flags, "secure-port", 10257),
                  pod + " --secure-port");
    add_host_port(out, c, TargetKind::kLegacyControllerManager, 10252, pod + " legacy port");
  } else if (c.component == "kube-scheduler") {
    add_host_port(out, c, TargetKind::kScheduler, port_flag(flags, "secure-port", 10259),
                  pod + " --secure-port");
    add_host_port(out, c, TargetKind::kLegacyScheduler, 10251, pod + " legacy port");
  }
}

// The read-only port the kubelet's configuration names (configz readOnlyPort), else 10255:
// a configuration saying 0 is what the probe is there to check.
int readonly_port(const collect::Node& node) {
  if (node.kubelet.state != collect::KubeletConfig::State::kOk) return 10255;
  const auto& cfg = node.kubelet.config;
  auto it = cfg.is_object() ? cfg.find("readOnlyPort") : cfg.end();
  if (it == cfg.end() || !it->is_number_integer()) return 10255;
  int64_t port = it->get<int64_t>();
  return port > 0 && port <= 65535 ? static_cast<int>(port) : 10255;
}

// "0.0.0.0:10249", "[::]:10249", "127.0.0.1" (no port): the port, else nullopt.
std::optional<int> port_of_bind_address(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  bool bracketed = address.front() == '[' && colon > 0 && address[colon - 1] == ']';
  if (!bracketed && address.find(':') != colon) return std::nullopt;  // a bare IPv6 address
  int port = -1;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || begin == end || port < 0 || port > 65535) return std::nullopt;
  return port;
}

void add_nodes(std::vector<Target>& out, const Inventory& inv) {
  const std::optional<int> proxy_port = kube_proxy_metrics_port(inv);
  for (const auto& node : inv.nodes) {
    const int readonly = readonly_port(node);
    for (const char* type : {"InternalIP", "ExternalIP"}) {
      for (const auto& addr : node.addresses) {
        if (addr.type != type || addr.address.empty()) continue;
        if (!parse_host_port(addr.address, 1)) continue;
        std::string src = "node/" + node.meta.name + " " + type;
        int kubelet_port = node.kubelet_port > 0 ? node.kubelet_port : 10250;
        out.push_back(Target{TargetKind::kKubelet, addr.address, kubelet_port, node.meta.name, src});
        out.push_back(Target{TargetKind::kKubeletReadOnly, addr.address, readonly, node.meta.name, src});
        if (proxy_port) out.push_back(Target{TargetKind::kKubeProxy, addr.address, *proxy_port, node.meta.name, src});
      }
    }
  }
}

}  // namespace

std::optional<int> kube_proxy_metrics_port(const Inventory& inv) {
  std::optional<std::string> address;
  for (const auto& p : inv.pods) {  // kube-proxy's command line overrides its configuration file
    if (!collect::is_kube_proxy_pod(p)) continue;
    for (const auto& c : p.containers)
      if (auto value = collect::parse_flags(collect::command_line(c)).last("metrics-bind-address")) address = *value;
    if (address) break;
  }
  // A broken file is 4.3.1's to report; probing keeps the default port.
  if (!address && inv.kube_proxy_config)
    if (auto configured = collect::config_metrics_bind_address(*inv.kube_proxy_config)) address = *configured;
  int port = address ? port_of_bind_address(*address).value_or(10249) : 10249;
  if (port == 0) return std::nullopt;
  return port;
}

Flags component_flags(const ControlPlaneComponent& c) {
  if (!c.flags.entries.empty()) return c.flags;
  return c.component == "etcd" ? collect::parse_etcd_flags(c.argv, c.env) : collect::parse_flags(c.argv);
}

std::vector<Target> discover_targets(const Inventory& inventory, const std::string& api_server) {
  std::vector<Target> out;
  if (!api_server.empty()) {
    if (auto t = parse_url_target(api_server, TargetKind::kApiServer)) {
      t->source = "kubeconfig server";
      out.push_back(*t);
      out.push_back(Target{TargetKind::kLegacyApiServer, t->host, 8080, "",
                           "kubeconfig server host, legacy insecure port"});
    }
  }
  // Components in a stable order so the first source kept for a shared endpoint is stable too.
  std::vector<const ControlPlaneComponent*> components;
  for (const auto& c : inventory.control_plane) components.push_back(&c);
  std::stable_sort(components.begin(), components.end(), [](const auto* a, const auto* b) {
    return std::tie(a->component, a->pod.namespace_, a->pod.name) <
           std::tie(b->component, b->pod.namespace_, b->pod.name);
  });
  for (const auto* c : components) add_component(out, *c);
  add_nodes(out, inventory);
  sort_and_dedupe(out);
  return out;
}

}  // namespace rampart::probe
