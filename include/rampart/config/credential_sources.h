#pragma once
// The CredentialSource implementations config/ hands to client/: fixed credentials from the
// kubeconfig, bearer tokens re-read from a file (tokenFile, in-cluster service accounts), and
// exec credential plugins.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/config/rest_config.h"

namespace rampart::config {

/// Wall-clock time; injectable so tests can step it.
using Clock = std::function<std::chrono::system_clock::time_point()>;

/// Credentials fixed at load time (token and/or client certificate from the kubeconfig, or
/// nothing at all).
class StaticCredentialSource final : public CredentialSource {
 public:
  StaticCredentialSource(Credential credential, std::string kind, std::string origin);
  [[nodiscard]] Result<Credential> get(bool refresh) override;
  [[nodiscard]] std::string kind() const override { return kind_; }
  [[nodiscard]] std::string origin() const override { return origin_; }

 private:
  Credential credential_;
  std::string kind_;
  std::string origin_;
};

/// A bearer token read from a file and re-read at most once a minute (bound service-account
/// tokens rotate; kubelet rewrites the file), or at once on a 401 refresh. As in client-go, a
/// failed re-read keeps the last good token, and when the kubeconfig also has a `token`, that
/// token is used while the file cannot be read.
class TokenFileSource final : public CredentialSource {
 public:
  /// How long a token read from the file is used before the file is read again (client-go's).
  static constexpr std::chrono::seconds kRereadPeriod{60};

  /// `fallback_token` may be empty. `base` carries a client certificate sent along, if any.
  TokenFileSource(std::string path, std::string fallback_token, Credential base, std::string kind,
                  Clock clock);
  [[nodiscard]] Result<Credential> get(bool refresh) override;
  [[nodiscard]] std::string kind() const override { return kind_; }
  [[nodiscard]] std::string origin() const override { return path_; }

 private:
  Result<std::string> read_token() const;

  std::string path_;
  std::string fallback_token_;
  Credential base_;
  std::string kind_;
  Clock clock_;
  std::mutex mutex_;
  std::string token_;  ///< last good token read from the file; empty = none yet
  bool attempted_ = false;
  std::chrono::system_clock::time_point attempted_at_{};
};

/// What an exec plugin needs, fixed when the kubeconfig is loaded.
struct ExecPlugin {
  std::string path;     ///< resolved executable
  std::string command;  ///< as written in the kubeconfig, for messages
  std::vector<std::string> args;
  std::vector<std::string> env;  ///< complete child environment, KUBERNETES_EXEC_INFO included
  std::string api_version;
  std::string user;  ///< kubeconfig user name, for messages
  std::string location;  ///< "file:line" of the user entry, for messages
  std::chrono::milliseconds timeout{30000};
  std::function<void(std::string_view)> on_stderr_line;  ///< null = our stderr
};

/// Runs a client-go credential plugin and caches what it returns until its
/// expirationTimestamp (forever when it gives none, as client-go does). A 401 refresh runs it
/// again; further refreshes within kMinRefreshInterval of that run reuse its result, so that
/// requests failing together run it once.
class ExecCredentialSource final : public CredentialSource {
 public:
  static constexpr std::chrono::seconds kMinRefreshInterval{5};
  /// Largest stdout accepted from a plugin.
  static constexpr std::size_t kMaxOutputBytes = 1u << 20;

  ExecCredentialSource(ExecPlugin plugin, Clock clock);
  [[nodiscard]] Result<Credential> get(bool refresh) override;
  [[nodiscard]] std::string kind() const override { return "exec"; }
  [[nodiscard]] std::string origin() const override { return plugin_.path; }
  /// How many times the plugin has been run (for tests and debug logs).
  [[nodiscard]] int runs() const;

 private:
  Result<Credential> run();

  ExecPlugin plugin_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::optional<Credential> cached_;
  std::chrono::system_clock::time_point fetched_at_{};
  bool refreshed_ = false;  ///< the cached credential came from a refresh run
  int runs_ = 0;
};

}  // namespace rampart::config
