#include "rampart/collect/whoami.h"

#include <spdlog/spdlog.h>

namespace rampart::collect {

using nlohmann::json;

json self_subject_review_body() {
  return {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}, {"metadata", json::object()}};
}

Result<ScannerIdentity> parse_self_subject_review(const json& review) {
  const json* info = nullptr;
  if (review.is_object())
    if (auto status = review.find("status"); status != review.end() && status->is_object())
      if (auto it = status->find("userInfo"); it != status->end() && it->is_object()) info = &*it;
  if (info == nullptr) return fail(ErrorKind::kParse, "SelfSubjectReview without status.userInfo");
  auto user = info->find("username");
  if (user == info->end() || !user->is_string() || user->get_ref<const std::string&>().empty())
    return fail(ErrorKind::kParse, "SelfSubjectReview without status.userInfo.username");
  ScannerIdentity out;
  out.user = user->get<std::string>();
  if (auto groups = info->find("groups"); groups != info->end() && groups->is_array())
    for (const auto& g : *groups)
      if (g.is_string()) out.groups.push_back(g.get<std::string>());
  out.source = "SelfSubjectReview";
  return out;
}

json identity_summary(const ScannerIdentity& who) {
  return {{"user", who.user}, {"groups", who.groups}, {"source", who.source}};
}

ScannerIdentity whoami(client::ApiClient& api, const std::optional<config::ClaimedIdentity>& claimed) {
  ScannerIdentity out;
  auto answer = api.post_json(kSelfSubjectReviewPath, self_subject_review_body(), "create selfsubjectreviews");
  if (answer) {
    if (auto parsed = parse_self_subject_review(*answer)) out = std::move(*parsed);
    else out.error = parsed.error().message;
  } else {
    out.error = answer.error().message;
  }
  if (out.user.empty() && claimed) {
    out.user = claimed->user;
    out.groups = claimed->groups;
    out.source = claimed->source;
  }
  if (claimed) out.certificate_organizations = claimed->certificate_organizations;
  out.credential = api.credential_kind();
  if (out.user.empty()) spdlog::info("the scanner's own identity is unknown: {}", out.error);
  else spdlog::debug("scanning as {} ({})", out.user, out.source);
  return out;
}

}  // namespace rampart::collect
