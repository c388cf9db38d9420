#include <catch2/catch.hpp>

#include "rampart/core/log.h"
#include "rampart/report/evidence.h"

using rampart::report::redact_command_line;
using Args = std::vector<std::string>;

TEST_CASE("evidence: redact drops the values of token and password flags", "[report]") {
  CHECK(redact_command_line({"rampart", "scan", "--token", "abc.def", "--context", "prod"}) ==
        Args{"rampart", "scan", "--token", "[REDACTED]", "--context", "prod"});
  CHECK(redact_command_line({"rampart", "scan", "--token=abc", "--password=hunter2", "--username",
                             "admin"}) == Args{"rampart", "scan", "--token=[REDACTED]",
                                               "--password=[REDACTED]", "--username", "admin"});
  CHECK(redact_command_line({"x", "--bearer-token", "t0k", "--client-secret", "s", "--db_passwd",
                             "p", "--API_KEY", "k"}) ==
        Args{"x", "--bearer-token", "[REDACTED]", "--client-secret", "[REDACTED]", "--db_passwd",
             "[REDACTED]", "--API_KEY", "[REDACTED]"});
  CHECK(redact_command_line({"x", "-token", "abc"}) == Args{"x", "-token", "[REDACTED]"});
  CHECK(redact_command_line({"x", "--client-key-data=LS0tLS1CRUdJTg"}) ==
        Args{"x", "--client-key-data=[REDACTED]"});
}

TEST_CASE("evidence: redact keeps paths of flags that name a key or token file", "[report]") {
  const Args args{"rampart",
                  "scan",
                  "--sign-key",
                  "/keys/sign.pem",
                  "--token-file",
                  "/var/run/token",
                  "--password-file=/etc/pw",
                  "--kubeconfig",
                  "/home/a/.kube/config",
                  "--client-key",
                  "/pki/client.key"};
  CHECK(redact_command_line(args) == args);
}

TEST_CASE("evidence: redact catches credentials anywhere in an argument", "[report]") {
  const std::string jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
  CHECK(redact_command_line({"x", "--header", "Authorization: Bearer opaque-token-value"}) ==
        Args{"x", "--header", "Authorization: Bearer [REDACTED]"});
  CHECK(redact_command_line({"x", "--note=" + jwt}) == Args{"x", "--note=[REDACTED]"});
  CHECK(redact_command_line({"x", jwt}) == Args{"x", "[REDACTED]"});
  CHECK(redact_command_line({"x", "--join", "abcdef.0123456789abcdef"}) ==
        Args{"x", "--join", "[REDACTED]"});
  CHECK(redact_command_line({"x", "--server", "https://admin:s3cret@api.example.com:6443"}) ==
        Args{"x", "--server", "https://admin:[REDACTED]@api.example.com:6443"});
  CHECK(redact_command_line({"x", "Authorization: Basic YWRtaW46c2VjcmV0"}) ==
        Args{"x", "Authorization: Basic [REDACTED]"});
}

TEST_CASE("evidence: redact removes registered secrets and leaves ordinary arguments", "[report]") {
  rampart::log::register_secret("registered-secret-xyz");
  CHECK(redact_command_line({"x", "--label", "v=registered-secret-xyz"}) ==
        Args{"x", "--label", "v=[REDACTED]"});
  const Args plain{"rampart",
                   "scan",
                   "--in-cluster",
                   "--output",
                   "json=/reports/report.json",
                   "--evidence-dir",
                   "/reports/evidence/rampart-28912345-abcde",
                   "--fail-on",
                   "high",
                   "--",
                   "-v"};
  CHECK(redact_command_line(plain) == plain);
  CHECK(redact_command_line({"x", "--token"}) == Args{"x", "--token"});  // nothing to hide
  CHECK(redact_command_line({"x", "--token="}) == Args{"x", "--token="});
}
