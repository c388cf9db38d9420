#include "format_util.h"

#include <algorithm>

#include <openssl/evp.h>

#include <cstdio>

namespace rampart::report::detail {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 allows only tab, LF and CR below 0x20; a label value with \x01 would make
        // the whole document unparseable, so it becomes the replacement character.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

std::string resource_label(const collect::ObjectRef& ref) {
  if (ref.kind.empty() && ref.name.empty()) return "";
  return ref.kind + " " + (ref.namespace_.empty() ? "" : ref.namespace_ + "/") + ref.name;
}

std::string resource_path(const collect::ObjectRef& ref) {
  return ref.kind + "/" + (ref.namespace_.empty() ? "" : ref.namespace_ + "/") + ref.name;
}

checks::Severity finding_severity(const checks::CheckResult& check, const checks::Finding& finding) {
  return finding.severity.value_or(check.severity);
}

const std::vector<checks::Status>& all_statuses() {
  using checks::Status;
  static const std::vector<Status> kAll = {Status::kPass,   Status::kFail,  Status::kWarn,  Status::kManual,
                                           Status::kSkip,   Status::kError, Status::kWaived};
  return kAll;
}

const std::vector<checks::Severity>& all_severities() {
  using checks::Severity;
  static const std::vector<Severity> kAll = {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow,
                                             Severity::kInfo};
  return kAll;
}

size_t count_of(const score::StatusCounts& counts, checks::Status s) {
  auto it = counts.find(s);
  return it == counts.end() ? 0 : it->second;
}

std::string score_text(const std::optional<double>& score, std::string_view unknown) {
  if (!score) return std::string(unknown);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *score);
  return buf;
}

std::string cluster_name(const ScanReport& report) {
  if (!report.cluster.context.empty()) return report.cluster.context;
  if (!report.cluster.server.empty()) return report.cluster.server;
  return report.source;
}

bool is_failure_like(checks::Status s) {
  return s == checks::Status::kFail || s == checks::Status::kWarn || s == checks::Status::kWaived;
}

bool is_about_scanner(const checks::Finding& finding) {
  return std::find(finding.tags.begin(), finding.tags.end(), "self") != finding.tags.end();
}

std::string sha256_base64(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[2 * EVP_MAX_MD_SIZE];
  int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(n));
}

std::string waiver_note(const checks::WaiverRef& w) {
  return std::string("WAIVED (was ") + checks::to_string(w.waived_status) + ") by " + w.owner + " until " + w.expires +
         " (" + w.source + "): " + w.justification;
}

}  // namespace rampart::report::detail
