#pragma once
// What rampart reads about kube-proxy, shared by its check (4.3.1) and probe discovery (the
// metrics port to probe): which pods are kube-proxy, and the metrics address its configuration
// file names.
#include <string>
#include <vector>

#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"

namespace rampart::collect {

/// A kube-proxy pod: in kube-system, labelled k8s-app=kube-proxy or named kube-proxy-*.
bool is_kube_proxy_pod(const Pod& pod);

/// The command line a container runs: its command, then its args.
std::vector<std::string> command_line(const Container& container);

/// metricsBindAddress in kube-proxy's configuration file (ConfigMap kube-system/kube-proxy,
/// key config.conf); "" when it is not set. A file that is not YAML is an error with the
/// parser's message.
[[nodiscard]] Result<std::string> config_metrics_bind_address(const std::string& config_conf);

}  // namespace rampart::collect
