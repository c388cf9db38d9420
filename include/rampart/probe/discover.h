#pragma once
// Target discovery: which endpoints an attacker on the node network would try, worked out from
// what collect/ read. Pure: no DNS, no network.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/collect/inventory.h"
#include "rampart/probe/target.h"

namespace rampart::probe {

/// Every probe target the Inventory implies, sorted and de-duplicated (sort_and_dedupe):
/// - per node, for its InternalIP then ExternalIP addresses: kubelet (Node::kubelet_port),
///   kubelet read-only (configz readOnlyPort when it is set and not 0, else 10255) and
///   kube-proxy metrics (kube_proxy_metrics_port);
/// - the API server at `api_server` (the kubeconfig server URL; may be empty) and at the host IP
///   of each kube-apiserver mirror pod (`--secure-port`, default 6443), plus the legacy
///   insecure port (`--insecure-port` when set and not 0, else 8080) on those hosts;
/// - etcd client URLs from kube-apiserver `--etcd-servers` and etcd `--listen-client-urls` /
///   `--advertise-client-urls`, peer URLs from etcd `--listen-peer-urls` /
///   `--initial-advertise-peer-urls` (flag, else the ETCD_* environment form);
/// - controller-manager and scheduler at the host IP of their mirror pods (`--secure-port`,
///   default 10257 / 10259; 0 means disabled) plus their legacy ports 10252 / 10251.
/// A loopback or unspecified host in a component's URL (127.0.0.1, 0.0.0.0, localhost) names
/// that component's own node, so it is replaced by the pod's host IP: probing it from the
/// network shows whether the port is reachable beyond loopback. Without a host IP it is dropped.
std::vector<Target> discover_targets(const collect::Inventory& inventory,
                                     const std::string& api_server);

/// The port kube-proxy serves /metrics on: the port of --metrics-bind-address on a kube-proxy
/// pod's command line, else of metricsBindAddress in ConfigMap kube-system/kube-proxy, else
/// 10249 (also when the address names no port). 0 (metrics turned off) gives nullopt.
std::optional<int> kube_proxy_metrics_port(const collect::Inventory& inventory);

/// A component's flags: ControlPlaneComponent::flags when collect/ filled it, else argv (and
/// for etcd its ETCD_* environment) parsed with collect/flags.h.
collect::Flags component_flags(const collect::ControlPlaneComponent& component);

}  // namespace rampart::probe
