#include "rampart/probe/discover.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace rampart::probe {
namespace {

using collect::ControlPlaneComponent;
using collect::Inventory;

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::optional<int> to_port(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 65535)
    return std::nullopt;
  return v;
}

// The last value of a scalar flag (etcd also reads ETCD_<UPPER_SNAKE>; the flag wins).
std::optional<std::string> scalar(const ControlPlaneComponent& c, std::string_view name) {
  auto values = flag_values(c, name);
  if (!values.empty()) return values.back();
  std::string env = "ETCD_";
  for (char ch : name) env += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
  if (c.component == "etcd")
    for (const auto& [k, v] : c.env)
      if (k == env) return v;
  return std::nullopt;
}

std::vector<std::string> url_list(const ControlPlaneComponent& c, std::string_view name) {
  auto value = scalar(c, name);
  return value ? split_list(*value) : std::vector<std::string>{};
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

void add_urls(std::vector<Target>& out, const ControlPlaneComponent& c, std::string_view flag,
              TargetKind kind) {
  for (const auto& url : url_list(c, flag)) {
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

// --secure-port (or --insecure-port, --port): the default when absent, 0 when disabled.
int port_flag(const ControlPlaneComponent& c, std::string_view name, int fallback) {
  auto value = scalar(c, name);
  if (!value) return fallback;
  return to_port(*value).value_or(fallback);
}

void add_component(std::vector<Target>& out, const ControlPlaneComponent& c) {
  const std::string pod = "pod " + c.pod.namespace_ + "/" + c.pod.name;
  if (c.component == "kube-apiserver") {
    int secure = port_flag(c, "secure-port", 6443);
    add_host_port(out, c, TargetKind::kApiServer, secure, pod + " --secure-port");
    // Old releases served plain HTTP on --insecure-port (default 8080); 0 turned it off, but
    // the probe still looks at 8080 because a flag we cannot see may have moved it back.
    int insecure = port_flag(c, "insecure-port", 8080);
    add_host_port(out, c, TargetKind::kLegacyApiServer, insecure == 0 ? 8080 : insecure,
                  pod + " legacy insecure port");
    add_urls(out, c, "etcd-servers", TargetKind::kEtcdClient);
  } else if (c.component == "etcd") {
    add_urls(out, c, "listen-client-urls", TargetKind::kEtcdClient);
    add_urls(out, c, "advertise-client-urls", TargetKind::kEtcdClient);
    add_urls(out, c, "listen-peer-urls", TargetKind::kEtcdPeer);
    add_urls(out, c, "initial-advertise-peer-urls", TargetKind::kEtcdPeer);
  } else if (c.component == "kube-controller-manager") {
    add_host_port(out, c, TargetKind::kControllerManager, port_flag(c, "secure-port", 10257),
                  pod + " --secure-port");
    add_host_port(out, c, TargetKind::kLegacyControllerManager, 10252, pod + " legacy port");
  } else if (c.component == "kube-scheduler") {
    add_host_port(out, c, TargetKind::kScheduler, port_flag(c, "secure-port", 10259),
                  pod + " --secure-port");
    add_host_port(out, c, TargetKind::kLegacyScheduler, 10251, pod + " legacy port");
  }
}

void add_nodes(std::vector<Target>& out, const Inventory& inv) {
  for (const auto& node : inv.nodes) {
    for (const char* type : {"InternalIP", "ExternalIP"}) {
      for (const auto& addr : node.addresses) {
        if (addr.type != type || addr.address.empty()) continue;
        if (!parse_host_port(addr.address, 1)) continue;
        std::string src = "node/" + node.meta.name + " " + type;
        int kubelet_port = node.kubelet_port > 0 ? node.kubelet_port : 10250;
        out.push_back(Target{TargetKind::kKubelet, addr.address, kubelet_port, node.meta.name, src});
        out.push_back(Target{TargetKind::kKubeletReadOnly, addr.address, 10255, node.meta.name, src});
        out.push_back(Target{TargetKind::kKubeProxy, addr.address, 10249, node.meta.name, src});
      }
    }
  }
}

}  // namespace

std::vector<std::string> flag_values(const ControlPlaneComponent& c, std::string_view name) {
  std::vector<std::string> out;
  if (!c.flags.entries.empty()) {
    for (const auto& [k, v] : c.flags.entries)
      if (k == name) out.push_back(v);
    return out;
  }
  for (size_t i = 0; i < c.argv.size(); ++i) {
    std::string_view arg = c.argv[i];
    if (!arg.starts_with("-") || arg == "-" || arg == "--") continue;
    arg.remove_prefix(arg.starts_with("--") ? 2 : 1);
    size_t eq = arg.find('=');
    std::string_view key = arg.substr(0, eq);
    if (key != name) continue;
    if (eq != std::string_view::npos) {
      out.emplace_back(arg.substr(eq + 1));
    } else if (i + 1 < c.argv.size() && !c.argv[i + 1].starts_with("-")) {
      out.push_back(c.argv[++i]);
    } else {
      out.emplace_back("true");
    }
  }
  return out;
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
