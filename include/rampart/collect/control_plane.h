#pragma once
// Finding the control-plane components in the pods of kube-system (cis-controls.md 1 F).
#include <string_view>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::collect {

/// "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", in report order.
const std::vector<std::string_view>& control_plane_component_names();

/// The components found among `pods` (any namespace given; only kube-system is searched):
/// by label component=<name> (kubeadm, RKE2), else by the name <name>-<nodeName>, and only
/// when the pod is a confirmed mirror pod (static pods are what the kubelet runs from the
/// node's manifests; anything else could be a look-alike). The container named as the
/// component is used, else the first regular container. Sorted by component, then node.
std::vector<ControlPlaneComponent> find_control_plane(const std::vector<Pod>& pods);

}  // namespace rampart::collect
