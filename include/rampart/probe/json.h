#pragma once
// ProbeResults as JSON, for `rampart probe --output json` and the report's probe section.
// Field names are snake_case; the order of results is the order of ProbeResults.
#include <nlohmann/json.hpp>

#include "rampart/probe/result.h"

namespace rampart::probe {

nlohmann::json to_json(const ProbeResult& result);
nlohmann::json to_json(const ProbeResults& results);

}  // namespace rampart::probe
