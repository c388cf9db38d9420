#include "rampart/core/log.h"

#include <algorithm>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>

namespace rampart::log {
namespace {

std::mutex& secrets_mutex() {
  static std::mutex m;
  return m;
}

std::set<std::string>& secrets() {
  static std::set<std::string> s;
  return s;
}

// The status line (set_status_line) and the lock that keeps it and log lines apart.
std::mutex& status_mutex() {
  static std::mutex m;
  return m;
}

std::string& status_line() {
  static std::string s;
  return s;
}

// "\r" then erase to the end of the line: whatever the status line showed disappears.
constexpr std::string_view kEraseLine = "\r\033[K";

void write_stderr(std::string_view bytes) {
  ssize_t ignored = ::write(STDERR_FILENO, bytes.data(), bytes.size());
  (void)ignored;
}

// Writes to stderr after scrubbing, above the status line when there is one; base_sink does
// the locking of the sink itself.
class ScrubbingSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line = scrub(std::string_view(formatted.data(), formatted.size()));
    std::lock_guard lock(status_mutex());
    if (!status_line().empty()) line = std::string(kEraseLine) + line + status_line();
    write_stderr(line);
  }
  void flush_() override {}
};

}  // namespace

void init(int verbosity, bool /*color*/) {
  auto sink = std::make_shared<ScrubbingSink>();
  auto logger = std::make_shared<spdlog::logger>("rampart", sink);
  logger->set_pattern("rampart: %l: %v");
  spdlog::level::level_enum level = spdlog::level::warn;
  if (verbosity == 1) level = spdlog::level::info;
  if (verbosity == 2) level = spdlog::level::debug;
  if (verbosity >= 3) level = spdlog::level::trace;
  logger->set_level(level);
  spdlog::set_default_logger(logger);
  // A failure while logging must never take the scan down.
  spdlog::set_error_handler([](const std::string&) {});
}

void set_status_line(std::string_view text) {
  std::lock_guard lock(status_mutex());
  if (text.empty() && status_line().empty()) return;
  status_line() = text;
  write_stderr(std::string(kEraseLine) + status_line());
}

void register_secret(std::string_view value) {
  if (value.size() < 6) return;
  std::lock_guard lock(secrets_mutex());
  secrets().emplace(value);
}

std::string scrub(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard lock(secrets_mutex());
    // Longest first, so a secret that contains another is replaced whole.
    std::vector<const std::string*> by_length;
    for (const auto& s : secrets()) by_length.push_back(&s);
    std::sort(by_length.begin(), by_length.end(),
              [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
    for (const std::string* s : by_length) {
      for (size_t pos = out.find(*s); pos != std::string::npos; pos = out.find(*s, pos)) {
        out.replace(pos, s->size(), "[REDACTED]");
        pos += 10;
      }
    }
  }
  static const std::regex bearer(R"((Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{8,})");
  static const std::regex pem_key(
      R"(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)");
  if (out.find("earer") != std::string::npos) out = std::regex_replace(out, bearer, "$1 [REDACTED]");
  if (out.find("PRIVATE KEY") != std::string::npos)
    out = std::regex_replace(out, pem_key, "[REDACTED PRIVATE KEY]");
  return out;
}

}  // namespace rampart::log
