#include "rampart/rbac/resource_spec.h"

namespace rampart::rbac {

Result<ResourceSpec> parse_resource_spec(const std::string& text) {
  std::string main = text, sub;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    main = text.substr(0, slash);
    sub = text.substr(slash + 1);
    if (sub.empty() || sub.find('/') != std::string::npos)
      return fail(ErrorKind::kUsage, "resource '" + text + "' must be resource[.group][/subresource]");
  }
  if (main.empty()) return fail(ErrorKind::kUsage, "resource '" + text + "' must be resource[.group][/subresource]");
  ResourceSpec out;
  auto dot = main.find('.');
  out.resource = dot == std::string::npos ? main : main.substr(0, dot);
  out.group = dot == std::string::npos ? "" : main.substr(dot + 1);
  if (!sub.empty()) out.resource += "/" + sub;
  return out;
}

}  // namespace rampart::rbac
