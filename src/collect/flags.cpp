#include "rampart/collect/flags.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rampart::collect {
namespace {

// Boolean flags of kube-apiserver, kube-controller-manager, kube-scheduler and etcd that CIS
// rows read or that kubeadm/RKE2 manifests commonly set bare. A bare flag not in this list is
// still read as "true" when the next token is a flag (see flags.h).
constexpr std::array<std::string_view, 33> kBooleanFlags = {
    // cis-controls.md section 1 F
    "anonymous-auth", "profiling", "service-account-lookup", "use-service-account-credentials",
    "client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls",
    "service-account-extend-token-expiration", "enable-bootstrap-token-auth",
    // other booleans of the same components
    "allow-privileged", "leader-elect", "enable-aggregator-routing", "enable-garbage-collector",
    "enable-priority-and-fairness", "enable-logs-handler", "contention-profiling",
    "enable-hostpath-provisioner", "enable-dynamic-provisioning", "enable-taint-manager",
    "logtostderr", "alsologtostderr", "one-output", "skip-headers", "add-dir-header",
    "strict-transport-security-directives-disabled",
    // etcd
    "enable-v2", "enable-pprof", "strict-reconfig-check", "debug", "experimental-initial-corrupt-check",
    "client-cert-allowed-hostname-disabled", "force-new-cluster"};

bool is_flag_token(std::string_view token) {
  if (token.size() < 2 || token[0] != '-') return false;
  // A negative number is a value ("--event-ttl -1" does not happen, but "-1" is no flag name).
  if (std::isdigit(static_cast<unsigned char>(token[1])) != 0) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<bool> parse_go_bool(std::string_view v) {
  if (v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "true" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "false" || v == "False") return false;
  return std::nullopt;
}

bool is_boolean_flag(std::string_view name) {
  return std::find(kBooleanFlags.begin(), kBooleanFlags.end(), name) != kBooleanFlags.end();
}

Flags parse_flags(const std::vector<std::string>& argv) {
  Flags out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& token = argv[i];
    if (token == "--") {
      out.positional.insert(out.positional.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    if (!is_flag_token(token)) {
      out.positional.push_back(token);
      continue;
    }
    std::string_view body(token);
    body.remove_prefix(body.starts_with("--") ? 2 : 1);
    if (auto eq = body.find('='); eq != std::string_view::npos) {
      out.entries.emplace_back(std::string(body.substr(0, eq)), std::string(body.substr(eq + 1)));
      continue;
    }
    std::string name(body);
    if (is_boolean_flag(name) || i + 1 >= argv.size() || is_flag_token(argv[i + 1]) ||
        argv[i + 1] == "--") {
      out.entries.emplace_back(std::move(name), "true");
      continue;
    }
    out.entries.emplace_back(std::move(name), argv[++i]);
  }
  return out;
}

std::optional<std::string> etcd_env_flag(std::string_view env_name) {
  constexpr std::string_view kPrefix = "ETCD_";
  if (!env_name.starts_with(kPrefix) || env_name.size() == kPrefix.size()) return std::nullopt;
  std::string out;
  for (char c : env_name.substr(kPrefix.size())) {
    if (c == '_') out += '-';
    else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Flags parse_etcd_flags(const std::vector<std::string>& argv,
                       const std::vector<std::pair<std::string, std::string>>& env) {
  Flags from_argv = parse_flags(argv);
  Flags out;
  for (const auto& [name, value] : env)
    if (auto flag = etcd_env_flag(name)) out.entries.emplace_back(*flag, value);
  out.entries.insert(out.entries.end(), from_argv.entries.begin(), from_argv.entries.end());
  out.positional = std::move(from_argv.positional);
  return out;
}

bool Flags::has(std::string_view name) const {
  return std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first == name; });
}

std::optional<std::string> Flags::last(std::string_view name) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

std::vector<std::string> Flags::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, value] : entries) {
    if (n != name) continue;
    std::string_view rest(value);
    while (true) {
      auto comma = rest.find(',');
      std::string_view item = trim(rest.substr(0, comma));
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::optional<bool> Flags::bool_value(std::string_view name) const {
  auto v = last(name);
  if (!v) return std::nullopt;
  return parse_go_bool(*v);
}

}  // namespace rampart::collect
