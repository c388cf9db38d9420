#pragma once
// "deployments.apps", "pods/exec", "certificatesigningrequests.certificates.k8s.io/approval":
// the resource argument of `rampart who-can` (kubectl's resource.group form).
#include <string>

#include "rampart/core/error.h"

namespace rampart::rbac {

struct ResourceSpec {
  std::string resource;  ///< "pods/exec" (subresource kept, as the index expects)
  std::string group;     ///< "" for the core group
  bool operator==(const ResourceSpec&) const = default;
};

[[nodiscard]] Result<ResourceSpec> parse_resource_spec(const std::string& text);

}  // namespace rampart::rbac
