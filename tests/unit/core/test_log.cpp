#include <catch2/catch.hpp>

#include "rampart/core/error.h"
#include "rampart/core/log.h"

using namespace rampart;

TEST_CASE("log: registered secrets are scrubbed", "[core]") {
  log::register_secret("s3cr3t-token-value");
  CHECK(log::scrub("sending s3cr3t-token-value twice s3cr3t-token-value") ==
        "sending [REDACTED] twice [REDACTED]");
}

TEST_CASE("log: short values are not registered", "[core]") {
  log::register_secret("abc");
  CHECK(log::scrub("abc abc") == "abc abc");
}

TEST_CASE("log: bearer tokens and PEM keys are scrubbed without registration", "[core]") {
  CHECK(log::scrub("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig") ==
        "Authorization: Bearer [REDACTED]");
  CHECK(log::scrub("x -----BEGIN EC PRIVATE KEY-----\nMHcCAQ\n-----END EC PRIVATE KEY----- y") ==
        "x [REDACTED PRIVATE KEY] y");
}

TEST_CASE("error: describe puts the context first", "[core]") {
  Error e{ErrorKind::kConfig, "unknown context \"prod\"", "/home/a/.kube/config", 0};
  CHECK(e.describe() == "/home/a/.kube/config: unknown context \"prod\"");
  CHECK(Error{ErrorKind::kTls, "bad", "", 0}.describe() == "bad");
  CHECK(std::string(to_string(ErrorKind::kForbidden)) == "forbidden");
}
