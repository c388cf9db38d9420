#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "rampart/collect/api_calls.h"

using namespace rampart::collect;

namespace {

// The first ```yaml block of docs/permissions.md.
YAML::Node documented_cluster_role() {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/docs/permissions.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  auto start = doc.find("```yaml\n");
  REQUIRE(start != std::string::npos);
  start += 8;
  auto end = doc.find("```", start);
  REQUIRE(end != std::string::npos);
  return YAML::Load(doc.substr(start, end - start));
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  for (const auto& e : n) out.push_back(e.as<std::string>());
  return out;
}

}  // namespace

TEST_CASE("permissions: docs/permissions.md grants exactly the collector's calls", "[collect]") {
  YAML::Node role = documented_cluster_role();
  CHECK(role["kind"].as<std::string>() == "ClusterRole");
  std::vector<PolicyRule> documented;
  for (const auto& r : role["rules"])
    documented.push_back(PolicyRule{strings(r["verbs"]), strings(r["apiGroups"]), strings(r["resources"]), {}, {}});
  std::vector<PolicyRule> expected = cluster_role_rules(false);
  for (const auto& r : cluster_role_rules(true)) expected.push_back(r);
  CHECK(documented == expected);
}

TEST_CASE("permissions: the optional rules are secrets and nodes/proxy, read verbs only", "[collect]") {
  auto optional = cluster_role_rules(true);
  REQUIRE(optional.size() == 2);
  CHECK(optional[0].resources == std::vector<std::string>{"secrets"});
  CHECK(optional[0].verbs == std::vector<std::string>{"list"});
  CHECK(optional[1].resources == std::vector<std::string>{"nodes/proxy"});
  CHECK(optional[1].verbs == std::vector<std::string>{"get"});
  for (const auto& call : api_calls()) CHECK((call.verb == "list" || call.verb == "get"));
}
