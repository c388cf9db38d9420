#pragma once
// Loading JSON fixtures from testdata/objects/.
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace rampart::testing {

inline nlohmann::json load_object(const std::string& name) {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/testdata/objects/" + name);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace rampart::testing
