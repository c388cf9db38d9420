#include "../checks/fixture.h"
#include "rampart/report/catalog_doc.h"

using namespace rampart;

TEST_CASE("docs: docs/checks.md is the catalog's current markdown", "[report]") {
  std::string committed = testing::read_file(std::string(RAMPART_SOURCE_DIR) + "/docs/checks.md");
  INFO("docs/checks.md is stale: run  build/rampart checks list --output markdown > docs/checks.md");
  CHECK(committed == report::catalog_markdown(testing::embedded_catalog()));
}

TEST_CASE("docs: every check appears with what it reads, its pass condition and remediation", "[report]") {
  std::string md = report::catalog_markdown(testing::embedded_catalog());
  for (const auto& e : testing::embedded_catalog().entries) {
    INFO(e.id);
    CHECK(md.find("| " + e.id + " | ") != std::string::npos);
  }
  CHECK(md.find("Falco") != std::string::npos);
}

TEST_CASE("docs: checks show describes one entry", "[report]") {
  const auto& cat = testing::embedded_catalog();
  std::string text = report::describe_entry(cat, *cat.find("5.1.3"));
  CHECK(text.rfind("5.1.3  Roles avoid wildcards\n", 0) == 0);
  CHECK(text.find("  defined in:  5.1-rbac.yaml:") != std::string::npos);
}
