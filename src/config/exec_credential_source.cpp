#include <unistd.h>

#include <spdlog/spdlog.h>

#include "rampart/config/credential_sources.h"
#include "rampart/config/exec_credential.h"
#include "rampart/config/process.h"
#include "rampart/core/log.h"

namespace rampart::config {
namespace {

// How much of a failing plugin's stderr an error message quotes.
constexpr std::size_t kStderrExcerptChars = 300;

void write_to_stderr(std::string_view line) {
  std::string text(line);
  text += '\n';
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

}  // namespace

ExecCredentialSource::ExecCredentialSource(ExecPlugin plugin, Clock clock)
    : plugin_(std::move(plugin)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })) {}

int ExecCredentialSource::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

Result<Credential> ExecCredentialSource::get(bool refresh) {
  std::lock_guard lock(mutex_);
  auto now = clock_();
  if (cached_) {
    // client-go: valid until expirationTimestamp, forever without one.
    bool expired = cached_->expires && now > *cached_->expires;
    // Requests failing together with 401 each ask for a refresh: the first one runs the
    // plugin, the others get what it returned.
    bool just_refreshed = refreshed_ && now - fetched_at_ < kMinRefreshInterval;
    if (!expired && (!refresh || just_refreshed)) return *cached_;
  }
  auto cred = run();
  if (!cred) return cred;
  cached_ = *cred;
  fetched_at_ = now;
  refreshed_ = refresh;
  return cred;
}

Result<Credential> ExecCredentialSource::run() {
  const std::string who = "exec plugin \"" + plugin_.command + "\" of user \"" + plugin_.user + "\"";
  auto failure = [&](const std::string& message) {
    return fail(ErrorKind::kConfig, who + " " + message, plugin_.location);
  };
  ProcessSpec spec;
  spec.path = plugin_.path;
  spec.argv.push_back(plugin_.command);
  spec.argv.insert(spec.argv.end(), plugin_.args.begin(), plugin_.args.end());
  spec.env = plugin_.env;
  spec.timeout = plugin_.timeout;
  spec.max_stdout = kMaxOutputBytes;
  // kubectl hands the plugin's stderr straight to the terminal; we pass it on, scrubbed.
  std::function<void(std::string_view)> sink = plugin_.on_stderr_line;
  if (!sink) sink = write_to_stderr;
  spec.on_stderr_line = [&sink](std::string_view line) { sink(log::scrub(line)); };
  ++runs_;
  spdlog::debug("running {}", who);
  auto result = run_process(spec);
  if (!result) return failure("could not be started: " + result.error().message);
  log::register_secret(result->out);
  std::string excerpt = log::scrub(one_line_excerpt(result->err_tail, kStderrExcerptChars));
  std::string stderr_note = excerpt.empty() ? "" : ": " + excerpt;
  if (result->timed_out) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(plugin_.timeout).count();
    return failure("did not finish within " + std::to_string(secs) + "s and was killed" + stderr_note);
  }
  if (result->output_too_large)
    return failure("printed more than " + std::to_string(kMaxOutputBytes >> 20) + " MiB and was killed");
  if (result->signal != 0)
    return failure("was killed by signal " + std::to_string(result->signal) + stderr_note);
  if (result->exit_code != 0)
    return failure("exited with status " + std::to_string(result->exit_code) + stderr_note);
  auto cred = parse_exec_credential(result->out, plugin_.api_version);
  if (!cred) return failure(cred.error().message);
  return cred;
}

}  // namespace rampart::config
