#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/certificate_subject.h"
#include "rampart/config/claimed_identity.h"
#include "rampart/config/pem.h"

using namespace rampart::config;
using rampart::config::test::fixture;
using rampart::config::test::slurp;

namespace {

// base64url without padding, as in a JWT.
std::string b64url(const std::string& text) {
  std::string out = encode_base64(text);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : (c == '/' ? '_' : c);
  return out;
}

std::string jwt(const std::string& claims) {
  return b64url(R"({"alg":"RS256","kid":"k"})") + "." + b64url(claims) + ".c2lnbmF0dXJl";
}

}  // namespace

TEST_CASE("claimed identity: a service-account token names its account and groups", "[config]") {
  // A bound token as the kubelet projects it (claims abridged); "~~~" puts '-' and '_' in the payload.
  auto claims = service_account_token_claims(jwt(
      R"({"aud":["https://kubernetes.default.svc"],"iss":"https://kubernetes.default.svc","x":"~~~???>>>",)"
      R"("kubernetes.io":{"namespace":"rampart","serviceaccount":{"name":"rampart"}},"sub":"system:serviceaccount:rampart:rampart"})"));
  REQUIRE(claims);
  CHECK(claims->user == "system:serviceaccount:rampart:rampart");
  CHECK(claims->groups == std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:rampart", "system:authenticated"});
  CHECK(claims->source == "token claims");
  CHECK(claims->certificate_organizations.empty());
}

TEST_CASE("claimed identity: other tokens claim nothing", "[config]") {
  CHECK_FALSE(service_account_token_claims("0123456789abcdef"));                                  // opaque
  CHECK_FALSE(service_account_token_claims(jwt(R"({"sub":"alice@example.com"})")));               // OIDC
  CHECK_FALSE(service_account_token_claims(jwt(R"({"sub":"system:serviceaccount:ns"})")));        // no name
  CHECK_FALSE(service_account_token_claims(jwt(R"({"sub":"system:serviceaccount::x"})")));        // no namespace
  CHECK_FALSE(service_account_token_claims(jwt(R"({"sub":"system:serviceaccount:a:b:c"})")));     // extra part
  CHECK_FALSE(service_account_token_claims(jwt(R"({"sub":42})")));
  CHECK_FALSE(service_account_token_claims(jwt("not json")));
  CHECK_FALSE(service_account_token_claims("a.b"));
  CHECK_FALSE(service_account_token_claims("a.b.c.d"));
  CHECK_FALSE(service_account_token_claims("eyJ.!!!.sig"));
  CHECK_FALSE(service_account_token_claims(b64url("{}") + "." + b64url(R"({"sub":"system:serviceaccount:a:b"})") + "=.s"));
}

TEST_CASE("claimed identity: a client certificate's CN and O, ahead of a token", "[config]") {
  auto subject = certificate_subject(slurp(fixture("pki/client-rsa.crt")));
  REQUIRE(subject);
  CHECK(subject->common_name == "rampart-rsa");
  CHECK(subject->organizations == std::vector<std::string>{"system:masters"});
  CHECK_FALSE(certificate_subject("not a certificate"));

  Credential both;
  both.client_cert_pem = slurp(fixture("pki/client-rsa.crt"));
  both.bearer_token = jwt(R"({"sub":"system:serviceaccount:a:b"})");
  auto claimed = claimed_identity(both);
  REQUIRE(claimed);
  CHECK(claimed->user == "rampart-rsa");
  CHECK(claimed->groups == std::vector<std::string>{"system:masters", "system:authenticated"});
  CHECK(claimed->certificate_organizations == std::vector<std::string>{"system:masters"});
  CHECK(claimed->source == "client certificate");

  Credential token;
  token.bearer_token = both.bearer_token;
  CHECK(claimed_identity(token)->user == "system:serviceaccount:a:b");
  CHECK_FALSE(claimed_identity(Credential{}));
}
