#pragma once
// A network endpoint rampart probes: what it is expected to be (kubelet, etcd, API server...),
// where it is, and where rampart learnt about it. Targets come from the Inventory
// (discover.h) or from the command line (parse_target below).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rampart/core/error.h"

namespace rampart::probe {

/// What an endpoint is expected to be. The order is the report order.
enum class TargetKind {
  kApiServer,                ///< kube-apiserver secure port (TLS)
  kKubelet,                  ///< kubelet 10250 (TLS)
  kKubeletReadOnly,          ///< kubelet read-only 10255 (plain HTTP)
  kEtcdClient,               ///< etcd client port 2379 (plain or TLS: the probe finds out)
  kEtcdPeer,                 ///< etcd peer port 2380
  kControllerManager,        ///< kube-controller-manager 10257 (TLS)
  kScheduler,                ///< kube-scheduler 10259 (TLS)
  kKubeProxy,                ///< kube-proxy metrics 10249 (plain HTTP)
  kLegacyApiServer,          ///< the removed insecure API port 8080 (plain HTTP)
  kLegacyControllerManager,  ///< the removed insecure controller-manager port 10252
  kLegacyScheduler,          ///< the removed insecure scheduler port 10251
  kTls,                      ///< any TLS port: only the TLS analysis (P-7) runs
};

/// The URL scheme of a kind: "apiserver", "kubelet", "kubelet-readonly", "etcd", "etcd-peer",
/// "controller-manager", "scheduler", "kube-proxy", "legacy-apiserver",
/// "legacy-controller-manager", "legacy-scheduler", "tls".
const char* to_string(TargetKind kind);
std::optional<TargetKind> parse_target_kind(std::string_view scheme);
/// The port a kind listens on when nothing says otherwise (kTls: 443).
int default_port(TargetKind kind);
/// Every kind in report order.
const std::vector<TargetKind>& all_target_kinds();

struct Target {
  TargetKind kind = TargetKind::kKubelet;
  std::string host;    ///< DNS name or IP literal (IPv6 without brackets)
  int port = 0;
  std::string node;    ///< node name, when the target was found through a Node or mirror pod
  std::string source;  ///< where it came from: "node/a InternalIP", "kube-apiserver --etcd-servers"

  /// "kubelet://10.0.0.1:10250" ("[fd00::1]" for IPv6).
  [[nodiscard]] std::string url() const;
  /// "10.0.0.1:10250" or "[fd00::1]:10250", as an HTTP Host header wants it.
  [[nodiscard]] std::string authority() const;
  bool operator==(const Target&) const = default;
};

/// True for IPv4 and IPv6 literals (no brackets).
bool is_ip_literal(std::string_view host);
/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view host);
/// True for 0.0.0.0 and ::, the "every interface" addresses of listen flags.
bool is_unspecified(std::string_view host);

/// "host", "host:port", "[v6]", "[v6]:port" → host and port (`default_port` when absent).
/// Rejects empty hosts, ports outside 1..65535 and characters that have no place in a host
/// name (whitespace, '/', '@', control bytes), so nothing a user types can reach a request line.
Result<std::pair<std::string, int>> parse_host_port(std::string_view text, int default_port);

/// "kind://host[:port]" (see to_string(TargetKind)) or "https://host[:port]" for an API server.
Result<Target> parse_target(std::string_view text);

/// An http:// or https:// URL (as in --etcd-servers) for `kind`; any path is ignored.
Result<Target> parse_url_target(std::string_view url, TargetKind kind);

/// Sorts by (kind, host, port) and drops later duplicates of the same (kind, host, port), so the
/// first source named for an endpoint is the one kept.
void sort_and_dedupe(std::vector<Target>& targets);

}  // namespace rampart::probe
