#include <catch2/catch.hpp>

#include "rampart/report/waivers.h"

using namespace rampart;
using namespace rampart::report;
using checks::Finding;
using checks::Outcome;
using checks::Status;
using std::chrono::year_month_day;

namespace {

year_month_day date(const char* text) { return *parse_date(text); }

Finding finding(Status s, std::string kind, std::string ns, std::string name) {
  Finding f;
  f.status = s;
  f.resource = {std::move(kind), std::move(ns), std::move(name)};
  f.message = "a finding";
  return f;
}

Waiver waiver(std::string check, std::optional<ResourcePattern> resource,
              const char* expires = "2030-01-31") {
  return Waiver{std::move(check), std::move(resource), "accepted risk",
                "team-a",         date(expires),       "w.yaml:1"};
}

// 5.2.2: two privileged pods failing. 1.2.1: a flag-level FAIL without findings. 5.1.1: PASS.
std::vector<CheckOutcome> sample() {
  std::vector<CheckOutcome> r;
  Outcome privileged{Status::kFail, "2 privileged pods", {}, {}, {}, {}};
  privileged.findings = {finding(Status::kFail, "Pod", "kube-system", "kube-proxy-abc"),
                         finding(Status::kFail, "Pod", "apps", "web-1")};
  r.push_back({"5.2.2", privileged});
  r.push_back({"1.2.1", Outcome{Status::kFail, "--anonymous-auth is true", {}, {}, {}, {}}});
  Outcome pass{Status::kPass, "", {}, {}, {}, {}};
  pass.findings = {finding(Status::kPass, "ClusterRoleBinding", "", "cluster-admin")};
  r.push_back({"5.1.1", pass});
  return r;
}

const year_month_day kToday = date("2025-06-15");

}  // namespace

TEST_CASE("waivers: a file loads with defaults for absent resource fields", "[report]") {
  auto w = parse_waivers(R"(
- check: "5.2.2"
  resource: {kind: Pod, namespace: kube-system, name: "kube-proxy-*"}
  justification: kube-proxy needs privileges
  owner: platform-team
  expires: 2025-12-31
- check: 1.2.1
  justification: managed by the provider
  owner: alice@example.com
  expires: "2026-01-01"
- check: 5.1.3
  resource: {name: "ops-*"}
  justification: ops tooling
  owner: ops
  expires: 2025-07-01
)",
                         "w.yaml");
  REQUIRE(w);
  REQUIRE(w->size() == 3);
  CHECK((*w)[0].check == "5.2.2");
  CHECK((*w)[0].resource == ResourcePattern{"Pod", "kube-system", "kube-proxy-*"});
  CHECK((*w)[0].source == "w.yaml:2");
  CHECK(format_date((*w)[0].expires) == "2025-12-31");
  CHECK_FALSE((*w)[1].resource);
  CHECK((*w)[1].owner == "alice@example.com");
  CHECK((*w)[1].source == "w.yaml:7");
  CHECK((*w)[2].resource == ResourcePattern{"*", "*", "ops-*"});
}

TEST_CASE("waivers: an empty file waives nothing", "[report]") {
  auto w = parse_waivers("# no waivers yet\n", "w.yaml");
  REQUIRE(w);
  CHECK(w->empty());
}

TEST_CASE("waivers: bad entries give file:line errors", "[report]") {
  auto error_of = [](const char* yaml) {
    auto w = parse_waivers(yaml, "w.yaml");
    REQUIRE_FALSE(w);
    CHECK(w.error().kind == ErrorKind::kParse);
    return w.error().describe();
  };
  CHECK(error_of("- check: 5.2.2\n  owner: a\n  expires: 2025-01-01\n") ==
        "w.yaml:1: waiver 1: missing required field 'justification'");
  CHECK(error_of("- check: 1\n  justification: j\n  owner: a\n  expires: 2025-01-01\n"
                 "- check: 2\n  justification: j\n  expires: 2025-01-01\n") ==
        "w.yaml:5: waiver 2: missing required field 'owner'");
  CHECK(error_of("- check: 1\n  justification: j\n  owner: a\n  expires: 2025-02-30\n") ==
        "w.yaml:4: waiver 1: expires: expected a date YYYY-MM-DD, got '2025-02-30'");
  CHECK(error_of("- check: 1\n  justification: j\n  owner: a\n  expires: 31/12/2025\n") ==
        "w.yaml:4: waiver 1: expires: expected a date YYYY-MM-DD, got '31/12/2025'");
  CHECK(error_of("- check: 1\n  justification: \"  \"\n  owner: a\n  expires: 2025-01-01\n") ==
        "w.yaml:2: waiver 1: justification: must not be empty");
  CHECK(
      error_of("- check: 1\n  justification: j\n  owner: a\n  expiry: 2025-01-01\n") ==
      "w.yaml:4: waiver 1: unknown field 'expiry' (expected check, resource, justification, owner, "
      "expires)");
  CHECK(error_of("- check: 1\n  justification: j\n  owner: a\n  expires: 2025-01-01\n"
                 "  resource: {kind: Pod, nmespace: x}\n") ==
        "w.yaml:5: waiver 1: resource: unknown field 'nmespace' (expected kind, namespace, name)");
  CHECK(
      error_of(
          "- check: 1\n  justification: j\n  owner: a\n  expires: 2025-01-01\n  resource: {}\n") ==
      "w.yaml:5: waiver 1: resource: give at least one of kind, namespace, name (leave resource "
      "out "
      "to waive the whole check)");
  CHECK(error_of("- check: [1, 2]\n  justification: j\n  owner: a\n  expires: 2025-01-01\n") ==
        "w.yaml:1: waiver 1: check: expected a single value");
  CHECK(error_of("check: 1\n") ==
        "w.yaml:1: expected a list of waivers (entries starting with '- check:')");
  CHECK(error_of("- just a string\n") ==
        "w.yaml:1: waiver 1: expected a mapping with check, justification, owner, expires");
  CHECK(error_of("- check: [1\n").rfind("w.yaml:", 0) == 0);
}

TEST_CASE("waivers: a missing file is an io error naming the path", "[report]") {
  auto w = load_waivers("/nonexistent/waivers.yaml");
  REQUIRE_FALSE(w);
  CHECK(w.error().kind == ErrorKind::kIo);
  CHECK(w.error().describe() == "/nonexistent/waivers.yaml: cannot read the waivers file");
}

TEST_CASE("waivers: dates parse strictly", "[report]") {
  CHECK(parse_date("2024-02-29"));
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK_FALSE(parse_date("2024-13-01"));
  CHECK_FALSE(parse_date("2024-1-01"));
  CHECK_FALSE(parse_date("2024-01-01T00:00:00Z"));
  CHECK(format_date(date("2024-02-29")) == "2024-02-29");
}

TEST_CASE("waivers: glob matching", "[report]") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*", "anything"));
  CHECK(glob_match("kube-proxy-*", "kube-proxy-abc"));
  CHECK_FALSE(glob_match("kube-proxy-*", "kube-proxy"));
  CHECK(glob_match("web-?", "web-1"));
  CHECK_FALSE(glob_match("web-?", "web-12"));
  CHECK(glob_match("*-system", "kube-system"));
  CHECK(glob_match("a*b*c", "aXXbYYbZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYYbZ"));
  CHECK(glob_match("exact", "exact"));
  CHECK_FALSE(glob_match("exact", "exact2"));
  CHECK_FALSE(glob_match("", "x"));
}

TEST_CASE("waivers: a matching finding is waived and keeps its waiver", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(
      results, {waiver("5.2.2", ResourcePattern{"pod", "kube-system", "kube-proxy-*"})}, kToday);
  const auto& findings = results[0].outcome.findings;
  CHECK(findings[0].status == Status::kWaived);
  REQUIRE(findings[0].waiver);
  CHECK(*findings[0].waiver ==
        checks::WaiverRef{Status::kFail, "accepted risk", "team-a", "2030-01-31", "w.yaml:1"});
  CHECK(findings[0].message == "a finding");  // still visible, unchanged
  CHECK(findings[1].status == Status::kFail);
  CHECK_FALSE(findings[1].waiver);
  CHECK(results[0].outcome.status == Status::kFail);  // one failing finding is left
  REQUIRE(uses.size() == 1);
  CHECK(uses[0].state == WaiverUse::State::kApplied);
  CHECK(uses[0].matched == 1);
}

TEST_CASE("waivers: a check whose failing findings are all waived becomes WAIVED", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(results,
                            {waiver("5.2.2", ResourcePattern{"Pod", "kube-system", "*"}),
                             waiver("5.2.2", ResourcePattern{"Pod", "apps", "web-?"})},
                            kToday);
  CHECK(results[0].outcome.status == Status::kWaived);
  CHECK(results[0].outcome.reason == "2 privileged pods");
  CHECK_FALSE(results[0].outcome.waiver);  // each finding names its own waiver
  CHECK(results[0].outcome.findings[1].waiver->source == "w.yaml:1");
  CHECK(uses[0].state == WaiverUse::State::kApplied);
  CHECK(uses[1].state == WaiverUse::State::kApplied);
}

TEST_CASE("waivers: a whole-check waiver covers findings and check-level results", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(results, {waiver("5.2.2", std::nullopt), waiver("1.2.1", std::nullopt)},
                            kToday);
  CHECK(results[0].outcome.status == Status::kWaived);
  REQUIRE(results[0].outcome.waiver);
  CHECK(results[0].outcome.waiver->waived_status == Status::kFail);
  for (const auto& f : results[0].outcome.findings) CHECK(f.status == Status::kWaived);
  CHECK(results[1].outcome.status == Status::kWaived);
  REQUIRE(results[1].outcome.waiver);
  CHECK(results[1].outcome.waiver->owner == "team-a");
  CHECK(results[1].outcome.reason == "--anonymous-auth is true");
  CHECK(uses[0].matched == 2);
  CHECK(uses[1].matched == 1);
}

TEST_CASE("waivers: a waiver with a resource never waives a check-level result", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(results, {waiver("1.2.1", ResourcePattern{"*", "*", "*"})}, kToday);
  CHECK(results[1].outcome.status == Status::kFail);
  CHECK(uses[0].state == WaiverUse::State::kStale);
}

TEST_CASE("waivers: only FAIL and WARN are waived, never ERROR, SKIP or MANUAL", "[report]") {
  std::vector<CheckOutcome> results;
  results.push_back({"4.2.1", Outcome{Status::kError, "nodes/proxy forbidden", {}, {}, {}, {}}});
  results.push_back({"1.1.1", Outcome{Status::kManual, "file on the node", {}, {}, {}, {}}});
  Outcome partial{Status::kError, "one node unreadable", {}, {}, {}, {}};
  partial.findings = {finding(Status::kFail, "Node", "", "n1"),
                      finding(Status::kError, "Node", "", "n2")};
  results.push_back({"4.2.2", partial});
  auto uses = apply_waivers(
      results,
      {waiver("4.2.1", std::nullopt), waiver("1.1.1", std::nullopt), waiver("4.2.2", std::nullopt)},
      kToday);
  CHECK(results[0].outcome.status == Status::kError);
  CHECK(results[1].outcome.status == Status::kManual);
  CHECK(uses[0].state == WaiverUse::State::kStale);
  CHECK(uses[1].state == WaiverUse::State::kStale);
  // The failing node is waived; the unreadable one stays ERROR, and so does the check.
  CHECK(results[2].outcome.findings[0].status == Status::kWaived);
  CHECK(results[2].outcome.findings[1].status == Status::kError);
  CHECK(results[2].outcome.status == Status::kError);
  CHECK(uses[2].state == WaiverUse::State::kApplied);
}

TEST_CASE("waivers: waived FAIL findings leave a WARN check when WARN findings remain",
          "[report]") {
  std::vector<CheckOutcome> results;
  Outcome mixed{Status::kFail, "mixed", {}, {}, {}, {}};
  mixed.findings = {finding(Status::kFail, "Pod", "a", "p1"),
                    finding(Status::kWarn, "Pod", "b", "p2")};
  results.push_back({"5.2.5", mixed});
  apply_waivers(results, {waiver("5.2.5", ResourcePattern{"Pod", "a", "*"})}, kToday);
  CHECK(results[0].outcome.status == Status::kWarn);
  CHECK(results[0].outcome.findings[0].status == Status::kWaived);
  CHECK(results[0].outcome.findings[1].status == Status::kWarn);
}

TEST_CASE("waivers: an expired waiver no longer applies and is reported", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(
      results,
      {waiver("5.2.2", std::nullopt, "2025-06-14"), waiver("1.2.1", std::nullopt, "2025-01-01"),
       waiver("5.1.1", std::nullopt, "2025-06-15")},
      kToday);
  CHECK(results[0].outcome.status == Status::kFail);
  CHECK(results[0].outcome.findings[0].status == Status::kFail);
  CHECK(results[1].outcome.status == Status::kFail);
  REQUIRE(uses.size() == 3);
  CHECK(uses[0].state == WaiverUse::State::kExpired);
  CHECK(uses[0].note ==
        "expired on 2025-06-14; it would still match 2 results: renew it or fix them");
  CHECK(uses[1].state == WaiverUse::State::kExpired);
  CHECK(uses[1].note ==
        "expired on 2025-01-01; it would still match 1 result: renew it or fix them");
  // The expiry day itself is still covered: 5.1.1 passes, so that waiver is stale, not expired.
  CHECK(uses[2].state == WaiverUse::State::kStale);
}

TEST_CASE("waivers: an expired waiver gives way to a later one in force", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(
      results, {waiver("1.2.1", std::nullopt, "2025-01-01"), waiver("1.2.1", std::nullopt)},
      kToday);
  CHECK(results[1].outcome.status == Status::kWaived);
  CHECK(results[1].outcome.waiver->expires == "2030-01-31");
  CHECK(uses[0].state == WaiverUse::State::kExpired);
  CHECK(uses[1].state == WaiverUse::State::kApplied);
}

TEST_CASE("waivers: a waiver that matches nothing is stale, with the reason", "[report]") {
  auto results = sample();
  auto uses = apply_waivers(
      results,
      {waiver("9.9.9", std::nullopt), waiver("5.2.2", ResourcePattern{"Pod", "apps", "db-*"}),
       waiver("5.1.1", std::nullopt)},
      kToday);
  CHECK(results == sample());  // nothing changed
  REQUIRE(uses.size() == 3);
  for (const auto& u : uses) CHECK(u.state == WaiverUse::State::kStale);
  CHECK(uses[0].note == "check 9.9.9 is not in this scan's results");
  CHECK(uses[1].note == "no FAIL or WARN result of check 5.2.2 matches it");
  CHECK(uses[2].note == "no FAIL or WARN result of check 5.1.1 matches it");
  CHECK(std::string(to_string(uses[0].state)) == "stale");
}

TEST_CASE("waivers: the first matching waiver in file order is attached", "[report]") {
  auto results = sample();
  Waiver broad = waiver("5.2.2", std::nullopt);
  broad.source = "w.yaml:9";
  auto uses =
      apply_waivers(results, {waiver("5.2.2", ResourcePattern{"Pod", "apps", "*"}), broad}, kToday);
  CHECK(results[0].outcome.findings[1].waiver->source == "w.yaml:1");
  CHECK(results[0].outcome.findings[0].waiver->source == "w.yaml:9");
  CHECK(uses[0].matched == 1);
  CHECK(uses[1].matched == 2);  // matches both, attached to one
  CHECK(results[0].outcome.waiver->source == "w.yaml:9");
}
