// Probe results in the checks: the RMP-1xx entries against the probe stage's rule table, the
// evidence a probe finding carries, and the contradiction rule's evidence (fixture statuses are
// covered by test_check_fixtures.cpp).
#include <algorithm>
#include <set>

#include "fixture.h"
#include "rampart/probe/findings.h"

using namespace rampart;
using checks::Status;

namespace {

std::string fixture_path(const std::string& id, const std::string& name) {
  return std::string(RAMPART_SOURCE_DIR) + "/testdata/checks/" + id + "/" + name + ".json";
}

checks::CheckResult run_fixture(const std::string& id, const std::string& name) {
  auto fx = testing::load_fixture(fixture_path(id, name));
  return testing::run_one(id, fx.inventory, fx.options, fx.probe_results());
}

std::set<std::string> sources_of(const checks::Finding& f) {
  std::set<std::string> out;
  for (const auto& e : f.evidence) out.insert(e.source);
  return out;
}

bool has_evidence(const std::vector<checks::Evidence>& ev, const std::string& what_part, const std::string& value_part) {
  return std::any_of(ev.begin(), ev.end(), [&](const checks::Evidence& e) {
    return e.what.find(what_part) != std::string::npos && e.value.find(value_part) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("probe checks: the catalog lists every rule of the probe stage with its severity", "[checks]") {
  const auto& cat = testing::embedded_catalog();
  std::set<std::string> rule_ids;
  for (const auto& rule : probe::rmp_rules()) {
    rule_ids.insert(std::string(rule.id));
    const auto* e = cat.find(rule.id);
    INFO("rule " << rule.id);
    REQUIRE(e != nullptr);
    CHECK(e->severity == rule.severity);
    CHECK(e->sources == std::vector<std::string>{"probe"});
    CHECK(e->title == rule.title);
  }
  for (const auto& e : cat.entries)
    if (e.id.starts_with("RMP-1")) {
      INFO("catalog entry " << e.id);
      CHECK(rule_ids.count(e.id) == 1);
    }
}

TEST_CASE("probe checks: a finding per target carries the request, the status line and the excerpt", "[checks]") {
  auto r = run_fixture("RMP-102", "fail.probed");
  REQUIRE(r.outcome.status == Status::kFail);
  REQUIRE(r.outcome.findings.size() == 1);
  const auto& f = r.outcome.findings.front();
  CHECK(f.resource.kind == "NetworkEndpoint");
  CHECK(f.resource.name == "kubelet://10.0.0.21:10250");
  CHECK(has_evidence(f.evidence, "P-1 kubelet://10.0.0.21:10250", "anonymous-allowed"));
  CHECK(has_evidence(f.evidence, "GET /pods", "HTTP/1.1 200 OK"));
  CHECK(has_evidence(f.evidence, "GET /pods response (excerpt)", "PodList"));
  CHECK(r.severity == checks::Severity::kCritical);
}

TEST_CASE("probe checks: the etcd range records the body rampart sent", "[checks]") {
  auto r = run_fixture("RMP-105", "fail.data-readable");
  REQUIRE(r.outcome.findings.size() == 1);
  CHECK(has_evidence(r.outcome.findings[0].evidence, "POST /v3/kv/range request body", "\"count_only\":true"));
  CHECK(r.severity == checks::Severity::kCritical);
}

TEST_CASE("probe checks: a filtered target is never a PASS", "[checks]") {
  for (const char* id : {"RMP-101", "RMP-104", "RMP-108", "RMP-110", "RMP-112", "RMP-114", "RMP-116", "RMP-118"}) {
    INFO(id);
    auto r = run_fixture(id, "error.filtered");
    CHECK(r.outcome.status == Status::kError);
    REQUIRE_FALSE(r.outcome.findings.empty());
    CHECK(r.outcome.findings[0].message.find("filtered") != std::string::npos);
  }
}

TEST_CASE("probe checks: without probe results an RMP check says the probes were not run", "[checks]") {
  auto r = run_fixture("RMP-104", "skip.no-probes");
  CHECK(r.outcome.status == Status::kSkip);
  CHECK(r.outcome.reason.find("probes were not run") != std::string::npos);
  auto none = run_fixture("RMP-104", "skip.no-target");
  CHECK(none.outcome.status == Status::kSkip);
  CHECK(none.outcome.reason.find("no etcd client endpoint discovered") != std::string::npos);
}

TEST_CASE("probe checks: contradiction on 1.2.1 carries the flag and the probe response", "[checks]") {
  auto r = run_fixture("1.2.1", "fail.contradiction");
  REQUIRE(r.outcome.status == Status::kFail);
  CHECK(r.outcome.reason.starts_with("contradiction: the flags say PASS"));
  REQUIRE(r.outcome.findings.size() == 1);
  const auto& f = r.outcome.findings[0];
  CHECK(std::find(f.tags.begin(), f.tags.end(), "contradiction") != f.tags.end());
  CHECK(sources_of(f) == std::set<std::string>{"flags", "probe"});
  CHECK(has_evidence(f.evidence, "kube-apiserver --anonymous-auth", "false"));
  CHECK(has_evidence(f.evidence, "GET /version", "HTTP/1.1 200 OK"));
  CHECK(has_evidence(f.evidence, "GET /api response (excerpt)", "system:anonymous"));
  CHECK(r.severity == checks::Severity::kMedium);

  auto reads = run_fixture("1.2.1", "fail.contradiction-reads");
  CHECK(reads.severity == checks::Severity::kCritical);
  REQUIRE_FALSE(reads.outcome.findings.empty());
  CHECK(reads.outcome.findings[0].severity == checks::Severity::kCritical);
}

TEST_CASE("probe checks: contradiction on 4.2.4 carries the configz field and the P-3 answer", "[checks]") {
  auto r = run_fixture("4.2.4", "fail.contradiction-explicit-zero");
  REQUIRE(r.outcome.status == Status::kFail);
  REQUIRE(r.outcome.findings.size() == 1);
  const auto& f = r.outcome.findings[0];
  CHECK(sources_of(f) == std::set<std::string>{"kubelet", "probe"});
  CHECK(has_evidence(f.evidence, "worker1: configz readOnlyPort", "0"));
  CHECK(has_evidence(f.evidence, "GET /pods", "HTTP/1.1 200 OK"));
  CHECK(f.resource.name == "kubelet-readonly://10.0.0.21:10255");
}

TEST_CASE("probe checks: the fallback decides only when flags or configz cannot", "[checks]") {
  auto api = run_fixture("1.2.1", "pass.fallback-all-401");
  CHECK(api.outcome.status == Status::kPass);
  CHECK(has_evidence(api.outcome.evidence, "result from the flags", "SKIP: control plane not visible"));
  CHECK(has_evidence(api.outcome.evidence, "RMP-108 apiserver://10.0.0.10:6443", "PASS"));

  auto kubelet = run_fixture("4.2.1", "pass.fallback-401");
  CHECK(kubelet.outcome.status == Status::kPass);
  CHECK(has_evidence(kubelet.outcome.evidence, "result from configz", "ERROR"));

  // An evidence-only row never turns into a PASS, whatever the probes saw.
  auto evidence = run_fixture("2.3", "skip.evidence-never-decides");
  CHECK(evidence.outcome.status == Status::kSkip);
}

TEST_CASE("probe checks: empty probe results leave flag and configz checks as they were", "[checks]") {
  probe::ProbeResults empty;
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"1.2.1", "pass.flags"}, {"2.2", "fail.flags"}, {"4.2.4", "pass.configz"}, {"4.3.1", "fail.configmap"}}) {
    INFO(id << " " << name);
    auto fx = testing::load_fixture(fixture_path(id, name));
    auto without = testing::run_one(id, fx.inventory, fx.options, nullptr);
    auto with = testing::run_one(id, fx.inventory, fx.options, &empty);
    CHECK(without == with);
  }
}
