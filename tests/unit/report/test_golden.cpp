// Golden reports: the text and JSON renderings of a scan of testdata/inventories/kubeadm-demo.json.
// Regenerate only on purpose: RAMPART_UPDATE_GOLDEN=1 build/tests/rampart_unit_tests "[golden]"
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../checks/fixture.h"
#include "rampart/report/renderer.h"

using namespace rampart;

namespace {

const std::string kSource = RAMPART_SOURCE_DIR;

report::ScanReport demo_report() {
  auto inv = collect::load_inventory_file(kSource + "/testdata/inventories/kubeadm-demo.json",
                                          {"networkpolicies", "mutatingwebhookconfigurations", "customresourcedefinitions",
                                           "validatingadmissionpolicies", "validatingadmissionpolicybindings",
                                           "certificatesigningrequests", "services"});
  REQUIRE(inv.has_value());
  checks::ScanOptions opts;
  opts.allowed_registries = {"registry.k8s.io", "ghcr.io/acme"};
  auto eval = checks::evaluate(*inv, testing::embedded_catalog(), {}, opts);
  REQUIRE(eval.has_value());
  // No timestamp: golden files must not change from run to run.
  report::ReportContext ctx{"0.0.0-test", "", "inventory:kubeadm-demo.json", opts.system_namespaces, opts.excluded_namespaces,
                            eval->not_selected, std::nullopt};
  return report::make_report(*inv, testing::embedded_catalog(), std::move(eval->results), eval->workload_namespaces, ctx);
}

std::string render(const report::ScanReport& r, const std::string& format, bool verbose) {
  auto renderer = report::make_renderer(format, {false, verbose});
  REQUIRE(renderer.has_value());
  std::ostringstream out;
  (*renderer)->render(r, out);
  return out.str();
}

void compare(const std::string& name, const std::string& actual) {
  std::string path = kSource + "/testdata/golden/" + name;
  if (const char* update = std::getenv("RAMPART_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("updated " << path);
    return;
  }
  std::string expected = testing::read_file(path);
  INFO("golden file " << path << " differs; if the change is intended, regenerate with RAMPART_UPDATE_GOLDEN=1");
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("report: golden text report", "[report][golden]") {
  auto r = demo_report();
  compare("kubeadm-demo.txt", render(r, "text", false));
  compare("kubeadm-demo.verbose.txt", render(r, "text", true));
}

TEST_CASE("report: golden JSON report", "[report][golden]") { compare("kubeadm-demo.json", render(demo_report(), "json", false)); }

TEST_CASE("report: the same scan renders the same bytes", "[report]") {
  CHECK(render(demo_report(), "json", false) == render(demo_report(), "json", false));
}

TEST_CASE("report: the streamed JSON equals the document model, empty reports included", "[report]") {
  auto r = demo_report();
  CHECK(render(r, "json", false) == report::to_json(r).dump(2) + "\n");
  r.checks.clear();
  CHECK(render(r, "json", false) == report::to_json(r).dump(2) + "\n");
}

TEST_CASE("report: JSON follows the documented schema", "[report]") {
  auto doc = report::to_json(demo_report());
  CHECK(doc["schema_version"] == report::kSchemaVersion);
  CHECK(doc["benchmark"]["name"] == "CIS Kubernetes Benchmark");
  CHECK(doc["benchmark"]["version"] == "v1.12.0");
  CHECK(doc["scanner"]["name"] == "rampart");
  CHECK(doc["generated_at"].is_null());
  CHECK(doc["cluster"]["version"] == "v1.34.3");
  CHECK(doc["checks"].size() == testing::embedded_catalog().entries.size());
  for (const auto& c : doc["checks"]) {
    for (const char* key : {"id", "title", "section", "level", "status", "severity", "reason", "findings", "evidence"}) {
      INFO(c["id"] << " lacks " << key);
      CHECK(c.contains(key));
    }
    for (const auto& f : c["findings"]) {
      CHECK(f["resource"].contains("kind"));
      CHECK(f["resource"].contains("namespace"));
      CHECK(f["resource"].contains("name"));
      CHECK(f.contains("message"));
      CHECK(f["evidence"].is_array());
    }
  }
  CHECK(doc["score"]["overall"].is_number());
  CHECK(doc["score"]["sections"].is_array());
  CHECK(doc["score"]["namespaces"].is_array());
  CHECK(doc["coverage"]["not_collected"].is_array());
  CHECK(doc["exclusions"]["system_namespaces"] == nlohmann::json({"kube-node-lease", "kube-public", "kube-system"}));
}

TEST_CASE("report: colour only when asked, unknown formats rejected", "[report]") {
  auto r = demo_report();
  CHECK(render(r, "text", false).find("\033[") == std::string::npos);
  auto coloured = report::make_renderer("text", {true, false});
  REQUIRE(coloured.has_value());
  std::ostringstream out;
  (*coloured)->render(r, out);
  CHECK(out.str().find("\033[31m[FAIL]") != std::string::npos);
  auto bad = report::make_renderer("yaml", {});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "unknown output format 'yaml' (known: text, json, html, junit, csv, sarif, prometheus, oscal)");
}
