#include <catch2/catch.hpp>

#include <string>

#include "rampart/core/log.h"
#include "rampart/probe/redact.h"

using namespace rampart;
using probe::describe_bytes;
using probe::redact_excerpt;

TEST_CASE("redact: JSON values under secret-looking keys are cut", "[probe]") {
  std::string body =
      R"({"kvs":[{"key":"c2VjcmV0LWtleQ==","value":"aHVudGVyMg=="}],"password":"hunter2","token":"abc","kind":"PodList"})";
  std::string out = redact_excerpt(body, 4096);
  CHECK(out ==
        R"({"kvs":[{"key":"[REDACTED]","value":"[REDACTED]"}],"password":"[REDACTED]","token":"[REDACTED]","kind":"PodList"})");
}

TEST_CASE("redact: a Status message stays readable", "[probe]") {
  std::string body =
      R"({"kind":"Status","message":"forbidden: User \"system:anonymous\" cannot get path \"/api\"","code":403})";
  CHECK(redact_excerpt(body, 4096) == body);
}

TEST_CASE("redact: tokens, JWTs and long blobs are cut, long names kept", "[probe]") {
  CHECK(redact_excerpt("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl end", 4096) ==
        "jwt [REDACTED] end");
  CHECK(redact_excerpt("join with abcdef.0123456789abcdef now", 4096) == "join with [REDACTED] now");
  CHECK(redact_excerpt("blob Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo== x", 4096) == "blob [REDACTED] x");
  CHECK(redact_excerpt("hex 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 4096) ==
        "hex [REDACTED]");
  const std::string name = "kube-controller-manager-control-plane-node-number";
  CHECK(redact_excerpt(name, 4096) == name);
}

TEST_CASE("redact: log::scrub runs first (registered secrets, bearer, PEM keys)", "[probe]") {
  log::register_secret("registered-probe-secret");
  CHECK(redact_excerpt("x registered-probe-secret y", 4096) == "x [REDACTED] y");
  CHECK(redact_excerpt("Authorization: Bearer abcdefghijk", 4096) == "Authorization: Bearer [REDACTED]");
  CHECK(redact_excerpt("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", 4096) ==
        "[REDACTED PRIVATE KEY]");
}

TEST_CASE("redact: binary is escaped and the excerpt is bounded", "[probe]") {
  CHECK(redact_excerpt(std::string("a\x00\x01\xff" "b", 5), 100) == "a\\x00\\x01\\xffb");
  CHECK(redact_excerpt("line1\r\nline2", 100) == "line1\nline2");
  CHECK(redact_excerpt(std::string(5000, 'x'), 10) == "xxxxxxxxxx...");
  CHECK(redact_excerpt("anything", 0).empty());
  CHECK(redact_excerpt("", 10).empty());
}

TEST_CASE("redact: a secret straddling the cut is redacted before cutting", "[probe]") {
  std::string body = std::string(20, ' ') + R"("token":"0123456789abcdefghij0123456789")";
  std::string out = redact_excerpt(body, 35);
  CHECK(out.find("0123") == std::string::npos);
}

TEST_CASE("redact: describe_bytes shows binary as hex and text as text", "[probe]") {
  CHECK(describe_bytes(std::string("\x15\x03\x03\x00\x02\x02\x28", 7)) == "15 03 03 00 02 02 28");
  CHECK(describe_bytes(std::string(20, '\x01')) ==
        "01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 ...");
  CHECK(describe_bytes("SSH-2.0-OpenSSH_9.2\r\n") == "SSH-2.0-OpenSSH_9.2");
  CHECK(describe_bytes("220 smtp ready\r\n250 ok\r\n") == "220 smtp ready\\n250 ok");
}
