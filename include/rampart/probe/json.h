#pragma once
// ProbeResults as JSON, for `rampart probe --output json` and the report's probe section, and
// back (saved probe results, check fixtures). Field names are snake_case; the order of results is
// the order of ProbeResults.
#include <nlohmann/json.hpp>

#include "rampart/core/error.h"
#include "rampart/probe/result.h"

namespace rampart::probe {

nlohmann::json to_json(const ProbeResult& result);
nlohmann::json to_json(const ProbeResults& results);

/// The inverse of to_json(const ProbeResults&): `results_from_json(to_json(r)) == r`. Also takes
/// the whole `rampart probe --output json` document (`{"probes": ..., "findings": ...}`; the
/// findings are derived data and ignored). Certificates written before `issuer_cn` and
/// `subject_organisations` were part of the JSON get them from the `issuer` / `subject` names.
/// Errors name the offending field ("results[2].reachability: unknown value \"maybe\"").
[[nodiscard]] Result<ProbeResults> results_from_json(const nlohmann::json& j);

}  // namespace rampart::probe
