#pragma once
// A check's catalog entry paired with what its function returned: the unit every score and
// renderer reads.
#include "rampart/checks/catalog.h"
#include "rampart/checks/result.h"

namespace rampart::checks {

struct CheckResult {
  CatalogEntry entry;
  Outcome outcome;
  Severity severity = Severity::kMedium;  ///< effective: the outcome's override or the catalog's
  bool operator==(const CheckResult&) const = default;
};

}  // namespace rampart::checks
