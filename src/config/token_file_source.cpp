#include <spdlog/spdlog.h>

#include "rampart/config/credential_sources.h"
#include "rampart/config/files.h"
#include "rampart/core/log.h"

namespace rampart::config {
TokenFileSource::TokenFileSource(std::string path, std::string fallback_token, Credential base,
                                 std::string kind, Clock clock)
    : path_(std::move(path)),
      fallback_token_(std::move(fallback_token)),
      base_(std::move(base)),
      kind_(std::move(kind)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })) {}

Result<std::string> TokenFileSource::read_token() const {
  auto text = read_local_file(path_, "token file");
  if (!text) return tl::unexpected(text.error());
  // client-go trims the file (kubelet and editors may leave a newline) and refuses an empty one.
  std::string token = trim_space(std::move(*text));
  if (token.empty()) return fail(ErrorKind::kConfig, "token file \"" + path_ + "\" is empty");
  log::register_secret(token);
  return token;
}

Result<Credential> TokenFileSource::get(bool refresh) {
  std::lock_guard lock(mutex_);
  auto now = clock_();
  if (!attempted_ || refresh || now - attempted_at_ >= kRereadPeriod) {
    auto token = read_token();
    if (token) {
      token_ = std::move(*token);
    } else if (token_.empty() && fallback_token_.empty()) {
      return tl::unexpected(token.error());
    } else {
      // As client-go's cached token source: keep using the last good token (or the
      // kubeconfig's own token) and try the file again after the period.
      spdlog::warn("{}; using the {} token", token.error().describe(),
                   token_.empty() ? "kubeconfig's" : "previous");
    }
    attempted_ = true;
    attempted_at_ = now;
  }
  Credential cred = base_;
  cred.bearer_token = token_.empty() ? fallback_token_ : token_;
  return cred;
}

}  // namespace rampart::config
