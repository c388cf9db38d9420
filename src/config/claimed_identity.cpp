#include "rampart/config/claimed_identity.h"

#include <nlohmann/json.hpp>

#include "rampart/config/certificate_subject.h"
#include "rampart/config/pem.h"

namespace rampart::config {
namespace {

constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";

// base64url without padding (RFC 7515) to the standard alphabet decode_base64 reads.
std::optional<std::string> decode_base64url(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  standard.append((4 - standard.size() % 4) % 4, '=');
  auto decoded = decode_base64(standard);
  if (!decoded) return std::nullopt;
  return std::move(*decoded);
}

}  // namespace

std::optional<ClaimedIdentity> service_account_token_claims(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto payload = decode_base64url(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object()) return std::nullopt;
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string()) return std::nullopt;
  const std::string& user = sub->get_ref<const std::string&>();
  // system:serviceaccount:NS:NAME, both parts non-empty and NAME without another colon.
  if (!user.starts_with(kServiceAccountPrefix)) return std::nullopt;
  std::string_view rest = std::string_view(user).substr(kServiceAccountPrefix.size());
  size_t colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == rest.size() ||
      rest.find(':', colon + 1) != std::string_view::npos)
    return std::nullopt;
  std::string ns(rest.substr(0, colon));
  return ClaimedIdentity{user, {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}, "token claims", {}};
}

std::optional<ClaimedIdentity> claimed_identity(const Credential& credential) {
  if (!credential.client_cert_pem.empty()) {
    auto subject = certificate_subject(credential.client_cert_pem);
    if (!subject || subject->common_name.empty()) return std::nullopt;
    ClaimedIdentity out{subject->common_name, subject->organizations, "client certificate", subject->organizations};
    out.groups.push_back("system:authenticated");
    return out;
  }
  if (!credential.bearer_token.empty()) return service_account_token_claims(credential.bearer_token);
  return std::nullopt;
}

}  // namespace rampart::config
