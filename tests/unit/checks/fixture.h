#pragma once
// Loading check fixtures (testdata/checks/<id>/<status>.<case>.json) for the unit tests.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rampart/checks/engine.h"
#include "rampart/collect/inventory_file.h"
#include "rampart/probe/json.h"

namespace rampart::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const checks::Catalog& embedded_catalog() {
  static const checks::Catalog cat = [] {
    auto c = checks::load_embedded_catalog();
    if (!c) FAIL(c.error().describe());
    return *c;
  }();
  return cat;
}

struct Fixture {
  collect::Inventory inventory;
  checks::ScanOptions options;
  std::string expect;  ///< substring expected in the reason or a finding message
  std::string severity;  ///< expected effective severity ("critical"), when the fixture says
  /// The fixture's "probes": what `rampart probe --output json` writes (its "probes" object, or
  /// the whole document). Absent: the probe stage did not run.
  std::optional<probe::ProbeResults> probes;
  [[nodiscard]] const probe::ProbeResults* probe_results() const { return probes ? &*probes : nullptr; }
};

inline Fixture load_fixture(const std::string& path) {
  std::string text = read_file(path);
  nlohmann::json doc = nlohmann::json::parse(text);
  Fixture f;
  std::vector<std::string> collected;
  if (doc.contains("collected")) collected = doc["collected"].get<std::vector<std::string>>();
  auto inv = collect::parse_inventory(text, path, collected);
  REQUIRE(inv.has_value());
  f.inventory = std::move(*inv);
  if (doc.contains("options")) {
    const auto& o = doc["options"];
    if (o.contains("allowed_registries")) f.options.allowed_registries = o["allowed_registries"].get<std::vector<std::string>>();
    if (o.contains("excluded_namespaces")) f.options.excluded_namespaces = o["excluded_namespaces"].get<std::vector<std::string>>();
    if (o.contains("self")) {
      f.options.self = rbac::Identity{o["self"].value("user", ""), {}};
      if (o["self"].contains("groups")) f.options.self->groups = o["self"]["groups"].get<std::vector<std::string>>();
    }
  }
  if (doc.contains("probes")) {
    auto probes = probe::results_from_json(doc["probes"]);
    if (!probes) FAIL(path << ": " << probes.error().describe());
    f.probes = std::move(*probes);
  }
  if (doc.contains("expect") && doc["expect"].is_string()) f.expect = doc["expect"].get<std::string>();
  if (doc.contains("severity") && doc["severity"].is_string()) f.severity = doc["severity"].get<std::string>();
  return f;
}

/// Runs one check on an inventory (and probe results, when given) and returns its result.
inline checks::CheckResult run_one(const std::string& id, const collect::Inventory& inv, const checks::ScanOptions& opts = {},
                                   const probe::ProbeResults* probes = nullptr) {
  checks::Selection sel;
  sel.only = {id};
  auto eval = checks::evaluate(inv, embedded_catalog(), sel, opts, probes);
  REQUIRE(eval.has_value());
  REQUIRE(eval->results.size() == 1);
  return eval->results.front();
}

}  // namespace rampart::testing
