#include "rampart/collect/access_check.h"

namespace rampart::collect {

using nlohmann::json;

json access_review_body(const ApiCall& call, std::string_view ns) {
  json attributes = {{"verb", call.verb}, {"group", call.group}, {"version", call.version},
                     {"resource", call.resource}};
  if (!call.subresource.empty()) attributes["subresource"] = call.subresource;
  if (call.namespaced && !ns.empty()) attributes["namespace"] = std::string(ns);
  return {{"apiVersion", "authorization.k8s.io/v1"},
          {"kind", "SelfSubjectAccessReview"},
          {"spec", {{"resourceAttributes", attributes}}}};
}

void apply_access_review(const json& review, AccessCheck& check) {
  const json* status = nullptr;
  if (review.is_object())
    if (auto it = review.find("status"); it != review.end() && it->is_object()) status = &*it;
  if (status == nullptr) {
    check.error = "the review came back without a status";
    return;
  }
  check.allowed = status->value("allowed", false) == true;
  check.reason = status->value("reason", std::string());
  std::string evaluation = status->value("evaluationError", std::string());
  if (!evaluation.empty()) check.reason += (check.reason.empty() ? "" : "; ") + evaluation;
}

Result<std::vector<AccessCheck>> check_access(client::ApiClient& api, const std::vector<std::string>& namespaces) {
  std::vector<AccessCheck> out;
  for (const ApiCall& call : api_calls()) {
    std::vector<std::string> scopes = {""};
    if (call.namespaced && !namespaces.empty()) scopes = namespaces;
    for (const std::string& ns : scopes) {
      AccessCheck check{call, ns, false, "", ""};
      std::string what = "create selfsubjectaccessreviews (" + call.verb + " " + call.resource_path() + ")";
      auto review = api.post_json("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                  access_review_body(call, ns), what);
      if (!review) {
        const Error& e = review.error();
        bool fatal = e.kind == ErrorKind::kUnauthorized || e.kind == ErrorKind::kNetwork ||
                     e.kind == ErrorKind::kTls || e.kind == ErrorKind::kConfig;
        if (fatal && out.empty()) return tl::unexpected(e);
        check.error = e.message;
      } else {
        apply_access_review(*review, check);
      }
      out.push_back(std::move(check));
    }
  }
  return out;
}

}  // namespace rampart::collect
