#include <catch2/catch.hpp>

#include "rampart/score/score.h"

using namespace rampart;
using checks::Severity;
using checks::Status;

namespace {

checks::CheckResult result(std::string id, std::string section, Status s, Severity sev, std::string scope = "cluster",
                           std::vector<checks::Finding> findings = {}) {
  checks::CheckResult r;
  r.entry.id = std::move(id);
  r.entry.section = std::move(section);
  r.entry.scope = std::move(scope);
  r.entry.severity = sev;
  r.severity = sev;
  r.outcome.status = s;
  r.outcome.findings = std::move(findings);
  return r;
}

const std::vector<checks::Section> kSections = {{"1.2", "API server"}, {"5.2", "Pod security"}, {"RMP", "Ours"}};

}  // namespace

TEST_CASE("score: severity-weighted average of PASS 100, WARN 50, FAIL 0", "[score]") {
  // critical PASS (10 x 100) + low FAIL (1 x 0) + medium WARN (3 x 50) = 1150 / 14
  auto card = score::compute({result("1.2.1", "1.2", Status::kPass, Severity::kCritical),
                              result("1.2.2", "1.2", Status::kFail, Severity::kLow),
                              result("5.2.1", "5.2", Status::kWarn, Severity::kMedium)},
                             kSections, {});
  REQUIRE(card.overall.has_value());
  CHECK(*card.overall == Approx(82.1));
  CHECK(card.grade == "B");
  REQUIRE(card.sections.size() == 2);
  CHECK(*card.sections[0].score == Approx(90.9));  // 1000 / 11
  CHECK(*card.sections[1].score == Approx(50.0));
}

TEST_CASE("score: MANUAL, SKIP and ERROR do not move the score; ERROR lowers confidence and coverage", "[score]") {
  std::vector<checks::CheckResult> base = {result("1.2.1", "1.2", Status::kPass, Severity::kHigh),
                                           result("1.2.2", "1.2", Status::kFail, Severity::kHigh)};
  auto plain = score::compute(base, kSections, {});
  auto more = base;
  more.push_back(result("1.2.3", "1.2", Status::kManual, Severity::kCritical));
  more.push_back(result("1.2.4", "1.2", Status::kSkip, Severity::kCritical));
  more.push_back(result("1.2.5", "1.2", Status::kError, Severity::kCritical));
  auto with = score::compute(more, kSections, {});
  CHECK(*with.overall == *plain.overall);
  CHECK(plain.confidence == Approx(1.0));
  CHECK(with.confidence == Approx(0.667));
  CHECK(plain.coverage == Approx(1.0));
  CHECK(with.coverage == Approx(0.4));  // 2 of 5 benchmark checks decided
  CHECK(with.counts[Status::kError] == 1);
}

TEST_CASE("score: our own checks count in the score but not in benchmark coverage", "[score]") {
  auto card = score::compute({result("1.2.1", "1.2", Status::kPass, Severity::kHigh), result("RMP-001", "RMP", Status::kError, Severity::kHigh)},
                             kSections, {});
  CHECK(card.benchmark_checks == 1);
  CHECK(card.coverage == Approx(1.0));
}

TEST_CASE("score: no decided check means no score, not zero", "[score]") {
  auto card = score::compute({result("1.2.1", "1.2", Status::kManual, Severity::kHigh)}, kSections, {});
  CHECK_FALSE(card.overall.has_value());
  CHECK(card.grade == "-");
}

TEST_CASE("score: grades", "[score]") {
  CHECK(score::grade(90.0) == "A");
  CHECK(score::grade(89.9) == "B");
  CHECK(score::grade(70.0) == "C");
  CHECK(score::grade(60.0) == "D");
  CHECK(score::grade(59.9) == "F");
  CHECK(score::grade(std::nullopt) == "-");
}

TEST_CASE("score: namespaces score the namespace-scoped checks by their findings there", "[score]") {
  checks::Finding fail_a{Status::kFail, {"Pod", "a", "p"}, "bad", {}, {}, {}, {}};
  checks::Finding warn_b{Status::kWarn, {"Namespace", "", "b"}, "meh", {}, {}, {}, {}};
  auto card = score::compute({result("5.2.2", "5.2", Status::kFail, Severity::kHigh, "namespace", {fail_a, warn_b}),
                              result("5.2.3", "5.2", Status::kPass, Severity::kHigh, "namespace"),
                              result("1.2.1", "1.2", Status::kFail, Severity::kHigh)},  // cluster scope: not counted
                             kSections, {"a", "b", "c"});
  REQUIRE(card.namespaces.size() == 3);
  CHECK(card.namespaces[0].namespace_ == "a");
  CHECK(*card.namespaces[0].score == Approx(50.0));
  CHECK(card.namespaces[0].failing_checks == 1);
  CHECK(card.namespaces[1].namespace_ == "b");
  CHECK(*card.namespaces[1].score == Approx(75.0));
  CHECK(card.namespaces[2].namespace_ == "c");
  CHECK(*card.namespaces[2].score == Approx(100.0));
  CHECK(card.namespaces[2].checks == 2);
}
