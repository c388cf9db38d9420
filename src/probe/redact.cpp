#include "rampart/probe/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>

#include "rampart/core/log.h"

namespace rampart::probe {
namespace {

// How far beyond the excerpt redaction looks: a secret that starts inside the excerpt is seen
// whole as long as it is shorter than this.
constexpr size_t kWindowFactor = 4;
constexpr size_t kMinWindow = 1024;

std::string escape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
    } else if (c == '\r') {
      continue;  // CRLF reads as a line break
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

bool mixed_blob(const std::string& s) {
  bool digit = std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  bool alpha = std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c); });
  return digit && alpha;
}

std::string redact_patterns(std::string text) {
  static const std::regex json_secret(
      R"re(("[^"\\]*(token|password|passwd|secret|key|value|cert|credential|auth|data)[^"\\]*"\s*:\s*")((?:[^"\\]|\\.)*)")re",
      std::regex::icase);
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)");
  static const std::regex bootstrap(R"(\b[a-z0-9]{6}\.[a-z0-9]{16}\b)");
  static const std::regex blob(R"([A-Za-z0-9+/_-]{32,}={0,2})");

  text = std::regex_replace(text, json_secret, "$1[REDACTED]\"");
  text = std::regex_replace(text, jwt, "[REDACTED]");
  text = std::regex_replace(text, bootstrap, "[REDACTED]");
  // Long runs only when they mix letters and digits: keeps long names like
  // "kube-controller-manager-control-plane" readable.
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), blob);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (!mixed_blob(m.str())) continue;
    out.append(text, last, static_cast<size_t>(m.position()) - last);
    out += "[REDACTED]";
    last = static_cast<size_t>(m.position() + m.length());
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace

std::string redact_excerpt(std::string_view body, size_t max_chars) {
  if (max_chars == 0 || body.empty()) return {};
  size_t window = std::max(kMinWindow, max_chars * kWindowFactor);
  std::string text = redact_patterns(log::scrub(escape(body.substr(0, window))));
  if (text.size() <= max_chars && body.size() <= window) return text;
  if (text.size() > max_chars) text.resize(max_chars);
  return text + "...";
}

std::string describe_bytes(std::string_view bytes) {
  size_t printable = static_cast<size_t>(std::count_if(bytes.begin(), bytes.end(), [](unsigned char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t';
  }));
  if (!bytes.empty() && printable * 10 >= bytes.size() * 9) {
    // One line: summaries and error messages are single lines.
    std::string text = redact_excerpt(bytes, 64);
    std::string out;
    for (char c : text) {
      if (c == '\n') out += "\\n";
      else out += c == '\t' ? ' ' : c;
    }
    while (out.ends_with("\\n")) out.resize(out.size() - 2);
    return out;
  }
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < 16; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(bytes[i]));
    if (!out.empty()) out += ' ';
    out += buf;
  }
  if (bytes.size() > 16) out += " ...";
  return out;
}

}  // namespace rampart::probe
