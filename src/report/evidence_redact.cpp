#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "rampart/core/log.h"
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

constexpr const char* kRedacted = "[REDACTED]";

// Words that make a flag's value a credential. Flags that name a file holding one
// (--token-file, --password-file, --sign-key) end in a path suffix or carry no such word.
constexpr std::array<std::string_view, 9> kSecretWords = {"token",      "password", "passwd",
                                                          "passphrase", "secret",   "credential",
                                                          "apikey",     "api-key",  "key-data"};
constexpr std::array<std::string_view, 4> kPathSuffixes = {"-file", "-path", "-dir", "-ref"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `name` is the flag without leading dashes and without "=value".
bool secret_flag(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return static_cast<char>(c == '_' ? '-' : std::tolower(c));
  });
  for (auto suffix : kPathSuffixes)
    if (ends_with(name, suffix)) return false;
  return std::any_of(kSecretWords.begin(), kSecretWords.end(),
                     [&](std::string_view w) { return name.find(w) != std::string::npos; });
}

// Credential shapes worth catching wherever they appear, beyond what log::scrub knows
// (registered secrets, "Bearer x", PEM private keys).
std::string scrub_shapes(const std::string& arg) {
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)");
  static const std::regex bootstrap(R"(\b[a-z0-9]{6}\.[a-z0-9]{16}\b)");
  static const std::regex basic(R"((Basic|basic)\s+[A-Za-z0-9+/=]{6,})");
  static const std::regex url_password(R"((://[^/:@\s]*):[^/@\s]*@)");
  std::string out = log::scrub(arg);
  out = std::regex_replace(out, jwt, kRedacted);
  out = std::regex_replace(out, bootstrap, kRedacted);
  out = std::regex_replace(out, basic, "$1 [REDACTED]");
  out = std::regex_replace(out, url_password, "$1:[REDACTED]@");
  return out;
}

}  // namespace

std::vector<std::string> redact_command_line(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  bool value_is_secret = false;  // the previous argument was a secret flag without "="
  for (const std::string& arg : argv) {
    if (value_is_secret) {
      out.emplace_back(kRedacted);
      value_is_secret = false;
      continue;
    }
    if (arg.size() > 2 && arg[0] == '-' && arg != "--") {
      const size_t dashes = arg[1] == '-' ? 2 : 1;
      const size_t eq = arg.find('=');
      const std::string name =
          arg.substr(dashes, eq == std::string::npos ? std::string::npos : eq - dashes);
      if (secret_flag(name)) {
        if (eq == std::string::npos) {
          value_is_secret = true;
          out.push_back(arg);
        } else {
          out.push_back(arg.substr(0, eq + 1) + (eq + 1 < arg.size() ? kRedacted : ""));
        }
        continue;
      }
    }
    out.push_back(scrub_shapes(arg));
  }
  return out;
}

}  // namespace rampart::report
