#pragma once
// A snapshot of environment variables. config/ never calls getenv directly: tests inject a map,
// and exec plugins get exactly the snapshot taken when the kubeconfig was loaded.
#include <map>
#include <string>
#include <vector>

namespace rampart::config {

/// Environment variables by name.
struct Environment {
  std::map<std::string, std::string> vars;

  /// The current process's environment.
  static Environment from_process();
  /// The value of `name`, or "" when unset.
  [[nodiscard]] std::string get(const std::string& name) const;
  /// "NAME=value" entries, sorted by name: what execve wants.
  [[nodiscard]] std::vector<std::string> entries() const;
};

}  // namespace rampart::config
