#pragma once
// Offline inventories: a saved dump instead of a live cluster (`rampart scan --inventory FILE`).
//
// FILE is JSON: a Kubernetes List (kubectl get ... -o json), a single object, or several
// documents one after another. Besides the API kinds parse.h knows, it may hold:
//   - ConfigMap kube-system/kube-proxy (its config.conf feeds CIS 4.3.1);
//   - {"apiVersion": "rampart.dev/v1", "kind": "KubeletConfigz", "metadata": {"name": NODE},
//      "kubeletconfig": {...}}  or with "error": "..." / "forbidden": true instead: a node's
//      configz (kubectl get --raw /api/v1/nodes/NODE/proxy/configz);
//   - {"apiVersion": "rampart.dev/v1", "kind": "ServerVersion", "gitVersion": "v1.33.2", ...}
//      (kubectl version -o json's serverVersion), and "server"/"context" for the header;
//   - a SelfSubjectReview (kubectl auth whoami -o json): who collected the dump, i.e. the
//     scanner's identity (findings about it are tagged "self", docs/self-scan.md).
// A resource type counts as collected when the file holds at least one object of it, or when
// it is named in `collected` (a dump may hold no NetworkPolicies because there are none).
#include <string>
#include <vector>

#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"

namespace rampart::collect {

/// Parses inventory JSON text; `name` is used in error messages.
[[nodiscard]] Result<Inventory> parse_inventory(const std::string& text, const std::string& name,
                                                const std::vector<std::string>& collected = {});

/// Reads and parses an inventory file.
[[nodiscard]] Result<Inventory> load_inventory_file(const std::string& path,
                                                    const std::vector<std::string>& collected = {});

/// ResourceType by its API name ("networkpolicies"), for --collected.
[[nodiscard]] Result<ResourceType> resource_type_from_name(const std::string& name);

}  // namespace rampart::collect
