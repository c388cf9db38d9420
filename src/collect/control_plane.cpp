#include "rampart/collect/control_plane.h"

#include <algorithm>
#include <string>

#include "rampart/collect/flags.h"

namespace rampart::collect {
namespace {

const Container* pick_container(const Pod& pod, std::string_view component) {
  const Container* first = nullptr;
  for (const auto& c : pod.containers) {
    if (c.kind != ContainerKind::kRegular) continue;
    if (c.name == component) return &c;
    if (first == nullptr) first = &c;
  }
  return first;
}

bool is_component(const Pod& pod, std::string_view component) {
  auto label = pod.meta.labels.find("component");
  if (label != pod.meta.labels.end() && label->second == component) return true;
  return !pod.node_name.empty() && pod.meta.name == std::string(component) + "-" + pod.node_name;
}

size_t component_rank(std::string_view name) {
  const auto& names = control_plane_component_names();
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

const std::vector<std::string_view>& control_plane_component_names() {
  static const std::vector<std::string_view> names = {"kube-apiserver", "kube-controller-manager",
                                                      "kube-scheduler", "etcd"};
  return names;
}

std::vector<ControlPlaneComponent> find_control_plane(const std::vector<Pod>& pods) {
  std::vector<ControlPlaneComponent> out;
  for (const Pod& pod : pods) {
    if (pod.meta.namespace_ != "kube-system" || !pod.mirror) continue;
    for (std::string_view name : control_plane_component_names()) {
      if (!is_component(pod, name)) continue;
      ControlPlaneComponent c;
      c.component = std::string(name);
      c.pod = ObjectRef{"Pod", pod.meta.namespace_, pod.meta.name};
      c.node_name = pod.node_name;
      c.host_ip = pod.host_ip;
      c.mirror = pod.mirror;
      if (const Container* container = pick_container(pod, name)) {
        c.container = container->name;
        c.argv = container->command;
        c.argv.insert(c.argv.end(), container->args.begin(), container->args.end());
        c.env = container->plain_env;
        c.env_unresolved = container->unresolved_env;
      }
      c.flags = name == "etcd" ? parse_etcd_flags(c.argv, c.env) : parse_flags(c.argv);
      out.push_back(std::move(c));
      break;
    }
  }
  std::sort(out.begin(), out.end(), [](const ControlPlaneComponent& a, const ControlPlaneComponent& b) {
    return std::tuple(component_rank(a.component), a.node_name, a.pod.name) <
           std::tuple(component_rank(b.component), b.node_name, b.pod.name);
  });
  return out;
}

}  // namespace rampart::collect
