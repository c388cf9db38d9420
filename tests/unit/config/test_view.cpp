#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/pem.h"
#include "rampart/config/view.h"

using namespace rampart::config;
using namespace rampart::config::test;

TEST_CASE("view: names, sources and fingerprints, never values", "[config]") {
  Setup s(fixture("all-kinds.yaml"), "token-and-cert");
  auto c = s.load();
  REQUIRE(c);
  auto v = view_json(*c, false);
  REQUIRE(v);
  CHECK((*v)["context"] == "token-and-cert");
  CHECK((*v)["cluster"] == "main");
  CHECK((*v)["user"] == "token-and-cert");
  CHECK((*v)["server"] == "https://127.0.0.1:1");
  CHECK((*v)["ca"]["source"] == fixture("pki/ca.crt"));
  CHECK((*v)["ca"]["sha256"] == sha256_hex(slurp(fixture("pki/ca.crt"))));
  const auto& cred = (*v)["credential"];
  CHECK(cred["kind"] == "client-certificate+token");
  CHECK(cred["token_sha256"] == sha256_hex("static-token-with-cert-0003"));
  CHECK(cred["client_cert_sha256"] == sha256_hex(slurp(fixture("pki/client-rsa.crt"))));
  CHECK(cred["client_key_sha256"] == sha256_hex(slurp(fixture("pki/client-rsa.key"))));
  std::string text = v->dump();
  CHECK(text.find("static-token-with-cert-0003") == std::string::npos);
  CHECK(text.find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("view: exec plugins run only when asked", "[config]") {
  TempDir dir;
  Setup s(fixture("exec.yaml"), "token");
  s.env["RAMPART_TEST_COUNTER"] = dir.path("runs");
  auto c = s.load();
  REQUIRE(c);
  auto quiet = view_json(*c, false);
  REQUIRE(quiet);
  CHECK((*quiet)["credential"]["kind"] == "exec");
  CHECK((*quiet)["credential"]["origin"] == fixture("plugins/token.sh"));
  CHECK((*quiet)["credential"]["token_sha256"].is_null());
  CHECK(slurp(dir.path("runs")).empty());
  auto ran = view_json(*c, true);
  REQUIRE(ran);
  CHECK((*ran)["credential"]["token_sha256"] == sha256_hex("exec-token-v1"));
  Setup failing(fixture("exec.yaml"), "fail");
  auto f = failing.load();
  REQUIRE(f);
  CHECK_FALSE(view_json(*f, true));
}
