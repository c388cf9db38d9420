#include "rampart/collect/kube_proxy.h"

#include <yaml-cpp/yaml.h>

namespace rampart::collect {

bool is_kube_proxy_pod(const Pod& pod) {
  if (pod.meta.namespace_ != "kube-system") return false;
  auto app = pod.meta.labels.find("k8s-app");
  return (app != pod.meta.labels.end() && app->second == "kube-proxy") || pod.meta.name.starts_with("kube-proxy-");
}

std::vector<std::string> command_line(const Container& container) {
  std::vector<std::string> argv = container.command;
  argv.insert(argv.end(), container.args.begin(), container.args.end());
  return argv;
}

Result<std::string> config_metrics_bind_address(const std::string& config_conf) {
  try {
    YAML::Node cfg = YAML::Load(config_conf);
    if (cfg.IsMap() && cfg["metricsBindAddress"] && cfg["metricsBindAddress"].IsScalar())
      return cfg["metricsBindAddress"].as<std::string>();
    return std::string();
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::kParse, e.msg);
  }
}

}  // namespace rampart::collect
