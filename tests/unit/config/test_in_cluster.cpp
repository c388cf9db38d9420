#include <catch2/catch.hpp>

#include <filesystem>

#include "fixtures.h"
#include "rampart/config/credential_sources.h"
#include "rampart/config/load.h"
#include "rampart/core/log.h"

using namespace rampart::config;
using namespace rampart::config::test;
using rampart::ErrorKind;

namespace {
const std::string kInClusterToken = "eyJhbGciOiJSUzI1NiJ9.in-cluster-token-0001.signature";

void pod_env(Setup& s) {
  s.env["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
  s.env["KUBERNETES_SERVICE_PORT"] = "443";
  s.options.in_cluster_root = fixture("in-cluster/serviceaccount");
}
}  // namespace

TEST_CASE("in-cluster: --in-cluster uses the service account folder and the service env", "[config]") {
  Setup s;
  pod_env(s);
  s.options.in_cluster = true;
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->server == "https://10.96.0.1:443");
  CHECK(c->context == "in-cluster");
  CHECK(c->namespace_ == "rampart-system");
  CHECK(c->ca_pem == slurp(fixture("pki/ca.crt")));
  CHECK(c->ca_source == fixture("in-cluster/serviceaccount/ca.crt"));
  CHECK(c->credentials->kind() == "in-cluster");
  CHECK(c->credentials->get(false)->bearer_token == kInClusterToken);
  CHECK(rampart::log::scrub(kInClusterToken) == "[REDACTED]");
}

TEST_CASE("in-cluster: RAMPART_SERVICE_ACCOUNT_DIR moves the mount", "[config]") {
  Setup s;
  pod_env(s);
  s.options.in_cluster_root = "/nonexistent/serviceaccount";
  s.env["RAMPART_SERVICE_ACCOUNT_DIR"] = fixture("in-cluster/serviceaccount");
  s.options.in_cluster = true;
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->ca_source == fixture("in-cluster/serviceaccount/ca.crt"));
  CHECK(c->credentials->get(false)->bearer_token == kInClusterToken);
  s.options.in_cluster = false;  // chosen automatically (no kubeconfig in a pod): the same folder
  CHECK(s.load()->ca_source == fixture("in-cluster/serviceaccount/ca.crt"));
}

TEST_CASE("in-cluster: POD_NAMESPACE wins, IPv6 hosts get brackets", "[config]") {
  Setup s;
  pod_env(s);
  s.options.in_cluster = true;
  s.env["POD_NAMESPACE"] = "from-downward-api";
  s.env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->namespace_ == "from-downward-api");
  CHECK(c->server == "https://[fd00::1]:443");
}

TEST_CASE("in-cluster: used automatically when there is no kubeconfig in a pod", "[config]") {
  Setup none;
  pod_env(none);
  REQUIRE(none.load());
  CHECK(none.load()->context == "in-cluster");
  Setup empty;
  pod_env(empty);
  empty.options.kubeconfig_env = fixture("merge/empty.yaml");
  CHECK(empty.load()->context == "in-cluster");
  // A kubeconfig, even in a pod, wins.
  Setup kubeconfig(fixture("all-kinds.yaml"));
  pod_env(kubeconfig);
  CHECK(kubeconfig.load()->context == "rsa-files");
  // --context means a kubeconfig was expected.
  Setup context("", "prod");
  pod_env(context);
  CHECK(context.load().error().message.rfind("no kubeconfig found", 0) == 0);
}

TEST_CASE("in-cluster: missing environment, token or CA are clear errors", "[config]") {
  Setup no_env;
  no_env.options.in_cluster = true;
  no_env.options.in_cluster_root = fixture("in-cluster/serviceaccount");
  CHECK(no_env.load().error().message ==
        "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (set by Kubernetes in "
        "every pod)");
  TempDir dir;
  Setup s;
  pod_env(s);
  s.options.in_cluster = true;
  s.options.in_cluster_root = dir.path();
  auto no_token = s.load();
  REQUIRE_FALSE(no_token);
  CHECK(no_token.error().describe() == dir.path("token") + ": in-cluster service-account token: cannot read token file \"" +
                                           dir.path("token") + "\": No such file or directory");
  dir.write("token", "abcdefgh-token\n");
  CHECK(s.load().error().message == "cannot read in-cluster CA \"" + dir.path("ca.crt") + "\": No such file or directory");
  dir.write("ca.crt", "garbage");
  CHECK(s.load().error().describe() == dir.path("ca.crt") + ": in-cluster CA: no PEM certificate found");
  dir.write("ca.crt", slurp(fixture("pki/ca.crt")));
  auto ok = s.load();
  REQUIRE(ok);
  CHECK(ok->namespace_ == "default");  // no namespace file, no POD_NAMESPACE
}

TEST_CASE("in-cluster: contradictory options are usage errors", "[config]") {
  Setup s(fixture("all-kinds.yaml"));
  s.options.in_cluster = true;
  CHECK(s.load().error().kind == ErrorKind::kUsage);
  Setup c("", "ctx");
  c.options.in_cluster = true;
  CHECK(c.load().error().message == "--in-cluster and --context cannot be used together");
}

TEST_CASE("token file: re-read once a minute, at once on a 401, last good token kept", "[config]") {
  TempDir dir;
  ManualClock clock;
  std::string path = dir.write("token", "rotating-token-one\n");
  TokenFileSource source(path, "", Credential{}, "token-file", clock.clock());
  CHECK(source.get(false)->bearer_token == "rotating-token-one");
  dir.write("token", "rotating-token-two\n");
  clock.advance(std::chrono::seconds(59));
  CHECK(source.get(false)->bearer_token == "rotating-token-one");  // not yet a minute
  clock.advance(std::chrono::seconds(1));
  CHECK(source.get(false)->bearer_token == "rotating-token-two");
  dir.write("token", "rotating-token-three\n");
  CHECK(source.get(true)->bearer_token == "rotating-token-three");  // a 401 refresh re-reads now
  std::filesystem::remove(path);
  CapturedLog log;
  clock.advance(std::chrono::seconds(60));
  CHECK(source.get(false)->bearer_token == "rotating-token-three");
  CHECK(log.text().find("using the previous token") != std::string::npos);
  CHECK(rampart::log::scrub("rotating-token-two") == "[REDACTED]");
}

TEST_CASE("token file: in-cluster tokens rotate too", "[config]") {
  TempDir dir;
  dir.write("token", "first-bound-token\n");
  dir.write("ca.crt", slurp(fixture("pki/ca.crt")));
  ManualClock clock;
  Setup s;
  pod_env(s);
  s.options.in_cluster = true;
  s.options.in_cluster_root = dir.path();
  s.options.clock = clock.clock();
  auto c = s.load();
  REQUIRE(c);
  dir.write("token", "second-bound-token\n");
  CHECK(c->credentials->get(false)->bearer_token == "first-bound-token");
  clock.advance(TokenFileSource::kRereadPeriod);
  CHECK(c->credentials->get(false)->bearer_token == "second-bound-token");
}
