#pragma once
// Probe results → the RMP-101..119 checks of cis-controls.md §3, per target. Pure. The checks
// engine wires these in later; it aggregates per id (FAIL if any target fails, PASS only if
// every target passed, ERROR naming the rest) and applies the contradiction rule to the CIS
// controls each id names.
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/result.h"
#include "rampart/probe/result.h"

namespace rampart::probe {

/// One RMP check as the catalog will list it.
struct RmpRule {
  std::string_view id;     ///< "RMP-101"
  std::string_view title;
  checks::Severity severity;  ///< default; a finding may raise or lower it (see findings.cpp)
  std::string_view cis;    ///< nearest CIS controls, comma-separated ("" when none)
  ProbeId probe;           ///< the probe that decides it
};

/// RMP-101..RMP-119 in id order.
const std::vector<RmpRule>& rmp_rules();

/// One RMP verdict on one target.
struct ProbeFinding {
  std::string id;              ///< "RMP-102"
  checks::Finding finding;     ///< status FAIL / PASS / ERROR; resource = the target
                               ///< (kind "NetworkEndpoint", name = its URL); probe evidence
  bool operator==(const ProbeFinding&) const = default;
};

/// Every RMP verdict the results support, sorted by (id, target URL). A probe that did not run
/// gives no finding; a filtered port or an answer outside the tables gives ERROR (never PASS);
/// a refused connection gives PASS "closed from this vantage point". P-2 gives none: it only
/// means something next to rampart's RBAC permissions, which the checks engine holds.
std::vector<ProbeFinding> probe_findings(const ProbeResults& results);

}  // namespace rampart::probe
