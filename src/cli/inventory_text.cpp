#include "rampart/cli/inventory_text.h"

#include <cstdio>

namespace rampart::cli {
namespace {

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

}  // namespace

std::string human_bytes(size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return format("%.1f %s", value, units[unit]);
}

std::string render_inventory_text(const collect::Inventory& inv) {
  using collect::CollectStatus;
  const auto& id = inv.identity;
  std::string out;
  out += "server:     " + id.server + (id.context.empty() ? "" : " (context " + id.context + ")") + "\n";
  out += "version:    " + (id.git_version.empty() ? std::string("unknown") : id.git_version) + "\n";
  out += "cluster id: kube-system " + (id.kube_system_uid.empty() ? std::string("unknown") : id.kube_system_uid) + "\n";
  if (!inv.namespace_filter.empty() || !inv.excluded_namespaces.empty()) {
    std::string scope;
    for (const auto& ns : inv.namespace_filter) scope += (scope.empty() ? "" : ", ") + ns;
    if (scope.empty()) scope = "all";
    std::string excluded;
    for (const auto& ns : inv.excluded_namespaces) excluded += (excluded.empty() ? "" : ", ") + ns;
    out += "namespaces: " + scope + (excluded.empty() ? "" : " (excluding " + excluded + ")") + "\n";
  }
  out += "\n";
  out += format("%-32s %-13s %8s %6s %11s %8s\n", "RESOURCE", "STATE", "COUNT", "PAGES", "BYTES", "SECONDS");
  size_t total_bytes = 0;
  double total_seconds = 0;
  for (collect::ResourceType type : collect::all_resource_types()) {
    const CollectStatus& s = inv.status_of(type);
    total_bytes += s.bytes;
    total_seconds += s.seconds;
    if (s.state == CollectStatus::State::kNotRequested) {
      out += format("%-32s %-13s %8s %6s %11s %8s\n", collect::to_string(type), "skipped", "-", "-", "-", "-");
      continue;
    }
    out += format("%-32s %-13s %8zu %6zu %11s %8.2f\n", collect::to_string(type), collect::to_string(s.state),
                  s.count, s.pages, human_bytes(s.bytes).c_str(), s.seconds);
  }
  out += format("%-32s %-13s %8s %6s %11s %8.2f\n", "total", "", "", "", human_bytes(total_bytes).c_str(),
                total_seconds);
  out += "\ncontrol plane: ";
  if (inv.control_plane.empty()) {
    out += "no components visible (managed control plane, or kube-system not readable)\n";
  } else {
    std::string list;
    for (const auto& c : inv.control_plane) list += (list.empty() ? "" : ", ") + c.component + " on " + c.node_name;
    out += list + "\n";
  }
  std::string errors;
  for (collect::ResourceType type : collect::all_resource_types()) {
    const CollectStatus& s = inv.status_of(type);
    if (s.state == CollectStatus::State::kOk || s.state == CollectStatus::State::kNotRequested) continue;
    errors += std::string("  ") + collect::to_string(type) + ": " + collect::to_string(s.state) + ": " + s.error + "\n";
  }
  // One line says it when RBAC refuses configz for every node; otherwise each node's own error.
  bool all_forbidden = inv.status_of(collect::ResourceType::kKubeletConfig).state == CollectStatus::State::kForbidden;
  for (const auto& node : inv.nodes)
    if (!node.kubelet.error.empty() && !all_forbidden)
      errors += "  node " + node.meta.name + " configz: " + node.kubelet.error + "\n";
  out += errors.empty() ? "\nerrors: none\n" : "\nerrors:\n" + errors;
  return out;
}

}  // namespace rampart::cli
