#pragma once
// Probe results in the checks (cis-controls.md §1 "P", §3), written once:
// - rmp_check: an RMP-1xx check, decided by the probe stage's verdicts alone;
// - with_probes: the contradiction rule for CIS controls that flags (F) or configz (K) decide
//   and probes corroborate. Private to src/checks/.
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "common.h"

namespace rampart::checks::detail {

using probe::TargetKind;

/// The target kinds that speak TLS (P-7 and the certificate verdicts look at them).
const std::vector<TargetKind>& tls_kinds();

/// What an RMP-1xx check looks at. The verdicts themselves come from probe::probe_findings.
struct RmpCheck {
  std::string_view id;            ///< "RMP-101"
  std::vector<TargetKind> kinds;  ///< targets that bear on it
  std::string_view targets;       ///< plural noun for reasons: "kubelet endpoints"
  std::string_view none_found;    ///< SKIP reason when there is no such target
  std::string_view not_run;       ///< why the deciding probe may not have run on an open target
};

/// SKIP when probes did not run or no target of these kinds was probed; otherwise one finding
/// per target: the probe stage's verdict with its exchanges as evidence; a target without a
/// verdict is closed (PASS: refused from this vantage point), filtered or unresolvable
/// (ERROR: never a PASS) or open but not probed for this check (SKIP, with `not_run`).
/// Multi-instance rule: FAIL if any target fails, ERROR if any could not be told, PASS only
/// when every target passed. A FAIL takes the severity of its most severe finding.
Outcome rmp_check(const ScanView& v, const RmpCheck& c);

/// How probes bear on one CIS control (cis-controls.md, the Eval column).
struct ProbeLink {
  enum class Role {
    kDecides,   ///< "F, P" / "K, P": contradiction rule, and P decides when F/K cannot
    kEvidence,  ///< "F (P)" / "K (P)": probe verdicts are evidence, never a status
  };
  Role role = Role::kDecides;
  std::vector<std::string_view> ids = {};  ///< RMP verdicts that bear on the control
  std::vector<TargetKind> kinds = {};      ///< targets of the control's component
  /// Only FAIL verdicts decided by this probe observe the exposure (2.4: plaintext seen by P-4,
  /// not a missing client certificate seen by P-5).
  std::optional<probe::ProbeId> fail_probe = {};
  /// When F/K could not decide (SKIP, ERROR, MANUAL): PASS if every instance (node, or target)
  /// answered and every id PASSed there. Off for rows whose probe can only show an exposure.
  bool fallback_pass = false;
  /// A FAIL of this id on an exposed endpoint makes the control (and that finding) critical.
  std::string_view critical_if = {};
  std::string_view source = "flags";  ///< what decided the outcome: "flags" or "kubelet" (configz)
  /// Adjusts the observed exposures (FAIL verdicts) before they count: drops those the control
  /// does not care about and adds observations the probe stage has no RMP id for. Notes become
  /// check-level evidence.
  std::function<std::vector<ProbeVerdict>(const ScanView&, std::vector<ProbeVerdict>, std::vector<Evidence>& notes)>
      refine = {};
};

/// Applies `link` to the F/K outcome `decided`. Without probe results the outcome is unchanged.
/// An exposure turns PASS into FAIL ("contradiction": each finding carries the F/K evidence of
/// its instance and the probe's exchange), adds findings to a FAIL, and FAILs a control F/K
/// could not decide. Without exposure, a kDecides link with fallback_pass may turn SKIP, ERROR
/// or MANUAL into PASS; otherwise the verdicts are added as evidence.
Outcome with_probes(const ScanView& v, Outcome decided, const ProbeLink& link);

/// A result as evidence: probe, reachability, classification and summary, then each request
/// line with its status line and response excerpt. For results no RMP verdict describes.
std::vector<Evidence> probe_result_evidence(const probe::ProbeResult& r);

}  // namespace rampart::checks::detail
