#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/load.h"
#include "rampart/core/log.h"

using namespace rampart::config;
using namespace rampart::config::test;
using rampart::ErrorKind;

namespace {

RestConfig load_ok(const std::string& kubeconfig, const std::string& context = "") {
  Setup s(fixture(kubeconfig), context);
  auto r = s.load();
  if (!r) FAIL(r.error().describe());
  return *r;
}

rampart::Error load_error(const std::string& kubeconfig, const std::string& context = "") {
  Setup s(fixture(kubeconfig), context);
  auto r = s.load();
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kConfig);
  return r.error();
}

Credential credential(const RestConfig& config) {
  auto c = config.credentials->get(false);
  if (!c) FAIL(c.error().describe());
  return *c;
}

}  // namespace

TEST_CASE("load: the current-context and its cluster, user and namespace", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml");
  CHECK(c.context == "rsa-files");
  CHECK(c.cluster_name == "main");
  CHECK(c.user_name == "rsa-files");
  CHECK(c.namespace_ == "default");
  CHECK(c.server == "https://127.0.0.1:1");
  CHECK(c.source == fixture("all-kinds.yaml"));
  CHECK(c.ca_pem == slurp(fixture("pki/ca.crt")));
  CHECK(c.ca_source == fixture("pki/ca.crt"));
  CHECK_FALSE(c.insecure_skip_tls_verify);
  CHECK(c.credentials->kind() == "client-certificate");
  CHECK(c.credentials->origin() == fixture("pki/client-rsa.crt"));
  Credential cred = credential(c);
  CHECK(cred.client_cert_pem == slurp(fixture("pki/client-rsa.crt")));
  CHECK(cred.client_key_pem == slurp(fixture("pki/client-rsa.key")));
  CHECK(cred.bearer_token.empty());
  CHECK(rampart::log::scrub(cred.client_key_pem) == "[REDACTED]");
}

TEST_CASE("load: --context overrides current-context", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml", "ec-data");
  CHECK(c.context == "ec-data");
  CHECK(c.namespace_ == "team-a");
  CHECK(c.server == "https://127.0.0.2:1");  // trailing slash dropped
  CHECK(c.ca_pem == slurp(fixture("pki/ca.crt")));
  CHECK(c.ca_source == "kubeconfig");
  CHECK(c.tls_server_name == "kubernetes.default.svc");
  CHECK(c.proxy_url == "socks5://127.0.0.1:1080");
  CHECK(c.credentials->kind() == "client-certificate");
  CHECK(c.credentials->origin() == "kubeconfig");
  CHECK(credential(c).client_key_pem == slurp(fixture("pki/client-ec.key")));
  CHECK(credential(load_ok("all-kinds.yaml", "ec-pkcs8")).client_key_pem ==
        slurp(fixture("pki/client-ec-pkcs8.key")));
}

TEST_CASE("load: servers keep their path, lose trailing slashes, default to the system CAs", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml", "token");
  CHECK(c.server == "https://127.0.0.4:1/k8s/clusters/c-1");
  CHECK(c.ca_pem.empty());
  CHECK(c.ca_source == "system");
  CHECK(c.credentials->kind() == "token");
  CHECK(credential(c).bearer_token == "static-token-abcdef123456");
}

TEST_CASE("load: insecure-skip-tls-verify is honoured with a warning", "[config]") {
  CapturedLog log;
  RestConfig c = load_ok("all-kinds.yaml", "insecure");
  CHECK(c.insecure_skip_tls_verify);
  CHECK(log.text() == "warning: cluster \"insecure\" (" + fixture("all-kinds.yaml") +
                          ":17): insecure-skip-tls-verify is set: the API server's certificate is not verified\n");
}

TEST_CASE("load: a plain http server gets no credentials, as with kubectl", "[config]") {
  CapturedLog log;
  RestConfig c = load_ok("all-kinds.yaml", "plain-http");
  CHECK(c.server == "http://127.0.0.5:1");
  CHECK(c.credentials->kind() == "none");
  CHECK(credential(c).bearer_token.empty());
  CHECK(log.text().find("plain http: no TLS, and no credentials are sent") != std::string::npos);
}

TEST_CASE("load: token files are read and trimmed; with a token too, the file wins while readable", "[config]") {
  RestConfig file = load_ok("all-kinds.yaml", "token-file");
  CHECK(file.credentials->kind() == "token-file");
  CHECK(file.credentials->origin() == fixture("tokens/token.txt"));
  CHECK(credential(file).bearer_token == "file-token-0123456789abcdef");
  // client-go's transport sends the file's token when it can read it...
  CHECK(credential(load_ok("all-kinds.yaml", "token-and-file")).bearer_token == "file-token-0123456789abcdef");
  // ...and the kubeconfig's token when it cannot.
  CapturedLog log;
  CHECK(credential(load_ok("all-kinds.yaml", "token-and-missing-file")).bearer_token ==
        "static-token-fallback-0002");
  CHECK(log.text().find("cannot read token file") != std::string::npos);
}

TEST_CASE("load: a token and a client certificate are sent together", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml", "token-and-cert");
  CHECK(c.credentials->kind() == "client-certificate+token");
  Credential cred = credential(c);
  CHECK(cred.bearer_token == "static-token-with-cert-0003");
  CHECK(cred.client_cert_pem == slurp(fixture("pki/client-rsa.crt")));
}

TEST_CASE("load: a token shadows an exec plugin, which then never runs", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml", "exec-shadowed");
  CHECK(c.credentials->kind() == "token");
  CHECK(credential(c).bearer_token == "static-token-beats-exec-01");
}

TEST_CASE("load: a context's namespace is kept as written, as kubectl does", "[config]") {
  CHECK(load_ok("all-kinds.yaml", "odd-namespace").namespace_ == "Not_A_Label");
}

TEST_CASE("load: a user without credentials is anonymous", "[config]") {
  RestConfig c = load_ok("all-kinds.yaml", "anonymous");
  CHECK(c.credentials->kind() == "none");
  Credential cred = credential(c);
  CHECK(cred.bearer_token.empty());
  CHECK(cred.client_cert_pem.empty());
}

TEST_CASE("load: context errors name the context and where it is defined", "[config]") {
  const std::string errors = fixture("errors.yaml");
  CHECK(load_error("errors.yaml").describe() ==
        errors + ":80: context \"missing-user\" names user \"nobody\", which does not exist");
  CHECK(load_error("errors.yaml", "missing-cluster").describe() ==
        errors + ":81: context \"missing-cluster\" names cluster \"nowhere\", which does not exist");
  CHECK(load_error("errors.yaml", "no-user").describe() == errors + ":82: context \"no-user\" names no user");
  auto unknown = load_error("all-kinds.yaml", "nope");
  CHECK(unknown.describe() == fixture("all-kinds.yaml") +
                                  ": context \"nope\" does not exist (known contexts: anonymous, ec-data, ec-pkcs8, "
                                  "exec-shadowed, exec-v1, exec-v1beta1-cert, insecure, odd-namespace, ...)");
}

TEST_CASE("load: a missing or unset current-context is an error", "[config]") {
  TempDir dir;
  std::string path = dir.write("config", "current-context: ghost\ncontexts:\n- name: real\n  context: {cluster: c, user: u}\n");
  Setup s(path);
  auto r = s.load();
  REQUIRE_FALSE(r);
  CHECK(r.error().describe() == path + ":1: current-context \"ghost\" does not exist (known contexts: real)");
  auto none = load_error("merge/first/config");
  CHECK(none.describe() == fixture("merge/first/config") +
                               ": no current-context is set and --context was not given (known contexts: first, "
                               "shared-ctx)");
}

TEST_CASE("load: cluster errors name the cluster, the field and the file", "[config]") {
  const std::string errors = fixture("errors.yaml");
  CHECK(load_error("errors.yaml", "no-server").describe() == errors + ":10: cluster \"no-server\": no server is set");
  CHECK(load_error("errors.yaml", "missing-ca-file").describe() ==
        errors + ":13: cluster \"missing-ca-file\": cannot read certificate-authority \"" +
            fixture("pki/no-such-ca.crt") + "\": No such file or directory");
  CHECK(load_error("errors.yaml", "bad-ca-file").describe() ==
        errors + ":17: cluster \"bad-ca-file\": certificate-authority \"" + fixture("pki/bad-cert.pem") +
            "\": not a valid PEM certificate");
  CHECK(load_error("errors.yaml", "ca-and-insecure").describe() ==
        errors + ":21: cluster \"ca-and-insecure\": insecure-skip-tls-verify is set together with a certificate "
                 "authority; keep one");
  CHECK(load_error("errors.yaml", "bad-proxy").describe() ==
        errors + ":26: cluster \"bad-proxy\": proxy-url \"ftp://proxy.example:21\": unsupported scheme \"ftp\", "
                 "must be http, https, or socks5");
  CHECK(load_error("errors.yaml", "ftp-server").describe() ==
        errors + ":30: cluster \"ftp-server\": server \"ftp://127.0.0.1:1\" has scheme \"ftp\"; only https (and "
                 "http) are supported");
  const std::string data = fixture("errors-data.yaml");
  CHECK(load_error("errors-data.yaml", "both-ca").describe() ==
        data + ":9: cluster \"both-ca\": certificate-authority and certificate-authority-data are both set; keep one");
  CHECK(load_error("errors-data.yaml", "bad-ca-data").describe() ==
        data + ":14: cluster \"bad-ca-data\": certificate-authority-data: no PEM certificate found");
}

TEST_CASE("load: user errors name the user, the field and the file", "[config]") {
  const std::string errors = fixture("errors.yaml");
  auto user_error = [&](const std::string& context) { return load_error("errors.yaml", context).describe(); };
  CHECK(user_error("no-key") == errors + ":37: user \"no-key\": client-certificate is set but neither client-key "
                                         "nor client-key-data");
  CHECK(user_error("bad-cert-file") == errors + ":40: user \"bad-cert-file\": client-certificate \"" +
                                           fixture("pki/bad-cert.pem") + "\": not a valid PEM certificate");
  CHECK(user_error("bad-key-file") == errors + ":44: user \"bad-key-file\": client-key \"" +
                                          fixture("pki/not-pem.txt") + "\": no PEM private key found");
  CHECK(user_error("missing-key-file") == errors + ":48: user \"missing-key-file\": cannot read client-key \"" +
                                              fixture("pki/no-such.key") + "\": No such file or directory");
  CHECK(user_error("mismatch") == errors + ":52: user \"mismatch\": client-key \"" + fixture("pki/client-rsa.key") +
                                      "\" does not belong to client-certificate \"" + fixture("pki/client-ec.crt") +
                                      "\"");
  CHECK(user_error("encrypted-key") == errors + ":56: user \"encrypted-key\": client-key \"" +
                                           fixture("pki/encrypted.key") + "\": encrypted private keys are not supported");
  CHECK(user_error("missing-token-file") == errors + ":73: user \"missing-token-file\": tokenFile: cannot read token "
                                                     "file \"" + fixture("tokens/no-such-token.txt") +
                                                "\": No such file or directory");
  CHECK(user_error("empty-token-file") == errors + ":76: user \"empty-token-file\": tokenFile: token file \"" +
                                              fixture("tokens/empty.txt") + "\" is empty");
  const std::string data = fixture("errors-data.yaml");
  CHECK(load_error("errors-data.yaml", "both-cert").describe() ==
        data + ":19: user \"both-cert\": client-certificate and client-certificate-data are both set; keep one");
  CHECK(load_error("errors-data.yaml", "both-key").describe() ==
        data + ":24: user \"both-key\": client-key and client-key-data are both set; keep one");
  CHECK(load_error("errors-data.yaml", "bad-key-data").describe() ==
        data + ":29: user \"bad-key-data\": client-key-data: not a valid PEM private key");
}

TEST_CASE("load: basic auth, auth-provider and impersonation are refused without echoing secrets", "[config]") {
  auto basic = load_error("errors.yaml", "basic-auth");
  CHECK(basic.message ==
        "user \"basic-auth\": username/password (basic authentication) is not supported: Kubernetes removed it "
        "from the API server in 1.19; use a client certificate, a token or an exec plugin");
  CHECK(basic.describe().find("hunter2") == std::string::npos);
  CHECK(load_error("errors.yaml", "gcp").message ==
        "user \"gcp\": auth-provider \"gcp\" is not supported (kubectl removed the gcp and azure providers in 1.26 "
        "and deprecated the rest); use the gke-gcloud-auth-plugin exec plugin instead");
  CHECK(load_error("errors.yaml", "impersonate").message ==
        "user \"impersonate\": impersonation (as) is not supported: rampart reports what the credential itself "
        "may do");
}

TEST_CASE("load: KUBECONFIG lists merge and each file's paths stay its own", "[config]") {
  Setup s;
  s.options.kubeconfig_env = fixture("merge/first/config") + "::" + fixture("merge/second/config") + ":/nonexistent:" +
                             fixture("merge/third/config");
  auto second = s.load();
  REQUIRE(second);
  CHECK(second->context == "second");
  CHECK(second->server == "https://127.0.0.2:1");
  CHECK(second->ca_pem == slurp(fixture("pki/other-ca.crt")));
  CHECK(credential(*second).bearer_token == "second-dir-token-000003");
  CHECK(second->source == fixture("merge/second/config"));

  s.options.context = "shared-ctx";
  auto shared = s.load();
  REQUIRE(shared);
  CHECK(shared->server == "https://127.0.0.1:1");
  CHECK(shared->credentials->kind() == "token");
  CHECK(credential(*shared).bearer_token == "first-token-000001");

  s.options.context = "third";
  auto third = s.load();
  REQUIRE(third);
  CHECK(third->namespace_ == "third-ns");
  CHECK(credential(*third).client_key_pem == slurp(fixture("pki/client-ec.key")));
  CHECK(third->source == fixture("merge/third/config"));
}

TEST_CASE("load: --kubeconfig beats KUBECONFIG, which beats HOME", "[config]") {
  Setup s(fixture("all-kinds.yaml"));
  s.options.kubeconfig_env = fixture("merge/second/config");
  s.options.home = fixture("home");
  CHECK(s.load()->context == "rsa-files");
  s.options.kubeconfig = "";
  CHECK(s.load()->context == "second");
  s.options.kubeconfig_env = "";
  auto home = s.load();
  REQUIRE(home);
  CHECK(home->context == "home");
  CHECK(home->ca_source == fixture("pki/ca.crt"));
  // Without the options, KUBECONFIG and HOME come from the environment.
  Setup e;
  e.options.kubeconfig_env.reset();
  e.env["HOME"] = fixture("home");
  CHECK(e.load()->context == "home");
  e.env["KUBECONFIG"] = fixture("merge/second/config");
  CHECK(e.load()->context == "second");
}

TEST_CASE("load: no kubeconfig at all is one clear error", "[config]") {
  Setup missing(fixture("nope.yaml"));
  CHECK(missing.load().error().describe() == fixture("nope.yaml") + ": kubeconfig file does not exist (--kubeconfig)");
  Setup list;
  list.options.kubeconfig_env = "/nonexistent/a:/nonexistent/b";
  CHECK(list.load().error().message ==
        "no kubeconfig found: none of the files in KUBECONFIG exist (/nonexistent/a:/nonexistent/b); use "
        "--kubeconfig, KUBECONFIG, or --in-cluster inside a pod");
  Setup home;
  CHECK(home.load().error().message ==
        "no kubeconfig found: \"/nonexistent-home/.kube/config\" does not exist; use --kubeconfig, KUBECONFIG, or "
        "--in-cluster inside a pod");
  Setup empty(fixture("merge/empty.yaml"));
  CHECK(empty.load().error().message.rfind("the kubeconfig is empty (", 0) == 0);
}

TEST_CASE("load: list_contexts returns the merged context names, sorted", "[config]") {
  Setup s;
  s.options.kubeconfig_env = fixture("merge/third/config") + ":" + fixture("merge/first/config");
  auto names = list_contexts(s.options);
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"first", "shared-ctx", "third"});
  Setup none;
  CHECK_FALSE(list_contexts(none.options));
}
