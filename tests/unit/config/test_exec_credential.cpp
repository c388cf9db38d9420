#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/exec_credential.h"
#include "rampart/core/log.h"

using namespace rampart::config;
using rampart::config::test::fixture;
using rampart::config::test::slurp;

namespace {
std::string credential(const std::string& status, const std::string& version = kExecApiV1) {
  return R"({"apiVersion":")" + version + R"(","kind":"ExecCredential","status":)" + status + "}";
}
}  // namespace

TEST_CASE("exec credential: a token, its expiry and registration as a secret", "[config]") {
  auto c = parse_exec_credential(
      credential(R"({"token":"exec-secret-token-42","expirationTimestamp":"2030-01-01T10:00:00Z"})"), kExecApiV1);
  REQUIRE(c);
  CHECK(c->bearer_token == "exec-secret-token-42");
  REQUIRE(c->expires);
  CHECK(std::chrono::system_clock::to_time_t(*c->expires) == 1893492000);
  CHECK(rampart::log::scrub("x exec-secret-token-42 y") == "x [REDACTED] y");
}

TEST_CASE("exec credential: a client certificate and key", "[config]") {
  nlohmann::json status = {{"clientCertificateData", slurp(fixture("pki/client-ec.crt"))},
                           {"clientKeyData", slurp(fixture("pki/client-ec.key"))}};
  auto c = parse_exec_credential(credential(status.dump(), kExecApiV1beta1), kExecApiV1beta1);
  REQUIRE(c);
  CHECK(c->bearer_token.empty());
  CHECK(c->client_cert_pem == slurp(fixture("pki/client-ec.crt")));
  CHECK(c->client_key_pem == slurp(fixture("pki/client-ec.key")));
  CHECK_FALSE(c->expires);
}

TEST_CASE("exec credential: every malformed answer has its own message", "[config]") {
  auto message = [](const std::string& out) {
    auto c = parse_exec_credential(out, kExecApiV1);
    REQUIRE_FALSE(c);
    CHECK(c.error().kind == rampart::ErrorKind::kConfig);
    return c.error().message;
  };
  CHECK(message("not json") == "printed something that is not an ExecCredential JSON object");
  CHECK(message("[1,2]") == "printed something that is not an ExecCredential JSON object");
  CHECK(message(credential(R"({"token":"abcdefgh"})", kExecApiV1beta1)) ==
        "returned apiVersion \"client.authentication.k8s.io/v1beta1\", but the kubeconfig asks for "
        "\"client.authentication.k8s.io/v1\"");
  CHECK(message(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{}})") ==
        "returned kind \"Secret\", expected \"ExecCredential\"");
  CHECK(message(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})") ==
        "did not return a status field");
  CHECK(message(credential("{}")) == "did not return a token or a client certificate and key");
  CHECK(message(credential(R"({"clientKeyData":"x"})")) ==
        "returned only one of clientCertificateData and clientKeyData");
  CHECK(message(credential(R"({"token":5})")) == "status.token is not a string");
  CHECK(message(credential(R"({"token":"abcdefgh","expirationTimestamp":"soon"})")) ==
        "status.expirationTimestamp is not an RFC 3339 time");
  nlohmann::json bad_key = {{"clientCertificateData", slurp(fixture("pki/client-ec.crt"))},
                            {"clientKeyData", slurp(fixture("pki/client-rsa.key"))}};
  CHECK(message(credential(bad_key.dump())) == "status.clientKeyData: the private key does not match the certificate");
}

TEST_CASE("exec credential: KUBERNETES_EXEC_INFO as client-go writes it", "[config]") {
  CHECK(exec_info_json(kExecApiV1, std::nullopt) ==
        R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}})");
  ExecClusterInfo cluster;
  cluster.server = "https://127.0.0.1:1";
  cluster.tls_server_name = "kubernetes";
  cluster.certificate_authority_data = "hi\n";
  cluster.config = nlohmann::json{{"audience", "x"}};
  CHECK(exec_info_json(kExecApiV1beta1, cluster) ==
        R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"cluster":)"
        R"({"server":"https://127.0.0.1:1","tls-server-name":"kubernetes","certificate-authority-data":"aGkK",)"
        R"("config":{"audience":"x"}},"interactive":false}})");
}

TEST_CASE("exec credential: RFC 3339 times with fractions and offsets", "[config]") {
  using std::chrono::system_clock;
  auto t = [](const char* s) { return system_clock::to_time_t(parse_rfc3339(s).value()); };
  CHECK(t("2030-01-01T10:00:00Z") == 1893492000);
  CHECK(t("2030-01-01T10:00:00.123456789Z") == 1893492000);
  CHECK(t("2030-01-01T12:00:00+02:00") == 1893492000);
  CHECK(t("2030-01-01T05:30:00-04:30") == 1893492000);
  CHECK_FALSE(parse_rfc3339("2030-01-01 10:00:00"));
  CHECK_FALSE(parse_rfc3339("2030-01-01T10:00:00"));
  CHECK_FALSE(parse_rfc3339("2030-13-01T10:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2030-01-01T10:00:00Zjunk"));
}
