#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/kubeconfig.h"
#include "rampart/core/log.h"

using namespace rampart::config;
using rampart::config::test::fixture;
using rampart::config::test::slurp;

namespace {
rampart::Error parse_error(const std::string& rel) {
  auto r = parse_kubeconfig(slurp(fixture(rel)), fixture(rel));
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == rampart::ErrorKind::kConfig);
  return r.error();
}
}  // namespace

TEST_CASE("kubeconfig: fields are read, paths resolved against the file's folder, data decoded", "[config]") {
  auto kc = parse_kubeconfig(slurp(fixture("all-kinds.yaml")), fixture("all-kinds.yaml"));
  REQUIRE(kc);
  CHECK(kc->current_context == "rsa-files");
  CHECK(kc->current_context_origin == Location{fixture("all-kinds.yaml"), 5});
  const ClusterEntry& main = kc->clusters.at("main");
  CHECK(main.server == "https://127.0.0.1:1");
  CHECK(main.certificate_authority == fixture("pki/ca.crt"));
  CHECK(main.origin.file == fixture("all-kinds.yaml"));
  CHECK(main.origin.line == 7);
  const ClusterEntry& data = kc->clusters.at("data-ca");
  CHECK(data.certificate_authority_data == slurp(fixture("pki/ca.crt")));
  CHECK(data.tls_server_name == "kubernetes.default.svc");
  CHECK(data.proxy_url == "socks5://127.0.0.1:1080");
  CHECK(kc->clusters.at("insecure").insecure_skip_tls_verify);
  CHECK(kc->clusters.at("exec-ext").exec_extension == nlohmann::json{{"audience", "rampart-test"}, {"retries", 3}});
  CHECK(kc->users.at("rsa-files").client_key == fixture("pki/client-rsa.key"));
  CHECK(kc->users.at("ec-data").client_key_data == slurp(fixture("pki/client-ec.key")));
  CHECK(kc->users.at("token-file").token_file == fixture("tokens/token.txt"));
  const ExecConfig& exec = *kc->users.at("exec-v1").exec;
  CHECK(exec.command == fixture("plugins/token.sh"));
  CHECK(exec.args == std::vector<std::string>{"client.authentication.k8s.io/v1", "exec-token-v1"});
  CHECK(exec.env == std::vector<ExecEnvVar>{{"RAMPART_PLUGIN_GREETING", "hello"}});
  CHECK(exec.provide_cluster_info);
  CHECK(exec.interactive_mode == "Never");
  // v1beta1 plugins default to IfAvailable, as kubectl's defaulting does.
  CHECK(kc->users.at("exec-v1beta1-cert").exec->interactive_mode == "IfAvailable");
  CHECK(kc->contexts.at("ec-data").namespace_ == "team-a");
  CHECK(kc->contexts.size() == 15);
}

TEST_CASE("kubeconfig: a command without a slash stays a PATH lookup", "[config]") {
  auto kc = parse_kubeconfig(slurp(fixture("exec.yaml")), fixture("exec.yaml"));
  REQUIRE(kc);
  CHECK(kc->users.at("missing").exec->command == "rampart-test-no-such-plugin");
  CHECK(kc->users.at("missing-path").exec->command == fixture("plugins/no-such-plugin.sh"));
  CHECK(kc->users.at("v1-without-mode").exec->interactive_mode.empty());
}

TEST_CASE("kubeconfig: relative kubeconfig paths resolve against the absolute folder", "[config]") {
  auto kc = parse_kubeconfig("users:\n- name: u\n  user:\n    tokenFile: ./a/../t.txt\n", "some/dir/config");
  REQUIRE(kc);
  CHECK(kc->users.at("u").token_file == (std::filesystem::current_path() / "some/dir/t.txt").string());
  auto abs = parse_kubeconfig("users:\n- name: u\n  user:\n    tokenFile: /etc/t\n", "x/config");
  CHECK(abs->users.at("u").token_file == "/etc/t");
}

TEST_CASE("kubeconfig: empty files and comment-only files are empty configs", "[config]") {
  CHECK(parse_kubeconfig("", "/x")->empty());
  CHECK(parse_kubeconfig(slurp(fixture("merge/empty.yaml")), "/x")->empty());
  CHECK_FALSE(parse_kubeconfig("current-context: a\n", "/x")->empty());
}

TEST_CASE("kubeconfig: malformed YAML names the file and line", "[config]") {
  auto e = parse_error("parse-errors/malformed.yaml");
  CHECK(e.context == fixture("parse-errors/malformed.yaml") + ":7");
  CHECK(e.message.rfind("malformed YAML: ", 0) == 0);
}

TEST_CASE("kubeconfig: structural errors name the field and line", "[config]") {
  auto dup = parse_error("parse-errors/duplicate-cluster.yaml");
  CHECK(dup.describe() == fixture("parse-errors/duplicate-cluster.yaml") + ":6: duplicate name \"main\" in clusters");
  auto b64 = parse_error("parse-errors/bad-base64.yaml");
  CHECK(b64.describe() == fixture("parse-errors/bad-base64.yaml") +
                              ":6: users[\"alice\"].user.client-key-data: invalid base64 at byte 4");
  auto kind = parse_error("parse-errors/wrong-kind.yaml");
  CHECK(kind.describe() == fixture("parse-errors/wrong-kind.yaml") +
                               ":2: not a kubeconfig: kind is \"Pod\", expected \"Config\"");
  auto list = parse_error("parse-errors/clusters-not-list.yaml");
  CHECK(list.describe() == fixture("parse-errors/clusters-not-list.yaml") + ":4: clusters must be a list");
  auto server = parse_error("parse-errors/server-not-string.yaml");
  CHECK(server.describe() == fixture("parse-errors/server-not-string.yaml") +
                                 ":6: clusters[\"main\"].cluster.server must be a string");
  auto scalar_top = parse_kubeconfig("just a string", "/k");
  REQUIRE_FALSE(scalar_top);
  CHECK(scalar_top.error().message == "not a kubeconfig: the top level must be a mapping");
  auto bool_field = parse_kubeconfig("clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: maybe\n", "/k");
  REQUIRE_FALSE(bool_field);
  CHECK(bool_field.error().describe() ==
        "/k:4: clusters[\"c\"].cluster.insecure-skip-tls-verify must be true or false");
}

TEST_CASE("kubeconfig: secrets are registered as soon as they are read", "[config]") {
  auto kc = parse_kubeconfig("users:\n- name: u\n  user:\n    token: parse-time-secret-123\n", "/k");
  REQUIRE(kc);
  CHECK(rampart::log::scrub("parse-time-secret-123") == "[REDACTED]");
}

TEST_CASE("kubeconfig: files come from --kubeconfig, else KUBECONFIG, else HOME", "[config]") {
  auto explicit_files = kubeconfig_files("/a", "/b:/c", "/home/u");
  CHECK(explicit_files.paths == std::vector<std::string>{"/a"});
  CHECK(explicit_files.explicit_path);
  auto env_files = kubeconfig_files("", ":/b::/c:/b:", "/home/u");
  CHECK(env_files.paths == std::vector<std::string>{"/b", "/c"});  // empties and repeats dropped
  CHECK_FALSE(env_files.explicit_path);
  CHECK(kubeconfig_files("", "", "/home/u").paths == std::vector<std::string>{"/home/u/.kube/config"});
  CHECK(kubeconfig_files("", "", "").paths.empty());
}

TEST_CASE("kubeconfig: merging keeps the first file's entries whole", "[config]") {
  KubeconfigFiles files{{fixture("merge/first/config"), fixture("merge/second/config"), fixture("merge/third/config")},
                        false, "KUBECONFIG"};
  auto kc = read_kubeconfig(files);
  REQUIRE(kc);
  CHECK(kc->current_context == "second");  // the first file sets none; the third's is ignored
  CHECK(kc->current_context_origin.file == fixture("merge/second/config"));
  const ClusterEntry& shared = kc->clusters.at("shared");
  CHECK(shared.server == "https://127.0.0.1:1");
  CHECK_FALSE(shared.insecure_skip_tls_verify);  // set only by the losing second entry
  const UserEntry& user = kc->users.at("shared");
  CHECK(user.token == "first-token-000001");
  CHECK(user.token_file.empty());
  CHECK(kc->contexts.at("shared-ctx").cluster == "shared");
  CHECK(kc->users.at("second-user").token_file == fixture("merge/second/token.txt"));
  CHECK(kc->users.at("third-user").client_key == fixture("pki/client-ec.key"));
  CHECK(kc->files.size() == 3);
}

TEST_CASE("kubeconfig: missing files in KUBECONFIG are skipped, a missing --kubeconfig is not", "[config]") {
  KubeconfigFiles list{{"/nonexistent/a", fixture("merge/first/config")}, false, "KUBECONFIG"};
  auto kc = read_kubeconfig(list);
  REQUIRE(kc);
  CHECK(kc->missing == std::vector<std::string>{"/nonexistent/a"});
  CHECK(kc->contexts.count("first") == 1);
  KubeconfigFiles explicit_missing{{"/nonexistent/a"}, true, "--kubeconfig"};
  auto e = read_kubeconfig(explicit_missing);
  REQUIRE_FALSE(e);
  CHECK(e.error().describe() == "/nonexistent/a: kubeconfig file does not exist (--kubeconfig)");
}

TEST_CASE("kubeconfig: a broken file anywhere in the list is an error", "[config]") {
  KubeconfigFiles list{{fixture("merge/first/config"), fixture("parse-errors/duplicate-cluster.yaml")}, false,
                       "KUBECONFIG"};
  auto kc = read_kubeconfig(list);
  REQUIRE_FALSE(kc);
  CHECK(kc.error().context == fixture("parse-errors/duplicate-cluster.yaml") + ":6");
  KubeconfigFiles dir{{fixture("merge")}, false, "KUBECONFIG"};
  auto d = read_kubeconfig(dir);
  REQUIRE_FALSE(d);
  CHECK(d.error().message == "cannot read kubeconfig \"" + fixture("merge") + "\": Is a directory");
}
