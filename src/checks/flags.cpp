#include "rampart/checks/flags.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rampart::checks {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

bool is_boolean_flag(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kBool = {
      "anonymous-auth", "profiling", "service-account-lookup", "use-service-account-credentials",
      "client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls",
      "service-account-extend-token-expiration", "enable-bootstrap-token-auth",
      "allow-privileged", "enable-pprof", "experimental-peer-skip-client-san-verification"};
  return std::find(kBool.begin(), kBool.end(), name) != kBool.end();
}

collect::Flags parse_flags(const std::vector<std::string>& argv) {
  collect::Flags out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& tok = argv[i];
    if (tok.size() < 2 || tok[0] != '-' || tok == "--") {
      out.positional.push_back(tok);
      continue;
    }
    std::string body = tok.substr(tok[1] == '-' ? 2 : 1);
    auto eq = body.find('=');
    if (eq != std::string::npos) {
      out.entries.emplace_back(body.substr(0, eq), body.substr(eq + 1));
    } else if (is_boolean_flag(body)) {
      out.entries.emplace_back(body, "true");
    } else if (i + 1 < argv.size() && !(argv[i + 1].size() > 1 && argv[i + 1][0] == '-')) {
      out.entries.emplace_back(body, argv[++i]);
    } else {
      out.entries.emplace_back(body, "");
    }
  }
  return out;
}

std::optional<bool> parse_go_bool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

bool FlagReader::has(std::string_view name) const {
  return std::any_of(flags.entries.begin(), flags.entries.end(),
                     [&](const auto& e) { return e.first == name; });
}

std::optional<std::string> FlagReader::value(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : flags.entries)
    if (k == name) out = v;
  return out;
}

bool FlagReader::present(std::string_view name) const {
  auto v = value(name);
  return v && !trim(*v).empty();
}

std::vector<std::string> FlagReader::list(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : flags.entries) {
    if (k != name) continue;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string item = trim(std::string_view(v).substr(start, comma - start));
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
  }
  return out;
}

std::optional<bool> FlagReader::boolean(std::string_view name, bool* bad) const {
  if (bad) *bad = false;
  auto v = value(name);
  if (!v) return std::nullopt;
  if (v->empty()) return true;  // "--x" given bare (or "--x=" which Go rejects; treat as set)
  auto b = parse_go_bool(*v);
  if (!b && bad) *bad = true;
  return b;
}

namespace {

// ETCD_CLIENT_CERT_AUTH -> client-cert-auth
std::string etcd_env_to_flag(std::string_view env) {
  std::string out;
  for (char c : env.substr(5)) out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

collect::Flags effective_flags(const collect::ControlPlaneComponent& c) {
  if (c.component != kEtcd) return c.flags;
  collect::Flags out;
  FlagReader given{c.flags};
  for (const auto& [name, value] : c.env) {
    if (!name.starts_with("ETCD_")) continue;
    std::string flag = etcd_env_to_flag(name);
    if (!given.has(flag)) out.entries.emplace_back(flag, value);
  }
  out.entries.insert(out.entries.end(), c.flags.entries.begin(), c.flags.entries.end());
  out.positional = c.flags.positional;
  return out;
}

std::vector<std::string> unresolved_flags(const collect::ControlPlaneComponent& c) {
  std::vector<std::string> out;
  if (c.component != kEtcd) return out;
  FlagReader given{c.flags};
  for (const auto& name : c.env_unresolved)
    if (name.starts_with("ETCD_") && !given.has(etcd_env_to_flag(name))) out.push_back(etcd_env_to_flag(name));
  return out;
}

std::vector<collect::ControlPlaneComponent> control_plane_from_pods(const collect::Inventory& inv) {
  std::vector<collect::ControlPlaneComponent> out;
  for (std::string_view name : {kApiServer, kControllerManager, kScheduler, kEtcd}) {
    for (const auto& pod : inv.pods) {
      if (pod.meta.namespace_ != "kube-system" || !pod.mirror) continue;
      auto label = pod.meta.labels.find("component");
      bool by_label = label != pod.meta.labels.end() && label->second == name;
      bool by_name = !pod.node_name.empty() && pod.meta.name == std::string(name) + "-" + pod.node_name;
      if (!by_label && !by_name) continue;
      const collect::Container* chosen = nullptr;
      for (const auto& c : pod.containers)
        if (c.kind == collect::ContainerKind::kRegular && c.name == name) chosen = &c;
      for (const auto& c : pod.containers)
        if (!chosen && c.kind == collect::ContainerKind::kRegular) chosen = &c;
      if (!chosen) continue;
      collect::ControlPlaneComponent comp;
      comp.component = std::string(name);
      comp.pod = {"Pod", pod.meta.namespace_, pod.meta.name};
      comp.node_name = pod.node_name;
      comp.host_ip = pod.host_ip;
      comp.container = chosen->name;
      comp.argv = chosen->command;
      comp.argv.insert(comp.argv.end(), chosen->args.begin(), chosen->args.end());
      // argv[0] is the program when `command` is given; flags start after it.
      std::vector<std::string> tail = comp.argv;
      if (!chosen->command.empty() && !tail.empty()) tail.erase(tail.begin());
      comp.flags = parse_flags(tail);
      comp.env = chosen->plain_env;
      comp.mirror = true;
      out.push_back(std::move(comp));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.component, a.node_name, a.pod) < std::tie(b.component, b.node_name, b.pod);
  });
  return out;
}

}  // namespace rampart::checks
