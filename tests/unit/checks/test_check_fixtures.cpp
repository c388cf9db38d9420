// One table-driven test over every check fixture: testdata/checks/<id>/<status>.<case>.json
// must make check <id> end with <status>.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "fixture.h"

using namespace rampart;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = fs::path(RAMPART_SOURCE_DIR) / "testdata" / "checks";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

TEST_CASE("checks: every fixture gives its expected status", "[checks]") {
  size_t count = 0;
  std::vector<fs::path> files;
  for (const auto& dir : fs::directory_iterator(kRoot))
    for (const auto& f : fs::directory_iterator(dir.path())) files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string id = path.parent_path().filename().string();
    std::string name = path.filename().string();
    std::string want = lower(name.substr(0, name.find('.')));
    INFO("fixture " << id << "/" << name);
    REQUIRE(testing::embedded_catalog().find(id) != nullptr);
    auto fx = testing::load_fixture(path.string());
    auto r = testing::run_one(id, fx.inventory, fx.options, fx.probe_results());
    INFO("reason: " << r.outcome.reason);
    for (const auto& f : r.outcome.findings) INFO("finding: " << f.resource.name << ": " << f.message);
    CHECK(lower(checks::to_string(r.outcome.status)) == want);
    if (!fx.severity.empty()) CHECK(checks::to_string(r.severity) == fx.severity);
    // Every non-PASS status must say why.
    if (r.outcome.status != checks::Status::kPass) CHECK_FALSE(r.outcome.reason.empty());
    if (!fx.expect.empty()) {
      bool found = r.outcome.reason.find(fx.expect) != std::string::npos;
      for (const auto& f : r.outcome.findings) {
        std::string where = f.resource.kind + " " + f.resource.namespace_ + "/" + f.resource.name;
        found |= f.message.find(fx.expect) != std::string::npos || where.find(fx.expect) != std::string::npos;
      }
      for (const auto& e : r.outcome.evidence) found |= e.value.find(fx.expect) != std::string::npos;
      CHECK(found);
    }
    ++count;
  }
  CHECK(count > 500);
}

TEST_CASE("checks: every evaluated check has a passing and a failing fixture", "[checks]") {
  std::map<std::string, std::set<std::string>> statuses;
  for (const auto& dir : fs::directory_iterator(kRoot))
    for (const auto& f : fs::directory_iterator(dir.path())) {
      std::string name = f.path().filename().string();
      statuses[dir.path().filename().string()].insert(name.substr(0, name.find('.')));
    }
  for (const auto& e : testing::embedded_catalog().entries) {
    INFO("check " << e.id);
    REQUIRE(statuses.count(e.id) == 1);
    const auto& s = statuses[e.id];
    bool manual_only = std::find(e.sources.begin(), e.sources.end(), "manual") != e.sources.end() && e.sources.front() == "manual";
    if (manual_only) {
      CHECK(s.count("manual") == 1);
      continue;
    }
    // Every check that can decide has a case that decides each way, or says why it cannot.
    CHECK((s.count("pass") + s.count("manual") + s.count("skip")) > 0);
    CHECK((s.count("fail") + s.count("warn") + s.count("manual")) > 0);
  }
}
