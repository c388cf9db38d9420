#include <set>

#include "fixture.h"
#include "rampart/checks/registry.h"

using namespace rampart;
using namespace rampart::checks;

TEST_CASE("catalog: the embedded catalog loads and holds all 131 CIS v1.12 controls", "[checks]") {
  const auto& cat = testing::embedded_catalog();
  size_t cis = 0;
  for (const auto& e : cat.entries) cis += std::isdigit(static_cast<unsigned char>(e.id[0])) ? 1 : 0;
  CHECK(cis == 131);
  CHECK(cat.benchmark == "CIS Kubernetes Benchmark v1.12.0");
  CHECK(cat.find("5.2.9")->level == 2);
  CHECK(cat.find("1.2.1")->severity == Severity::kMedium);
  CHECK_FALSE(cat.products.empty());
  CHECK_FALSE(cat.releases.supported_minors.empty());
}

TEST_CASE("catalog: every entry has a function and every function an entry", "[checks]") {
  const auto& cat = testing::embedded_catalog();
  std::set<std::string> ids;
  for (const auto& e : cat.entries) {
    ids.insert(e.id);
    INFO("catalog entry " << e.id << " (" << e.file << ":" << e.line << ")");
    CHECK(registry().count(e.id) == 1);
  }
  for (const auto& [id, fn] : registry()) {
    INFO("registered function " << id);
    CHECK(ids.count(id) == 1);
  }
  CHECK(duplicate_registrations().empty());
}

TEST_CASE("catalog: ids sort like the benchmark", "[checks]") {
  CHECK(check_order_less("1.2.9", "1.2.10"));
  CHECK(check_order_less("2.7", "3.1.1"));
  CHECK(check_order_less("5.6.4", "RMP-001"));
  CHECK_FALSE(check_order_less("1.2.10", "1.2.9"));
  const auto& e = testing::embedded_catalog().entries;
  for (size_t i = 1; i < e.size(); ++i) CHECK(check_order_less(e[i - 1].id, e[i].id));
}

namespace {

const char* kValid = R"(sections:
  - id: "9.9"
    title: Test
kubernetes:
  supported_minors: ["1.35"]
  as_of: "2026-11"
  kubelet_max_skew: 3
checks:
  - id: "9.9.1"
    title: A check
    section: "9.9"
    level: 1
    severity: high
    mode: automated
    sources: [api]
    reads: things
    pass: no bad things
    rationale: because
    remediation: fix it
)";

Error load_error(const std::string& text) {
  auto cat = load_catalog({{"test.yaml", text}});
  REQUIRE_FALSE(cat.has_value());
  return cat.error();
}

}  // namespace

TEST_CASE("catalog: a valid file loads", "[checks]") {
  auto cat = load_catalog({{"test.yaml", kValid}});
  REQUIRE(cat.has_value());
  REQUIRE(cat->entries.size() == 1);
  CHECK(cat->entries[0].line == 9);
  CHECK(cat->entries[0].scope == "cluster");
}

TEST_CASE("catalog: problems are reported with file and line", "[checks]") {
  std::string bad_severity = kValid;
  bad_severity.replace(bad_severity.find("severity: high"), 14, "severity: huge");
  auto e = load_error(bad_severity);
  CHECK(e.describe() == "test.yaml:13: unknown severity 'huge'");

  std::string unknown_key = std::string(kValid) + "    colour: red\n";
  CHECK(load_error(unknown_key).describe() == "test.yaml:20: unknown key 'colour' in check entry");

  std::string missing = kValid;
  missing.replace(missing.find("    remediation: fix it\n"), 24, "");
  CHECK(load_error(missing).describe() == "test.yaml:9: missing 'remediation'");

  std::string dup = std::string(kValid) + "  - id: \"9.9.1\"\n    title: again\n    section: \"9.9\"\n    level: 2\n    severity: low\n"
                                          "    mode: manual\n    sources: [api]\n    reads: x\n    pass: y\n    rationale: z\n    remediation: w\n";
  CHECK(load_error(dup).describe() == "test.yaml:20: duplicate check id 9.9.1");

  CHECK(load_error("checks: [\n").describe().rfind("test.yaml:", 0) == 0);
  CHECK(load_error("just a string").message.find("must be a map") != std::string::npos);

  std::string two = bad_severity + "    colour: red\n";
  CHECK(load_error(two).message == "unknown key 'colour' in check entry (and 1 more problems)");
}

TEST_CASE("catalog: manual entries must say what to inspect", "[checks]") {
  std::string manual = kValid;
  manual.replace(manual.find("sources: [api]"), 14, "sources: [manual]");
  CHECK(load_error(manual).message == "check 9.9.1 is manual but says nothing to 'inspect'");
}

TEST_CASE("catalog: what to inspect is an instruction, not the evaluator's shorthand", "[checks]") {
  for (const auto& e : testing::embedded_catalog().entries) {
    INFO(e.id << " inspect: " << e.inspect);
    CHECK(e.inspect.find("MANUAL") == std::string::npos);  // a person reads this, not a status
    CHECK(e.inspect.find("->") == std::string::npos);
  }
}

TEST_CASE("catalog: selection by id, skip and level; unknown ids are an error", "[checks]") {
  const auto& cat = testing::embedded_catalog();
  auto all = select_checks(cat, {});
  REQUIRE(all.has_value());
  CHECK(all->size() == cat.entries.size());
  auto l1 = select_checks(cat, Selection{{}, {}, 1});
  REQUIRE(l1.has_value());
  for (const auto* e : *l1) CHECK(e->level == 1);
  CHECK(l1->size() < all->size());
  auto some = select_checks(cat, Selection{{"5.1.1", "1.2.1"}, {"1.2.1"}, std::nullopt});
  REQUIRE(some.has_value());
  REQUIRE(some->size() == 1);
  CHECK((*some)[0]->id == "5.1.1");
  auto bad = select_checks(cat, Selection{{"9.9.9", "5.1.1"}, {"X-1"}, std::nullopt});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "unknown check ids 9.9.9, X-1 (see rampart checks list)");
}

TEST_CASE("catalog: --checks-dir reads a directory and rejects a missing one", "[checks]") {
  auto cat = load_catalog_dir(std::string(RAMPART_SOURCE_DIR) + "/checks");
  REQUIRE(cat.has_value());
  CHECK(cat->entries.size() == testing::embedded_catalog().entries.size());
  auto missing = load_catalog_dir("/nonexistent/dir");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().describe() == "/nonexistent/dir: not a directory");
}
