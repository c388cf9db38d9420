#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "rampart/config/exec_credential.h"
#include "rampart/config/pem.h"
#include "rampart/config/load.h"
#include "rampart/core/log.h"

using namespace rampart::config;
using namespace rampart::config::test;

namespace {

// Loads a context of exec.yaml (or all-kinds.yaml) with an environment the test controls.
struct ExecSetup : Setup {
  TempDir dir;
  explicit ExecSetup(const std::string& context, const std::string& file = "exec.yaml")
      : Setup(fixture(file), context) {
    env["RAMPART_TEST_COUNTER"] = dir.path("runs");
    env["RAMPART_TEST_INFO_OUT"] = dir.path("exec-info.json");
    env["RAMPART_TEST_PIDFILE"] = dir.path("pid");
  }
  int runs() const {
    std::string text = slurp(dir.path("runs"));
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  RestConfig loaded() {
    auto r = load();
    if (!r) FAIL(r.error().describe());
    return *r;
  }
  // The error get() returns for this context.
  rampart::Error get_error() {
    auto r = loaded().credentials->get(false);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == rampart::ErrorKind::kConfig);
    return r.error();
  }
  std::string who(const std::string& plugin, const std::string& user) const {
    return fixture("exec.yaml") + ":" + std::to_string(line(user)) + ": exec plugin \"" + fixture(plugin) +
           "\" of user \"" + user + "\" ";
  }
  static int line(const std::string& user) {
    std::string text = slurp(fixture("exec.yaml"));
    auto pos = text.find("\n- name: " + user + "\n");
    return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos) + 1, '\n')) + 1;
  }
};

bool process_gone(pid_t pid) {
  // Killed and reaped, or killed and waiting for its (foreign) parent to reap it.
  if (::kill(pid, 0) != 0) return true;
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
}

}  // namespace

TEST_CASE("exec: a v1 plugin's token, cached, with its stderr passed through", "[config]") {
  ExecSetup s("token");
  RestConfig c = s.loaded();
  CHECK(c.credentials->kind() == "exec");
  CHECK(c.credentials->origin() == fixture("plugins/token.sh"));
  CHECK(s.runs() == 0);  // plugins run when a credential is first needed, not at load
  CHECK(c.credentials->get(false)->bearer_token == "exec-token-v1");
  CHECK(c.credentials->get(false)->bearer_token == "exec-token-v1");
  CHECK(s.runs() == 1);  // no expirationTimestamp: cached until a 401
  CHECK(s.plugin_stderr == std::vector<std::string>{"token.sh: issuing a token"});
  CHECK(rampart::log::scrub("Bearer exec-token-v1") == "Bearer [REDACTED]");
}

TEST_CASE("exec: a 401 refresh runs the plugin again, once for a burst of 401s", "[config]") {
  ExecSetup s("token");
  ManualClock clock;
  s.options.clock = clock.clock();
  RestConfig c = s.loaded();
  REQUIRE(c.credentials->get(false));
  REQUIRE(c.credentials->get(true));  // the first credential was refused at once: run again
  CHECK(s.runs() == 2);
  REQUIRE(c.credentials->get(true));  // another request failed with it too: reuse the new one
  CHECK(s.runs() == 2);
  clock.advance(ExecCredentialSource::kMinRefreshInterval);
  REQUIRE(c.credentials->get(true));
  CHECK(s.runs() == 3);
}

TEST_CASE("exec: credentials are cached until their expirationTimestamp", "[config]") {
  ExecSetup s("token");
  ManualClock clock;  // 2030-01-01T00:00:00Z
  s.options.clock = clock.clock();
  s.env["RAMPART_TEST_EXPIRY"] = "2030-01-01T00:10:00Z";
  RestConfig c = s.loaded();
  auto first = c.credentials->get(false);
  REQUIRE(first);
  REQUIRE(first->expires);
  clock.advance(std::chrono::minutes(10));
  REQUIRE(c.credentials->get(false));
  CHECK(s.runs() == 1);  // at the expiry instant it is still valid
  clock.advance(std::chrono::seconds(1));
  REQUIRE(c.credentials->get(false));
  CHECK(s.runs() == 2);
}

TEST_CASE("exec: the kubeconfig's env and KUBERNETES_EXEC_INFO reach the plugin", "[config]") {
  ExecSetup s("cluster-info");
  RestConfig c = s.loaded();
  CHECK(c.credentials->get(false)->bearer_token == "exec-token-info-from-kubeconfig");
  auto info = nlohmann::json::parse(slurp(s.dir.path("exec-info.json")));
  CHECK(info["kind"] == "ExecCredential");
  CHECK(info["apiVersion"] == "client.authentication.k8s.io/v1beta1");
  CHECK(info["spec"]["interactive"] == false);
  CHECK(info["spec"]["cluster"]["server"] == "https://127.0.0.1:1");
  CHECK(info["spec"]["cluster"]["certificate-authority-data"] == encode_base64(slurp(fixture("pki/ca.crt"))));
  CHECK(info["spec"]["cluster"]["config"] == nlohmann::json{{"audience", "rampart-test"}});
  // Without provideClusterInfo the variable is still set, without the cluster.
  ExecSetup plain("token");
  REQUIRE(plain.loaded().credentials->get(false));
  CHECK(slurp(plain.dir.path("exec-info.json")) ==
        R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}})");
}

TEST_CASE("exec: a v1beta1 plugin returning a client certificate", "[config]") {
  ExecSetup s("exec-v1beta1-cert", "all-kinds.yaml");
  auto cred = s.loaded().credentials->get(false);
  REQUIRE(cred);
  CHECK(cred->client_cert_pem == slurp(fixture("pki/client-ec.crt")));
  CHECK(cred->client_key_pem == slurp(fixture("pki/client-ec.key")));
  CHECK(cred->bearer_token.empty());
}

TEST_CASE("exec: a failing plugin's status and a bounded excerpt of its stderr", "[config]") {
  ExecSetup s("fail");
  CHECK(s.get_error().describe() == s.who("plugins/fail.sh", "fail") +
                                        "exited with status 3: fail.sh: error: the session expired | fail.sh: run "
                                        "'test-login' to log in again");
  CHECK(s.plugin_stderr.size() == 2);
}

TEST_CASE("exec: a hanging plugin is killed with everything it started", "[config]") {
  ExecSetup s("hang");
  s.options.exec_timeout = std::chrono::seconds(1);
  auto start = std::chrono::steady_clock::now();
  CHECK(s.get_error().describe() == s.who("plugins/hang.sh", "hang") + "did not finish within 1s and was killed");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  int status = 0;
  CHECK(::waitpid(-1, &status, WNOHANG) == -1);  // no child of ours left unreaped
  pid_t sleeper = std::stoi(slurp(s.dir.path("pid")));
  for (int i = 0; i < 200 && !process_gone(sleeper); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(process_gone(sleeper));
}

TEST_CASE("exec: plugins printing junk or the wrong object are refused", "[config]") {
  auto error_of = [](const std::string& user) {
    ExecSetup s(user);
    return s.get_error().describe();
  };
  auto who = [](const std::string& plugin, const std::string& user) {
    return ExecSetup("token").who(plugin, user);
  };
  CHECK(error_of("junk") == who("plugins/print.sh", "junk") +
                                "printed something that is not an ExecCredential JSON object");
  CHECK(error_of("wrong-version") == who("plugins/token.sh", "wrong-version") +
                                         "returned apiVersion \"client.authentication.k8s.io/v1beta1\", but the "
                                         "kubeconfig asks for \"client.authentication.k8s.io/v1\"");
  CHECK(error_of("wrong-kind") == who("plugins/print.sh", "wrong-kind") +
                                      "returned kind \"Secret\", expected \"ExecCredential\"");
  CHECK(error_of("no-status") == who("plugins/print.sh", "no-status") + "did not return a status field");
  CHECK(error_of("empty-status") == who("plugins/print.sh", "empty-status") +
                                        "did not return a token or a client certificate and key");
  CHECK(error_of("only-cert") == who("plugins/print.sh", "only-cert") +
                                     "returned only one of clientCertificateData and clientKeyData");
  CHECK(error_of("bad-expiry") == who("plugins/print.sh", "bad-expiry") +
                                      "status.expirationTimestamp is not an RFC 3339 time");
  CHECK(error_of("huge") == who("plugins/huge.sh", "huge") + "printed more than 1 MiB and was killed");
}

TEST_CASE("exec: a missing plugin shows its installHint on one line", "[config]") {
  ExecSetup s("missing");
  auto r = s.load();
  REQUIRE_FALSE(r);
  CHECK(r.error().describe() ==
        fixture("exec.yaml") + ":" + std::to_string(ExecSetup::line("missing")) +
            ": user \"missing\": exec plugin \"rampart-test-no-such-plugin\" was not found on PATH; install hint: "
            "rampart-test-no-such-plugin is needed to log in. Install it with: apt install rampart-test-plugin");
  ExecSetup path("missing-path");
  CHECK(path.load().error().message ==
        "user \"missing-path\": exec plugin \"" + fixture("plugins/no-such-plugin.sh") + "\" was not found");
}

TEST_CASE("exec: plugins are found on PATH", "[config]") {
  TempDir bin;
  bin.write("rampart-test-no-such-plugin", slurp(fixture("plugins/token.sh")));
  std::filesystem::permissions(bin.path("rampart-test-no-such-plugin"), std::filesystem::perms::owner_all);
  ExecSetup s("missing");
  s.env["PATH"] = "/nonexistent:" + bin.path() + ":/usr/bin:/bin";
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->credentials->origin() == bin.path("rampart-test-no-such-plugin"));
  CHECK(c->credentials->get(false)->bearer_token == "exec-token-default");
}

TEST_CASE("exec: configurations kubectl or rampart cannot run are load errors", "[config]") {
  auto error_of = [](const std::string& user) { return ExecSetup(user).load().error().message; };
  CHECK(error_of("always") == "user \"always\": exec plugin \"" + fixture("plugins/token.sh") +
                                  "\" has interactiveMode Always, but rampart never runs plugins interactively; use "
                                  "IfAvailable or Never");
  CHECK(error_of("v1-without-mode") ==
        "user \"v1-without-mode\": exec.interactiveMode must be set (Never, IfAvailable or Always) for "
        "client.authentication.k8s.io/v1");
  CHECK(error_of("v1alpha1") ==
        "user \"v1alpha1\": exec.apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported (use "
        "client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1)");
  CHECK(error_of("no-command") == "user \"no-command\": exec.command is not set");
}

TEST_CASE("exec: known secrets in a failing plugin's stderr never reach the error", "[config]") {
  rampart::log::register_secret("leaked-refresh-token-77");
  ExecPlugin plugin;
  plugin.path = "/bin/sh";
  plugin.command = "sh";
  plugin.args = {"-c", "echo 'refresh with leaked-refresh-token-77 failed' >&2; exit 1"};
  plugin.user = "u";
  plugin.api_version = kExecApiV1;
  std::vector<std::string> passed_through;
  plugin.on_stderr_line = [&](std::string_view line) { passed_through.emplace_back(line); };
  ExecCredentialSource source(plugin, nullptr);
  auto r = source.get(false);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "exec plugin \"sh\" of user \"u\" exited with status 1: refresh with [REDACTED] failed");
  CHECK(passed_through == std::vector<std::string>{"refresh with [REDACTED] failed"});
  CHECK(source.runs() == 1);
}
