#pragma once
// Helpers shared by the config/ unit tests: fixture paths, an injected environment, a steppable
// clock and temporary folders.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "rampart/config/load.h"

namespace rampart::config::test {

/// testdata/kubeconfigs/<rel>.
inline std::string fixture(const std::string& rel = "") {
  return std::string(RAMPART_SOURCE_DIR) + "/testdata/kubeconfigs/" + rel;
}

/// Reads a whole file (fixtures, files written by plugins).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A clock that moves only when told to.
struct ManualClock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::sys_days{std::chrono::year{2030} /
                                                                                   1 / 1});
  Clock clock() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance(std::chrono::seconds s) const { *now += s; }
};

/// LoadOptions with an environment of our own: nothing from the developer's shell leaks in
/// (no real KUBECONFIG, HOME or KUBERNETES_SERVICE_HOST).
struct Setup {
  std::map<std::string, std::string> env{{"PATH", "/usr/bin:/bin"}, {"HOME", "/nonexistent-home"}};
  LoadOptions options;
  std::vector<std::string> plugin_stderr;

  explicit Setup(const std::string& kubeconfig = "", const std::string& context = "") {
    options.kubeconfig = kubeconfig;
    options.context = context;
    options.env = &env;
    options.kubeconfig_env = "";
    options.in_cluster_root = "/nonexistent-serviceaccount";
    options.exec_stderr = [this](std::string_view line) { plugin_stderr.emplace_back(line); };
  }
  Setup(const Setup&) = delete;
  Setup& operator=(const Setup&) = delete;
  Result<RestConfig> load() { return config::load(options); }
};

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("rampart-config-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] std::string path(const std::string& name = "") const {
    return name.empty() ? path_.string() : (path_ / name).string();
  }
  std::string write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << content;
    return path(name);
  }

 private:
  std::filesystem::path path_;
};

/// Captures spdlog output (warnings and above) while alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_pattern("%l: %v");
    logger->set_level(spdlog::level::warn);
    spdlog::set_default_logger(logger);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  [[nodiscard]] std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace rampart::config::test
