#include <catch2/catch.hpp>

#include <fstream>

#include "rampart/collect/parse.h"

using namespace rampart::collect;
using nlohmann::json;

namespace {
json load(const std::string& name) {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/testdata/objects/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}
}  // namespace

TEST_CASE("parse: secret metadata drops every annotation that can hold values", "[collect]") {
  SecretMeta s = parse_secret_meta(load("secret-with-last-applied.json"));
  CHECK(s.meta.name == "db-password");
  CHECK(s.meta.namespace_ == "shop");
  CHECK(s.meta.annotations.size() == 1);
  CHECK(s.meta.annotations.at("kubernetes.io/service-account.name") == "builder");
  CHECK_FALSE(s.key_count.has_value());
  REQUIRE(s.meta.owners.size() == 1);
  CHECK(s.meta.owners[0].controller);
}

TEST_CASE("parse: last-applied-configuration is dropped from every object", "[collect]") {
  json ns = {{"kind", "Namespace"},
             {"metadata",
              {{"name", "a"},
               {"annotations",
                {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}, {"owner", "team-a"}}}}}};
  Namespace n = parse_namespace(ns);
  CHECK(n.meta.annotations.size() == 1);
  CHECK(n.meta.annotations.count("owner") == 1);
}

TEST_CASE("parse: pod fields for pod security", "[collect]") {
  Pod p = parse_pod(load("pod-mixed.json"));
  CHECK(p.host_network);
  CHECK_FALSE(p.host_pid);
  CHECK(p.service_account == "default");
  CHECK(p.security_context.run_as_non_root == true);
  CHECK(p.security_context.seccomp_type == "RuntimeDefault");
  REQUIRE(p.security_context.sysctls.size() == 1);
  REQUIRE(p.containers.size() == 3);
  CHECK(p.containers[0].kind == ContainerKind::kInit);
  CHECK(p.containers[2].kind == ContainerKind::kEphemeral);
  const Container& app = p.containers[1];
  CHECK(app.security_context.privileged == true);
  CHECK_FALSE(app.security_context.allow_privilege_escalation.has_value());
  CHECK(app.security_context.run_as_user == 0);
  REQUIRE(app.security_context.capabilities.has_value());
  CHECK(app.security_context.capabilities->add == std::vector<std::string>{"NET_ADMIN"});
  CHECK(app.security_context.apparmor_type == "Unconfined");
  REQUIRE(app.ports.size() == 1);
  CHECK(app.ports[0].host_port == 80);
  REQUIRE(app.secret_env.size() == 2);
  CHECK(app.secret_env[0] == SecretEnvRef{"db", "password", "DB_PASSWORD"});
  CHECK(app.secret_env[1] == SecretEnvRef{"api-keys", "", "API_"});
  CHECK(app.probe_hosts == std::vector<std::string>{"10.0.0.1"});
  REQUIRE(p.volumes.size() == 2);
  CHECK(p.volumes[0].type == "hostPath");
  CHECK(p.volumes[0].host_path == "/");
  CHECK(p.volumes[1].secret_name == "db");
  CHECK_FALSE(p.mirror);
  CHECK(p.host_ip == "10.0.0.11");
}

TEST_CASE("parse: mistyped fields are treated as absent, never thrown", "[collect]") {
  json hostile = {{"kind", "Pod"},
                  {"metadata", {{"name", 42}, {"labels", "nope"}}},
                  {"spec", {{"hostPID", "true"}, {"containers", {{{"name", "c"}, {"ports", 7}}}}}}};
  Pod p = parse_pod(hostile);
  CHECK(p.meta.name.empty());
  CHECK_FALSE(p.host_pid);
  REQUIRE(p.containers.size() == 1);
  CHECK(p.containers[0].ports.empty());
  CHECK_NOTHROW(parse_pod(json::array()));
  CHECK_NOTHROW(parse_node(json("string")));
}

TEST_CASE("parse: label selector semantics", "[collect]") {
  LabelSelector all;
  CHECK(all.matches({}));
  LabelSelector s = parse_label_selector(json::parse(R"({
      "matchLabels": {"app": "web"},
      "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]},
                           {"key": "legacy", "operator": "DoesNotExist"}]})"));
  CHECK(s.matches({{"app", "web"}, {"tier", "fe"}}));
  CHECK_FALSE(s.matches({{"app", "web"}, {"tier", "db"}}));
  CHECK_FALSE(s.matches({{"app", "web"}, {"tier", "fe"}, {"legacy", "1"}}));
  CHECK_FALSE(s.matches({{"tier", "fe"}}));
}

TEST_CASE("parse: network policy types are defaulted like the API does", "[collect]") {
  NetworkPolicy np = parse_network_policy(json::parse(R"({
      "metadata": {"name": "deny", "namespace": "a"},
      "spec": {"podSelector": {}}})"));
  CHECK(np.policy_types == std::vector<std::string>{"Ingress"});
  CHECK(np.pod_selector.empty());
  CHECK(np.ingress.empty());
}

TEST_CASE("parse: a CSR keeps its decoded subject, never its request or certificate", "[collect]") {
  json obj = load("csr-system-masters.json");
  CertificateSigningRequest csr = parse_certificate_signing_request(obj);
  CHECK(csr.meta.name == "alice-admin");
  CHECK(csr.signer_name == "kubernetes.io/kube-apiserver-client");
  CHECK(csr.username == "kubernetes-admin");
  CHECK(csr.subject_common_name == "alice");
  CHECK(csr.subject_organizations == std::vector<std::string>{"system:masters"});
  CHECK(csr.request_error.empty());
  CHECK(csr.has_condition("Approved"));
  CHECK_FALSE(csr.has_condition("Denied"));
  CHECK(csr.issued);
  // Nothing of the bytes survives: not the base64, not a line of either PEM.
  std::string kept = csr.meta.name + csr.subject_common_name + csr.signer_name + csr.username;
  for (const auto& g : csr.groups) kept += g;
  for (const auto& c : csr.conditions) kept += c.type + c.status + c.reason;
  for (const char* field : {"/spec/request", "/status/certificate"}) {
    std::string blob = obj.at(json::json_pointer(field)).get<std::string>();
    CHECK(kept.find(blob.substr(40, 40)) == std::string::npos);
  }

  SECTION("a request that does not decode is recorded, not guessed") {
    obj["spec"]["request"] = "bm90IGEgY2VydGlmaWNhdGUgcmVxdWVzdA==";  // "not a certificate request"
    auto odd = parse_certificate_signing_request(obj);
    CHECK(odd.request_error == "spec.request: no PEM certificate request found");
    CHECK(odd.subject_organizations.empty());
    obj["spec"]["request"] = "%%%";
    CHECK(parse_certificate_signing_request(obj).request_error == "spec.request is not base64");
    obj["spec"].erase("request");
    CHECK(parse_certificate_signing_request(obj).request_error == "spec.request is empty");
  }
  SECTION("pending and denied") {
    obj["status"] = json::object();
    auto pending = parse_certificate_signing_request(obj);
    CHECK(pending.conditions.empty());
    CHECK_FALSE(pending.issued);
    obj["status"]["conditions"] = {{{"type", "Denied"}, {"status", "True"}}};
    CHECK(parse_certificate_signing_request(obj).has_condition("Denied"));
    obj["status"]["conditions"] = {{{"type", "Approved"}, {"status", "False"}}};
    CHECK_FALSE(parse_certificate_signing_request(obj).has_condition("Approved"));
  }
}

TEST_CASE("parse: admission policies and bindings keep what decides their reach", "[collect]") {
  Inventory inv;
  add_object(inv, load("admission-policy.json"));
  REQUIRE(inv.admission_policies.size() == 1);
  REQUIRE(inv.admission_policy_bindings.size() == 1);
  const auto& p = inv.admission_policies[0];
  CHECK(p.meta.name == "no-host-namespaces");
  CHECK(p.failure_policy == "Fail");
  CHECK(p.validations == 1);
  REQUIRE(p.match_constraints.resource_rules.size() == 1);
  CHECK(p.match_constraints.resource_rules[0].resources == std::vector<std::string>{"pods"});
  CHECK(p.match_constraints.resource_rules[0].operations == std::vector<std::string>{"CREATE", "UPDATE"});
  REQUIRE(p.match_constraints.namespace_selector);
  CHECK(p.match_constraints.namespace_selector->empty());
  const auto& b = inv.admission_policy_bindings[0];
  CHECK(b.policy_name == "no-host-namespaces");
  CHECK(b.validation_actions == std::vector<std::string>{"Warn", "Audit"});
  CHECK(b.match_resources);
  CHECK_FALSE(b.param_ref);

  json bare = {{"kind", "ValidatingAdmissionPolicy"},
               {"metadata", {{"name", "p"}}},
               {"spec", {{"paramKind", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}}},
                         {"matchConstraints", {{"resourceRules", {{{"resources", {"pods"}}, {"resourceNames", {"a"}}}}}}}}}};
  auto q = parse_validating_admission_policy(bare);
  CHECK(q.failure_policy == "Fail");  // the API default
  CHECK(q.validations == 0);
  CHECK(q.param_kind == "v1/ConfigMap");
  CHECK(q.match_constraints.resource_rules[0].resource_names == std::vector<std::string>{"a"});
  CHECK_FALSE(q.match_constraints.namespace_selector);
}
