#include "rampart/probe/target.h"

#include <algorithm>
#include <array>
#include <arpa/inet.h>
#include <charconv>
#include <netinet/in.h>

namespace rampart::probe {
namespace {

struct KindInfo {
  TargetKind kind;
  const char* scheme;
  int port;
};

constexpr std::array<KindInfo, 12> kKinds = {{
    {TargetKind::kApiServer, "apiserver", 6443},
    {TargetKind::kKubelet, "kubelet", 10250},
    {TargetKind::kKubeletReadOnly, "kubelet-readonly", 10255},
    {TargetKind::kEtcdClient, "etcd", 2379},
    {TargetKind::kEtcdPeer, "etcd-peer", 2380},
    {TargetKind::kControllerManager, "controller-manager", 10257},
    {TargetKind::kScheduler, "scheduler", 10259},
    {TargetKind::kKubeProxy, "kube-proxy", 10249},
    {TargetKind::kLegacyApiServer, "legacy-apiserver", 8080},
    {TargetKind::kLegacyControllerManager, "legacy-controller-manager", 10252},
    {TargetKind::kLegacyScheduler, "legacy-scheduler", 10251},
    {TargetKind::kTls, "tls", 443},
}};

const KindInfo& info(TargetKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds.front();
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':' || c == '%';
}

Result<int> parse_port(std::string_view text, std::string_view whole) {
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port < 1 ||
      port > 65535)
    return fail(ErrorKind::kUsage, "invalid port \"" + std::string(text) + "\" (want 1-65535)",
                std::string(whole));
  return port;
}

}  // namespace

const char* to_string(TargetKind kind) { return info(kind).scheme; }

std::optional<TargetKind> parse_target_kind(std::string_view scheme) {
  for (const auto& k : kKinds)
    if (scheme == k.scheme) return k.kind;
  return std::nullopt;
}

int default_port(TargetKind kind) { return info(kind).port; }

const std::vector<TargetKind>& all_target_kinds() {
  static const std::vector<TargetKind> kinds = [] {
    std::vector<TargetKind> v;
    for (const auto& k : kKinds) v.push_back(k.kind);
    return v;
  }();
  return kinds;
}

std::string Target::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string Target::url() const { return std::string(to_string(kind)) + "://" + authority(); }

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 || inet_pton(AF_INET6, h.c_str(), &v6) == 1;
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

bool is_unspecified(std::string_view host) { return host == "0.0.0.0" || host == "::"; }

Result<std::pair<std::string, int>> parse_host_port(std::string_view text, int default_port_) {
  const std::string whole(text);
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos)
      return fail(ErrorKind::kUsage, "unclosed '[' in host", whole);
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(ErrorKind::kUsage, "expected ':' after ']'", whole);
      port = rest.substr(1);
      if (port.empty()) return fail(ErrorKind::kUsage, "empty port", whole);
    }
    if (!is_ip_literal(host)) return fail(ErrorKind::kUsage, "not an IPv6 address in [...]", whole);
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      // Several colons and no brackets: a bare IPv6 literal without a port.
      host = text;
    } else if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return fail(ErrorKind::kUsage, "empty port", whole);
    } else {
      host = text;
    }
  }
  if (host.empty()) return fail(ErrorKind::kUsage, "empty host", whole);
  if (host.size() > 253) return fail(ErrorKind::kUsage, "host name too long", whole);
  if (!std::all_of(host.begin(), host.end(), valid_host_char))
    return fail(ErrorKind::kUsage, "invalid character in host", whole);
  if (host.find(':') != std::string_view::npos && !is_ip_literal(host))
    return fail(ErrorKind::kUsage, "invalid host", whole);
  int p = default_port_;
  if (!port.empty()) {
    auto parsed = parse_port(port, whole);
    if (!parsed) return tl::unexpected(parsed.error());
    p = *parsed;
  }
  return std::make_pair(std::string(host), p);
}

Result<Target> parse_target(std::string_view text) {
  const std::string whole(text);
  size_t sep = text.find("://");
  if (sep == std::string_view::npos)
    return fail(ErrorKind::kUsage,
                "a target needs a scheme, e.g. kubelet://10.0.0.1:10250 or https://host:6443",
                whole);
  std::string_view scheme = text.substr(0, sep);
  if (scheme == "https") return parse_url_target(text, TargetKind::kApiServer);
  auto kind = parse_target_kind(scheme);
  if (!kind)
    return fail(ErrorKind::kUsage, "unknown target kind \"" + std::string(scheme) + "\"", whole);
  std::string_view rest = text.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto hp = parse_host_port(rest, default_port(*kind));
  if (!hp) return fail(ErrorKind::kUsage, hp.error().message, whole);
  return Target{*kind, hp->first, hp->second, "", "command line"};
}

Result<Target> parse_url_target(std::string_view url, TargetKind kind) {
  const std::string whole(url);
  int port = 0;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
    port = 443;
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
    port = 80;
  } else {
    return fail(ErrorKind::kUsage, "expected an http:// or https:// URL", whole);
  }
  // An etcd URL without a port means the etcd default, not the scheme's.
  if (kind == TargetKind::kEtcdClient || kind == TargetKind::kEtcdPeer) port = default_port(kind);
  rest = rest.substr(0, rest.find('/'));
  auto hp = parse_host_port(rest, port);
  if (!hp) return fail(ErrorKind::kUsage, hp.error().message, whole);
  return Target{kind, hp->first, hp->second, "", "command line"};
}

void sort_and_dedupe(std::vector<Target>& targets) {
  auto key = [](const Target& t) { return std::tie(t.kind, t.host, t.port); };
  std::stable_sort(targets.begin(), targets.end(),
                   [&](const Target& a, const Target& b) { return key(a) < key(b); });
  targets.erase(std::unique(targets.begin(), targets.end(),
                            [&](const Target& a, const Target& b) { return key(a) == key(b); }),
                targets.end());
}

}  // namespace rampart::probe
